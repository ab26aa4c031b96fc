"""Images off the request path (issue 15): web requests never run kaleido; an image not drawn yet
answers 503 with Retry-After and is queued (once, in a bounded queue); the renderer draws the
queue and, after a promotion, every chart's default images; a promotion re-keys every image of
what it changed; a chart that fails to draw is logged and the others are still drawn."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import plotly.io as pio
import pytest
from flask import has_request_context

from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.data import door
from dashboard.web import images, renderer
from data_sources import artifacts
from data_sources.store import Store
from tests.conftest import no_images, repromote

CHART = "gas_border_price"  # reads gas_prices
FAKE_SVG = (
    b'<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="800" height="380" '
    b'viewBox="0 0 800 380"><rect width="800" height="380"/></svg>'
)
FAKE_PNG = b"\x89PNG\r\n\x1a\nfake"


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """kaleido replaced by a recorder answering fixed bytes, which fails the test when it is
    called while a web request is being handled (a web worker must never start Chromium)."""
    calls: list[str] = []

    def to_image(spec: object, **kwargs: object) -> bytes:
        if has_request_context():
            pytest.fail("kaleido called while handling a web request")
        calls.append(str(kwargs.get("format")))
        return FAKE_SVG if kwargs.get("format") == "svg" else FAKE_PNG

    monkeypatch.setattr(pio, "to_image", to_image)
    return calls


@pytest.fixture
def own_store(seeded_db: str, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the seeded store (this test promotes into it)."""
    source = Path(seeded_db.removeprefix("sqlite:///"))
    copy = tmp_path / "store.sqlite3"
    shutil.copy(source, copy)
    store = Store(f"sqlite:///{copy}")
    store.create_schema()
    no_images(store)  # images drawn or queued by earlier tests came with the copy
    door.set_store(store)
    yield store
    door.set_store(None)
    store.engine.dispose()


@pytest.fixture
def client(dash_store: Store):  # type: ignore[no-untyped-def]
    return app.server.test_client()


