"""REDIS_URL: cached embed responses are shared through a real Redis server; an outage degrades
to rebuilding, never to an error."""

from __future__ import annotations

import pytest
import redis

from dashboard import shared_cache
from dashboard.app import app


@pytest.fixture
def with_redis(redis_url, monkeypatch, dash_store):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REDIS_URL", redis_url)
    shared_cache.reset_backend()
    shared_cache.backend().clear()
    yield redis.Redis.from_url(redis_url)
    shared_cache.reset_backend()


def test_embed_responses_are_shared_through_redis(with_redis, monkeypatch) -> None:
    client = app.server.test_client()
    first = client.get("/embed/gas_border_price?theme=dark")
    assert first.status_code == 200
    keys = with_redis.keys("pp:resp:*")
    assert len(keys) == 1 and with_redis.ttl(keys[0]) > 3600

    # Another worker: nothing in its own memory, the answer comes from Redis without rebuilding.
    from dashboard import embed

    monkeypatch.setattr(embed, "embed_html", lambda *a, **k: pytest.fail("rebuilt"))
    second = client.get("/embed/gas_border_price?theme=dark")
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_a_redis_outage_degrades_to_rebuilding(dash_store, monkeypatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    shared_cache.reset_backend()
    try:
        response = app.server.test_client().get("/embed/electricity_mix")
        assert response.status_code == 200 and b"Electricity generation" in response.data
    finally:
        shared_cache.reset_backend()


def test_memory_cache_is_bounded() -> None:
    cache = shared_cache.MemoryCache(size=2)
    for n in range(3):
        cache.set(str(n), b"x")
    assert cache.get("0") is None and cache.get("2") == b"x"
