"""The one cache mechanism: flask-caching backends and one key function (`dashboard.data.memo`
caches a build together with the reads it made).

- `shared()`: rendered charts, KPI values and whole responses. SimpleCache in this process by
  default; RedisCache when REDIS_URL is set, so every gunicorn worker and dyno shares entries.
  A Redis outage is logged once and served uncached, never an error page.
- `local()`: this process only — immutable store versions and short-lived status snapshots.
- `last_good()`: the last good copy of each embed, image and KPI card, served while the store is
  down (`dashboard.web.stale`); shared like `shared()`, keyed per route and query, not version.

Keys carry the versions a build read, so a promotion changes the key: nothing is invalidated by
hand and nothing waits for a TTL (the TTL on Redis only bounds memory).

Every in-process cache is a `Bounded` one: at most a number of entries and, for pickled values,
of bytes, least recently used out first. Redis is bounded by its own configuration: it needs
`maxmemory` and `maxmemory-policy allkeys-lru` (or another evicting policy); a Redis that would
refuse writes instead (`noeviction`, Redis's default) is named in a warning at start-up.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from pathlib import Path
from time import time
from typing import Any

from cachelib.serializers import SimpleSerializer
from flask_caching.backends.base import BaseCache
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache

from data_sources import config

log = logging.getLogger(__name__)
REDIS_TIMEOUT = 7 * 24 * 3600  # seconds; entries are keyed by version, this only bounds memory
_PREFIX = "pp:"
SHARED_MAX_ENTRIES = 2048  # the in-process shared cache (no REDIS_URL): whole responses,
SHARED_MAX_BYTES = 64 * 1024 * 1024  # rendered charts and callback answers, pickled


class Bounded(SimpleCache):
    """flask-caching's SimpleCache with a bound it keeps: after every write at most `threshold`
    entries and, counting values stored as bytes (pickled), at most `max_bytes`; the least
    recently used entries go first.

    cachelib's own pruning runs before an insert (so it holds threshold + 1 entries) and counts
    an entry that never expires (timeout 0, as all of ours) as expired, dropping every such entry
    at once: https://github.com/pallets-eco/cachelib/blob/main/src/cachelib/simple.py
    (`_prune`, `_remove_expired`)."""

    def __init__(
        self, threshold: int, default_timeout: int = 0, max_bytes: int | None = None
    ) -> None:
        super().__init__(threshold=threshold, default_timeout=default_timeout)
        self.max_bytes = max_bytes
        self.bytes = 0

    @staticmethod
    def _size(stored: Any) -> int:
        return len(stored) if isinstance(stored, bytes | bytearray) else 0

    def _pop(self, key: str) -> tuple[int, Any] | None:
        item = self._cache.pop(key, None)
        if item is not None:
            self.bytes -= self._size(item[1])
        return item

    def _evict(self) -> None:
        while self._cache and (
            len(self._cache) > self._threshold
            or (self.max_bytes is not None and self.bytes > self.max_bytes)
        ):
            self._pop(next(iter(self._cache)))  # dicts keep order: least recently used first

    def _prune(self) -> None:  # cachelib's; `set` evicts after inserting instead
        pass

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._cache.pop(key, None)
            if item is None:
                return None
            expires, stored = item
            if expires != 0 and expires <= time():
                self.bytes -= self._size(stored)  # gone for good
                return None
            self._cache[key] = item  # now the most recently used (its bytes are still counted)
            return self.serializer.loads(stored)

    def set(self, key: str, value: Any, timeout: Any = None) -> bool:
        with self._lock:
            stored = self.serializer.dumps(value)
            self._pop(key)
            self._cache[key] = (self._normalize_timeout(timeout), stored)
            self.bytes += self._size(stored)
            self._evict()
            return True

    def add(self, key: str, value: Any, timeout: Any = None) -> bool:
        with self._lock:
            return False if self.has(key) else self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._pop(key) is not None

    def clear(self) -> bool:
        with self._lock:
            self._cache.clear()
            self.bytes = 0
            return True

    def __len__(self) -> int:
        return len(self._cache)


def warn_if_unbounded(backend: BaseCache) -> str | None:
    """A Redis that would refuse writes when full (`maxmemory-policy noeviction`, its default)
    or has no memory limit: log a warning once, at start-up, and return it (None when fine or
    not Redis). Redis answers INFO even where CONFIG is disabled (managed services)."""
    client = getattr(backend, "_write_client", None)
    if not isinstance(backend, RedisCache) or client is None:
        return None
    try:
        memory = client.info("memory")
    except Exception as exc:  # down or refusing: Guarded logs the outage on first use
        log.debug("REDIS_URL: could not read INFO memory: %s", exc)
        return None
    policy, limit = memory.get("maxmemory_policy"), int(memory.get("maxmemory") or 0)
    problem = None
    if policy == "noeviction":
        problem = "maxmemory-policy is noeviction: a full Redis refuses new cache entries"
    elif limit == 0:
        problem = "maxmemory is 0: the cache grows until Redis's host runs out of memory"
    if problem is None:
        return None
    message = f"REDIS_URL: {problem}; set maxmemory and maxmemory-policy allkeys-lru"
    log.warning(message)
    return message


class _Outage:
    """Whether one cache server is failing; shared by every backend on that server, so an
    outage of Redis is logged once, not once per use made of it."""

    failing = False


_outages: dict[str, _Outage] = {}


class Guarded:
    """A backend whose failures (Redis down, a timeout) mean "no cache", logged once per outage
    of its server (`server`: backends that share one name their outages together)."""

    def __init__(self, backend: BaseCache, name: str, server: str | None = None) -> None:
        self.backend, self.name = backend, name
        self.outage = _outages.setdefault(server or name, _Outage())

    @property
    def failing(self) -> bool:
        return self.outage.failing

    def _failed(self, exc: Exception) -> None:
        if not self.outage.failing:
            log.warning("%s cache unavailable, serving uncached: %s", self.name, exc)
        self.outage.failing = True

    def _ok(self) -> None:
        if self.outage.failing:
            log.warning("%s cache is back", self.name)
        self.outage.failing = False

    def get(self, key: str) -> Any:
        try:
            value = self.backend.get(key)
        except Exception as exc:  # redis.exceptions.RedisError, socket errors, bad pickles
            self._failed(exc)
            return None
        self._ok()
        return value

    def set(self, key: str, value: object, timeout: int | None = None) -> None:
        try:
            self.backend.set(key, value, timeout=timeout)
        except Exception as exc:
            self._failed(exc)
            return
        self._ok()

    def delete(self, key: str) -> None:
        try:
            self.backend.delete(key)
        except Exception as exc:
            self._failed(exc)
            return
        self._ok()

    def clear(self) -> None:
        try:
            self.backend.clear()
        except Exception as exc:
            self._failed(exc)


_backends: dict[str, Guarded] = {}
_backends_lock = threading.Lock()


def _redis(url: str, prefix: str, timeout: int) -> RedisCache:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return RedisCache(host=client, default_timeout=timeout, key_prefix=prefix)


def _make_shared() -> Guarded:
    url = config.env("REDIS_URL")
    if not url:
        return Guarded(Bounded(SHARED_MAX_ENTRIES, max_bytes=SHARED_MAX_BYTES), "in-process")
    return Guarded(_redis(url, _PREFIX, REDIS_TIMEOUT), "redis", server="redis")


def shared() -> Guarded:
    """Rendered output, shared across workers when REDIS_URL is set."""
    with _backends_lock:
        if "shared" not in _backends:
            _backends["shared"] = _make_shared()
            warn_if_unbounded(_backends["shared"].backend)
        return _backends["shared"]


class _AsIs(SimpleSerializer):
    """A cachelib serializer that keeps objects as they are: the local cache never leaves the
    process, so pickling every hit (a DataFrame, the status of every source) is pure cost.
    Callers treat what they get as read-only."""

    def dumps(self, value: Any, protocol: int = 0) -> Any:  # noqa: ARG002 (no pickling)
        return value

    def loads(self, bvalue: Any) -> Any:
        return bvalue


class LocalCache(Bounded):
    """Bounded by entries only: its values are live objects, not bytes."""

    serializer = _AsIs()


def local() -> Guarded:
    """This process only: immutable versions and short-lived snapshots, kept unpickled."""
    with _backends_lock:
        if "local" not in _backends:
            _backends["local"] = Guarded(LocalCache(threshold=512, default_timeout=0), "local")
        return _backends["local"]


def hot() -> Guarded:
    """This process only: entries of `shared()` already decoded here, so a repeated hit costs
    no unpickling (bounded; entries are keyed by version like the shared ones)."""
    with _backends_lock:
        if "hot" not in _backends:
            _backends["hot"] = Guarded(LocalCache(threshold=256, default_timeout=0), "hot")
        return _backends["hot"]


REPLAY_MAX_ENTRIES = 512  # whole answers replayed without entering Flask, this process only
REPLAY_MAX_BYTES = 16 * 1024 * 1024


class _ByBody(LocalCache):
    """A local cache whose entries count by their `body` (bytes) toward `max_bytes`."""

    @staticmethod
    def _size(stored: Any) -> int:
        body = getattr(stored, "body", b"")
        return len(body) if isinstance(body, bytes) else 0


def replay() -> Guarded:
    """This process only: final answers of cached routes with what they were derived from
    (`dashboard.web.replay`), unpickled, bounded by entries and by their bodies' bytes."""
    with _backends_lock:
        if "replay" not in _backends:
            backend = _ByBody(REPLAY_MAX_ENTRIES, default_timeout=0, max_bytes=REPLAY_MAX_BYTES)
            _backends["replay"] = Guarded(backend, "replay")
        return _backends["replay"]


