"""How fresh a render is: "as of", "data to", stale and failed sources — all from the versions
the render actually read (its `Reads`) and the store's status of those sources."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data import door
from dashboard.data.door import Reads


@dataclass(frozen=True)
class Freshness:
    as_of: str | None  # date of the newest retrieval or access behind the output
    data_to: str | None  # the latest date the data covers
    stale: list[tuple[str, str]]  # (source id, stale since)
    failed: list[tuple[str, str]]  # (source id, last error)


def of_render(
    reads: Reads,
    frame: pd.DataFrame,
    date_columns: tuple[str, ...] = ("period_end",),
    frozen: bool = False,
) -> Freshness:
    """Freshness of an output built from `frame` after `reads`. A frozen output shows no
    stale or failed badges: it is a snapshot of the versions it names."""
    retrieved = [
        info.fetched_at.date().isoformat()
        for s in reads.present()
        if (info := reads.info(s)) is not None and info.fetched_at
    ]
    accessed = []
    if not frame.empty and "accessed" in frame.columns:
        accessed = [str(frame["accessed"].dropna().astype(str).max())[:10]]
    as_of = max(retrieved + accessed, default=None)
    if accessed:  # curated rows: the access date is the honest "as of"
        as_of = accessed[0]
    data_to = None
    for column in date_columns:
        if not frame.empty and column in frame.columns:
            newest = pd.to_datetime(frame[column], errors="coerce").max()
            data_to = None if pd.isna(newest) else str(newest.date())
            break
    if (
        data_to is None
        and date_columns
        and not frame.empty
        and "period" in frame.columns
        and pd.api.types.is_numeric_dtype(frame["period"])
    ):
        data_to = str(int(frame["period"].max()))
    if frozen:
        return Freshness(as_of, data_to, [], [])
    rows = door.statuses()
    present = reads.present()
    stale = [(s, rows[s]["stale_since"] or "") for s in present if rows.get(s, {}).get("stale")]
    failed = [
        (s, rows[s]["last_error"] or "")
        for s in reads.sources()
        if rows.get(s, {}).get("state") == "failed"
    ]
    return Freshness(as_of, data_to, stale, failed)


def failed_sources() -> list[dict]:
    return [row for row in door.statuses().values() if row["state"] == "failed"]
