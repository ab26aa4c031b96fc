"""The change log: what each promoted version changed against the previous one, per row key.

A promotion compares the new table with the current one on the source's key
(`Source.change_key`: curated files by `id`, live sources by their natural key) and writes one
record per kind that happened: rows `added`, rows `removed`, values `revised` (old → new and the
relative change). The record goes into the promotion's own transaction, so a version never exists
without its record. Failures, staleness and recoveries add `failed`/`stale`/`recovered` records.
Everything here is recomputable from two stored versions (`diff_versions`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from data_sources.history import BOOKKEEPING
from data_sources.store import Store, _aware
from data_sources.store_tables import changes

DATA_KINDS = ("added", "revised", "removed")
HEALTH_KINDS = ("failed", "stale", "recovered")
KINDS = (*DATA_KINDS, *HEALTH_KINDS)
DETAIL_MAX = 500  # items kept per record; the count says how many there were
SHOWN = 3  # items named in a summary
# Columns whose change is bookkeeping, not a revision of the data.
NOT_COMPARED = frozenset((*BOOKKEEPING, "upstream_updated"))


@dataclass(frozen=True)
class Revision:
    """One value that changed between two versions of a row."""

    key: str
    column: str
    old: Any
    new: Any

    @property
    def relative(self) -> float | None:
        """(new − old) / |old| for numbers; None for text or from zero."""
        if not (_is_number(self.old) and _is_number(self.new)) or self.old == 0:
            return None
        return (float(self.new) - float(self.old)) / abs(float(self.old))

    def as_item(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "column": self.column,
            "old": self.old,
            "new": self.new,
            "relative": None if self.relative is None else round(self.relative, 6),
        }

    def text(self) -> str:
        change = "" if self.relative is None else f" ({self.relative:+.1%})"
        return f"{self.key} {self.column} {_show(self.old)} → {_show(self.new)}{change}"


@dataclass
class Diff:
    """Rows added and removed (by key) and values revised between two tables."""

    key: tuple[str, ...]
    first: bool = False  # there was no previous version
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    revised: list[Revision] = field(default_factory=list)
    added_rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # for the alert rules

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.revised)


@dataclass(frozen=True)
class Record:
    """One change record before it is stored."""

    key: str
    source_id: str
    kind: str
    rows: int
    summary: str
    detail: list[Any]
    version_id: int | None = None
    previous_version_id: int | None = None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _plain(value: Any) -> Any:
    """A cell as JSON can hold it: missing → None, numpy scalars → Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def _labels(frame: pd.DataFrame, key: Sequence[str]) -> pd.Series:
    """Each row's key as one string, `a/b/c`."""
    if frame.empty:
        return pd.Series([], dtype=str)
    parts = [frame[c].map(lambda v: "" if _plain(v) is None else _show(_plain(v))) for c in key]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "/" + part
    return joined.reset_index(drop=True)


def diff_tables(old: pd.DataFrame | None, new: pd.DataFrame, key: Sequence[str]) -> Diff:
    """What changed from `old` to `new`, rows matched on `key` (all columns when a table lacks
    the key, so a schema change still shows as rows removed and added)."""
    keys = tuple(key)
    if old is None:
        labels = _labels(new, keys) if all(c in new.columns for c in keys) else None
        added = labels.tolist() if labels is not None else [str(i) for i in range(len(new))]
        return Diff(keys, first=True, added=added, added_rows=new)
    if not keys or not all(c in old.columns and c in new.columns for c in keys):
        keys = tuple(c for c in new.columns if c in old.columns and c not in NOT_COMPARED)
    old = old.assign(_pp_key=_labels(old, keys).values).drop_duplicates("_pp_key", keep="last")
    new = new.assign(_pp_key=_labels(new, keys).values).drop_duplicates("_pp_key", keep="last")
    old_i, new_i = old.set_index("_pp_key"), new.set_index("_pp_key")
    added = [k for k in new_i.index if k not in old_i.index]
    removed = [k for k in old_i.index if k not in new_i.index]
    common = [k for k in new_i.index if k in old_i.index]
    columns = [
        c for c in new_i.columns if c in old_i.columns and c not in keys and c not in NOT_COMPARED
    ]
    revised: list[Revision] = []
    if common and columns:
        a, b = old_i.loc[common, columns], new_i.loc[common, columns]
        for column in columns:
            before, after = a[column], b[column]
            same = (before == after) | (before.isna() & after.isna())
            for row_key in same.index[~same.fillna(False).astype(bool)]:
                revised.append(
                    Revision(str(row_key), column, _plain(before[row_key]), _plain(after[row_key]))
                )
    revised.sort(key=lambda r: (r.key, r.column))
    added_rows = new[new["_pp_key"].isin(set(added))].drop(columns="_pp_key")
    return Diff(keys, added=added, removed=removed, revised=revised, added_rows=added_rows)


