"""Embeds that paint before plotly.js (issue 15): with the chart's SVG already drawn by the
renderer process, the interactive embed carries it inline before any script and loads plotly.js
only on interaction or when idle; without one, the embed is as before, the SVG is queued and no
export runs on its request."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import plotly.io as pio
import pytest

from dashboard.app import app
from dashboard.data import door
from dashboard.web import renderer
from tests.test_accessibility import axe_violations
from tests.test_browser import Visit, wait_until

FAKE_SVG = (
    b'<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="800" height="380" '
    b'viewBox="0 0 800 380"><rect width="800" height="380"/></svg>'
)


@pytest.fixture
def client(dash_store):  # type: ignore[no-untyped-def]
    door.reset()
    yield app.server.test_client()
    door.reset()  # no fake SVG left in the shared cache for other tests


@pytest.fixture
def exports(monkeypatch):  # type: ignore[no-untyped-def]
    """Kaleido replaced by a counter that answers a fixed SVG."""
    calls: list[str] = []

    def to_image(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs.get("format", ""))
        return FAKE_SVG

    monkeypatch.setattr(pio, "to_image", to_image)
    return calls


def _first(html: str, needle: str) -> int:
    at = html.find(needle)
    return at if at >= 0 else len(html)


def test_without_a_cached_svg_the_embed_is_as_before_and_exports_nothing(client, exports) -> None:
    html = client.get("/embed/gas_border_price").get_data(as_text=True)
    assert exports == []  # no Chromium on the embed's request path
    assert "<svg" not in html
    assert re.search(r'<script src="/embed/static/plotly-basic-4\.1\.1\.min\.[0-9a-f]+\.js">', html)


def test_a_cached_svg_is_the_first_paint_before_any_script(client, exports) -> None:
    assert client.get("/embed/gas_border_price").status_code == 200  # cached without SVG
    assert client.get("/embed/gas_border_price.svg").status_code == 503  # not drawn: queued
    assert exports == []
    assert renderer.render_pending() == 1  # the renderer process draws it (issue 15)
    assert exports == ["svg"]
    response = client.get("/embed/gas_border_price?plain=1")
    html = response.get_data(as_text=True)
    assert exports == ["svg"]  # the embed reused the image, no second export
    assert FAKE_SVG.decode() in html
    assert _first(html, "<svg") < _first(html, "<script")
    holder = re.search(r'<div id="pp-chart"[^>]*>', html).group(0)
    assert 'style="height:' in holder and 'tabindex="0"' in holder
    assert re.search(
        r'data-plotly="/embed/static/plotly-basic-4\.1\.1\.min\.[0-9a-f]+\.js"', holder
    )
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert len(scripts) == 1 and "/embed.js" not in scripts[0] and "embed." in scripts[0]
    assert not any("plotly" in s for s in scripts)
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    # another language or theme has no SVG yet: plotly at once, as before (the SVG is queued)
    other = client.get("/embed/gas_border_price?lang=hy").get_data(as_text=True)
    assert "<svg" not in other and "plotly-basic-" in other
    assert exports == ["svg"]
    # a pinned (frozen) embed is never painted from the current versions' image
    version = door.versions_for(["gas_prices"])[0][1]
    pinned = client.get(f"/embed/gas_border_price?version={version}").get_data(as_text=True)
    assert "<svg" not in pinned


def _draw(url: str) -> None:
    """Ask the live server for the chart's SVG (queued), draw it as the renderer process does,
    then it is served."""
    try:
        urllib.request.urlopen(url + ".svg", timeout=120).read()  # noqa: S310 (loopback)
    except urllib.error.HTTPError as waiting:
        assert waiting.code == 503 and waiting.headers["Retry-After"]
        renderer.render_pending()
    with urllib.request.urlopen(url + ".svg", timeout=120) as drawn:  # noqa: S310 (loopback)
        assert drawn.status == 200


@pytest.mark.browser
def test_embed_paints_the_svg_and_draws_plotly_on_hover(live_url, browser) -> None:
    url = live_url + "/embed/gas_border_price"
    _draw(url)
    visit = Visit(browser, url + "?lazy=interact", 800)
    page = visit.page
    try:
        first = page.locator("#pp-chart.pp-first-paint > svg")
        assert first.count() == 1 and first.is_visible()
        assert [u for u in visit.requests if "plotly" in u] == []  # nothing before interaction
        assert axe_violations(page) == []
        box = page.locator("#pp-chart").bounding_box()
        page.locator("#pp-chart").hover()
        page.locator("#pp-chart .pp-live .main-svg").first.wait_for(timeout=20_000)
        wait_until(lambda: page.locator("#pp-chart > svg").count() == 0)
        assert any("plotly-basic-" in u for u in visit.requests)
        after = page.locator("#pp-chart").bounding_box()
        assert after is not None and box is not None and after["height"] == box["height"]
        assert visit.errors == []  # CSP violations surface as console errors
    finally:
        visit.close()


@pytest.mark.browser
def test_embed_upgrades_when_idle(live_url, browser) -> None:
    url = live_url + "/embed/gas_border_price"
    _draw(url)
    visit = Visit(browser, url, 800)
    try:
        visit.page.locator("#pp-chart.pp-interactive .pp-live .main-svg").first.wait_for(
            timeout=20_000
        )
        assert visit.errors == []
    finally:
        visit.close()