COMPRESSED_MAX_ENTRIES = 1024  # compressed bodies of cached responses, this process only
COMPRESSED_MAX_BYTES = 32 * 1024 * 1024


def compressed() -> Guarded:
    """This process only: gzip/brotli/zstd bodies of responses served from the cache, keyed by
    the algorithm, path and entity tag (`dashboard.web.compressed`), so a cached hit is not
    compressed again on every request."""
    with _backends_lock:
        if "compressed" not in _backends:
            backend = Bounded(COMPRESSED_MAX_ENTRIES, max_bytes=COMPRESSED_MAX_BYTES)
            _backends["compressed"] = Guarded(backend, "compressed")
        return _backends["compressed"]


# Last good copies: at most LAST_GOOD_SLOTS entries (the caller hashes its key into a slot, so
# Redis holds no more than the process does), each at most LAST_GOOD_MAX_BYTES: a bound of
# 256 MiB, in practice far less (an embed is ~10-100 kB, a PNG ~100 kB).
LAST_GOOD_SLOTS = 512
LAST_GOOD_MAX_BYTES = 512 * 1024
LAST_GOOD_TIMEOUT = 30 * 24 * 3600  # seconds; Redis only (a copy is rewritten while in use)


def last_good() -> Guarded:
    """Last good copies for stale-if-error, shared across workers when REDIS_URL is set."""
    with _backends_lock:
        if "last_good" not in _backends:
            url = config.env("REDIS_URL")
            backend: BaseCache = (
                _redis(url, _PREFIX + "last-good:", LAST_GOOD_TIMEOUT)
                if url
                else LocalCache(threshold=LAST_GOOD_SLOTS + 1, default_timeout=0)
            )
            _backends["last_good"] = Guarded(backend, "last-good", server="redis" if url else None)
        return _backends["last_good"]


