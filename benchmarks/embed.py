"""Benchmark: the weight of a first visit to an embed (JS and static), and requests per second of
a cached embed and a cached API call, each against a default Dash app's page (the baseline).

Both apps run under gunicorn (2 sync workers) on 127.0.0.1; load comes from wrk (Debian package)
for a bounded time. Run by hand: `.venv/bin/python benchmarks/embed.py`. Not a test.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.page_weight import FLAGS, measure  # noqa: E402

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


def main() -> None:
    from playwright.sync_api import sync_playwright

    from data_sources.refresh import refresh
    from data_sources.sources import curated
    from data_sources.store import Store

    db = f"sqlite:///{tempfile.mkdtemp(prefix='pp-embed-')}/seed.sqlite3"
    refresh(Store(db), curated.SOURCES)
    env = {**os.environ, "DATABASE_URL": db}
    app, app_url = gunicorn("dashboard.app:server", env)
    base, base_url = gunicorn("benchmarks.baseline_app:server", env)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=FLAGS
            )
            base_bytes, _ = measure(browser, base_url + "/")
            embed_bytes, _ = measure(browser, app_url + "/embed/gas_border_price")
            map_bytes, _ = measure(browser, app_url + "/embed/euma_map")
            browser.close()
        static_bytes = len(
            urllib.request.urlopen(  # noqa: S310 (loopback)
                urllib.request.Request(
                    app_url + "/embed/gas_border_price?static=1",
                    headers={"Accept-Encoding": "gzip, br"},
                )
            ).read()
        )
        print(f"baseline first visit: {base_bytes / 1024:,.0f} KB\n")
        print("| what | KB on the wire | × baseline | goal |")
        print("|---|---:|---:|---|")
        print(
            f"| embed, line chart (`/embed/gas_border_price`) | {embed_bytes / 1024:,.0f} | "
            f"{embed_bytes / base_bytes:.3f} | ≤ 0.25 |"
        )
        print(
            f"| embed, map (`/embed/euma_map`) | {map_bytes / 1024:,.0f} | "
            f"{map_bytes / base_bytes:.3f} | ≤ 0.25 |"
        )
        print(
            f"| static embed (`?static=1`) | {static_bytes / 1024:,.0f} | "
            f"{static_bytes / base_bytes:.3f} | ≤ 0.04 |"
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


if __name__ == "__main__":
    main()