def test_a_missing_image_is_queued_once_and_drawn_by_the_renderer(client, exports) -> None:
    first = client.get(f"/embed/{CHART}.svg?width=640")
    assert first.status_code == 503
    assert first.headers["Retry-After"] == str(images.RETRY_AFTER)
    assert first.headers["Cache-Control"] == "no-store"
    assert first.mimetype == "text/plain" and "being rendered" in first.get_data(as_text=True)
    again = client.get(f"/embed/{CHART}.svg?width=640")
    assert again.status_code == 503
    queued = door.queued_artifacts()
    assert len(queued) == 1, "a repeated request keeps its one place in the queue"
    assert images.Spec.from_json(queued[0][1]).width == 640
    assert exports == []

    assert renderer.render_pending() == 1
    assert exports == ["svg"] and door.queued_artifacts() == []
    drawn = client.get(f"/embed/{CHART}.svg?width=640")
    assert drawn.status_code == 200 and drawn.data == FAKE_SVG
    assert drawn.mimetype == "image/svg+xml"
    revalidated = client.get(
        f"/embed/{CHART}.svg?width=640", headers={"If-None-Match": drawn.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    assert exports == ["svg"]  # served from the store, nothing drawn on the request


def test_an_undrawn_first_paint_costs_no_store_query_per_request(
    client, exports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embeds whose SVG is not drawn yet (non-default options) are the common case under load:
    a worker looks the SVG up and queues it once, then answers from memory until the recheck
    interval passes; a drawing made in this process is seen at once."""
    calls = {"get": 0, "request": 0}
    for name in calls:
        real = getattr(artifacts, name)

        def counted(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(artifacts, name, counted)
    for _ in range(5):
        assert "<svg" not in client.get(f"/embed/{CHART}?events=1").get_data(as_text=True)
    assert calls == {"get": 1, "request": 1}
    assert len(door.queued_artifacts()) == 1
    renderer.render_pending()  # put_artifact forgets this process's "missing" note
    painted = client.get(f"/embed/{CHART}?events=1").get_data(as_text=True)
    assert FAKE_SVG.decode() in painted


def test_static_embeds_and_first_paints_read_the_drawn_svg(client, exports) -> None:
    waiting = client.get(f"/embed/{CHART}?static=1")
    assert waiting.status_code == 503 and waiting.headers["Retry-After"]
    html = waiting.get_data(as_text=True)
    assert "being rendered" in html and '<meta http-equiv="refresh"' in html
    interactive = client.get(f"/embed/{CHART}?lang=hy").get_data(as_text=True)
    assert "<svg" not in interactive  # no SVG yet: plotly.js at once, and the SVG is queued
    assert len(door.queued_artifacts()) == 2
    renderer.render_pending()
    static = client.get(f"/embed/{CHART}?static=1")
    assert static.status_code == 200 and FAKE_SVG.decode() in static.get_data(as_text=True)
    painted = client.get(f"/embed/{CHART}?lang=hy").get_data(as_text=True)
    assert FAKE_SVG.decode() in painted
    assert painted.find("<svg") < painted.find("<script")


def test_a_pinned_image_is_drawn_for_its_pins(client, exports) -> None:
    version = door.versions_for(["gas_prices"])[0][1]
    url = f"/embed/{CHART}.png?version={version}"
    assert client.get(url).status_code == 503
    spec = images.Spec.from_json(door.queued_artifacts()[0][1])
    assert spec.pinned() == {"gas_prices": version} and spec.fmt == "png"
    renderer.render_pending()
    response = client.get(url)
    assert response.status_code == 200 and response.data == FAKE_PNG
    assert response.mimetype == "image/png"


def test_after_a_promotion_the_old_image_is_not_served(own_store: Store, exports) -> None:
    client = app.server.test_client()
    url = f"/embed/{CHART}.svg"
    assert client.get(url).status_code == 503
    renderer.render_pending()
    before = client.get(url)
    assert before.status_code == 200
    repromote(own_store, "gas_prices")
    after = client.get(url)
    assert after.status_code == 503, "an image drawn from the old version was served"
    renderer.render_pending()
    redrawn = client.get(url)
    assert redrawn.status_code == 200 and redrawn.headers["ETag"] != before.headers["ETag"]
    assert exports == ["svg", "svg"]


def test_the_queue_is_bounded(client, exports, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifacts, "QUEUE_MAX", 2)
    assert client.get(f"/embed/{CHART}.svg?width=300").status_code == 503
    assert client.get(f"/embed/{CHART}.svg?width=400").status_code == 503
    full = client.get(f"/embed/{CHART}.svg?width=500")
    assert full.status_code == 503 and full.headers["Retry-After"]
    assert "Too many images" in full.get_data(as_text=True)
    widths = sorted(images.Spec.from_json(s).width for _, s in door.queued_artifacts())
    assert widths == [300, 400]  # oldest kept, the one beyond the bound refused


def test_after_a_promotion_every_default_image_is_drawn_and_a_failure_is_logged(
    dash_store: Store, exports, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    few = dict(list(CHARTS.items())[:3])
    broken = list(few)[1]
    monkeypatch.setattr(renderer, "CHARTS", few)
    monkeypatch.setattr(renderer, "LANGS", ("en", "ru"))
    real_export = renderer.export

    def export(rendered, fmt, theme, width):  # type: ignore[no-untyped-def]
        if rendered.chart.id == broken:
            raise RuntimeError("Chromium crashed")
        return real_export(rendered, fmt, theme, width)

    monkeypatch.setattr(renderer, "export", export)
    with caplog.at_level(logging.ERROR, logger=renderer.__name__):
        drawn, failed = renderer.render_after_promotion()
    assert (drawn, failed) == (2 * 2 * 2, 2 * 2)  # 2 good charts × 2 languages × svg, png
    assert broken in caplog.text and "Chromium crashed" in caplog.text
    client = app.server.test_client()
    good = next(c for c in few if c != broken)
    assert client.get(f"/embed/{good}.png?lang=ru").status_code == 200
    assert client.get(f"/embed/{good}.svg").status_code == 200
    assert client.get(f"/embed/{broken}.svg").status_code == 503
    assert renderer.render_after_promotion()[0] == 0  # stored ones are not drawn again


def test_the_export_refuses_to_run_inside_a_web_request(dash_store: Store) -> None:
    rendered = renderer.render(CHARTS[CHART], {})
    with app.server.test_request_context("/"), pytest.raises(renderer.WebExport):
        renderer.export(rendered, "svg", "light", 800)


def test_prune_keeps_the_current_set_and_a_bounded_number_of_others(dash_store: Store) -> None:
    for n in range(5):
        door.put_artifact(f"image:{n}", "image/svg+xml", b"<svg/>")
    assert artifacts.prune(dash_store, ["image:0", "image:1"], others=1) == 2
    assert door.stored_artifacts(f"image:{n}" for n in range(5)) == {
        "image:0",
        "image:1",
        "image:4",
    }
