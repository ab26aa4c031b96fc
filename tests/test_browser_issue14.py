"""Real browser, /euma's coverage model and /scenarios: drawn at 1280 and 375 px with no console
error, a scenario slider keeps the URL and the results in step (the page-wide checks of every
page are in test_browser.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser import Visit, wait_until

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
def test_euma_coverage_charts_draw(width, live_url, browser) -> None:
    visit = Visit(browser, live_url + "/euma", width)
    try:
        for card in ("card-euma_border_coverage", "card-euma_border_map", "card-euma_coverage"):
            visit.page.locator(f"#{card} .js-plotly-plot .main-svg").first.wait_for()
        caveat = visit.page.locator("#card-euma_border_coverage .pp-caveat").inner_text()
        assert "not patrol routes" in caveat and "1,000 km" in caveat
        title = visit.page.locator("#title-euma_coverage").inner_text()
        assert "Reported km" in title
        # the map draws the border as lines (scattergeo traces) beside the points
        assert visit.page.locator("#card-euma_border_map .scattergeo").count() >= 3
        assert visit.errors == [], visit.errors
        assert visit.hosts() == {"127.0.0.1"}
    finally:
        visit.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_scenario_slider_moves_url_and_results(width, live_url, browser) -> None:
    visit = Visit(browser, live_url + "/scenarios?closure_days=10", width)
    try:
        page = visit.page
        for sid in ("upper_lars_closure", "gas_interruption", "remittance_shock"):
            page.locator(f"#card-scenario_{sid} .js-plotly-plot .main-svg").first.wait_for()
        assert page.locator(".pp-assumption").count() >= 3  # flagged assumptions are visible
        visit.settle()
        slider = page.locator("#scenario-gas_interruption input[type=range]").first
        assert slider.input_value() == "30"
        slider.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        wait_until(lambda: "outage_days=35" in page.evaluate("location.search"))
        query = parse_qs(urlparse(page.evaluate("location.href")).query)
        assert query["closure_days"] == ["10"] and query["outage_days"] == ["35"]
        detail = page.locator("[id*='pp-scenario-detail'][id*='gas_interruption']")
        wait_until(lambda: "35 days" in detail.inner_text())
        link = page.locator("a[href^='/download/scenario_gas_interruption.csv']")
        wait_until(lambda: "outage_days=35" in (link.get_attribute("href") or ""))
        # the slider settled: five quick steps end on the last one and stay there
        page.wait_for_timeout(1_000)
        assert "35 days" in detail.inner_text()
        assert "outage_days=35" in (link.get_attribute("href") or "")
        # a season choice moves its dependent slider to that season's cited rate (3 million m³
        # a day, Gazprom Armenia, May 2014), and the URL and results follow the moved slider
        page.locator("#scenario-gas_interruption label", has_text="summer").first.click()
        wait_until(lambda: "daily_use_mcm=3" in page.evaluate("location.search"))
        use = page.locator("#scenario-gas_interruption input[type=range]").nth(1)
        assert float(use.input_value()) == 3.0
        wait_until(lambda: "daily_use_mcm=3" in (link.get_attribute("href") or ""))
        assert visit.errors == [], visit.errors
        assert visit.hosts() == {"127.0.0.1"}
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 2, f"horizontal scroll of {overflow}px at {width}px"
    finally:
        visit.close()
