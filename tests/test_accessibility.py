"""Accessibility in a real browser (WCAG 2.2 AA): axe-core on every page at 1280 and 375 px and
on every embed, static image embed and KPI card; the Tab order of every page (visible focus, no
trap, a working skip link); chart semantics (figure + figcaption, the data table one keystroke
away, a description built from the data).

axe-core is the pinned copy in tests/vendor (see tests/vendor/README.md), evaluated through the
DevTools protocol, which our Content-Security-Policy does not govern; it is never served by the app.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.charts import kpis
from dashboard.charts.registry import CHARTS, for_page
from dashboard.web import images, renderer
from tests.test_browser import PAGES, Visit

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
WIDTHS = (1280, 375)


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Serious and critical axe-core violations on the page as `rule: selector (summary)`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]})
              .then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
                 nodes: v.nodes.map(n => [n.target.join(" "), n.failureSummary])})))"""
    )
    return [
        f"{v['id']}: {target} ({summary.splitlines()[-1].strip() if summary else ''})"
        for v in result
        if v["impact"] in BLOCKING
        for target, summary in v["nodes"]
    ]


def wait_for_charts(visit: Visit, count: int) -> None:
    """The page's heading and every chart drawn, and Dash's callbacks wired up."""
    visit.page.locator("main h1").first.wait_for(timeout=20_000)
    if count:
        visit.page.locator(".js-plotly-plot").nth(count - 1).wait_for(timeout=20_000)
    visit.settle()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "page_id"), PAGES)
def test_page_has_no_serious_axe_violations(path, page_id, width, live_url, browser) -> None:  # noqa: F811
    visit = Visit(browser, live_url + path, width)
    try:
        wait_for_charts(visit, len(for_page(page_id)))
        assert axe_violations(visit.page) == []
        assert visit.page.get_attribute("html", "lang") == "en"
    finally:
        visit.close()


@pytest.mark.parametrize(("path", "page_id"), PAGES)
def test_page_in_dark_has_no_serious_axe_violations(path, page_id, live_url, browser) -> None:  # noqa: F811
    """The same on every page for a reader whose system prefers dark (the theme's "Auto"):
    colour contrast of text, links, badges and the footer's switch in Bootstrap's dark mode."""
    visit = Visit(browser, "about:blank", WIDTHS[0])
    try:
        visit.page.emulate_media(color_scheme="dark")
        visit.goto(live_url + path)
        wait_for_charts(visit, len(for_page(page_id)))
        assert visit.page.get_attribute("html", "data-bs-theme") == "dark"
        assert axe_violations(visit.page) == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_embeds_and_kpi_cards_have_no_serious_axe_violations(width, live_url, browser) -> None:  # noqa: F811
    """Every chart embed (live and the static image page) and every KPI card."""
    urls = [f"/embed/{chart_id}" for chart_id in CHARTS]
    urls += [f"/embed/{chart_id}?theme=dark" for chart_id in list(CHARTS)[:3]]
    urls += [f"/embed/kpi/{kpi_id}" for kpi_id in kpis.BY_ID]
    urls += [f"/embed/kpi/{kpi_id}?theme=dark" for kpi_id in kpis.BY_ID]
    if width == WIDTHS[0]:  # one width for the static images: each is a kaleido export
        # A sample (line, bars and a map) bounds the run: each is a kaleido export, and the
        # static page's markup is the same for every chart.
        sample = [*list(CHARTS)[:2], "incident_map", "electricity_mix"]
        urls += [f"/embed/{chart_id}?static=1" for chart_id in sample]
    failures: dict[str, list[str]] = {}
    visit = Visit(browser, "about:blank", width)
    missing: list[str] = []
    visit.page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    try:
        for url in urls:
            visit.errors.clear()
            missing.clear()
            if "static=1" in url:  # the SVG drawn by the renderer (here), as its process would
                renderer.draw(images.Spec(url.removeprefix("/embed/").split("?")[0], ()))
            response = visit.goto(live_url + url)
            assert response is not None and response.status == 200, url
            if "/kpi/" not in url and "static=1" not in url:
                visit.page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=20_000)
            found = axe_violations(visit.page)
            # Chromium asks every page without an icon for /favicon.ico; the app has none.
            failed = [u for u in missing if not u.endswith("/favicon.ico")]
            found += [f"failed request {u}" for u in failed]
            found += [e for e in visit.errors if failed or "Failed to load resource" not in e]
            if found:
                failures[url] = found
            assert visit.page.get_attribute("html", "lang") == "en", url
        assert failures == {}
    finally:
        visit.close()


