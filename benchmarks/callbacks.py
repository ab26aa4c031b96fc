"""Benchmark: chart-page callbacks against a default Dash app's page, in the same run — replayed
`update_charts` throughput at 16 connections (wrk POSTs the body Dash's renderer sends for an
`events` click on the overview) and the latency of Dash Pages' page-routing callback, warm.

Both apps run under gunicorn (2 sync workers) on 127.0.0.1 on a store seeded with the curated
sources. Run by hand: `.venv/bin/python benchmarks/callbacks.py`. Not a test.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.side_by_side import seed, serve  # noqa: E402

ROUNDS = 3
DURATION = "5s"
ROUTING_SAMPLES = 60
PAGE = "overview"


def wrk(url: str, body: bytes | None = None) -> float:
    """Requests/second at 16 connections; with `body`, POSTed as JSON."""
    args = ["wrk", "-t1", "-c16", f"-d{DURATION}"]
    script = None
    if body is not None:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        script.write(
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [==[{body.decode()}]==]\n"
        )
        script.close()
        args += ["-s", script.name]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    if script is not None:
        os.unlink(script.name)
    assert "Non-2xx" not in out, out
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert found, out
    return float(found.group(1))


def post(url: str, body: bytes) -> tuple[int, float]:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
        response.read()
        return response.status, time.perf_counter() - started


def get(url: str) -> float:
    started = time.perf_counter()
    urllib.request.urlopen(url).read()  # noqa: S310 (loopback)
    return time.perf_counter() - started


def bodies() -> tuple[bytes, bytes]:
    """(update_charts for an `events` click on the overview, page routing to the overview)."""
    from dashboard.app import server
    from dashboard.pages import _callback_bodies

    server.test_client().get("/_dash-dependencies")  # Dash moves callbacks onto the app
    charts = _callback_bodies.update_charts(PAGE, {"events": ["1"]})
    routing = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    return json.dumps(charts).encode(), json.dumps(routing).encode()


def main() -> None:
    charts_body, routing_body = bodies()
    db = f"sqlite:///{tempfile.mkdtemp(prefix='pp-callbacks-')}/store.sqlite3"
    seed(ROOT, db)
    project, url = serve("dashboard.app:server", ROOT, {**os.environ, "DATABASE_URL": db})
    base, base_url = serve("benchmarks.baseline_app:server", ROOT, dict(os.environ))
    callback = url + "/_dash-update-component"
    results: dict[str, list[float]] = {}
    try:
        for _ in range(4):  # warm both workers' caches
            assert post(callback, charts_body)[0] == 200
            assert post(callback, routing_body)[0] == 200
            get(base_url + "/")
        for _ in range(ROUNDS):
            results.setdefault("base", []).append(wrk(base_url + "/"))
            results.setdefault("charts", []).append(wrk(callback, charts_body))
        routing = [post(callback, routing_body)[1] for _ in range(ROUTING_SAMPLES)]
        base_page = [get(base_url + "/") for _ in range(ROUTING_SAMPLES)]
    finally:
        project.terminate()
        base.terminate()
    base_rps, charts_rps = (statistics.median(results[k]) for k in ("base", "charts"))
    p50, p95 = (statistics.quantiles(routing, n=20)[i] * 1000 for i in (9, 18))
    b50 = statistics.median(base_page) * 1000
    print(f"default Dash app page: {base_rps:,.0f} req/s at c=16 (median of {ROUNDS})\n")
    print("| measure | project | default app page | ratio | goal |")
    print("|---|---:|---:|---:|---|")
    print(
        f"| replayed `update_charts` at c=16 (req/s) | {charts_rps:,.0f} | {base_rps:,.0f} "
        f"| {charts_rps / base_rps:.2f}× | ≥ 0.5× |"
    )
    print(
        f"| page-routing callback, warm, sequential (ms p50 / p95) | {p50:.1f} / {p95:.1f} "
        f"| {b50:.1f} (p50) | {p50 / b50:.1f}× | ≤ 50 ms p50 |"
    )


if __name__ == "__main__":
    main()
