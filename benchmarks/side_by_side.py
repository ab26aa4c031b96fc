"""Benchmark: this checkout against an earlier one, side by side in one run — cached embed, cached
KPI card and cached API throughput (wrk against gunicorn, 2 sync workers, both apps up at once,
runs interleaved) and the wall time of a no-op refresh of the curated sources. A default Dash app
is measured in the same run as the reference, so the ratios hold on a noisy machine.

Run by hand, e.g. for the code before the data-door change:

    git worktree add /tmp/pp-before 63afd74
    .venv/bin/python benchmarks/side_by_side.py /tmp/pp-before

Not a test.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.embed import gunicorn  # noqa: E402

ROUNDS = 3
DURATION = "5s"
ROUTES = {
    "cached embed": "/embed/gas_border_price?events=1",
    "cached KPI card": "/embed/kpi/gas_russia_share",
    "cached API call": "/api/v1/datasets/gas_prices.json",
}


def serve(module: str, tree: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    return gunicorn(module, {**env, "PYTHONPATH": str(tree)}, tree=tree, probe="/healthz")


def rps(url: str, gzip: bool = False) -> float:
    """Requests per second; `gzip`: as browsers ask (Accept-Encoding), so bodies are compressed."""
    import re
    import urllib.request

    for _ in range(3):  # warm every worker's cache
        urllib.request.urlopen(url).read()  # noqa: S310 (loopback)
    header = ["-H", "Accept-Encoding: gzip"] if gzip else []
    out = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{DURATION}", *header, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert found, out
    return float(found.group(1))


def seed(tree: Path, db: str) -> list[str]:
    """Load the curated sources of `tree` into `db`; returns their ids."""
    ids = subprocess.run(
        [sys.executable, "-c", "from data_sources.sources import curated;"
         "print(' '.join(s.id for s in curated.SOURCES))"],
        cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    refresh(tree, db, ids)
    return ids


def refresh(tree: Path, db: str, ids: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "data_sources", "refresh", *ids],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), "DATABASE_URL": db},
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def main(before: Path) -> None:
    trees = {"before": before.resolve(), "after": ROOT}
    dbs = {n: f"sqlite:///{tempfile.mkdtemp(prefix=f'pp-{n}-')}/store.sqlite3" for n in trees}
    ids = {n: seed(t, dbs[n]) for n, t in trees.items()}
    servers = {
        n: serve("dashboard.app:server", t, {**os.environ, "DATABASE_URL": dbs[n]})
        for n, t in trees.items()
    }
    base, base_url = gunicorn("benchmarks.baseline_app:server", dict(os.environ))
    results: dict[tuple[str, str], list[float]] = {}
    try:
        for _ in range(ROUNDS):
            results.setdefault(("baseline", "page"), []).append(rps(base_url + "/"))
            for label, route in ROUTES.items():
                for name, (_proc, url) in servers.items():
                    results.setdefault((name, label), []).append(rps(url + route))
                    gz = results.setdefault((name, label + ", gzip"), [])
                    gz.append(rps(url + route, gzip=True))
        for _ in range(ROUNDS):
            for name, tree in trees.items():
                took = refresh(tree, dbs[name], ids[name])
                results.setdefault((name, "no-op refresh (s)"), []).append(took)
    finally:
        for proc, _url in servers.values():
            proc.terminate()
        base.terminate()
    base_rps = statistics.median(results[("baseline", "page")])
    print(f"default Dash app page: {base_rps:,.0f} req/s (median of {ROUNDS})\n")
    print("| measure | before | after | before × baseline | after × baseline | after ÷ before |")
    print("|---|---:|---:|---:|---:|---:|")
    for label in [name for route in ROUTES for name in (route, route + ", gzip")]:
        b, a = (statistics.median(results[(n, label)]) for n in ("before", "after"))
        print(
            f"| {label} (req/s) | {b:,.0f} | {a:,.0f} | {b / base_rps:.2f} | {a / base_rps:.2f} "
            f"| {a / b:.2f} |"
        )
    b, a = (statistics.median(results[(n, "no-op refresh (s)")]) for n in ("before", "after"))
    print(f"| no-op refresh of the curated sources (s) | {b:.2f} | {a:.2f} | | | {a / b:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: benchmarks/side_by_side.py PATH-TO-EARLIER-CHECKOUT")
    main(Path(sys.argv[1]))