def marks() -> Guarded:
    """This process only: short-lived marks of what was recently written elsewhere (bounded)."""
    with _backends_lock:
        if "marks" not in _backends:
            _backends["marks"] = Guarded(LocalCache(threshold=4096, default_timeout=0), "marks")
        return _backends["marks"]


def clear() -> None:
    """Forget everything (tests, switching stores)."""
    for backend in (local(), hot(), shared(), last_good(), marks(), compressed(), replay()):
        backend.clear()


def reset_backends() -> None:
    """Re-read REDIS_URL (tests)."""
    with _backends_lock:
        _backends.clear()
        _outages.clear()


_CODE_SUFFIXES = (".py", ".js", ".css", ".po")
_CODE_MAX_BYTES = 1 << 20  # vendored bundles are named by version in the code that loads them


@functools.cache
def code_version() -> str:
    """A digest of the dashboard's own code, styles and translations: part of every key, so
    after a deploy no worker serves a render the previous code made (Redis keeps entries for
    days, and the data versions alone would not change)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if (
            path.suffix in _CODE_SUFFIXES
            and path.is_file()
            and path.stat().st_size <= _CODE_MAX_BYTES
            and "__pycache__" not in path.parts
        ):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(kind: str, *parts: object) -> str:
    """The one key function: a kind (chart, route, ...) and its normalised parts — options, lang,
    and the versions read — hashed with the code version."""
    return kind + ":" + hashlib.sha256((code_version() + repr(parts)).encode()).hexdigest()
