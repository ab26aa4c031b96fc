"""Benchmark: worker memory under a long mixed load and cold start, against a default Dash app
with one chart started in the same run (issue 15: "RSS after 10,000 mixed requests ≤ 1.2× the
default app's worker and flat after warm-up"; "cold start ≤ 1.0× the default app").

Memory: both apps under gunicorn (2 sync workers) on a store seeded with the curated sources; a
fixed, repeatable mix of requests (pages, Dash layout and callbacks, embeds of every chart with
varied options and languages, KPI cards, API calls, downloads) is sent by 8 threads, and the
resident set size of each worker (`VmRSS` in /proc) is read after a warm-up and at checkpoints.
The default app gets its own mix (its page, layout, dependencies and scripts). Image exports are
left out: they run outside the web workers.

Cold start: time from spawning `gunicorn -w 1` to the first 200 of `/`, median of 3, each app
on its own.

Run by hand: `.venv/bin/python benchmarks/memory_and_start.py [--requests 10000]`. Not a test.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.embed import free_port, gunicorn  # noqa: E402
from benchmarks.side_by_side import seed  # noqa: E402

WARM_UP = 1_000  # requests before the first memory reading
THREADS = 8
START_RUNS = 3


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    """Resident set size (MB) of each gunicorn worker: the master's children."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def project_mix() -> list[tuple[str, bytes | None]]:
    """One cycle of the project's mixed requests: (path, JSON body for a POST or None)."""
    from dashboard.app import server
    from dashboard.charts.kpis import BY_ID
    from dashboard.charts.registry import CHARTS
    from dashboard.pages import _callback_bodies
    from data_sources.sources import curated

    server.test_client().get("/_dash-dependencies")  # Dash moves callbacks onto the app
    years = ("", "from=2000", "from=2010", "from=2015&to=2020", "from=2020")
    langs = ("en", "hy", "ru")
    mix: list[tuple[str, bytes | None]] = []
    for chart, year, lang in itertools.product(CHARTS, years, langs):
        query = "&".join(q for q in (year, f"lang={lang}") if q)
        mix.append((f"/embed/{chart}?{query}", None))
    for chart in CHARTS:
        mix.append((f"/download/{chart}.csv", None))
    for source in curated.SOURCES:
        mix.append((f"/api/v1/datasets/{source.id}.json", None))
    for kpi, lang in itertools.product(BY_ID, langs):
        mix.append((f"/embed/kpi/{kpi}?lang={lang}", None))
    for path, lang in itertools.product(
        (
            "/",
            "/trade",
            "/energy",
            "/upper-lars",
            "/security",
            "/euma",
            "/scenarios",
            "/changes",
            "/sources",
        ),
        langs,
    ):
        mix.append((f"{path}?lang={lang}", None))
    mix.append(("/_dash-layout", None))
    mix.append(("/_dash-dependencies", None))
    for page, events in itertools.product(("overview", "energy", "trade"), ([], ["1"])):
        body = json.dumps(_callback_bodies.update_charts(page, {"events": events}))
        mix.append(("/_dash-update-component", body.encode()))
    return mix


def baseline_mix(base_url: str) -> list[tuple[str, bytes | None]]:
    """The default app's page, its Dash endpoints and the scripts its page loads."""
    page = urllib.request.urlopen(base_url + "/").read().decode()  # noqa: S310 (loopback)
    scripts = [
        part.split('"', 1)[0]
        for part in page.split('src="')[1:]
        if part.startswith("/_dash-component-suites/")
    ]
    return [("/", None), ("/_dash-layout", None), ("/_dash-dependencies", None)] + [
        (s, None) for s in scripts
    ]


