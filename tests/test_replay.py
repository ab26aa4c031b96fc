"""`dashboard.web.replay`: an identical request for a cached embed, KPI card or API read is
answered with the same bytes without entering Flask, and never once what those bytes were
derived from has moved (a promotion, a failed refresh's badge, an image drawn, a conditional
request, a store outage, a daily KPI's day)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from dashboard.data import cache, door
from dashboard.web import replay
from data_sources.store import Store
from tests.conftest import no_images, repromote

ROUTES = [
    "/embed/gas_border_price?events=1",
    "/embed/kpi/gas_russia_share",
    "/api/v1/datasets/gas_prices.json",
]


@pytest.fixture
def store(seeded_db: str, tmp_path: Path) -> Iterator[Store]:
    """A copy of the seeded store (tests here promote into it)."""
    shutil.copy(seeded_db.removeprefix("sqlite:///"), tmp_path / "store.sqlite3")
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    no_images(store)
    door.set_store(store)
    yield store
    door.set_store(None)
    store.engine.dispose()


@pytest.fixture
def server() -> Iterator[Flask]:
    """The app's server, counting the requests that enter Flask."""
    from dashboard.app import server

    entered: list[str] = []

    def count() -> None:
        from flask import request

        entered.append(request.full_path)

    server.before_request_funcs.setdefault(None, []).insert(0, count)
    server.entered = entered  # type: ignore[attr-defined]
    yield server
    server.before_request_funcs[None].remove(count)


@pytest.mark.parametrize("route", ROUTES)
def test_a_repeated_request_is_replayed_until_a_promotion(store, server, route) -> None:  # type: ignore[no-untyped-def]
    client = server.test_client()
    first = client.get(route)
    again = client.get(route)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and again.headers == first.headers
    assert len(server.entered) == 1  # the second never entered Flask

    for source in store.current_versions():  # whatever the answer read moves
        repromote(store, source)
    after = client.get(route)
    assert len(server.entered) == 2  # the promotion: the full way, at once
    assert after.headers["ETag"] != first.headers["ETag"]


def test_conditional_and_head_requests_go_the_full_way(store, server) -> None:  # type: ignore[no-untyped-def]
    client = server.test_client()
    route = ROUTES[0]
    tag = client.get(route).headers["ETag"]
    assert client.get(route, headers={"If-None-Match": tag}).status_code == 304
    assert client.head(route).status_code == 200
    assert len(server.entered) == 3


def test_each_encoding_is_kept_apart(store, server) -> None:  # type: ignore[no-untyped-def]
    client = server.test_client()
    route = ROUTES[0]
    plain = client.get(route)
    gzipped = client.get(route, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert client.get(route, headers={"Accept-Encoding": "gzip"}).data == gzipped.data
    assert client.get(route).data == plain.data
    assert len(server.entered) == 2


def test_a_new_status_snapshot_goes_the_full_way(store, server) -> None:  # type: ignore[no-untyped-def]
    """Freshness badges come from the status snapshot: a new one is never served old bytes."""
    client = server.test_client()
    route = ROUTES[1]
    client.get(route)
    cache.local().delete("status:" + store.url)  # as when door.STATUS_TTL runs out
    client.get(route)
    assert len(server.entered) == 2


def test_an_outage_is_answered_by_the_full_path(store, server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the store gone the replay cannot check the marker: the stale-if-error copy (or a
    503) answers, never the replayed bytes as if nothing happened."""
    client = server.test_client()
    route = ROUTES[0]
    assert client.get(route).status_code == 200
    door.set_store(Store(f"sqlite:///{tmp_path / 'missing' / 'store.sqlite3'}"))
    down = client.get(route)
    assert len(server.entered) == 2
    assert down.status_code in (200, 503)
    if down.status_code == 200:
        assert down.headers["X-PP-Stale"] == "store-unavailable"


def test_a_daily_kpi_is_never_replayed(store, server) -> None:  # type: ignore[no-untyped-def]
    client = server.test_client()
    for _ in range(2):
        assert client.get("/embed/kpi/days_since_clash.svg").status_code == 200
    assert len(server.entered) == 2


def test_an_embed_without_its_first_paint_looks_again_soon(store, server) -> None:  # type: ignore[no-untyped-def]
    """No SVG drawn yet: replayed for at most door.ARTIFACT_RECHECK_S, so the drawing shows up."""
    import time

    client = server.test_client()
    route = ROUTES[0]
    client.get(route)
    keys = [k for k in cache.replay().backend._cache if route.split("?")[0] in k]  # type: ignore[attr-defined]
    assert len(keys) == 1
    kept = cache.replay().get(keys[0])
    assert kept.until <= time.monotonic() + door.ARTIFACT_RECHECK_S


def test_the_kept_answers_are_bounded_by_bytes() -> None:
    backend = cache.replay().backend
    assert backend.max_bytes == cache.REPLAY_MAX_BYTES  # type: ignore[attr-defined]
    probe = cache._ByBody(10, default_timeout=0, max_bytes=100)
    for n in range(5):
        probe.set(f"k{n}", replay._Kept((), None, 0.0, "200 OK", [], b"x" * 40))
    assert probe.bytes <= 100 and len(probe) == 2
