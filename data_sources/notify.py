"""What a refresh writes beside the data: change records and the alerts they raise.

A promotion's records and alerts are written by `on_promotion(...)(conn, version_id)` inside the
promotion's transaction (no alert without its data, no data without its alert). A source's health
turns (failed, stale, recovered) are written after its attempt (`after_attempt`) and at the end of
a run (`check_stale`).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa

from data_sources import alerts, changes, config
from data_sources.source import Source
from data_sources.status import source_status
from data_sources.store import Store, VersionInfo, now_utc
from data_sources.store_tables import attempts
from data_sources.store_tables import changes as changes_table

log = logging.getLogger(__name__)
T = TypeVar("T")
FAILURE_STREAK_ALERT = 2  # failing twice in a row raises `source_failing`


def on_promotion(
    source: Source, previous: tuple[VersionInfo, pd.DataFrame] | None, table: pd.DataFrame
) -> Callable[[sa.Connection, int], None]:
    """The writer of this promotion's change records and alerts (diffed now, written later)."""
    diff = changes.diff_tables(previous[1] if previous else None, table, source.change_key)
    previous_id = previous[0].id if previous else None
    records = changes.records_of(source.id, diff, previous_id)
    raised = alerts.evaluate(source.id, diff, table)

    def write(conn: sa.Connection, version_id: int) -> None:
        stamp = now_utc()
        change_ids: dict[str, int | None] = {}
        for record in records:
            stored = dataclasses.replace(
                record, key=f"{source.id}:v{version_id}:{record.kind}", version_id=version_id
            )
            change_ids[record.kind] = changes.write(conn, stored, stamp)
        first = next((i for i in change_ids.values() if i), None)
        for alert in raised:
            kind = "revised" if alert.rule == "revision" else "added"
            alerts.write(
                conn,
                alert,
                change_id=change_ids.get(kind) or first,
                version_id=version_id,
                created_at=stamp,
                site_url=config.site_url(),
            )

    return write


def _health(
    store: Store, source_id: str, kind: str, key: str, summary: str, alert: bool, **detail: object
) -> None:
    """One health record (and its alert, if `alert`) in one transaction, once per `key`."""
    stamp = now_utc()
    record = changes.Record(key, source_id, kind, 0, summary, [detail] if detail else [])
    with store.engine.begin() as conn:
        change_id = changes.write(conn, record, stamp)
        if change_id is None or not alert:
            return
        rule = alerts.HEALTH_RULES[kind][0]
        alerts.write(
            conn,
            alerts.Alert(f"{rule}:{key}", rule, source_id, f"{source_id}: {summary}", dict(detail)),
            change_id=change_id,
            version_id=None,
            created_at=stamp,
            site_url=config.site_url(),
        )


def _recent_outcomes(store: Store, source_id: str, limit: int = 50) -> list[tuple[int, str]]:
    """(attempt id, outcome) of the source's finished attempts that reached upstream, newest
    first (skipped and interrupted runs say nothing about the source)."""
    query = (
        sa.select(attempts.c.id, attempts.c.outcome)
        .where(
            attempts.c.source_id == source_id,
            attempts.c.outcome.in_(("ok", "unchanged", "failed")),
        )
        .order_by(attempts.c.id.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [(int(i), str(o)) for i, o in conn.execute(query).all()]


def _last_health(store: Store, source_id: str) -> str | None:
    query = (
        sa.select(changes_table.c.kind)
        .where(
            changes_table.c.source_id == source_id,
            changes_table.c.kind.in_(changes.HEALTH_KINDS),
        )
        .order_by(changes_table.c.id.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        return conn.execute(query).scalar()


def _logged(function: Callable[..., T]) -> Callable[..., T | None]:
    """A health check that logs its own failure: it must never stop a refresh."""

    @functools.wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> T | None:
        try:
            return function(*args, **kwargs)
        except Exception:
            log.exception("%s failed", function.__name__)
            return None

    return wrapped


@_logged
def after_attempt(store: Store, source: Source, error: str | None = None) -> None:
    """Health records after one attempt: `failed` when a failure streak starts (and an alert at
    its second failure), `recovered` when a success ends a failure or staleness."""
    recent = _recent_outcomes(store, source.id)
    if not recent:
        return
    attempt_id, outcome = recent[0]
    streak = 0
    for _, earlier in recent[1 if outcome != "failed" else 0 :]:
        if earlier != "failed":
            break
        streak += 1
    if outcome == "failed":
        start = recent[streak - 1][0]  # the attempt that began this streak
        text = f"refresh failed: {error or 'see status'}"
        key = f"failed:{source.id}:{start}"
        _health(store, source.id, "failed", key, text, alert=False, error=error)
        if streak == FAILURE_STREAK_ALERT:
            _health(
                store,
                source.id,
                "failed",
                f"failed:{source.id}:{start}:twice",
                f"failed {streak} times in a row: {error or 'see status'}",
                alert=True,
                error=error,
            )
        return
    last = _last_health(store, source.id)
    if last in ("failed", "stale"):
        was = f"after {streak} failed attempt(s)" if streak else "after going stale"
        _health(
            store,
            source.id,
            "recovered",
            f"recovered:{source.id}:{attempt_id}",
            f"refreshed again {was}",
            alert=streak >= FAILURE_STREAK_ALERT or last == "stale",
        )


@_logged
def check_stale(store: Store, sources: Sequence[Source], now: datetime | None = None) -> int:
    """A `stale` record and alert for every source that went stale (once per stale spell)."""
    found = 0
    for source in sources:
        if source.cadence is None:
            continue
        row = source_status(store, source, now)
        if not row["stale_since"]:
            continue
        found += 1
        _health(
            store,
            source.id,
            "stale",
            f"stale:{source.id}:{row['stale_since']}",
            f"stale since {row['stale_since']} (last checked {row['checked_at']})",
            alert=True,
            stale_since=row["stale_since"],
        )
    return found
