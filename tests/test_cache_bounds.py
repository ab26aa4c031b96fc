"""Bounded memory (issue 15): every in-process cache keeps its bound in entries (and bytes, for
pickled values) whatever is inserted, least recently used out first; a Redis that would refuse
writes when full is named in a warning."""

from __future__ import annotations

import logging
import pickle

import pytest
import redis

from dashboard.data import cache
from dashboard.i18n import translations


def test_entries_stay_at_or_under_the_threshold_least_recently_used_out() -> None:
    bounded = cache.Bounded(threshold=10)
    for i in range(35):
        bounded.set(f"k{i}", i)
        if i == 20:
            assert bounded.get("k12") == 12  # read: now the most recently used
        assert len(bounded) <= 10
    assert len(bounded) == 10
    assert bounded.get("k34") == 34 and bounded.get("k0") is None
    assert bounded.get("k12") is None  # used at i=20, then ten newer entries came
    bounded.set("k30", "again")  # replacing an entry does not grow the cache
    assert len(bounded) == 10 and bounded.get("k30") == "again"
    assert bounded.add("k30", "no") is False and bounded.add("new", 1) is True
    assert len(bounded) == 10


def test_bytes_stay_at_or_under_the_budget() -> None:
    bounded = cache.Bounded(threshold=1000, max_bytes=20_000)
    for i in range(100):
        bounded.set(f"k{i}", b"x" * 1000)
        assert bounded.bytes <= 20_000
    stored = sum(len(v) for _, v in bounded._cache.values())
    assert stored == bounded.bytes <= 20_000
    assert len(bounded) == 20_000 // len(pickle.dumps(b"x" * 1000))
    bounded.set("huge", b"x" * 50_000)  # larger than the whole budget: not kept
    assert bounded.get("huge") is None and bounded.bytes <= 20_000
    bounded.delete("k99")
    assert bounded.bytes == sum(len(v) for _, v in bounded._cache.values())
    bounded.clear()
    assert bounded.bytes == 0 and len(bounded) == 0


def test_timeouts_still_expire(monkeypatch) -> None:
    bounded = cache.Bounded(threshold=10)
    bounded.set("soon", 1, timeout=5)
    bounded.set("never", 2)
    now = cache.time()
    monkeypatch.setattr(cache, "time", lambda: now + 10)
    assert bounded.get("soon") is None and bounded.get("never") == 2


@pytest.mark.parametrize("name", ["shared", "local", "hot"])
def test_every_in_process_backend_keeps_its_bound(name, monkeypatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    cache.reset_backends()
    try:
        guarded = getattr(cache, name)()
        backend = guarded.backend
        assert isinstance(backend, cache.Bounded)
        bound = backend._threshold
        for i in range(bound + 100):
            guarded.set(f"test:{i}", {"i": i})
        assert len(backend) <= bound
        assert guarded.get(f"test:{bound + 99}") == {"i": bound + 99}
        assert guarded.get("test:0") is None
    finally:
        cache.reset_backends()


def test_the_shared_in_process_cache_has_a_byte_budget(monkeypatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    cache.reset_backends()
    try:
        backend = cache.shared().backend
        assert isinstance(backend, cache.Bounded)
        assert backend.max_bytes == cache.SHARED_MAX_BYTES
        chunk = b"x" * (1024 * 1024)
        for i in range(cache.SHARED_MAX_BYTES // len(chunk) + 10):
            cache.shared().set(f"big:{i}", chunk)
        assert backend.bytes <= cache.SHARED_MAX_BYTES
    finally:
        cache.reset_backends()


def test_translations_are_a_bounded_memo() -> None:
    for lang in ("en", "hy", "ru", "de", "fr", "xx"):
        translations(lang)
    info = translations.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize


@pytest.mark.services
def test_a_redis_that_would_refuse_writes_is_named_at_start(redis_url, monkeypatch, caplog) -> None:
    client = redis.Redis.from_url(redis_url)
    before = client.config_get("maxmemory*")
    monkeypatch.setenv("REDIS_URL", redis_url)
    try:
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", "64mb")
        cache.reset_backends()
        with caplog.at_level(logging.WARNING, logger="dashboard.data.cache"):
            cache.shared()
        assert "maxmemory-policy is noeviction" in caplog.text
        assert "allkeys-lru" in caplog.text

        client.config_set("maxmemory-policy", "allkeys-lru")
        assert cache.warn_if_unbounded(cache.shared().backend) is None
        client.config_set("maxmemory", "0")
        assert "maxmemory is 0" in (cache.warn_if_unbounded(cache.shared().backend) or "")
    finally:
        for key in ("maxmemory", "maxmemory-policy"):
            client.config_set(key, before[key])
        cache.reset_backends()


def test_no_redis_means_no_warning(monkeypatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    cache.reset_backends()
    try:
        assert cache.warn_if_unbounded(cache.shared().backend) is None
    finally:
        cache.reset_backends()
