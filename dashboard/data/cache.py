"""The one cache mechanism: flask-caching backends and one key function (`dashboard.data.memo`
caches a build together with the reads it made).

- `shared()`: rendered charts, KPI values and whole responses. SimpleCache in this process by
  default; RedisCache when REDIS_URL is set, so every gunicorn worker and dyno shares entries.
  A Redis outage is logged once and served uncached, never an error page.
- `local()`: this process only — immutable store versions and short-lived status snapshots.

Keys carry the versions a build read, so a promotion changes the key: nothing is invalidated by
hand and nothing waits for a TTL (the TTL on Redis only bounds memory).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from typing import Any

from cachelib.serializers import SimpleSerializer
from flask_caching.backends.base import BaseCache
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache

from data_sources import config

log = logging.getLogger(__name__)
REDIS_TIMEOUT = 7 * 24 * 3600  # seconds; entries are keyed by version, this only bounds memory
_PREFIX = "pp:"


class Guarded:
    """A backend whose failures (Redis down, a timeout) mean "no cache", logged once per outage."""

    def __init__(self, backend: BaseCache, name: str) -> None:
        self.backend, self.name = backend, name
        self.failing = False

    def _failed(self, exc: Exception) -> None:
        if not self.failing:
            log.warning("%s cache unavailable, serving uncached: %s", self.name, exc)
        self.failing = True

    def _ok(self) -> None:
        if self.failing:
            log.warning("%s cache is back", self.name)
        self.failing = False

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

    def clear(self) -> None:
        try:
            self.backend.clear()
        except Exception as exc:
            self._failed(exc)


_backends: dict[str, Guarded] = {}
_backends_lock = threading.Lock()


def _make_shared() -> Guarded:
    url = config.env("REDIS_URL")
    if not url:
        return Guarded(SimpleCache(threshold=2048, default_timeout=0), "in-process")
    import redis

    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    backend = RedisCache(host=client, default_timeout=REDIS_TIMEOUT, key_prefix=_PREFIX)
    return Guarded(backend, "redis")


def shared() -> Guarded:
    """Rendered output, shared across workers when REDIS_URL is set."""
    with _backends_lock:
        if "shared" not in _backends:
            _backends["shared"] = _make_shared()
        return _backends["shared"]


class _AsIs(SimpleSerializer):
    """A cachelib serializer that keeps objects as they are: the local cache never leaves the
    process, so pickling every hit (a DataFrame, the status of every source) is pure cost.
    Callers treat what they get as read-only."""

    def dumps(self, value: Any, protocol: int = 0) -> Any:  # noqa: ARG002 (no pickling)
        return value

    def loads(self, bvalue: Any) -> Any:
        return bvalue


class LocalCache(SimpleCache):
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


def clear() -> None:
    """Forget everything (tests, switching stores)."""
    for backend in (local(), hot(), shared()):
        backend.clear()


def reset_backends() -> None:
    """Re-read REDIS_URL (tests)."""
    with _backends_lock:
        _backends.clear()


def key(kind: str, *parts: object) -> str:
    """The one key function: a kind (chart, route, ...) and its normalised parts — options, lang,
    and the versions read — hashed."""
    return kind + ":" + hashlib.sha256(repr(parts).encode()).hexdigest()