def fire(base_url: str, request: tuple[str, bytes | None]) -> int:
    path, body = request
    headers = {"Accept-Encoding": "gzip"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(  # noqa: S310 (loopback)
            urllib.request.Request(base_url + path, data=body, headers=headers), timeout=120
        ) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def load(master: subprocess.Popen, url: str, mix: list, total: int) -> tuple[list, dict]:
    """Send `total` requests cycling through `mix`; RSS readings at warm-up and checkpoints."""
    readings = [("start", 0, worker_rss_mb(master))]
    statuses: dict[int, int] = {}
    checkpoints = sorted({WARM_UP, total // 4, total // 2, 3 * total // 4, total})
    sent = 0
    cycle = itertools.cycle(mix)
    with ThreadPoolExecutor(THREADS) as pool:
        for checkpoint in checkpoints:
            batch = [next(cycle) for _ in range(checkpoint - sent)]
            for status in pool.map(lambda r: fire(url, r), batch):
                statuses[status] = statuses.get(status, 0) + 1
            sent = checkpoint
            readings.append(
                ("warm" if checkpoint == WARM_UP else "at", sent, worker_rss_mb(master))
            )
    return readings, statuses


def cold_start(module: str, env: dict[str, str]) -> float:
    """Seconds from spawning `gunicorn -w 1 module` to its first 200 on `/`."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), module, "-w", "1"]
        + ["-b", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()  # noqa: S310
                return time.perf_counter() - started
            except OSError:
                if time.perf_counter() - started > 120:
                    raise SystemExit(f"{module} did not start") from None
                time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000, help="mixed requests per app")
    args = parser.parse_args(argv)
    if args.requests <= WARM_UP:
        parser.error(f"--requests must be more than the {WARM_UP} warm-up requests")
    db = f"sqlite:///{tempfile.mkdtemp(prefix='pp-memory-')}/store.sqlite3"
    seed(ROOT, db)
    env = {**os.environ, "DATABASE_URL": db, "REDIS_URL": ""}

    starts = {"project": [], "default Dash app": []}  # type: dict[str, list[float]]
    for _ in range(START_RUNS):
        starts["default Dash app"].append(cold_start("benchmarks.baseline_app:server", env))
        starts["project"].append(cold_start("dashboard.app:server", env))

    results = {}
    for name, module in (
        ("default Dash app", "benchmarks.baseline_app:server"),
        ("project", "dashboard.app:server"),
    ):
        master, url = gunicorn(module, env)
        try:
            mix = project_mix() if name == "project" else baseline_mix(url)
            results[name] = load(master, url, mix, args.requests)
        finally:
            master.terminate()
            master.wait(timeout=30)

    print(f"Worker memory over {args.requests:,} mixed requests (gunicorn -w 2, {THREADS} threads)")
    print("\n| app | requests | worker RSS (MB) | mean (MB) |")
    print("|---|---:|---|---:|")
    for name, (readings, _statuses) in results.items():
        for _label, sent, sizes in readings:
            shown = " / ".join(f"{s:.0f}" for s in sizes)
            print(f"| {name} | {sent:,} | {shown} | {statistics.mean(sizes):.0f} |")
    print()
    for name, (_readings, statuses) in results.items():
        print(f"{name}: responses by status {dict(sorted(statuses.items()))}")
    base_end = statistics.mean(results["default Dash app"][0][-1][2])
    base_warm = statistics.mean(results["default Dash app"][0][1][2])
    end = statistics.mean(results["project"][0][-1][2])
    warm = statistics.mean(results["project"][0][1][2])
    base_start = statistics.median(starts["default Dash app"])
    start = statistics.median(starts["project"])
    print("\n| measure | project | default Dash app | ratio | goal |")
    print("|---|---:|---:|---:|---|")
    print(
        f"| worker RSS after {args.requests:,} requests (MB) | {end:.0f} | {base_end:.0f} "
        f"| {end / base_end:.2f}× | ≤ 1.2× |"
    )
    print(
        f"| growth after warm-up ({WARM_UP:,} requests) (MB) | {end - warm:+.0f} "
        f"| {base_end - base_warm:+.0f} | | flat |"
    )
    print(
        f"| cold start to the first 200 of `/` (s, median of {START_RUNS}) | {start:.2f} "
        f"| {base_start:.2f} | {start / base_start:.2f}× | ≤ 1.0× |"
    )


if __name__ == "__main__":
    main()
