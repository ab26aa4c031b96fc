"""Rendered artifacts in the store: bytes a renderer process made from stored versions (the
dashboard's chart images), readable by every web process, and the bounded queue of artifacts
readers asked for before they were rendered.

The store knows nothing of what an artifact is: a caller's key (which must name the versions the
bytes were drawn from, so a promotion never serves an old artifact for new data), a content type
and the bytes; a queued request is a key and the caller's JSON spec. Pruning keeps the keys the
caller names (the current set) plus a bounded number of the newest others.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from data_sources.store import Store, now_utc
from data_sources.store_tables import artifact_queue, artifacts

QUEUE_MAX = 256  # queued requests at most; a request beyond it is refused (asked to retry)
KEEP_OTHERS = 512  # artifacts kept beyond the current set when pruning (pins, other widths, …)
SPEC_MAX = 4000  # characters of a queued spec


def get(store: Store, key: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of the artifact stored under `key`, else None."""
    query = sa.select(artifacts.c.content_type, artifacts.c.body).where(artifacts.c.key == key)
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return (str(row[0]), bytes(row[1])) if row else None


def has(store: Store, keys: Iterable[str]) -> set[str]:
    """Which of `keys` are stored (bodies unread)."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                conn.execute(sa.select(artifacts.c.key).where(artifacts.c.key.in_(chunk))).scalars()
            )
    return found


def put(store: Store, key: str, content_type: str, body: bytes) -> None:
    """Store (or replace) the artifact under `key` and drop any queued request for it."""
    with store.engine.begin() as conn:
        conn.execute(artifacts.delete().where(artifacts.c.key == key))
        conn.execute(
            artifacts.insert().values(
                key=key, content_type=content_type, body=body, created_at=now_utc()
            )
        )
        conn.execute(artifact_queue.delete().where(artifact_queue.c.key == key))


def request(store: Store, key: str, spec: str, limit: int = QUEUE_MAX) -> bool:
    """Queue `key` for rendering (once: a key already queued keeps its place). False when the
    queue already holds `limit` requests or the spec is longer than SPEC_MAX (not queued)."""
    if len(spec) > SPEC_MAX:
        return False
    with store.engine.begin() as conn:
        queued = conn.execute(
            sa.select(artifact_queue.c.key).where(artifact_queue.c.key == key)
        ).first()
        if queued is not None:
            return True
        count = conn.execute(sa.select(sa.func.count()).select_from(artifact_queue)).scalar()
        if int(count or 0) >= limit:
            return False
        try:
            with conn.begin_nested():
                conn.execute(
                    artifact_queue.insert().values(key=key, spec=spec, requested_at=now_utc())
                )
        except sa.exc.IntegrityError:  # another process queued the same key meanwhile
            pass
    return True


def queued(store: Store, limit: int = QUEUE_MAX) -> list[tuple[str, str]]:
    """(key, spec) of queued requests, oldest first."""
    query = (
        sa.select(artifact_queue.c.key, artifact_queue.c.spec)
        .order_by(artifact_queue.c.requested_at, artifact_queue.c.key)
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [(str(k), str(s)) for k, s in conn.execute(query)]


def queue_state(store: Store) -> tuple[int, datetime | None]:
    """(requests queued, when the oldest of them was asked for, UTC; None when none is)."""
    query = sa.select(sa.func.count(), sa.func.min(artifact_queue.c.requested_at))
    with store.engine.connect() as conn:
        count, oldest = conn.execute(query.select_from(artifact_queue)).one()
    if isinstance(oldest, str):  # SQLite hands back min() of a DateTime column as text
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:  # SQLite keeps no zone: stored as UTC
        oldest = oldest.replace(tzinfo=UTC)
    return int(count or 0), oldest


def unqueue(store: Store, key: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(artifact_queue.delete().where(artifact_queue.c.key == key))


def prune(store: Store, keep: Iterable[str], others: int = KEEP_OTHERS) -> int:
    """Delete every artifact except `keep` and the `others` newest of the rest; how many went."""
    kept = set(keep)
    with store.engine.begin() as conn:
        rows = conn.execute(
            sa.select(artifacts.c.key).order_by(
                artifacts.c.created_at.desc(), artifacts.c.key.desc()
            )
        ).scalars()
        rest = [key for key in rows if key not in kept]
        doomed = rest[others:]
        for start in range(0, len(doomed), 500):
            conn.execute(artifacts.delete().where(artifacts.c.key.in_(doomed[start : start + 500])))
    return len(doomed)
