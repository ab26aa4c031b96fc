"""Rows of one dataset for the public API: query parameters, time filters, provenance columns,
ETags and the CSV/JSON bodies (cached per data version and filters; versions are immutable)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from werkzeug.datastructures import MultiDict

from data_sources import registry
from data_sources.source import Source
from data_sources.store import VersionInfo

API_REVISION = "1"  # bump when the body layout changes, so old ETags stop matching
FORMATS = ("csv", "json")
YEAR_MIN, YEAR_MAX = 1, 9999
VERSION_MAX = 2**31 - 1
LIMIT_MAX = 100_000
OFFSET_MAX = 999_999_999
PROVENANCE = ("dataset", "version", "fetched_at", "sha256")
_DIGITS = re.compile(r"[0-9]{1,10}")


class ApiError(Exception):
    """A client or lookup error, answered as JSON `{"error": ..., "parameter": ...}`."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


def public_source(dataset_id: str) -> Source:
    """The registered, public source with this id; anything else is a 404 that reveals nothing."""
    source = registry.BY_ID.get(dataset_id)
    if source is None or not is_public(source):
        raise ApiError(404, f"unknown dataset {dataset_id!r}; see /api/v1/datasets", "id")
    return source


def is_public(source: Source) -> bool:
    """Rows of non-public sources (ACLED's terms) never leave the app."""
    return source.public and source.id != "acled"


_RANGES = (("period_start", "period_end"), ("date_start", "date_end"))
_POINTS = ("date", "period", "year", "event_date")


def time_columns(columns: Sequence[str]) -> list[str]:
    """The columns `from`/`to` filter on: a start/end pair (curated values, UCDP events) or one
    date or year (curated events, live tables); empty when the table has no time column."""
    for pair in _RANGES:
        if set(pair) <= set(columns):
            return list(pair)
    return [c for c in _POINTS if c in columns][:1]


@dataclass(frozen=True)
class Query:
    """Validated parameters of a rows request."""

    fmt: str
    year_from: int | None = None
    year_to: int | None = None
    version: int | None = None
    limit: int | None = None
    offset: int = 0

    def filters(self) -> dict[str, int]:
        """The filters the client set (echoed in the JSON body and part of the ETag)."""
        named = {
            "from": self.year_from,
            "to": self.year_to,
            "version": self.version,
            "limit": self.limit,
            "offset": self.offset or None,
        }
        return {k: v for k, v in named.items() if v is not None}


def _int(args: MultiDict, name: str, low: int, high: int) -> int | None:
    values = args.getlist(name)
    if len(values) > 1:
        raise ApiError(400, f"{name} given more than once", name)
    if not values or values[0] == "":
        return None
    text = values[0]
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ApiError(
            400, f"{name} must be a whole number from {low} to {high}, not {shown!r}", name
        )
    return int(text)


def parse_query(fmt: str, args: MultiDict) -> Query:
    """Validate the format and query string; the first bad parameter raises a 400 naming it."""
    if fmt not in FORMATS:
        shown = fmt if len(fmt) <= 40 else fmt[:40] + "…"
        raise ApiError(400, f"unknown format {shown!r}; use .csv or .json", "format")
    year_from = _int(args, "from", YEAR_MIN, YEAR_MAX)
    year_to = _int(args, "to", YEAR_MIN, YEAR_MAX)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ApiError(400, f"from ({year_from}) is after to ({year_to})", "from")
    return Query(
        fmt=fmt,
        year_from=year_from,
        year_to=year_to,
        version=_int(args, "version", 1, VERSION_MAX),
        limit=_int(args, "limit", 1, LIMIT_MAX),
        offset=_int(args, "offset", 0, OFFSET_MAX) or 0,
    )


def etag(dataset_id: str, info: VersionInfo, query: Query) -> str:
    """Strong validator of one version's body under the given filters (unquoted)."""
    key = [API_REVISION, dataset_id, info.id, info.sha256, info.table_sha256, query.fmt]
    key.append(sorted((k, v) for k, v in query.filters().items() if k != "version"))
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]


def not_modified(header_tags: Sequence[str | None], tag: str) -> bool:
    """If-None-Match matches: `*`, or our tag, weak or with a compression suffix (`:gzip`).
    Empty tags (`""`, `W/""`, which Werkzeug reads as None) match nothing."""
    return any(raw == "*" or (raw and raw.split(":", 1)[0] == tag) for raw in header_tags)


def _year(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.astype("string").str.slice(0, 4), errors="coerce")


def filter_years(frame: pd.DataFrame, year_from: int | None, year_to: int | None) -> pd.DataFrame:
    """Rows whose time column falls in [from, to]; curated periods need only overlap it."""
    columns = time_columns(list(frame.columns))
    if not columns or (year_from is None and year_to is None) or frame.empty:
        return frame
    low = year_from if year_from is not None else YEAR_MIN
    high = year_to if year_to is not None else YEAR_MAX
    if len(columns) == 2:
        mask = (_year(frame[columns[1]]) >= low) & (_year(frame[columns[0]]) <= high)
    else:
        years = _year(frame[columns[0]])
        mask = (years >= low) & (years <= high)
    return frame[mask.fillna(False).astype(bool)]


def iso(value: datetime | None) -> str | None:
    """UTC timestamps as `2026-01-31T12:00:00Z` (as /healthz and `status --json` write them)."""
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else None


def with_provenance(frame: pd.DataFrame, dataset_id: str, info: VersionInfo) -> pd.DataFrame:
    """The table plus `dataset`, `version`, `fetched_at` and `sha256` on every row."""
    return frame.assign(
        dataset=dataset_id, version=info.id, fetched_at=iso(info.fetched_at), sha256=info.sha256
    )


def body(source: Source, info: VersionInfo, frame: pd.DataFrame, query: Query) -> tuple[bytes, str]:
    """The response body and its MIME type."""
    frame = filter_years(frame, query.year_from, query.year_to)
    total = len(frame)
    end = None if query.limit is None else query.offset + query.limit
    frame = with_provenance(frame.iloc[query.offset : end], source.id, info)
    if query.fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8"), "text/csv; charset=utf-8"
    document = {
        "dataset": source.id,
        "title": source.title,
        "version": info.id,
        "fetched_at": iso(info.fetched_at),
        "sha256": info.sha256,
        "upstream_updated": info.upstream_updated,
        "licence": source.licence,
        "attribution": source.attribution,
        "landing_url": source.landing_url,
        "filters": query.filters(),
        "time_columns": time_columns(list(frame.columns)),
        "total": total,
        "rows": json.loads(frame.to_json(orient="records", date_format="iso")),
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8"), "application/json"
