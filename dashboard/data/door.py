"""The dashboard's one door to the store: every read of a dataset by a page, chart, KPI, embed,
download or the API goes through `load` here, inside a read context that records what was read
(`(source_id, version)` for every dataset touched, a source with no version included).

Cache keys, ETags, "as of", source lines, frozen `version=` pins and download provenance are all
derived from that record (`Reads`), never from a hand-kept list of sources.

Versions are immutable, so a frame is cached per (store, source, version) in this process. Which
version is current comes from one snapshot query per request (`request_scope`, opened by the web
layer around every HTTP request), so every worker serves what is current when the request starts:
two workers never disagree about a promotion that finished before both requests began. Outside a
request (tests, scripts) the snapshot is reused for at most `CURRENT_TTL` seconds.

A store that cannot be reached (PostgreSQL stopped, a network partition, a locked SQLite file)
raises `StoreUnavailable` from every function here; the web layer answers it with 503.
"""

from __future__ import annotations

import contextvars
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dashboard.data import cache
from data_sources import artifacts, registry, webhooks
from data_sources import changes as change_log
from data_sources.status import all_status
from data_sources.store import Store, VersionInfo

CURRENT_TTL = 1  # seconds: outside a request, a snapshot of current versions is reused this long
STATUS_TTL = 5  # seconds: stale / failed badges
VERSION_MAX = 2**31 - 1  # store ids are 32-bit integers
_DIGITS = re.compile(r"[0-9]{1,10}")
RETRY_AFTER = 5  # seconds: what a 503 asks clients to wait
# The change log's entry in `Reads` (and cache keys): its "version" is the newest record's id, so
# whatever reads the log is rebuilt when a record is added (a failure adds one without a version).
CHANGE_LOG = "pp:changes"

log = logging.getLogger(__name__)
_lock = threading.Lock()
_store: Store | None = None

# SQLAlchemy's "cannot talk to the database" family: connection refused or dropped, pool timeout.
# https://docs.sqlalchemy.org/en/20/core/exceptions.html
_OUTAGE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


class StoreUnavailable(Exception):
    """The store could not be reached; retrying later may succeed (the web layer answers 503)."""

    def __init__(self, cause: BaseException) -> None:
        detail = str(getattr(cause, "orig", None) or cause).strip().splitlines()
        super().__init__(f"{type(cause).__name__}: {detail[0] if detail else ''}"[:200])


_outage_logged = False


@contextmanager
def _guard() -> Iterator[None]:
    """Turn a store outage into `StoreUnavailable`; logged once per outage, not per request."""
    global _outage_logged
    try:
        yield
    except StoreUnavailable:
        raise
    except _OUTAGE as exc:
        unavailable = StoreUnavailable(exc)
        if not _outage_logged:
            log.warning("store unavailable: %s", unavailable)
        _outage_logged = True
        raise unavailable from exc
    if _outage_logged:
        log.warning("store is back")
        _outage_logged = False


def store() -> Store:
    """The process-wide store (DATABASE_URL), created (and its schema checked) on first use."""
    global _store
    with _lock:
        if _store is None:
            created = Store()
            with _guard():
                created.create_schema()
            _store = created  # only once the schema is there: a failed start is retried
        return _store


def ping() -> float:
    """Seconds one trivial query takes; raises `StoreUnavailable` when the store is down."""
    started = time.perf_counter()
    s = store()
    with _guard(), s.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return time.perf_counter() - started


def set_store(new: Store | None) -> None:
    """Point the dashboard at another store (tests, benchmarks) and forget cached state."""
    global _store
    with _lock:
        _store = new
    cache.clear()


def reset() -> None:
    """Forget every cached version, status and render (tests, benchmarks)."""
    cache.clear()


