"""How fresh each chart is: "as of", stale sources, failed refreshes (from the store's status)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from dashboard import data

_TTL = 10.0  # seconds: status is read at most this often per process
_cache: tuple[float, dict[str, dict]] = (0.0, {})


def statuses() -> dict[str, dict]:
    """`status` of every source keyed by id, cached briefly."""
    global _cache
    stamp, cached = _cache
    if time.monotonic() - stamp > _TTL or not cached:
        cached = {row["id"]: row for row in data.statuses()}
        _cache = (time.monotonic(), cached)
    return cached


def reset() -> None:
    """Forget cached status and rendered charts (after switching stores)."""
    global _cache
    _cache = (0.0, {})
    from dashboard import response_cache
    from dashboard.charts import clear_cache

    clear_cache()
    response_cache.clear()


@dataclass(frozen=True)
class Freshness:
    as_of: str | None  # date of the newest retrieval or access behind the chart
    data_to: str | None  # the latest date the data covers
    stale: list[tuple[str, str]]  # (source id, stale since)
    failed: list[tuple[str, str]]  # (source id, last error)


def for_chart(
    source_ids: tuple[str, ...],
    frame: pd.DataFrame,
    date_columns: tuple[str, ...] = ("period_end",),
) -> Freshness:
    rows = statuses()
    retrieved = [rows[s]["fetched_at"] for s in source_ids if rows.get(s, {}).get("fetched_at")]
    accessed = []
    if not frame.empty and "accessed" in frame.columns:
        accessed = [str(frame["accessed"].max())]
    as_of = max([r[:10] for r in retrieved if r] + accessed, default=None)
    if accessed:  # curated rows: the access date is the honest "as of"
        as_of = accessed[0]
    data_to = None
    for column in date_columns:
        if not frame.empty and column in frame.columns:
            data_to = str(pd.to_datetime(frame[column]).max().date())
            break
    if (
        data_to is None
        and date_columns
        and not frame.empty
        and "period" in frame.columns
        and pd.api.types.is_numeric_dtype(frame["period"])
    ):
        data_to = str(int(frame["period"].max()))
    stale = [(s, rows[s]["stale_since"] or "") for s in source_ids if rows.get(s, {}).get("stale")]
    failed = [
        (s, rows[s]["last_error"] or "")
        for s in source_ids
        if rows.get(s, {}).get("state") == "failed"
    ]
    return Freshness(as_of, data_to, stale, failed)


def failed_sources() -> list[dict]:
    return [row for row in statuses().values() if row["state"] == "failed"]
