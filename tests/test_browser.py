"""Real-browser tests: every page in headless Debian Chromium at 1280 and 375 px, no console
errors, every chart drawn, no request to any other host, permalinks and downloads work."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dash
import pytest

import dashboard.app  # noqa: F401  (registers the pages)
from dashboard.charts.registry import for_page
from tests.conftest import BUDGET_MS, BUDGET_S, goto, settle, wait_for

pytestmark = pytest.mark.browser
# The `live_url` and `browser` fixtures live in tests/conftest.py: one Chromium per session,
# shared by every browser test module.


# BUDGET_S: one budget for every browser wait (tests/conftest.py says how it was measured).


def wait_until(predicate, timeout: float = BUDGET_S) -> None:  # type: ignore[no-untyped-def]
    assert wait_for(predicate, timeout), "condition not met in time"


class Visit:
    """A page load that records requests and console errors."""

    def __init__(self, browser, url: str, width: int) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, accept_downloads=True
        )
        self.context.set_default_timeout(BUDGET_MS)  # every locator wait and navigation
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.response = goto(self.page, url)

    def goto(self, url: str):  # type: ignore[no-untyped-def]
        """Another page in the same tab, once its network has settled; returns the response."""
        return goto(self.page, url)

    def settle(self) -> None:
        """Wait until no request has been in flight for half a second (after a click)."""
        settle(self.page)

    def hosts(self) -> set[str]:
        return {urlparse(u).hostname or "" for u in self.requests if not u.startswith("data:")}

    def close(self) -> None:
        self.context.close()


# The not-found page answers 404 by design (Chromium logs that as a console error); the
# accessibility suite covers how it looks.
PAGES = sorted(
    (p["path"], p["module"].rsplit(".", 1)[-1])
    for p in dash.page_registry.values()
    if p["path"] != "/404"
)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(("path", "page_id"), PAGES)
def test_page_renders_cleanly(path, page_id, width, live_url, browser) -> None:
    visit = Visit(browser, live_url + path, width)
    try:
        charts = for_page(page_id)
        graphs = visit.page.locator(".js-plotly-plot .main-svg")
        if charts:
            # Locators, not wait_for_function: our CSP forbids the eval the latter relies on.
            visit.page.locator(".js-plotly-plot").nth(len(charts) - 1).wait_for()
            assert visit.page.locator(".js-plotly-plot").count() == len(charts)
            assert graphs.count() >= len(charts)
        assert visit.errors == []
        assert visit.hosts() == {"127.0.0.1"}
        overflow = visit.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 2, f"horizontal scroll of {overflow}px at {width}px"
    finally:
        visit.close()


def test_permalink_round_trip(live_url, browser) -> None:
    visit = Visit(browser, live_url + "/energy?from=2015&to=2024&events=1&junk=x", 1280)
    try:
        page = visit.page
        page.wait_for_selector(".js-plotly-plot")
        from_input = page.locator("#energy-controls input[type=number]").first
        assert from_input.input_value() == "2015"
        assert page.locator("#energy-controls input[type=checkbox]").first.is_checked()
        visit.settle()  # Dash has wired up its callbacks
        from_input.fill("2012")
        from_input.press("Enter")
        from_input.press("Tab")  # blur commits a debounced input too
        wait_until(lambda: "from=2012" in page.evaluate("location.search"))
        current = page.evaluate("location.href")
        query = parse_qs(urlparse(current).query)
        assert query["from"] == ["2012"] and query["events"] == ["1"]
        # The download link follows the controls.
        link = page.locator("a[href^='/download/gas_border_price.csv']")
        wait_until(lambda: "from=2012" in (link.get_attribute("href") or ""))
        reloaded = Visit(browser, current, 1280)
        try:
            reloaded.page.wait_for_selector(".js-plotly-plot")
            assert (
                reloaded.page.locator("#energy-controls input[type=number]").first.input_value()
                == "2012"
            )
        finally:
            reloaded.close()
        assert visit.errors == []
    finally:
        visit.close()


def test_download_returns_csv_with_provenance(live_url, browser) -> None:
    visit = Visit(browser, live_url + "/energy", 1280)
    try:
        with visit.page.expect_download() as info:
            visit.page.locator("a[href^='/download/gas_imports_by_supplier.csv']").click()
        text = Path(info.value.path()).read_text(encoding="utf-8")
        header = text.splitlines()[0].split(",")
        assert {"source_url", "source_title", "accessed", "confidence", "filters"} <= set(header)
        assert info.value.suggested_filename.startswith("pressure-points_gas_imports_by_supplier")
    finally:
        visit.close()


def test_data_table_toggle_is_keyboard_operable(live_url, browser) -> None:
    visit = Visit(browser, live_url + "/energy", 1280)
    try:
        summary = visit.page.locator("details summary").first
        summary.focus()
        visit.page.keyboard.press("Enter")
        assert visit.page.locator("details").first.get_attribute("open") is not None
        visit.page.wait_for_selector("details[open] table tbody tr")
        assert visit.page.locator("details[open] table a[href^='http']").count() > 0
        assert visit.errors == []
    finally:
        visit.close()


@pytest.fixture
def parent_page(live_url: str) -> Iterator[str]:
    """A newsroom article on another origin (another loopback port) embedding two charts."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from dashboard.charts.embed_snippets import RESIZE_SCRIPT, iframe
    from dashboard.charts.registry import CHARTS

    frames = "".join(
        iframe(f"{live_url}/embed/{chart_id}", CHARTS[chart_id].title, 150)
        for chart_id in ("gas_border_price", "euma_map")
    )
    article = f"<!doctype html><html><body><h1>Article</h1><p>Text.</p>{frames}"
    pages = {  # /late: the resize script is added by the test once the charts are drawn
        "/article": f"{article}{RESIZE_SCRIPT}</body></html>".encode(),
        "/late": f"{article}</body></html>".encode(),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            html = pages.get(self.path, pages["/article"])  # and the browser's /favicon.ico
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/article"
    httpd.shutdown()


def test_embed_in_a_foreign_page_sizes_itself(parent_page, browser) -> None:
    visit = Visit(browser, parent_page, 375)
    try:
        page = visit.page
        frames = page.locator("iframe")
        assert frames.count() == 2
        wait_until(
            lambda: all(
                int(float(frames.nth(i).evaluate("f => f.getBoundingClientRect().height"))) > 300
                for i in range(2)
            )
        )
        for i in range(2):
            frame = frames.nth(i).content_frame
            frame.locator(".js-plotly-plot .main-svg").first.wait_for()
            assert frame.locator("footer a").count() >= 2  # source line and the way back
        assert visit.errors == []  # CSP violations surface as console errors
        assert visit.context.cookies() == []
        assert visit.hosts() == {"127.0.0.1"}
    finally:
        visit.close()


def test_resize_script_added_after_the_charts_drew_still_sizes_them(parent_page, browser):  # type: ignore[no-untyped-def]
    """A CMS may run the resize script late: it asks each frame for its height."""
    from dashboard.charts.embed_snippets import RESIZE_SCRIPT

    visit = Visit(browser, parent_page.replace("/article", "/late"), 375)
    try:
        page = visit.page
        frames = page.locator("iframe")
        for i in range(2):
            frames.nth(i).content_frame.locator(".js-plotly-plot .main-svg").first.wait_for()

        def heights() -> list[float]:
            return [
                float(frames.nth(i).evaluate("f => f.getBoundingClientRect().height"))
                for i in range(2)
            ]

        assert max(heights()) < 200  # drawn, nobody listening: still the snippet's 150 px
        page.add_script_tag(
            content=RESIZE_SCRIPT.removeprefix("<script>").removesuffix("</script>")
        )
        wait_until(lambda: min(heights()) > 300)
        assert visit.errors == []
    finally:
        visit.close()


def test_changes_page_draws(live_url, browser) -> None:
    """/changes lists the change log (the seed's first versions at least), links its feed."""
    visit = Visit(browser, live_url + "/changes?topic=upper-lars", 1280)
    try:
        entries = visit.page.locator("article.pp-change")
        entries.first.wait_for()
        assert entries.count() >= 2  # upper_lars_events and upper_lars_throughput, first versions
        assert "rows" in entries.first.inner_text()
        assert visit.page.locator('head link[type="application/atom+xml"]').count() >= 1
        assert visit.errors == []
        assert visit.hosts() == {"127.0.0.1"}
    finally:
        visit.close()