@dataclass
class Reads:
    """What one render or request read: source id -> the version read (None: it had none)."""

    items: dict[str, VersionInfo | None] = field(default_factory=dict)

    def add(self, source_id: str, info: VersionInfo | None) -> None:
        self.items[source_id] = info

    def merge(self, other: Reads) -> None:
        self.items.update(other.items)

    def sources(self) -> tuple[str, ...]:
        """Every source touched, sorted (with or without a version)."""
        return tuple(sorted(self.items))

    def present(self) -> tuple[str, ...]:
        """The sources that had a version: those whose data can reach the output."""
        return tuple(s for s in self.sources() if self.items[s] is not None)

    def versions(self) -> dict[str, int]:
        """source id -> version id of what was read (sources with a version)."""
        return {s: info.id for s, info in sorted(self.items.items()) if info is not None}

    def info(self, source_id: str) -> VersionInfo | None:
        return self.items.get(source_id)

    def header(self) -> str:
        """`gas_imports=12,border_clashes=31` (the `X-Data-Versions` header of downloads)."""
        return ",".join(f"{s}={v}" for s, v in self.versions().items())

    def __contains__(self, source_id: object) -> bool:
        return source_id in self.items


@dataclass
class _Context:
    frozen: bool  # pinned versions only: a source not pinned reads as absent
    pins: Mapping[str, int]
    current: Mapping[str, int]
    reads: Reads
    generation: tuple[str, object] | None = None  # the promotion marker `current` came from


_stack: contextvars.ContextVar[tuple[_Context, ...]] = contextvars.ContextVar("reads", default=())
# The current-versions snapshot of the request being served (None outside a request scope):
# store url -> (promotion marker, versions); url + "#changes" -> the newest change record.
_request: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "request_snapshot", default=None
)


def begin_request() -> contextvars.Token:
    """Open a request scope: the first read takes one snapshot of current versions that every
    read of this request shares (so a request never mixes two promotions, and a promotion is
    seen by the next request of every worker). Close it with `end_request(token)`."""
    return _request.set({})


def end_request(token: contextvars.Token) -> None:
    _request.reset(token)


@contextmanager
def reading(pins: Mapping[str, int] | None = None) -> Iterator[Reads]:
    """A read context: every `load` inside it is recorded in the yielded `Reads`.

    `pins` (frozen embeds, `?version=`) fix the versions read; within a frozen context a source
    that is not pinned reads as absent, so a frozen output can never move. Nested contexts inherit
    the outer one's pins and snapshot, and pass their reads up when they close.
    """
    outer = _stack.get()
    if pins is not None:
        context = _Context(True, dict(pins), {}, Reads())
    elif outer:
        parent = outer[-1]
        context = _Context(parent.frozen, parent.pins, parent.current, Reads(), parent.generation)
    else:
        generation, current = _snapshot()
        context = _Context(False, {}, dict(current), Reads(), generation)
    token = _stack.set((*outer, context))
    try:
        yield context.reads
    finally:
        _stack.reset(token)
        if outer:
            outer[-1].reads.merge(context.reads)


def record(reads: Reads) -> None:
    """Replay reads made earlier (a cache hit) into the enclosing context, if any."""
    stack = _stack.get()
    if stack:
        stack[-1].reads.merge(reads)


def current_reads() -> Reads:
    """What the innermost read context has read so far (empty outside any context)."""
    stack = _stack.get()
    return stack[-1].reads if stack else Reads()


def frozen() -> bool:
    stack = _stack.get()
    return bool(stack) and stack[-1].frozen


def snapshot_token() -> tuple[object, ...]:
    """What decides the versions every read here resolves to, cheaply comparable: the pins of a
    frozen context, else the store and its promotion marker as of this request's snapshot.
    Equal tokens mean equal versions for every source (`memo` uses it to skip re-keying)."""
    stack = _stack.get()
    if stack and stack[-1].frozen:
        return ("pins", store().url, tuple(sorted(stack[-1].pins.items())))
    if stack and stack[-1].generation is not None:
        return ("current", stack[-1].generation)
    return ("current", _snapshot()[0])


def _resolve(source_id: str) -> int | None:
    """The version id a read of `source_id` gets in the current context."""
    stack = _stack.get()
    if source_id == CHANGE_LOG:
        return None if stack and stack[-1].frozen else _latest_change()
    if not stack:
        return current_versions().get(source_id)
    context = stack[-1]
    if context.frozen:
        return context.pins.get(source_id)
    return context.current.get(source_id)


