"""Lighter pages (issue 15): no plotly.js on pages without charts, the geo bundle only on pages
with maps, the basic bundle on the other chart pages — in the index the server sends, and in
what a real browser requests, including navigation inside the page (Dash Pages)."""

from __future__ import annotations

import re

import pytest

from dashboard.app import app
from dashboard.web import bundles
from tests.test_browser import Visit, wait_until


@pytest.fixture
def client(dash_store):  # type: ignore[no-untyped-def]
    return app.server.test_client()


def _scripts(html: str) -> list[str]:
    return re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)


def test_bundle_per_page() -> None:
    assert bundles.bundle_for("/sources") is None
    assert bundles.bundle_for("/changes") is None
    assert bundles.bundle_for("/no-such-page") is None
    assert bundles.bundle_for("/euma") == bundles.GEO
    assert bundles.bundle_for("/security/") == bundles.GEO  # the incident map
    assert bundles.bundle_for("/trade") == bundles.BASIC
    assert bundles.bundle_for("/") == bundles.BASIC


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("/sources", 200, None),
        ("/changes", 200, None),
        ("/no-such-page", 404, None),
        ("/euma?lang=hy", 200, "plotly-geo-"),
        ("/energy", 200, "plotly-basic-"),
    ],
)
def test_index_names_only_the_bundle_the_page_needs(client, path, status, expected) -> None:
    response = client.get(path)
    assert response.status_code == status
    plotly = [s for s in _scripts(response.get_data(as_text=True)) if "plotly" in s]
    if expected is None:
        assert plotly == []
    else:
        assert len(plotly) == 1 and expected in plotly[0]
        assert client.get(plotly[0]).status_code == 200


def _plotly_scripts(visit: Visit) -> list[str]:
    return [u for u in visit.requests if "plotly" in u and u.endswith(".js")]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/sources", "/changes", "/no-such-page"])
def test_pages_without_charts_load_no_plotly(path, live_url, browser) -> None:
    visit = Visit(browser, live_url + path, 1280)
    try:
        # The page's own content is drawn (a loaded machine can reach "network idle" before
        # Dash has asked for the layout), then nothing more is in flight.
        visit.page.locator("#pp-main h1").first.wait_for(timeout=20_000)
        visit.settle()
        assert _plotly_scripts(visit) == []
        if path != "/no-such-page":  # a 404 is logged as a console error by design
            assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.browser
def test_map_page_loads_geo_and_others_basic(live_url, browser) -> None:
    maps = Visit(browser, live_url + "/euma", 1280)
    try:
        maps.page.locator(".js-plotly-plot .geo").first.wait_for(timeout=20_000)
        loaded = _plotly_scripts(maps)
        assert len(loaded) == 1 and "plotly-geo-" in loaded[0]
        assert maps.errors == []
    finally:
        maps.close()
    plain = Visit(browser, live_url + "/trade", 1280)
    try:
        plain.page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=20_000)
        loaded = _plotly_scripts(plain)
        assert len(loaded) == 1 and "plotly-basic-" in loaded[0]
        assert plain.errors == []
    finally:
        plain.close()


@pytest.mark.browser
def test_navigation_inside_the_page_brings_the_right_bundle(live_url, browser) -> None:
    """From /sources (no plotly) a link to a chart page draws its charts with the basic bundle
    (not Dash's full plotly.js); a link on to a map page loads the geo bundle and draws the map."""
    visit = Visit(browser, live_url + "/sources", 1280)
    page = visit.page
    try:
        page.locator('a[href="/trade"]').first.click()
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=20_000)
        assert page.evaluate("location.pathname") == "/trade"
        wait_until(lambda: any("plotly-basic-" in u for u in _plotly_scripts(visit)))
        page.locator('a[href="/euma"]').first.click()
        page.locator(".js-plotly-plot .geo").first.wait_for(timeout=20_000)
        assert page.evaluate("location.pathname") == "/euma"
        loaded = _plotly_scripts(visit)
        assert any("plotly-geo-" in u for u in loaded)
        assert not any("package_data/plotly" in u for u in loaded)  # never the full bundle
        page.go_back()
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=20_000)
        assert visit.errors == []
    finally:
        visit.close()
