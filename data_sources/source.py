"""What every data source declares: who publishes it, how to fetch it, how to tidy and check it."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd
import pandera.pandas as pa

from data_sources import config
from data_sources.http import HttpClient, RawResponse, register_secret


@dataclass
class FetchContext:
    """What a `fetch` function gets: the shared HTTP client, its base URL and its credentials."""

    http: HttpClient
    base_url: str
    credentials: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One upstream dataset: `fetch` does the I/O, `tidy` is pure, `schema` guards promotion."""

    id: str
    title: str
    publisher: str
    licence: str
    landing_url: str
    cadence: timedelta | None  # how often upstream updates; stale after this; None: never stale
    default_base_url: str
    fetch: Callable[[FetchContext], list[RawResponse]]
    tidy: Callable[[list[RawResponse]], pd.DataFrame]
    schema: pa.DataFrameSchema
    description: str = ""
    attribution: str = ""
    credentials: Sequence[str] = ()  # environment variables holding credentials
    credentials_required: bool = False  # True: skipped without them; False: keyless mode
    may_be_empty: bool = False
    public: bool = True  # False: rows never leave the app (ACLED terms)

    @property
    def base_url(self) -> str:
        return config.base_url(self.id, self.default_base_url)

    def read_credentials(self) -> dict[str, str]:
        """The credentials that are set (registered for redaction); missing ones are left out."""
        found = {}
        for name in self.credentials:
            value = os.environ.get(name, "").strip()
            if value:
                register_secret(value)
                found[name] = value
        return found

    @property
    def needs_credentials(self) -> str:
        if not self.credentials:
            return "no"
        return "required" if self.credentials_required else "optional"


def schema_fingerprint(frame: pd.DataFrame) -> str:
    """Column names and dtypes, recorded with every attempt so schema drift is visible."""
    return ",".join(f"{name}:{dtype}" for name, dtype in frame.dtypes.astype(str).items())
