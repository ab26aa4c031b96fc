"""The one cache (flask-caching): with REDIS_URL, rendered output is shared through a real Redis
server; an outage is served uncached and logged once, never an error."""

from __future__ import annotations

import logging

import pytest
import redis

from dashboard.app import app
from dashboard.data import cache


@pytest.fixture
def with_redis(redis_url, monkeypatch, dash_store):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REDIS_URL", redis_url)
    cache.reset_backends()
    cache.shared().clear()
    yield redis.Redis.from_url(redis_url)
    cache.reset_backends()


@pytest.mark.services
def test_embed_responses_are_shared_through_redis(with_redis, monkeypatch) -> None:
    client = app.server.test_client()
    first = client.get("/embed/gas_border_price?theme=dark")
    assert first.status_code == 200
    keys = with_redis.keys("pp:embed:*")
    assert len(keys) == 1 and with_redis.ttl(keys[0]) > 3600

    # Another worker: nothing in its own memory, the answer comes from Redis without rebuilding.
    from dashboard.web import embed

    cache.local().clear()
    monkeypatch.setattr(embed, "embed_html", lambda *a, **k: pytest.fail("rebuilt"))
    second = client.get("/embed/gas_border_price?theme=dark")
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert second.headers["ETag"] == first.headers["ETag"]


def test_a_redis_outage_is_served_uncached_and_logged_once(dash_store, monkeypatch, caplog) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    cache.reset_backends()
    try:
        client = app.server.test_client()
        with caplog.at_level(logging.WARNING, logger="dashboard.data.cache"):
            for _ in range(3):
                response = client.get("/embed/electricity_mix")
                assert response.status_code == 200 and b"Electricity generation" in response.data
            page = client.get("/download/electricity_mix.csv")
            assert page.status_code == 200
        outages = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(outages) == 1, [r.getMessage() for r in caplog.records]
    finally:
        cache.reset_backends()


def test_keys_change_with_versions_not_time() -> None:
    one = cache.key("chart", ("gas_border_price", ()), (("gas_prices", 3, ""),))
    two = cache.key("chart", ("gas_border_price", ()), (("gas_prices", 4, ""),))
    assert one != two and one == cache.key(
        "chart", ("gas_border_price", ()), (("gas_prices", 3, ""),)
    )


def test_keys_change_with_the_code(monkeypatch) -> None:
    """A deploy (other code, styles or translations) never serves a render the old code made."""
    before = cache.key("chart", ("gas_border_price", ()), (("gas_prices", 3, ""),))
    assert len(cache.code_version()) == 16
    monkeypatch.setattr(cache, "code_version", lambda: "another-build")
    after = cache.key("chart", ("gas_border_price", ()), (("gas_prices", 3, ""),))
    assert after != before