FOCUS_INFO = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) { return null; }
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || (style.boxShadow && style.boxShadow !== "none");
    return {
        tag: el.tagName.toLowerCase(),
        text: (el.getAttribute("aria-label") || el.innerText || el.textContent || el.value
               || "").trim().slice(0, 60),
        ring: ring,
        visible: box.width > 0 && box.height > 0,
        inMain: !!el.closest("main"),
        key: el.tagName + "|" + (el.id || "") + "|" + (el.getAttribute("href") || "")
            + "|" + Math.round(box.x) + "," + Math.round(box.y + window.scrollY),
    };
}"""
MAX_TAB_STOPS = 600


def tab_order(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Tab from the top of the page until focus leaves the document or comes round again."""
    stops: list[dict] = []
    seen: set[str] = set()
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO)
        if info is None or info["key"] in seen:
            return stops
        seen.add(info["key"])
        stops.append(info)
    raise AssertionError(f"no end to the Tab order after {MAX_TAB_STOPS} stops (a trap?)")


@pytest.mark.parametrize(("path", "page_id"), PAGES)
def test_keyboard_walks_every_page(path, page_id, live_url, browser) -> None:  # noqa: F811
    """Every Tab stop shows a focus ring and has a name; the order ends (no trap); the first
    stop is the skip link, and following it puts the next stop inside <main>."""
    visit = Visit(browser, live_url + path, 1280)
    try:
        page = visit.page
        wait_for_charts(visit, len(for_page(page_id)))
        stops = tab_order(page)
        assert stops, "nothing on the page takes focus"
        assert stops[0]["text"] == "Skip to content" and stops[0]["visible"]
        unringed = [s for s in stops if not s["ring"]]
        assert unringed == [], f"no visible focus indicator on {unringed[:5]}"
        nameless = [s for s in stops if not s["text"] and s["tag"] != "textarea"]
        assert nameless == [], f"focusable elements without a name: {nameless[:5]}"
        if for_page(page_id):
            summaries = [s for s in stops if s["text"].startswith("Data table")]
            assert len(summaries) == len(for_page(page_id))  # every chart's table is a Tab stop
        # The skip link: from the top, Tab then Enter, and the next Tab lands inside <main>.
        visit.goto(live_url + path)
        wait_for_charts(visit, len(for_page(page_id)))
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_INFO)["inMain"]
        if page_id == "not_found_404":  # that page is served with status 404, on purpose
            visit.errors = [e for e in visit.errors if "status of 404" not in e]
        assert visit.errors == []
    finally:
        visit.close()


def test_chart_is_a_figure_with_caption_and_table_alternative(live_url, browser) -> None:  # noqa: F811
    """A chart card is a <figure> named by its title and described by a sentence built from the
    data; the data table is the first Tab stop in it and opens with Enter; plotly's SVG is hidden
    from screen readers; the event layer's markers are listed in the table."""
    visit = Visit(browser, live_url + "/energy?events=1", 1280)
    try:
        page = visit.page
        wait_for_charts(visit, len(for_page("energy")))
        figure = page.locator("#card-gas_border_price figure")
        assert figure.get_attribute("aria-labelledby") == "title-gas_border_price"
        caption = figure.locator("figcaption")
        assert "Gas border price" in caption.inner_text() or caption.locator("h2").count() == 1
        description = page.locator("#desc-gas_border_price").inner_text()
        assert "Latest: Russia" in description and "US$ per 1000 m³" in description
        assert page.locator("#card-gas_border_price [role=img]").count() == 0
        svgs = page.locator("#card-gas_border_price .main-svg")
        assert svgs.count() > 0
        assert all(svgs.nth(i).get_attribute("aria-hidden") == "true" for i in range(svgs.count()))
        summary = page.locator("#card-gas_border_price summary").first
        summary.focus()
        page.keyboard.press("Enter")
        table = page.locator("#card-gas_border_price details[open] table")
        table.first.wait_for(timeout=30_000)  # a shared CI machine can be slow
        assert table.count() == 2  # the rows, then the events marked on the chart
        assert table.nth(1).locator("caption").inner_text().startswith("Events marked")
        assert table.nth(1).locator("tbody tr").count() > 0
        assert visit.errors == []
    finally:
        visit.close()