def versions_for(sources: Iterable[str]) -> tuple[tuple[str, int | None], ...]:
    """The versions reads of these sources would get now (for a cache key before rendering)."""
    wanted = sorted(set(sources))
    if _stack.get() or CHANGE_LOG in wanted:
        return tuple((s, _resolve(s)) for s in wanted)
    current = current_versions()  # one snapshot for all of them
    return tuple((s, current.get(s)) for s in wanted)


@dataclass(frozen=True)
class Dataset:
    """A source's table with the version it came from (for "as of" and provenance)."""

    source_id: str
    version: VersionInfo | None
    frame: pd.DataFrame

    @property
    def fetched_at(self) -> datetime | None:
        return self.version.fetched_at if self.version else None


def load(source_id: str, version_id: int | None = None) -> Dataset:
    """The version the context resolves (or `version_id`); an empty frame when there is none.
    The read is recorded in the current context."""
    registry.get(source_id)  # unknown ids raise KeyError
    chosen = version_id if version_id is not None else _resolve(source_id)
    loaded = _load_version(source_id, chosen) if chosen is not None else None
    info, frame = loaded if loaded is not None else (None, pd.DataFrame())
    stack = _stack.get()
    if stack:
        stack[-1].reads.add(source_id, info)
    return Dataset(source_id, info, frame.copy())  # the cached frame stays as stored


def _load_version(source_id: str, version_id: int) -> tuple[VersionInfo, pd.DataFrame] | None:
    """A stored version's metadata and table; versions never change, so they are cached."""
    s = store()
    key = cache.key("version", (s.url, source_id, version_id))
    hit = cache.local().get(key)
    if hit is not None:
        return hit  # (VersionInfo, DataFrame) we stored below
    with _guard():
        loaded = s.load(source_id, version_id)
    if loaded is not None:
        cache.local().set(key, loaded)
    return loaded


def current_versions() -> dict[str, int]:
    """source id -> current version id: one query per request (inside `begin_request`), else at
    most one every CURRENT_TTL seconds."""
    return dict(_snapshot()[1])


def _snapshot() -> tuple[tuple[str, object], Mapping[str, int]]:
    """(store url and promotion marker, current versions): the request's snapshot, taken on its
    first read; outside a request reused for CURRENT_TTL seconds. Callers must not mutate it."""
    s = store()
    scope = _request.get()
    if scope is not None:
        if s.url not in scope:
            scope[s.url] = _query_current(s)
        return scope[s.url]
    key = "current:" + s.url  # a plain key: asked on every request, no hashing
    hit = cache.local().get(key)
    if hit is None:
        hit = _query_current(s)
        cache.local().set(key, hit, timeout=CURRENT_TTL)
    return hit


def _latest_change() -> int | None:
    """The newest change record's id, once per request (else at most every CURRENT_TTL s)."""
    s = store()
    scope = _request.get()
    slot = s.url + "#changes"
    if scope is not None and slot in scope:
        return scope[slot].get("id")
    key = cache.key("latest-change", s.url)
    hit = cache.local().get(key) if scope is None else None
    if hit is None:
        with _guard():
            latest = change_log.latest_id(s)
        hit = {} if latest is None else {"id": latest}
        if scope is None:
            cache.local().set(key, hit, timeout=CURRENT_TTL)
    if scope is not None:
        scope[slot] = hit
    return hit.get("id")