def records_of(source_id: str, diff: Diff, previous_version_id: int | None) -> list[Record]:
    """The change records of one promotion (version id filled in when it is written)."""
    out = []
    base = f"{source_id}:after:{previous_version_id or 0}"
    if diff.added:
        what = f"first version: {len(diff.added)} rows" if diff.first else _count(diff.added, "row")
        named = "" if diff.first else ": " + ", ".join(diff.added[:SHOWN]) + _more(diff.added)
        out.append(
            Record(
                f"{base}:added",
                source_id,
                "added",
                len(diff.added),
                what + named,
                diff.added[:DETAIL_MAX],
                previous_version_id=previous_version_id,
            )
        )
    if diff.revised:
        rows = len({r.key for r in diff.revised})
        biggest = sorted(diff.revised, key=lambda r: -abs(r.relative or 0))[:SHOWN]
        summary = (
            f"{_count(diff.revised, 'value')} revised in {_count(range(rows), 'row')}: "
            + "; ".join(r.text() for r in biggest)
            + _more(diff.revised)
        )
        out.append(
            Record(
                f"{base}:revised",
                source_id,
                "revised",
                len(diff.revised),
                summary,
                [r.as_item() for r in diff.revised[:DETAIL_MAX]],
                previous_version_id=previous_version_id,
            )
        )
    if diff.removed:
        summary = _count(diff.removed, "row") + " removed: " + ", ".join(diff.removed[:SHOWN])
        out.append(
            Record(
                f"{base}:removed",
                source_id,
                "removed",
                len(diff.removed),
                summary + _more(diff.removed),
                diff.removed[:DETAIL_MAX],
                previous_version_id=previous_version_id,
            )
        )
    return out


def _count(items: Sequence[Any] | range, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _more(items: Sequence[Any]) -> str:
    return f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""


def write(conn: sa.Connection, record: Record, created_at: datetime) -> int | None:
    """Insert a record once (its `key`); None when it was already there."""
    found = conn.execute(sa.select(changes.c.id).where(changes.c.key == record.key)).scalar()
    if found is not None:
        return None
    result = conn.execute(
        changes.insert().values(
            key=record.key,
            source_id=record.source_id,
            version_id=record.version_id,
            previous_version_id=record.previous_version_id,
            kind=record.kind,
            created_at=created_at,
            rows=record.rows,
            summary=record.summary,
            detail=json.dumps(record.detail, ensure_ascii=False, default=str),
        )
    )
    key = result.inserted_primary_key
    return int(key[0]) if key else None


def diff_versions(store: Store, source_id: str, version_id: int, key: Sequence[str]) -> Diff:
    """Recompute a stored version's diff against the version before it (same source)."""
    earlier = [v.id for v in store.list_versions(source_id) if v.id < version_id]
    loaded = store.load(source_id, version_id)
    if loaded is None:
        raise KeyError(f"{source_id} has no stored version {version_id}")
    before = store.load(source_id, earlier[-1]) if earlier else None
    return diff_tables(before[1] if before else None, loaded[1], key)


def list_changes(
    store: Store,
    *,
    since: datetime | None = None,
    sources: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    upto: int | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Stored records, newest first, with `detail` parsed; `upto` is the highest id to show."""
    query = sa.select(changes).order_by(changes.c.id.desc()).limit(limit)
    if since is not None:
        query = query.where(changes.c.created_at >= since)
    if sources is not None:
        query = query.where(changes.c.source_id.in_(list(sources)))
    if kinds is not None:
        query = query.where(changes.c.kind.in_(list(kinds)))
    if upto is not None:
        query = query.where(changes.c.id <= upto)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        row["created_at"] = _aware(row["created_at"])
        row["detail"] = json.loads(row["detail"])
    return rows


def latest_id(store: Store) -> int | None:
    """The newest record's id (None: the log is empty): what a cache of the log keys on."""
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(changes.c.id))).scalar()


def last_revised(store: Store, source_id: str, version_id: int) -> datetime | None:
    """When the data of this version (or one before it) was last revised or had rows removed."""
    query = sa.select(sa.func.max(changes.c.created_at)).where(
        changes.c.source_id == source_id,
        changes.c.version_id <= version_id,
        changes.c.kind.in_(("revised", "removed")),
    )
    with store.engine.connect() as conn:
        return _aware(conn.execute(query).scalar())
