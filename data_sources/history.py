"""History that accumulates: a rolling-window fetch (GDELT's 3 months, UCDP's candidate files)
is merged into the stored table instead of replacing it.

Per key the newest fetch wins. Every row carries `first_seen` (when a fetch first returned it)
and `revised_at` (the last fetch that changed its values; empty if never), so revisions stay
visible. Merging the same window twice gives the same table, so no new version is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

FIRST_SEEN = "first_seen"
REVISED_AT = "revised_at"
BOOKKEEPING = (FIRST_SEEN, REVISED_AT)
NOT_VALUES = (*BOOKKEEPING, "source_url")  # a changed URL alone is no revision


def history_columns() -> dict[str, pa.Column]:
    """Schema columns of a merged table (optional: the window from `tidy` has none yet)."""
    return {
        FIRST_SEEN: pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}T"), required=False),
        REVISED_AT: pa.Column(str, nullable=True, required=False),
    }


@dataclass(frozen=True)
class MergeStats:
    """What one merge did: rows new to the history, rows whose values changed, history rows the
    window no longer covers (kept), history rows the new fetch retired (dropped)."""

    added: int
    revised: int
    kept: int
    retired: int


def merge_history(
    history: pd.DataFrame | None,
    window: pd.DataFrame,
    *,
    key: Sequence[str],
    sort: Sequence[str] = (),
    seen_at: str,
    history_seen_at: str | None = None,
    retire: Callable[[pd.DataFrame, pd.DataFrame], pd.Series] | None = None,
) -> tuple[pd.DataFrame, MergeStats]:
    """`window` merged into `history` on `key`: the window's rows win, history rows outside the
    window stay (unless `retire` marks them), ordered by `sort` (default `key`).

    `seen_at` stamps rows first seen in this fetch and rows it revised; `history_seen_at` stands
    in for `first_seen` on a history stored before these columns existed.
    """
    keys, order = list(key), list(sort or key)
    columns = [c for c in window.columns if c not in BOOKKEEPING]
    new = window[columns].copy()
    if history is None or history.empty:
        out = new.assign(**{FIRST_SEEN: seen_at, REVISED_AT: None})
        out = out.sort_values(order, kind="stable").reset_index(drop=True)
        return out, MergeStats(added=len(out), revised=0, kept=0, retired=0)
    old = history.copy()
    if FIRST_SEEN not in old.columns:
        old[FIRST_SEEN] = history_seen_at
    if REVISED_AT not in old.columns:
        old[REVISED_AT] = None
    retired = 0
    if retire is not None:
        mask = retire(old, new).reindex(old.index, fill_value=False).astype(bool)
        retired = int(mask.sum())
        old = old[~mask]
    old_keyed = old.set_index(keys)
    new_keyed = new.set_index(keys)
    common = new_keyed.index.isin(old_keyed.index)
    values = [c for c in columns if c not in keys and c not in NOT_VALUES]
    before = old_keyed.reindex(new_keyed.index[common]).reindex(columns=values)
    after = new_keyed[common].reindex(columns=values)
    changed = (_differs(before, after)).any(axis=1).to_numpy()

    first_seen = pd.Series(seen_at, index=new_keyed.index, dtype=object)
    revised_at = pd.Series(None, index=new_keyed.index, dtype=object)
    first_seen[common] = old_keyed[FIRST_SEEN].reindex(before.index).to_numpy()
    previous_revision = old_keyed[REVISED_AT].reindex(before.index).to_numpy()
    revised_at[common] = [
        seen_at if c else p for c, p in zip(changed, previous_revision, strict=True)
    ]
    merged_window = new_keyed.assign(
        **{FIRST_SEEN: first_seen.to_numpy(), REVISED_AT: revised_at.to_numpy()}
    ).reset_index()
    outside = old_keyed[~old_keyed.index.isin(new_keyed.index)].reset_index()
    out = pd.concat(
        [
            outside.reindex(columns=[*columns, *BOOKKEEPING]),
            merged_window[[*columns, *BOOKKEEPING]],
        ],
        ignore_index=True,
    )
    out = out.sort_values(order, kind="stable").reset_index(drop=True)
    out[REVISED_AT] = out[REVISED_AT].astype(object).where(out[REVISED_AT].notna(), None)
    stats = MergeStats(
        added=int((~common).sum()),
        revised=int(changed.sum()),
        kept=len(outside),
        retired=retired,
    )
    return out, stats


def _differs(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Cell by cell: the values differ (two missing values are equal; 3 equals 3.0)."""
    both_missing = before.isna() & after.isna()
    unequal = before.astype(object).ne(after.astype(object))
    return unequal & ~both_missing
