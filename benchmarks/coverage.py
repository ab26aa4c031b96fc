"""Benchmark: /download/euma_border_coverage.csv, cold (the coverage table built from the curated
bases and the shipped border) and warm (served from the cache keyed by the versions read).
The issue's budget: < 50 ms warm. In-process (Flask test client) on a seeded SQLite store, so
the number is the app's own time without a network hop.

Run by hand: `.venv/bin/python benchmarks/coverage.py`. Not a test (tests/test_coverage.py has
a loose check of the same path).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = "/download/euma_border_coverage.csv"
WARM_BUDGET_MS = 50.0
ROUNDS = 50


def main() -> int:
    from dashboard.app import app
    from dashboard.data import door
    from data_sources.refresh import refresh
    from data_sources.sources import curated
    from data_sources.store import Store

    store = Store(f"sqlite:///{tempfile.mkdtemp(prefix='pp-coverage-')}/seed.sqlite3")
    store.create_schema()
    refresh(store, curated.SOURCES)
    door.set_store(store)
    client = app.server.test_client()

    start = time.perf_counter()
    first = client.get(URL)
    cold_ms = (time.perf_counter() - start) * 1000
    assert first.status_code == 200, first.status_code
    rows = first.get_data(as_text=True).count("\n") - 1

    warm = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(URL)
        warm.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    median, worst = statistics.median(warm), max(warm)
    print(f"{URL}: {rows} rows, {len(first.data):,} bytes")
    print(f"cold {cold_ms:,.0f} ms (builds the coverage table once per version)")
    print(f"warm median {median:.1f} ms, p100 {worst:.1f} ms over {ROUNDS} requests")
    ok = median < WARM_BUDGET_MS
    print("within budget" if ok else f"OVER the {WARM_BUDGET_MS:.0f} ms budget")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
