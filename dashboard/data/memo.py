"""`memo`: build something once per (kind, parameters, versions it read), through the one cache,
and hand back what the build read so keys, ETags, "as of" and pins come from the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from dashboard.data import cache, door
from dashboard.data.door import Reads

T = TypeVar("T")


def memo(kind: str, params: object, build: Callable[[], T]) -> tuple[T, Reads, str]:
    """`build()` once per (kind, params, versions it reads); returns (value, reads, key).

    Which sources a build reads is remembered under (kind, params); the value's key adds their
    current versions and freshness (`door.signature`). A build that now reads other sources
    necessarily read a source whose version changed, so the key changed too: a stale entry is
    never served. Reads of a hit are replayed into the enclosing read context.
    """
    deps_key = cache.key("deps:" + kind, params)
    sources = cache.shared().get(deps_key)
    if sources is not None:
        value_key = cache.key(kind, params, door.frozen(), door.signature(sources))
        hit = cache.hot().get(value_key)
        if hit is None:
            hit = cache.shared().get(value_key)
            if hit is not None:
                cache.hot().set(value_key, hit)
        if hit is not None:
            value, reads = hit
            door.record(reads)
            return value, reads, value_key
    with door.reading() as reads:
        value = build()
    value_key = cache.key(kind, params, door.frozen(), door.signature(reads.sources(), reads))
    cache.shared().set(deps_key, reads.sources())
    cache.shared().set(value_key, (value, reads))
    cache.hot().set(value_key, (value, reads))
    return value, reads, value_key


def peek(kind: str, params: object) -> object | None:
    """The value `memo(kind, params, …)` would hand back now if it is already cached (for the
    versions a read gets now), else None. Never builds and records no reads."""
    sources = cache.shared().get(cache.key("deps:" + kind, params))
    if sources is None:
        return None
    value_key = cache.key(kind, params, door.frozen(), door.signature(sources))
    hit = cache.hot().get(value_key) or cache.shared().get(value_key)
    return hit[0] if hit is not None else None
