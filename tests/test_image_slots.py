"""Issue 15: kaleido exports are bounded machine-wide (one Chromium at a time) and run in the
renderer process only: an image request never takes a slot, and the renderer starts no export
without one; embeds and KPI cards carry an inline favicon (no /favicon.ico request)."""

from __future__ import annotations

import time
from pathlib import Path

import plotly.io as pio
import pytest

from dashboard.app import app
from dashboard.charts import kpis
from dashboard.charts.registry import CHARTS
from dashboard.data import cache
from dashboard.web import image_slots, images, renderer
from data_sources.store import Store

CHART = next(iter(CHARTS))


@pytest.fixture
def client(dash_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(image_slots, "LOCK_DIR", tmp_path / "slots")
    cache.clear()
    return app.server.test_client()


def test_a_slot_is_exclusive_until_released(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(image_slots, "LOCK_DIR", tmp_path)
    with image_slots.slot(wait=0), pytest.raises(image_slots.Busy), image_slots.slot(wait=0.1):
        pass
    with image_slots.slot(wait=0) as index:
        assert index == 0
    with image_slots.slot(slots=2, wait=0), image_slots.slot(slots=2, wait=0) as second:
        assert second == 1


def test_image_requests_never_take_a_slot_and_the_renderer_waits_for_one(
    client, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    exports: list[object] = []
    monkeypatch.setattr(pio, "to_image", lambda *a, **k: exports.append(a) or b"<svg/>")
    monkeypatch.setattr(renderer, "SLOT_WAIT", 0.2)
    with image_slots.slot(wait=0):  # another process is exporting
        started = time.monotonic()
        response = client.get(f"/embed/{CHART}.svg")
        took = time.monotonic() - started
        static = client.get(f"/embed/{CHART}?static=1")
        # the renderer waits for the slot and starts no export without it
        assert renderer.render_pending() == 0
    assert response.status_code == 503  # not drawn yet: queued, whatever the slots
    assert response.headers["Retry-After"] == str(images.RETRY_AFTER)
    assert response.headers["Cache-Control"] == "no-store"
    assert "try again" in response.get_data(as_text=True).lower()
    assert exports == [], "no export may start without a slot"
    assert took < 3
    assert static.status_code == 503 and static.headers["Retry-After"]
    # Once the slot is free the renderer draws what stayed queued and the same request is
    # served (the 503 was not cached).
    assert renderer.render_pending() == 1 and exports  # one SVG: the static embed asked for it too
    assert client.get(f"/embed/{CHART}.svg").status_code == 200


def test_embeds_and_kpi_cards_do_not_ask_for_a_favicon(client) -> None:  # type: ignore[no-untyped-def]
    for path in (f"/embed/{CHART}", f"/embed/kpi/{next(iter(kpis.BY_ID))}"):
        head = client.get(path).get_data(as_text=True).split("</head>")[0]
        assert '<link rel="icon" href="data:,">' in head, path
