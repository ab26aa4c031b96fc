"""What every data source declares: who publishes it, how to fetch it, how to tidy and check it."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pandera.pandas as pa

from data_sources import config
from data_sources.errors import SourceError
from data_sources.http import HttpClient, RawResponse, register_secret


@dataclass
class FetchContext:
    """What a `fetch` function gets: the shared HTTP client, its base URL and its credentials."""

    http: HttpClient
    base_url: str
    credentials: dict[str, str] = field(default_factory=dict)
    # URLs of the raw parts behind the current version (the store's provenance): a file an
    # earlier run fetched. A fetcher that discovers files by name treats a 404 for one of these
    # as a failure, and a 404 for a name never fetched as "not published yet".
    # Given as the URLs, or as a function the store answers on first use (most fetchers never
    # ask, so a refresh does not query for them).
    previous: frozenset[str] | Callable[[], Iterable[str]] = frozenset()

    @functools.cached_property
    def previous_urls(self) -> frozenset[str]:
        return frozenset(self.previous() if callable(self.previous) else self.previous)

    def fetched_before(self, name: str) -> bool:
        """Whether an earlier run fetched a file whose URL path ends with `/name` (by path, so
        a changed base URL or query string still matches)."""
        tail = "/" + name.strip("/")
        return any(_path_of(url).endswith(tail) for url in self.previous_urls)

    def get_published(self, url: str, name: str, **kwargs: Any) -> RawResponse | None:
        """GET a file found by its name. None: upstream answers 404 for a name no earlier run
        fetched (not published yet, which is normal); a 404 for a file an earlier run fetched
        fails the source (`release_gone`), so the last good version stays current."""
        try:
            return self.http.get(url, **kwargs)
        except SourceError as err:
            if err.status != 404:
                raise
            if self.fetched_before(name):
                raise SourceError(
                    "release_gone",
                    f"{name} was fetched by an earlier run and is now gone",
                    url=err.url,
                    status=404,
                ) from None
            return None


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
    # Rolling-window sources: each fetch is merged into the stored history on these key
    # columns (newest wins, `first_seen`/`revised_at` recorded) instead of replacing it.
    history_key: tuple[str, ...] = ()
    history_sort: tuple[str, ...] = ()  # row order of the merged table (default: the key)
    # Optional: which rows of the stored history the new fetch retires (e.g. UCDP candidate
    # events superseded by a yearly release): (history, new) -> boolean mask over history.
    history_retire: Callable[[pd.DataFrame, pd.DataFrame], pd.Series] | None = None
    # What names a row across versions, for the change log (rows added, removed, revised).
    # Default: `history_key`, else the schema's `unique` columns (curated files: `id`).
    key: tuple[str, ...] = ()

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
    def change_key(self) -> tuple[str, ...]:
        """The columns that name a row across versions (see `key`)."""
        unique = self.schema.unique
        declared = [unique] if isinstance(unique, str) else list(unique or [])
        return tuple(self.key or self.history_key or declared)

    @property
    def needs_credentials(self) -> str:
        if not self.credentials:
            return "no"
        return "required" if self.credentials_required else "optional"


def _path_of(url: str) -> str:
    """The path of `url` without its query: what names a file whatever the host."""
    return urlsplit(url).path.rstrip("/")


def schema_fingerprint(frame: pd.DataFrame) -> str:
    """Column names and dtypes, recorded with every attempt so schema drift is visible."""
    return ",".join(f"{name}:{dtype}" for name, dtype in frame.dtypes.astype(str).items())
