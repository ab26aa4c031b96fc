"""Benchmark: a first visit to an embed — bytes before interaction, time to the first painted
chart, time to the interactive chart after a hover — with no image rendered yet and with the
chart's SVG rendered (its first paint), the static embed, and requests per second of a cached
embed and a cached API call; each against a default Dash app started in the same run.

Both apps run under gunicorn (2 sync workers) on 127.0.0.1; load comes from wrk (Debian package)
for a bounded time. Run by hand: `.venv/bin/python benchmarks/embed.py`. Not a test.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.page_weight import FLAGS, RUNS, measure  # noqa: E402

DURATION = "10s"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(
    module: str, env: dict[str, str], tree: Path = ROOT, probe: str = "/"
) -> tuple[subprocess.Popen, str]:
    """`module` under gunicorn (2 sync workers) from `tree`, once `probe` answers."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            module,
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=tree,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + probe, timeout=1).read()  # noqa: S310 (loopback)
            return proc, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{module} did not start")


def rps(url: str) -> float:
    """Requests per second over DURATION with 20 connections (wrk)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    urllib.request.urlopen(url).read()  # noqa: S310 (loopback) warm the cache
    out = subprocess.run(
        ["wrk", "-t1", "-c20", f"-d{DURATION}", url], capture_output=True, text=True, check=True
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def redis_server() -> tuple[subprocess.Popen | None, str]:
    """A private redis-server (bounded, evicting, as a deploy should run it) so both gunicorn
    workers share one cache, as with REDIS_URL in production; ("", None) when not installed."""
    server = shutil.which("redis-server")
    if server is None:
        return None, ""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="pp-bench-redis-")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", workdir, "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.RedisError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def measure_embed(browser, url: str, interact: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """A cold first visit to an embed: bytes on the wire and ms from navigation start until the
    chart is painted (the inline SVG, or plotly's drawing when there is none); with `interact`,
    then a hover over the chart: ms until plotly has drawn and the bytes after that."""
    context = browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    total = {"bytes": 0, "open": 0}

    def finished(event: dict) -> None:
        total["bytes"] += event.get("encodedDataLength", 0)
        total["open"] -= 1

    cdp.on("Network.requestWillBeSent", lambda _e: total.__setitem__("open", total["open"] + 1))
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", finished)

    def settled() -> None:
        """No request in flight for 300 ms (Playwright's networkidle never came under gunicorn)."""
        quiet = time.perf_counter()
        while time.perf_counter() - quiet < 0.3:
            page.wait_for_timeout(50)
            if total["open"] > 0:
                quiet = time.perf_counter()

    page.goto(url)
    page.wait_for_selector("#pp-chart svg", state="visible", timeout=30_000)
    out = {"first_chart_ms": page.evaluate("performance.now()")}
    page.wait_for_load_state("load")
    settled()
    out["bytes_before"] = total["bytes"]
    if interact:
        start = time.perf_counter()
        page.hover("#pp-chart")
        page.wait_for_selector("#pp-chart .js-plotly-plot .main-svg", timeout=30_000)
        out["interactive_ms"] = (time.perf_counter() - start) * 1000
        settled()
        out["bytes_after"] = total["bytes"]
    context.close()
    return out


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from data_sources.refresh import refresh
    from data_sources.sources import curated
    from data_sources.store import Store

    db = f"sqlite:///{tempfile.mkdtemp(prefix='pp-embed-')}/seed.sqlite3"
    refresh(Store(db), curated.SOURCES)
    redis_proc, redis_url = redis_server()
    env = {**os.environ, "DATABASE_URL": db, "REDIS_URL": redis_url}
    from benchmarks.images import start_renderer, wait_drawn

    app, app_url = gunicorn("dashboard.app:server", env)
    base, base_url = gunicorn("benchmarks.baseline_app:server", env)
    charts = {"line chart": "gas_border_price", "map": "euma_map"}
    renderer = start_renderer(env)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=FLAGS
            )
            base_runs = [measure(browser, base_url + "/") for _ in range(RUNS)]
            base_bytes = statistics.median(b for b, _ in base_runs)
            base_ms = statistics.median(t for _, t in base_runs)
            # First the embeds as their very first reader gets them (no image rendered yet:
            # plotly.js at once), then with the SVG rendered (first paint before plotly.js).
            cold = {
                name: [measure_embed(browser, f"{app_url}/embed/{cid}", False) for _ in range(RUNS)]
                for name, cid in charts.items()
            }
            for cid in charts.values():  # drawn by the renderer process (issue 15)
                wait_drawn(f"{app_url}/embed/{cid}.svg")
            lazy = {
                name: [
                    measure_embed(browser, f"{app_url}/embed/{cid}?lazy=interact", True)
                    for _ in range(RUNS)
                ]
                for name, cid in charts.items()
            }
            browser.close()
        static_bytes = len(
            urllib.request.urlopen(  # noqa: S310 (loopback)
                urllib.request.Request(
                    app_url + "/embed/gas_border_price?static=1",
                    headers={"Accept-Encoding": "gzip, br"},
                )
            ).read()
        )
        print(
            f"baseline (default Dash app, one line chart): {base_bytes / 1024:,.0f} KB, first "
            f"chart {base_ms:,.0f} ms (medians of {RUNS}; cold browser cache; both apps under "
            f"gunicorn -w 2{', Redis shared cache' if redis_url else ''})\n"
        )
        print(
            "| embed | KB before interaction | × baseline | first chart (ms) | × baseline "
            "| interactive after hover (ms) | KB after |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name in charts:
            for label, runs in ((f"{name}, no SVG yet", cold[name]), (name, lazy[name])):
                size, ms = median_of(runs, "bytes_before"), median_of(runs, "first_chart_ms")
                after = (
                    f"{median_of(runs, 'interactive_ms'):,.0f} | "
                    f"{median_of(runs, 'bytes_after') / 1024:,.0f}"
                    if "interactive_ms" in runs[0]
                    else "— | —"
                )
                print(
                    f"| {label} | {size / 1024:,.0f} | {size / base_bytes:.3f} | {ms:,.0f} "
                    f"| {ms / base_ms:.2f} | {after} |"
                )
        print(
            f"| static embed (`?static=1`), HTML only | {static_bytes / 1024:,.1f} | "
            f"{static_bytes / base_bytes:.4f} | | | | |"
        )
        base_rps = rps(base_url + "/")
        embed_rps = rps(app_url + "/embed/gas_border_price")
        api_rps = rps(app_url + "/api/v1/datasets/gas_prices.json")
        print(f"\n| load ({DURATION}, 20 connections, wrk) | req/s | × baseline page |")
        print("|---|---:|---:|")
        print(f"| baseline page `/` | {base_rps:,.0f} | 1.00 |")
        print(f"| cached embed | {embed_rps:,.0f} | {embed_rps / base_rps:.2f} |")
        print(f"| cached API call | {api_rps:,.0f} | {api_rps / base_rps:.2f} |")
    finally:
        app.terminate()
        base.terminate()
        renderer.terminate()
        if redis_proc is not None:
            redis_proc.terminate()


if __name__ == "__main__":
    main()
