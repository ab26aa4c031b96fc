"""`memo`: build something once per (kind, parameters, versions it read), through the one cache,
and hand back what the build read so keys, ETags, "as of" and pins come from the record."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dashboard.data import cache, door
from dashboard.data.door import CHANGE_LOG, Reads

T = TypeVar("T")
RECENT_MAX = 1024  # (kind, params) entries of the per-process fast path


@dataclass(frozen=True)
class _Recent:
    """A hit as last served in this process, with what its key was derived from."""

    token: tuple[object, ...]  # door.snapshot_token(): the pins, or store + promotion marker
    statuses: object  # the status snapshot object its freshness states came from (None: frozen)
    change: int | None  # the newest change record it saw, if it read the change log
    value: Any
    reads: Reads
    key: str


_recent: OrderedDict[tuple[str, str], _Recent] = OrderedDict()
_recent_lock = threading.Lock()


def _still(entry: _Recent) -> bool:
    """The entry's key would come out the same now: same pins or promotion marker, the same
    status snapshot (it is refreshed every door.STATUS_TTL s) and the same change-log head."""
    if entry.token != door.snapshot_token():
        return False
    if entry.statuses is not None and entry.statuses is not door.statuses():
        return False
    return CHANGE_LOG not in entry.reads or entry.change == door.versions_for([CHANGE_LOG])[0][1]


def memo(kind: str, params: object, build: Callable[[], T]) -> tuple[T, Reads, str]:
    """`build()` once per (kind, params, versions it reads); returns (value, reads, key).

    Which sources a build reads is remembered under (kind, params); the value's key adds their
    current versions and freshness (`door.signature`). A build that now reads other sources
    necessarily read a source whose version changed, so the key changed too: a stale entry is
    never served. Reads of a hit are replayed into the enclosing read context.

    A repeated hit in this process skips re-deriving the key while nothing it was derived from
    has moved (no promotion, the same status snapshot): the cost of a cached response is then
    the request's one promotion-marker query and a dictionary lookup.
    """
    recent_key = (kind, repr(params))
    with _recent_lock:
        recent = _recent.get(recent_key)
    if recent is not None and _still(recent):
        door.record(recent.reads)
        return recent.value, recent.reads, recent.key
    value, reads, value_key = _memo(kind, params, build)
    frozen = door.frozen()
    entry = _Recent(
        door.snapshot_token(),
        None if frozen else door.statuses(),
        door.versions_for([CHANGE_LOG])[0][1] if CHANGE_LOG in reads else None,
        value,
        reads,
        value_key,
    )
    with _recent_lock:
        _recent[recent_key] = entry
        _recent.move_to_end(recent_key)
        while len(_recent) > RECENT_MAX:
            _recent.popitem(last=False)
    return value, reads, value_key


def peek(kind: str, params: object) -> object | None:
    """The value `memo(kind, params, …)` would hand back now if it is already cached (for the
    versions a read gets now), else None. Never builds and records no reads."""
    with _recent_lock:
        recent = _recent.get((kind, repr(params)))
    if recent is not None and _still(recent):
        return recent.value
    found = _cached(kind, params)
    return found[0] if found is not None else None


def _value_key(kind: str, params: object, signature: object) -> str:
    """A value's key: what was asked, whether frozen, which store (version ids are per store)
    and the versions and freshness of what it read."""
    return cache.key(kind, params, door.frozen(), door.store().url, signature)


def _cached(kind: str, params: object) -> tuple[Any, Reads, str] | None:
    """(value, reads, key) from the caches for the versions a read gets now, else None."""
    sources = cache.shared().get(cache.key("deps:" + kind, params))
    if sources is None:
        return None
    value_key = _value_key(kind, params, door.signature(sources))
    hit = cache.hot().get(value_key)
    if hit is None:
        hit = cache.shared().get(value_key)
        if hit is not None:
            cache.hot().set(value_key, hit)
    return (hit[0], hit[1], value_key) if hit is not None else None


def _memo(kind: str, params: object, build: Callable[[], T]) -> tuple[T, Reads, str]:
    found = _cached(kind, params)
    if found is not None:
        door.record(found[1])
        return found  # what build() returned for this key
    with door.reading() as reads:
        value = build()
    value_key = _value_key(kind, params, door.signature(reads.sources(), reads))
    cache.shared().set(cache.key("deps:" + kind, params), reads.sources())
    cache.shared().set(value_key, (value, reads))
    cache.hot().set(value_key, (value, reads))
    return value, reads, value_key
