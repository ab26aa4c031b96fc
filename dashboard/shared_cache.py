"""Where cached responses live: in this process by default, in Redis when REDIS_URL is set so
every gunicorn worker and dyno shares them. Keys carry the data versions, so nothing is ever
invalidated by hand; entries simply age out."""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from collections import OrderedDict

from data_sources import config

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600
_PREFIX = "pp:resp:"


class MemoryCache:
    """A bounded LRU in this process."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


class RedisCache:
    """Redis (REDIS_URL); a Redis outage degrades to no caching, never to an error page."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(_PREFIX + key)
        except Exception as exc:  # redis.exceptions.RedisError and socket errors
            log.warning("redis get failed: %s", exc)
            return None

    def set(self, key: str, value: bytes) -> None:
        try:
            self.client.set(_PREFIX + key, value, ex=TTL_SECONDS)
        except Exception as exc:
            log.warning("redis set failed: %s", exc)

    def clear(self) -> None:
        try:
            for name in self.client.scan_iter(_PREFIX + "*"):
                self.client.delete(name)
        except Exception as exc:
            log.warning("redis clear failed: %s", exc)


_backend: MemoryCache | RedisCache | None = None
_backend_lock = threading.Lock()


def backend() -> MemoryCache | RedisCache:
    global _backend
    with _backend_lock:
        if _backend is None:
            url = config.env("REDIS_URL")
            _backend = RedisCache(url) if url else MemoryCache()
        return _backend


def reset_backend() -> None:
    """Re-read REDIS_URL (tests)."""
    global _backend
    with _backend_lock:
        _backend = None


def key_of(parts: tuple) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def get_object(parts: tuple) -> object | None:
    raw = backend().get(key_of(parts))
    return pickle.loads(raw) if raw is not None else None  # noqa: S301 (our own entries)


def set_object(parts: tuple, value: object) -> None:
    backend().set(key_of(parts), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