def changes(
    *,
    since: datetime | None = None,
    sources: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Change records, newest first, up to the newest one this request sees; the read is
    recorded (as `CHANGE_LOG` at that record's id) so caches and ETags move with the log."""
    latest = _resolve(CHANGE_LOG)
    rows: list[dict[str, Any]] = []
    if latest is not None:
        with _guard():
            rows = change_log.list_changes(
                store(),
                since=since,
                sources=None if sources is None else list(sources),
                kinds=None if kinds is None else list(kinds),
                upto=latest,
                limit=limit,
            )
    stack = _stack.get()
    if stack:
        info = None
        if latest is not None:
            stamp = rows[0]["created_at"] if rows else datetime.fromtimestamp(0, tz=UTC)
            info = VersionInfo(latest, CHANGE_LOG, stamp, stamp, "", "", len(rows), None)
        stack[-1].reads.add(CHANGE_LOG, info)
    return rows


def revised_on(reads: Reads) -> datetime | None:
    """When the data behind `reads` was last revised (values changed or rows removed), as of
    the versions read; per version it never changes, so it is cached."""
    s = store()
    newest: datetime | None = None
    for source_id, info in reads.items.items():
        if info is None or source_id == CHANGE_LOG:
            continue
        key = cache.key("revised", (s.url, source_id, info.id))
        hit = cache.local().get(key)
        if hit is None:
            with _guard():
                hit = (change_log.last_revised(s, source_id, info.id),)
            cache.local().set(key, hit)
        when = hit[0]
        if when is not None and (newest is None or when > newest):
            newest = when
    return newest


def _query_current(s: Store) -> tuple[tuple[str, object], Mapping[str, int]]:
    """The promotion marker and current versions, re-read only when the store's marker moved
    (one tiny query). The same objects are returned until the next promotion."""
    with _guard():
        generation = s.generation()
        key = "current-map:" + s.url  # asked once per request: a plain key, no hashing
        cached = cache.local().get(key)
        if cached is not None and cached[0][1] == generation:
            return cached
        found = {source_id: info.id for source_id, info in s.current_versions().items()}
    snapshot = ((s.url, generation), found)
    cache.local().set(key, snapshot)
    return snapshot


def version_info(source_id: str, version_id: int) -> VersionInfo | None:
    """Metadata of one stored version of this source (None if unknown)."""
    if not 1 <= version_id <= VERSION_MAX:
        return None
    loaded = _load_version(source_id, version_id)
    return loaded[0] if loaded else None


def list_versions(source_id: str) -> list[VersionInfo]:
    s = store()
    with _guard():
        return s.list_versions(source_id)


def resolve_versions(version_ids: Iterable[int]) -> dict[str, int]:
    """Map store version ids (one global sequence) to their sources; unknown ids raise KeyError."""
    found: dict[str, int] = {}
    for version_id in version_ids:
        info = None
        if 1 <= version_id <= VERSION_MAX:
            s = store()
            with _guard():
                info = s.version_by_id(version_id)
        if info is None:
            raise KeyError(version_id)
        found[info.source_id] = info.id
    return found


def parse_pins(raw: str) -> dict[str, int]:
    """`?version=12,15` -> {source: version}; ValueError names what is wrong."""
    try:
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not parts or not all(_DIGITS.fullmatch(part) for part in parts):
            raise ValueError  # ASCII digits only: int() would also take "１２", "+1", "1_0"
        ids = [int(part) for part in parts]
        if not ids:
            raise ValueError
        return resolve_versions(ids)
    except (ValueError, KeyError):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise ValueError(f"version {shown!r}: not known store version ids") from None


def statuses() -> dict[str, dict[str, Any]]:
    """`status` of every registered source keyed by id (refreshed every STATUS_TTL seconds)."""
    s = store()
    key = "status:" + s.url  # a plain key: asked on every request, no hashing
    hit = cache.local().get(key)
    if hit is None:
        with _guard():
            hit = {row["id"]: row for row in all_status(s, registry.SOURCES)}
        cache.local().set(key, hit, timeout=STATUS_TTL)
    return hit  # the dict stored just above


def alert_deliveries() -> dict[str, Any]:
    """Outbox counts (pending, delivered, failed) and the latest failed deliveries' titles and
    errors (never a receiver's URL); refreshed every STATUS_TTL seconds."""
    s = store()
    key = cache.key("alert-deliveries", s.url)
    hit = cache.local().get(key)
    if hit is None:
        with _guard():
            hit = webhooks.status(s)
        cache.local().set(key, hit, timeout=STATUS_TTL)
    return dict(hit)


def signature(
    sources: Iterable[str], reads: Reads | None = None
) -> tuple[tuple[str, int | None, str], ...]:
    """What a cache key needs of these sources: the version a read gets now (or got, in `reads`)
    and, outside frozen contexts, the freshness state shown beside it (stale / failed badges)."""
    rows = {} if frozen() else statuses()
    out = []
    if reads is not None:
        pairs = tuple((s, info.id if info else None) for s, info in sorted(reads.items.items()))
    else:
        pairs = versions_for(sources)
    for source_id, version in pairs:
        row = rows.get(source_id, {})
        state = "failed" if row.get("state") == "failed" else "stale" if row.get("stale") else ""
        if version is None and row:  # "no data yet — last attempt …" is part of the output
            state = f"none:{row.get('last_attempt_at')}:{row.get('last_outcome')}"
        out.append((source_id, version, state))
    return tuple(out)


# --- rendered artifacts (chart images drawn by the renderer process, dashboard.web.renderer) --
# A miss is remembered for ARTIFACT_RECHECK_S and a queued request for ARTIFACT_ASKED_S in this
# process, so an embed or image whose picture is not drawn yet costs no store query per request
# (a web worker sees a new drawing within ARTIFACT_RECHECK_S).
ARTIFACT_RECHECK_S = 2
ARTIFACT_ASKED_S = 60
_artifact_writes = [0]  # artifacts this process stored: callers' remembered misses are void


def artifact_writes() -> int:
    """How many artifacts this process has stored (a remembered miss from before is void)."""
    return _artifact_writes[0]


def artifact(key: str) -> tuple[str, bytes] | None:
    """(content type, bytes) rendered under `key`, else None. Keys name the versions the bytes
    were drawn from, so a hit is immutable: an SVG (an embed's first paint, looked up on every
    embed request) is kept in this process (`cache.hot()`); other images are cached as whole
    responses by the web layer."""
    hot_key = "artifact:" + key
    hit = cache.hot().get(hot_key)
    if hit is not None:
        return hit
    if cache.local().get("artifact-missing:" + key):
        return None  # looked for less than ARTIFACT_RECHECK_S ago
    s = store()
    with _guard():
        found = artifacts.get(s, key)
    if found is None:
        cache.local().set("artifact-missing:" + key, True, timeout=ARTIFACT_RECHECK_S)
    elif found[0].startswith("image/svg"):
        cache.hot().set(hot_key, found)
    return found


def request_artifact(key: str, spec: str) -> bool:
    """Queue `key` (described by the JSON `spec`) for the renderer; False when the queue is full.
    A key this process queued less than ARTIFACT_ASKED_S ago is not asked for again (the queue
    keeps it), so repeated requests for an image not drawn yet write nothing to the store."""
    asked = "artifact-asked:" + key
    if cache.local().get(asked):
        return True
    s = store()
    with _guard():
        queued = artifacts.request(s, key, spec, limit=artifacts.QUEUE_MAX)
    if queued:
        cache.local().set(asked, True, timeout=ARTIFACT_ASKED_S)
    return queued


def queued_artifacts(limit: int = artifacts.QUEUE_MAX) -> list[tuple[str, str]]:
    """(key, spec) of requested artifacts not rendered yet, oldest first."""
    s = store()
    with _guard():
        return artifacts.queued(s, limit)


def stored_artifacts(keys: Iterable[str]) -> set[str]:
    """Which of `keys` are rendered already."""
    s = store()
    with _guard():
        return artifacts.has(s, keys)


def put_artifact(key: str, content_type: str, body: bytes) -> None:
    """Store a rendered artifact (and drop its queued request)."""
    s = store()
    with _guard():
        artifacts.put(s, key, content_type, body)
    cache.local().delete("artifact-missing:" + key)  # seen at once here; elsewhere within 2 s
    _artifact_writes[0] += 1


def artifact_queue_state() -> tuple[int, datetime | None]:
    """(artifacts queued for the renderer, when the oldest was asked for, UTC or None)."""
    s = store()
    with _guard():
        return artifacts.queue_state(s)


def drop_artifact_request(key: str) -> None:
    s = store()
    with _guard():
        artifacts.unqueue(s, key)


def prune_artifacts(keep: Iterable[str]) -> int:
    """Delete rendered artifacts but `keep` and a bounded number of the newest others."""
    s = store()
    with _guard():
        return artifacts.prune(s, keep)
