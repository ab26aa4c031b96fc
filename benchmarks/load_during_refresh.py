"""Benchmark: mixed requests while promotions run — on SQLite, PostgreSQL, and PostgreSQL with
Redis. The app runs under gunicorn (2 sync workers) on a store seeded with the curated sources;
this process promotes a new version of `border_clashes` over and over (the CSV as shipped and
the same CSV without its last row, alternately: two real states, so every refresh promotes)
while client threads request pages, embeds, KPI cards and the API.

Printed per store: requests, errors (anything but a 200 or 304, or a failed request), torn
bodies (a response whose rows do not belong to the version it names, or that does not parse)
and latency percentiles.

Run by hand (not a test), e.g. `.venv/bin/python benchmarks/load_during_refresh.py
--duration 60`; PostgreSQL and Redis come from the Debian packages (`make system-deps`).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from benchmarks.embed import gunicorn, redis_server  # noqa: E402
from tests.pg_cluster import Cluster, pg_bin  # noqa: E402

FLIPPED = "border_clashes"
ROUTES = (
    "/security",
    "/embed/event_timeline?events=1",
    "/embed/kpi/days_since_clash",
    f"/api/v1/datasets/{FLIPPED}.json",
    f"/api/v1/datasets/{FLIPPED}.csv",
    "/api/v1/datasets",
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per store")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument(
        "--stores",
        default="sqlite,postgres,postgres+redis",
        help="comma-separated: sqlite, postgres, postgres+redis",
    )
    args = parser.parse_args(argv)
    stores = args.stores.split(",")
    unknown = set(stores) - {"sqlite", "postgres", "postgres+redis"}
    if unknown or args.duration <= 0 or args.clients < 1:
        parser.error(f"bad --stores {sorted(unknown)}, --duration or --clients")
    args.stores = stores
    return args


class Promoter(threading.Thread):
    """Promote alternating real states of FLIPPED until stopped; knows each version's rows."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        from data_sources.sources import curated

        self.url = url
        self.stop = threading.Event()
        self.full = curated.csv_bytes(FLIPPED)
        lines = self.full.decode().splitlines(keepends=True)
        self.shorter = "".join(lines[:-1]).encode()
        self.rows = {self.full: len(lines) - 1, self.shorter: len(lines) - 2}
        self.versions: dict[int, int] = {}  # version id -> rows
        self.promotions = 0
        self.failures: list[str] = []

    def record_current(self, store: object, rows: int) -> None:
        info = store.current_version(FLIPPED)  # type: ignore[attr-defined]
        if info is not None:
            self.versions[info.id] = rows

    def run(self) -> None:
        from data_sources.refresh import refresh
        from data_sources.sources import curated
        from data_sources.store import Store

        store = Store(self.url)
        real = curated.csv_bytes
        state = self.shorter
        curated.csv_bytes = lambda dataset_id: state if dataset_id == FLIPPED else real(dataset_id)  # type: ignore[assignment]
        try:
            self.record_current(store, self.rows[self.full])
            while not self.stop.is_set():
                report = refresh(store, [curated.curated_source(FLIPPED)])
                outcome = report.sources[0].outcome
                if outcome == "ok":
                    self.promotions += 1
                    self.record_current(store, self.rows[state])
                else:
                    self.failures.append(str(report.sources[0].error))
                state = self.full if state is self.shorter else self.shorter
        finally:
            curated.csv_bytes = real  # type: ignore[assignment]
            store.engine.dispose()


def torn(route: str, response: requests.Response, versions: dict[int, int]) -> bool:
    """True when a body does not parse or its rows are not those of the version it names."""
    if response.status_code != 200:
        return False
    try:
        if route.endswith(f"{FLIPPED}.json"):
            body = json.loads(response.content)
            expected = versions.get(int(body["version"]))
            return expected is not None and not (len(body["rows"]) == body["total"] == expected)
        if route.endswith(f"{FLIPPED}.csv"):  # every row names the version it came from
            rows = list(csv.DictReader(io.StringIO(response.text)))
            named = {row["version"] for row in rows}
            if len(named) != 1:
                return True
            expected = versions.get(int(named.pop()))
            return expected is not None and len(rows) != expected
        if route.endswith("/datasets"):
            json.loads(response.content)
            return False
        return b"</html>" not in response.content
    except (ValueError, KeyError):
        return True


def hammer(base: str, duration: float, clients: int, versions: dict[int, int]) -> dict:
    results: list[tuple[str, float, bool, bool]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(offset: int) -> None:
        session = requests.Session()
        i = offset
        while time.monotonic() < deadline:
            route = ROUTES[i % len(ROUTES)]
            i += 1
            started = time.perf_counter()
            try:
                response = session.get(base + route, timeout=30)
                ok = response.status_code in (200, 304)
                bad = torn(route, response, versions)
            except requests.RequestException:
                ok, bad = False, False
            took = time.perf_counter() - started
            with lock:
                results.append((route, took, ok, bad))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(r[1] for r in results)

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "requests": len(results),
        "errors": sum(not r[2] for r in results),
        "torn": sum(r[3] for r in results),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "max": 1000 * latencies[-1],
        "mean": 1000 * statistics.fmean(latencies),
    }


def seed(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "data_sources", "init"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )


def run_store(kind: str, args: argparse.Namespace) -> dict:
    cleanups: list[Callable[[], None]] = []
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    try:
        if kind == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='pp-load-')}/store.sqlite3"
        else:
            binaries = pg_bin()
            if binaries is None:
                raise SystemExit("PostgreSQL is not installed (make system-deps)")
            cluster = Cluster(binaries)
            cleanups.append(cluster.close)
            cluster.start()
            url = cluster.url
        if kind == "postgres+redis":
            proc, redis_url = redis_server()
            if proc is None:
                raise SystemExit("redis-server is not installed (make system-deps)")
            cleanups.append(proc.terminate)
            env["REDIS_URL"] = redis_url
        env["DATABASE_URL"] = url
        seed(url)
        server, base = gunicorn("dashboard.app:server", env, probe="/healthz")
        cleanups.append(server.terminate)
        for route in ROUTES:  # warm both workers' caches a little
            requests.get(base + route, timeout=60)
        promoter = Promoter(url)
        promoter.start()
        result = hammer(base, args.duration, args.clients, promoter.versions)
        promoter.stop.set()
        promoter.join(timeout=120)
        result["promotions"] = promoter.promotions
        result["refresh failures"] = len(promoter.failures)
        return result
    finally:
        for cleanup in reversed(cleanups):
            cleanup()


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    rows = {kind: run_store(kind, args) for kind in args.stores}
    print(f"{args.duration:.0f} s per store, {args.clients} client threads, routes: {ROUTES}\n")
    print("| store | requests | errors | torn bodies | promotions | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, r in rows.items():
        print(
            f"| {kind} | {r['requests']:,} | {r['errors']} | {r['torn']} | {r['promotions']} "
            f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} |"
        )
    return 1 if any(r["errors"] or r["torn"] for r in rows.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
