"""Benchmark: bytes transferred (compressed, as on the wire), the plotly.js bundle loaded and time
to the first drawn chart for every dashboard page (pages without charts: bytes only) in headless
Chromium with a cold cache, against a minimal default Dash app with one line chart (the
baseline) measured in the same run.

Run by hand: `.venv/bin/python benchmarks/page_weight.py`. Not a test.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import FLAGS  # noqa: E402  (the same Chromium flags as the tests)

RUNS = 3


def baseline_app(compress: bool = False):  # type: ignore[no-untyped-def]
    """What `dash.Dash(__name__)` gives with one line chart: the defaults we compare against.

    `compress=True` is the same app with Dash's optional compression, for a fairer second view.
    """
    import dash
    import plotly.graph_objects as go
    from dash import dcc, html

    app = dash.Dash(f"baseline_{compress}", compress=compress)
    fig = go.Figure(go.Scatter(x=list(range(50)), y=[i * i for i in range(50)], mode="lines"))
    app.layout = html.Div([html.H1("Baseline"), dcc.Graph(figure=fig)])
    return app.server


def serve(wsgi) -> str:  # type: ignore[no-untyped-def]
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    httpd = make_server("127.0.0.1", 0, wsgi, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_port}"


def measure(browser, url: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """(bytes on the wire, ms from navigation start to the first drawn chart), cold cache."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    total = {"bytes": 0}
    cdp.on(
        "Network.loadingFinished",
        lambda event: total.__setitem__("bytes", total["bytes"] + event["encodedDataLength"]),
    )
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    first_chart = page.evaluate("performance.now()")
    page.wait_for_load_state("networkidle")
    context.close()
    return total["bytes"], first_chart


def measure_page(browser, url: str, charts: bool) -> tuple[int, float | None, str]:  # type: ignore[no-untyped-def]
    """(bytes on the wire, ms to the first drawn chart or None for a page without charts, which
    plotly.js bundle the page loaded), cold cache."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    total = {"bytes": 0}
    scripts: list[str] = []
    cdp.on(
        "Network.loadingFinished",
        lambda event: total.__setitem__("bytes", total["bytes"] + event["encodedDataLength"]),
    )
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(url)
    first_chart = None
    if charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
        first_chart = page.evaluate("performance.now()")
    page.wait_for_load_state("networkidle")
    context.close()
    plotly = [u.rsplit("/", 1)[-1].split("-4.")[0] for u in scripts if "plotly" in u]
    return total["bytes"], first_chart, ", ".join(plotly) or "none"


def main() -> None:
    from playwright.sync_api import sync_playwright

    from dashboard.app import server
    from dashboard.data import door
    from data_sources.refresh import refresh
    from data_sources.sources import curated
    from data_sources.store import Store

    store = Store(f"sqlite:///{tempfile.mkdtemp(prefix='pp-weight-')}/seed.sqlite3")
    refresh(store, curated.SOURCES)
    door.set_store(store)
    app_url, base_url = serve(server), serve(baseline_app())
    gzip_url = serve(baseline_app(compress=True))
    import dash

    from dashboard.charts.registry import for_page

    pages = [
        (p["path"], p["name"], bool(for_page(p["module"].rsplit(".", 1)[-1])))
        for p in dash.page_registry.values()
        if p["path"] != "/404"
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=FLAGS
        )
        base = [measure(browser, base_url) for _ in range(RUNS)]
        base_bytes = statistics.median(b for b, _ in base)
        base_ms = statistics.median(t for _, t in base)
        gz = [measure(browser, gzip_url) for _ in range(RUNS)]
        gz_bytes = statistics.median(b for b, _ in gz)
        print(
            f"baseline (default Dash, one line chart): {base_bytes / 1024:,.0f} KB, "
            f"first chart {base_ms:,.0f} ms; with compress=True: {gz_bytes / 1024:,.0f} KB "
            f"(medians of {RUNS})\n"
        )
        print(
            "| page | plotly.js | KB on the wire | × baseline | × compressed baseline "
            "| first chart (ms) | × baseline |"
        )
        print("|---|---|---:|---:|---:|---:|---:|")
        for path, name, charts in pages:
            runs = [measure_page(browser, app_url + path, charts) for _ in range(RUNS)]
            size = statistics.median(b for b, _, _ in runs)
            drawn = [t for _, t, _ in runs if t is not None]
            timing = "— | —"
            if drawn:
                ms = statistics.median(drawn)
                timing = f"{ms:,.0f} | {ms / base_ms:.2f}"
            print(
                f"| {name} (`{path}`) | {runs[0][2]} | {size / 1024:,.0f} | "
                f"{size / base_bytes:.3f} | {size / gz_bytes:.2f} | {timing} |"
            )
        browser.close()


if __name__ == "__main__":
    main()
