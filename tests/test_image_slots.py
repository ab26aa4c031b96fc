"""Issue 15: kaleido exports are bounded machine-wide (one Chromium at a time); a request that
finds every slot busy answers 503 with Retry-After at once and starts no export; embeds and KPI
cards carry an inline favicon (no /favicon.ico request)."""

from __future__ import annotations

import time
from pathlib import Path

import plotly.io as pio
import pytest

from dashboard.app import app
from dashboard.charts import kpis
from dashboard.charts.registry import CHARTS
from dashboard.data import cache
from dashboard.web import image_slots
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


def test_an_image_request_while_every_slot_is_busy_is_a_quick_503(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    exports: list[object] = []
    monkeypatch.setattr(pio, "to_image", lambda *a, **k: exports.append(a) or b"<svg/>")
    with image_slots.slot(wait=0):
        started = time.monotonic()
        response = client.get(f"/embed/{CHART}.svg")
        took = time.monotonic() - started
        static = client.get(f"/embed/{CHART}?static=1")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(image_slots.RETRY_AFTER)
    assert response.headers["Cache-Control"] == "no-store"
    assert "try again" in response.get_data(as_text=True)
    assert exports == [], "no export may start without a slot"
    assert took < image_slots.WAIT + 3
    assert static.status_code == 503 and static.headers["Retry-After"]
    # Once the slot is free the same request is drawn (the 503 was not cached).
    response = client.get(f"/embed/{CHART}.svg")
    assert response.status_code == 200 and exports


def test_embeds_and_kpi_cards_do_not_ask_for_a_favicon(client) -> None:  # type: ignore[no-untyped-def]
    for path in (f"/embed/{CHART}", f"/embed/kpi/{next(iter(kpis.BY_ID))}"):
        head = client.get(path).get_data(as_text=True).split("</head>")[0]
        assert '<link rel="icon" href="data:,">' in head, path
