"""The versioned store (SQLAlchemy 2): raw bytes with provenance, tidy tables, and which is current.

SQLite by default, PostgreSQL when DATABASE_URL says so. A version is immutable; promotion flips
`current` in the same transaction that writes the version, so readers see old or new, never a mix.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import math
import os
import socket
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, overload

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import PoolProxiedConnection

from data_sources import config
from data_sources.http import RawResponse
from data_sources.store_tables import (  # noqa: F401  (re-exported for callers and tests)
    SCHEMA_VERSION,
    attempts,
    current,
    locks,
    meta,
    metadata,
    raw_parts,
    version_tables,
    versions,
)


@dataclass(frozen=True)
class VersionInfo:
    """Metadata of one stored version of a source."""

    id: int
    source_id: str
    fetched_at: datetime
    created_at: datetime
    sha256: str
    table_sha256: str
    rows: int
    upstream_updated: str | None


class LockBusy(Exception):
    """Another refresh holds the lock; raised after waiting `REFRESH_LOCK_WAIT` seconds."""


log = logging.getLogger(__name__)
MARKER_SQL = f"SELECT max(version_id), count(*) FROM {current.name}"  # noqa: S608 (constant)
LEASE_TTL = timedelta(seconds=60)  # a refresh's lease outlives a dead holder by at most this


def now_utc() -> datetime:
    return datetime.now(UTC)


@overload
def _aware(value: datetime) -> datetime: ...
@overload
def _aware(value: None) -> None: ...
def _aware(value: datetime | None) -> datetime | None:
    """A stored timestamp as UTC-aware (SQLite hands back naive datetimes)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    # WAL lets readers keep reading the old version while a refresh writes the new one.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _connect_args(url: str) -> dict[str, object]:
    """Driver arguments: for PostgreSQL a short `connect_timeout` (DATABASE_CONNECT_TIMEOUT, 3 s)
    so an unreachable server costs a web worker seconds and a 503, not a hang of minutes (the
    kernel's TCP retries). A `connect_timeout` already in DATABASE_URL wins."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql" or "connect_timeout" in parsed.query:
        return {}
    seconds = config.env_float("DATABASE_CONNECT_TIMEOUT")
    # Whole seconds, as libpq; psycopg raises anything under 2 to 2 and makes 0 its own 130 s.
    return {"connect_timeout": max(1, math.ceil(seconds))} if seconds > 0 else {}


def _close_all(connections: list[PoolProxiedConnection]) -> None:
    while connections:
        with contextlib.suppress(Exception):
            connections.pop().close()


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """A tidy table as gzip'd pandas table-JSON (keeps dtypes); `mtime=0` makes it reproducible.

    pandas writes floats with at most 15 significant digits, so float columns are rewritten
    with Python's shortest exact repr: every finite float comes back bit for bit.
    """
    text = frame.to_json(orient="table", index=False, date_format="iso", date_unit="us")
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype)]
    if floats:
        doc = json.loads(text)
        for name in floats:
            exact = [_exact_float(v) for v in frame[name].tolist()]
            for row, value in zip(doc["data"], exact, strict=True):
                row[str(name)] = value
        text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
    return gzip.compress(text.encode("utf-8"), mtime=0)


def _exact_float(value: float | None) -> float | None:
    """A float as JSON can hold it exactly; missing and non-finite values are null, as pandas.

    pandas' reader rejects subnormals (|x| < 2.2e-308): refuse to store what could not be read.
    """
    if value is None or pd.isna(value):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    if number != 0.0 and abs(number) < sys.float_info.min:
        raise ValueError(f"the store cannot hold the subnormal float {number!r}")
    return number


def frame_from_bytes(body: bytes) -> pd.DataFrame:
    text = gzip.decompress(body).decode("utf-8")
    frame = pd.read_json(io.StringIO(text), orient="table", precise_float=True)
    return frame.reset_index(drop=True)


class Store:
    """All reads and writes of the store go through here."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or config.database_url()
        self.engine: Engine = sa.create_engine(
            self.url, future=True, pool_pre_ping=True, connect_args=_connect_args(self.url)
        )
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        # `generation`'s own connection, closed when the store is dropped or disposed.
        self._markers: list[PoolProxiedConnection] = []
        self._marker_lock = threading.Lock()
        weakref.finalize(self, _close_all, self._markers)
        sa.event.listen(self.engine, "engine_disposed", lambda _e: _close_all(self._markers))

    def create_schema(self) -> None:
        """Create missing tables and record the schema version (idempotent; the release step)."""
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema")).scalar()
            if found is None:
                conn.execute(meta.insert().values(key="schema", value=str(SCHEMA_VERSION)))
            elif int(found) > SCHEMA_VERSION:
                raise RuntimeError(
                    f"store schema {found} is newer than this code ({SCHEMA_VERSION})"
                )

    # --- attempts -------------------------------------------------------------------------
    def start_attempt(self, source_id: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                attempts.insert().values(
                    source_id=source_id,
                    started_at=now_utc(),
                    outcome="running",
                    host=socket.gethostname(),
                    pid=os.getpid(),
                )
            )
            return _inserted_id(result)

    def finish_attempt(self, attempt_id: int, outcome: str, **fields: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                attempts.update()
                .where(attempts.c.id == attempt_id)
                .values(outcome=outcome, finished_at=now_utc(), **fields)
            )

    def save_raw(self, source_id: str, attempt_id: int, parts: list[RawResponse]) -> None:
        """Quarantine the payload of a failed attempt, for debugging; it is never promoted."""
        with self.engine.begin() as conn:
            self._insert_raw(conn, source_id, attempt_id, parts)

    @staticmethod
    def _insert_raw(
        conn: sa.Connection, source_id: str, attempt_id: int, parts: list[RawResponse]
    ) -> None:
        if not parts:
            return
        conn.execute(
            raw_parts.insert(),
            [
                dict(
                    attempt_id=attempt_id,
                    source_id=source_id,
                    seq=n,
                    url=p.url,
                    params=json.dumps(p.params, sort_keys=True),
                    fetched_at=p.fetched_at,
                    status=p.status,
                    content_type=p.content_type,
                    size=p.size,
                    sha256=p.sha256,
                    upstream_updated=p.upstream_updated,
                    body=p.body,
                )
                for n, p in enumerate(parts)
            ],
        )

    # --- versions -------------------------------------------------------------------------
    def promote(
        self,
        source_id: str,
        attempt_id: int,
        parts: list[RawResponse],
        frame: pd.DataFrame,
        *,
        sha256: str,
        table_sha256: str,
        fingerprint: str,
        upstream_updated: str | None,
        before_commit: Callable[[], None] | None = None,
        within: Callable[[sa.Connection, int], None] | None = None,
    ) -> int:
        """Write raw parts, the table and the version, flip `current`: one transaction.
        `within(conn, version_id)` writes what must commit with it (change records, alerts)."""
        stamp = now_utc()
        fetched_at = min((p.fetched_at for p in parts), default=stamp)
        with self.engine.begin() as conn:
            self._insert_raw(conn, source_id, attempt_id, parts)
            version_id = _inserted_id(
                conn.execute(
                    versions.insert().values(
                        source_id=source_id,
                        attempt_id=attempt_id,
                        created_at=stamp,
                        fetched_at=fetched_at,
                        sha256=sha256,
                        table_sha256=table_sha256,
                        rows=len(frame),
                        schema_fingerprint=fingerprint,
                        upstream_updated=upstream_updated,
                    )
                )
            )
            conn.execute(
                version_tables.insert().values(version_id=version_id, body=frame_to_bytes(frame))
            )
            updated = conn.execute(
                current.update()
                .where(current.c.source_id == source_id)
                .values(version_id=version_id, promoted_at=stamp, checked_at=stamp)
            )
            if updated.rowcount == 0:
                conn.execute(
                    current.insert().values(
                        source_id=source_id,
                        version_id=version_id,
                        promoted_at=stamp,
                        checked_at=stamp,
                    )
                )
            conn.execute(
                attempts.update()
                .where(attempts.c.id == attempt_id)
                .values(
                    outcome="ok",
                    finished_at=now_utc(),
                    version_id=version_id,
                    sha256=sha256,
                    rows=len(frame),
                    schema_fingerprint=fingerprint,
                )
            )
            if within:
                within(conn, version_id)
            if before_commit:
                before_commit()
        return version_id

    def mark_checked(self, source_id: str) -> None:
        """Upstream was reached and is unchanged: the current version is fresh as of now."""
        with self.engine.begin() as conn:
            conn.execute(
                current.update()
                .where(current.c.source_id == source_id)
                .values(checked_at=now_utc())
            )

    def current_version(self, source_id: str) -> VersionInfo | None:
        query = (
            sa.select(versions)
            .join(current, current.c.version_id == versions.c.id)
            .where(current.c.source_id == source_id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _version_info(row) if row else None

    def generation(self) -> tuple[int, int]:
        """A cheap marker that changes with every promotion: (highest current version id,
        number of sources with a version). Version ids only grow, so a promotion moves it.

        Asked on every web request, so it skips the pool (pre-ping, reset, compilation cost
        far more than the query): one raw connection per store, autocommit so each call sees
        the latest commit, dropped and reopened after any error."""
        with self._marker_lock:
            try:
                if not self._markers:
                    raw = self.engine.raw_connection()
                    driver = raw.dbapi_connection
                    if self.engine.dialect.name == "postgresql" and driver is not None:
                        driver.rollback()  # the pool's pre-ping left a transaction open
                        driver.autocommit = True  # psycopg connection
                    raw.detach()
                    self._markers.append(raw)
                # The driver's own connection: sqlite3's and psycopg's `execute` shortcut opens
                # the cursor itself (SQLAlchemy's wrapper around it costs more than the query).
                connection: Any = self._markers[0].dbapi_connection
                row = connection.execute(MARKER_SQL).fetchone()
            except Exception as exc:
                _close_all(self._markers)
                # Raw DBAPI errors, raised as SQLAlchemy raises them elsewhere in the store.
                raise sa.exc.OperationalError(MARKER_SQL, None, exc) from exc
        return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)

    def current_versions(self) -> dict[str, VersionInfo]:
        """Every source's current version, in one query."""
        query = sa.select(versions).join(current, current.c.version_id == versions.c.id)
        with self.engine.connect() as conn:
            return {r["source_id"]: _version_info(r) for r in conn.execute(query).mappings()}

    def version(self, source_id: str, version_id: int) -> VersionInfo | None:
        query = sa.select(versions).where(
            versions.c.source_id == source_id, versions.c.id == version_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _version_info(row) if row else None

    def version_by_id(self, version_id: int) -> VersionInfo | None:
        """A version by its id alone (ids are one sequence across sources)."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(versions).where(versions.c.id == version_id))
                .mappings()
                .first()
            )
        return _version_info(row) if row else None

    def list_versions(self, source_id: str) -> list[VersionInfo]:
        query = sa.select(versions).where(versions.c.source_id == source_id).order_by(versions.c.id)
        with self.engine.connect() as conn:
            return [_version_info(r) for r in conn.execute(query).mappings()]

    def load(
        self, source_id: str, version_id: int | None = None
    ) -> tuple[VersionInfo, pd.DataFrame] | None:
        """The current (or a given) version's metadata and table, read in one statement."""
        query = sa.select(versions, version_tables.c.body).join(
            version_tables, version_tables.c.version_id == versions.c.id
        )
        if version_id is None:
            query = query.join(current, current.c.version_id == versions.c.id).where(
                current.c.source_id == source_id
            )
        else:
            query = query.where(versions.c.source_id == source_id, versions.c.id == version_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        return _version_info(row), frame_from_bytes(row["body"])

    def raw_parts_of(self, attempt_id: int) -> list[dict]:
        query = (
            sa.select(raw_parts)
            .where(raw_parts.c.attempt_id == attempt_id)
            .order_by(raw_parts.c.seq)
        )
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def current_raw_urls(self, source_id: str) -> list[str]:
        """The URLs of the raw parts behind the current version (its provenance), bodies unread."""
        query = (
            sa.select(raw_parts.c.url)
            .join(versions, versions.c.attempt_id == raw_parts.c.attempt_id)
            .join(current, current.c.version_id == versions.c.id)
            .where(current.c.source_id == source_id)
            .order_by(raw_parts.c.seq)
        )
        with self.engine.connect() as conn:
            return [str(url) for url in conn.execute(query).scalars()]

    def prune(self, source_id: str, keep: int) -> int:
        """Delete the oldest versions beyond `keep` (0 keeps all); never the current one."""
        if keep <= 0:
            return 0
        with self.engine.begin() as conn:
            current_id = conn.execute(
                sa.select(current.c.version_id).where(current.c.source_id == source_id)
            ).scalar()
            ids = conn.execute(
                sa.select(versions.c.id, versions.c.attempt_id)
                .where(versions.c.source_id == source_id)
                .order_by(versions.c.id.desc())
            ).all()
            doomed = [(vid, aid) for vid, aid in ids[keep:] if vid != current_id]
            if not doomed:
                return 0
            vids = [v for v, _ in doomed]
            conn.execute(version_tables.delete().where(version_tables.c.version_id.in_(vids)))
            conn.execute(
                raw_parts.update()
                .where(raw_parts.c.attempt_id.in_([a for _, a in doomed]))
                .values(body=None)
            )
            conn.execute(versions.delete().where(versions.c.id.in_(vids)))
            return len(doomed)

    # --- attempts read side -----------------------------------------------------------------
    def last_attempt(self, source_id: str, outcomes: tuple[str, ...] | None = None) -> dict | None:
        query = sa.select(attempts).where(attempts.c.source_id == source_id)
        if outcomes:
            query = query.where(attempts.c.outcome.in_(outcomes))
        query = query.order_by(attempts.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        out = dict(row)
        out["started_at"], out["finished_at"] = (
            _aware(out["started_at"]),
            _aware(out["finished_at"]),
        )
        return out

    def checked_at(self, source_id: str) -> datetime | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(current.c.checked_at).where(current.c.source_id == source_id)
            ).scalar()
        return _aware(value)

    def attempt_alive(self, attempt: dict) -> bool:
        """Whether the process running this attempt is still alive: its pid exists (same host)
        and it holds an unexpired lease (a refresh heartbeats its lease every LEASE_TTL / 4, so
        a holder killed on any host — kill -9, OOM, a lost dyno — is detected within LEASE_TTL).
        """
        host, pid = attempt.get("host"), attempt.get("pid")
        if host == socket.gethostname() and pid and not _pid_alive(int(pid)):
            return False
        query = sa.select(locks.c.expires_at).where(locks.c.host == host, locks.c.pid == pid)
        with self.engine.connect() as conn:
            expiries = [_aware(e) for e in conn.execute(query).scalars()]
        return any(e > now_utc() for e in expiries)

    def settle_interrupted(self) -> list[int]:
        """Record every attempt still marked `running` whose process is gone (kill -9, OOM, a
        lost dyno: no live pid on this host, no unexpired lease) as `interrupted`, with its start
        time in the error and the moment it was found as `finished_at`, so the run history says
        what happened to it rather than leaving a run that never ends. A refresh calls this once
        it holds the lock (having taken over the dead holder's expired lease). Returns the ids.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(attempts).where(attempts.c.outcome == "running")
            ).mappings()
            running = [dict(row) for row in rows]
        settled = []
        for attempt in running:
            attempt["started_at"] = _aware(attempt["started_at"])
            if self.attempt_alive(attempt):
                continue
            with self.engine.begin() as conn:
                done = conn.execute(
                    attempts.update()
                    .where(attempts.c.id == attempt["id"], attempts.c.outcome == "running")
                    .values(
                        outcome="interrupted",
                        finished_at=now_utc(),
                        error_class="interrupted",
                        error=interrupted_error(attempt),
                    )
                )
            if done.rowcount:
                settled.append(int(attempt["id"]))
                log.warning("%s", interrupted_error(attempt))
        return settled

    # --- the refresh lock -------------------------------------------------------------------
    @contextmanager
    def lock(
        self,
        name: str,
        *,
        wait: float,
        ttl: timedelta = LEASE_TTL,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Iterator[None]:
        """Hold the named lock as a lease; wait up to `wait` s for a live holder, then raise
        `LockBusy`.

        While held, a heartbeat thread extends the lease every `ttl / 4`, so a lease outlives its
        holder by at most `ttl`. A holder that died on this host (pid gone) or whose lease
        expired is taken over.
        """
        holder = f"{socket.gethostname()}:{os.getpid()}:{time.monotonic_ns()}"
        deadline = time.monotonic() + wait
        while not self._try_lock(name, holder, ttl):
            if time.monotonic() >= deadline:
                raise LockBusy(self._lock_holder(name))
            sleep(0.2)
        stop = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(name, holder, ttl, stop), name="lease", daemon=True
        )
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join()
            with self.engine.begin() as conn:
                conn.execute(locks.delete().where(locks.c.name == name, locks.c.holder == holder))

    def _heartbeat(self, name: str, holder: str, ttl: timedelta, stop: threading.Event) -> None:
        """Extend the lease until `stop`; a failed beat (a busy SQLite file) is retried."""
        while not stop.wait(ttl.total_seconds() / 4):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        locks.update()
                        .where(locks.c.name == name, locks.c.holder == holder)
                        .values(expires_at=now_utc() + ttl)
                    )
            except sa.exc.SQLAlchemyError as exc:
                log.warning("lease heartbeat of %s failed (retrying): %s", name, exc)

    def _try_lock(self, name: str, holder: str, ttl: timedelta) -> bool:
        stamp = now_utc()
        try:
            with self.engine.connect() as conn:
                sqlite = conn.dialect.name == "sqlite"
                raw = conn.connection.dbapi_connection
                if sqlite and raw is not None:  # a writer mid-promotion holds SQLite's lock
                    raw.execute("PRAGMA busy_timeout=100")  # ask, don't queue behind it
                try:
                    with conn.begin():
                        conn.execute(
                            locks.insert().values(
                                name=name,
                                holder=holder,
                                host=socket.gethostname(),
                                pid=os.getpid(),
                                acquired_at=stamp,
                                expires_at=stamp + ttl,
                            )
                        )
                finally:
                    if sqlite and raw is not None:
                        raw.execute("PRAGMA busy_timeout=10000")
            return True
        except sa.exc.IntegrityError:
            pass
        except sa.exc.OperationalError as exc:
            if "locked" in str(exc):
                return False
            raise
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(locks).where(locks.c.name == name)).mappings().first()
            if row is None:
                return False
            dead = row["host"] == socket.gethostname() and not _pid_alive(row["pid"])
            if dead or _aware(row["expires_at"]) < stamp:
                conn.execute(
                    locks.delete().where(locks.c.name == name, locks.c.holder == row["holder"])
                )
        return False

    def _lock_holder(self, name: str) -> str:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(locks).where(locks.c.name == name)).mappings().first()
        if row is None:
            return "another refresh"
        since = _aware(row["acquired_at"])
        return f"pid {row['pid']} on {row['host']} since {since:%Y-%m-%d %H:%M:%S} UTC"


def interrupted_error(attempt: dict) -> str:
    """What an interrupted attempt's `error` says: who ran it and when it started."""
    started = _aware(attempt["started_at"])
    return (
        f"refresh interrupted: pid {attempt.get('pid')} on {attempt.get('host')} stopped "
        f"without finishing (started {started:%Y-%m-%dT%H:%M:%SZ})"
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _inserted_id(result: sa.CursorResult[Any]) -> int:
    """The primary key of the row one INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])


def _version_info(row: sa.RowMapping) -> VersionInfo:
    return VersionInfo(
        id=row["id"],
        source_id=row["source_id"],
        fetched_at=_aware(row["fetched_at"]),
        created_at=_aware(row["created_at"]),
        sha256=row["sha256"],
        table_sha256=row["table_sha256"],
        rows=row["rows"],
        upstream_updated=row["upstream_updated"],
    )
