"""Benchmark: chart images drawn off the request path (issue 15). With the renderer process
(`python -m dashboard.web.renderer`) having drawn the default images, the latency (p50, p99) of
`/embed/<chart>.svg` and `.png` at 16 connections, each URL in turn across every chart, and of a
default Dash app's page at the same load; and how long the renderer took to draw the default set.

Both apps run under gunicorn (2 sync workers) on 127.0.0.1 with a private Redis as the shared
cache when redis-server is installed; load comes from wrk (Debian package) for a bounded time.
Run by hand: `.venv/bin/python benchmarks/images.py`. Not a test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.embed import gunicorn, redis_server  # noqa: E402

DURATION = "10s"
CONNECTIONS = 16
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def start_renderer(env: dict[str, str]) -> subprocess.Popen:
    """The renderer process, as the Procfile's `renderer:` line runs it."""
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard.web.renderer"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_drawn(url: str, timeout: float = 900) -> float:
    """Poll `url` (a chart image) until it answers 200; seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 (loopback)
            return time.monotonic() - started
        except urllib.error.HTTPError as waiting:
            if waiting.code != 503:
                raise
            time.sleep(float(waiting.headers.get("Retry-After", "1")))
    raise SystemExit(f"{url} was not drawn within {timeout} s")


def wait_stored(store: object, count: int, started: float, timeout: float = 1800) -> float:
    """Seconds from `started` until the store holds `count` rendered artifacts."""
    import sqlalchemy as sa

    from data_sources.store_tables import artifacts

    engine = store.engine  # type: ignore[attr-defined]
    while time.monotonic() - started < timeout:
        with engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(artifacts)).scalar()
        if int(stored or 0) >= count:
            return time.monotonic() - started
        time.sleep(1)
    raise SystemExit(f"the renderer did not draw {count} images within {timeout} s")


def latency(base: str, paths: list[str]) -> dict[str, float]:
    """p50 and p99 latency (ms) and requests per second of `paths` in turn over DURATION with
    CONNECTIONS connections (wrk --latency and a Lua script that rotates the paths)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    for _ in range(4):  # warm both workers' caches (a worker's first hit reads the store)
        for path in paths:
            urllib.request.urlopen(base + path).read()  # noqa: S310 (loopback)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    listed = ", ".join('"' + p.replace('"', '\\"') + '"' for p in paths)
    script.write(
        f"paths = {{{listed}}}\ni = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    script.close()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", script.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    found = {}
    for pct in ("50", "99"):
        match = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if match is None:
            raise SystemExit(f"no {pct}% latency in wrk's output:\n{out}")
        found[f"p{pct}"] = float(match.group(1)) * _UNITS[match.group(2)]
    found["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    found["non_2xx"] = float(non2xx.group(1)) if non2xx else 0.0
    return found


def main() -> None:
    from dashboard.charts.registry import CHARTS
    from dashboard.i18n import LANGS
    from data_sources.refresh import refresh
    from data_sources.sources import curated
    from data_sources.store import Store

    db = f"sqlite:///{tempfile.mkdtemp(prefix='pp-images-')}/seed.sqlite3"
    refresh(Store(db), curated.SOURCES)
    redis_proc, redis_url = redis_server()
    env = {**os.environ, "DATABASE_URL": db, "REDIS_URL": redis_url}
    started = time.monotonic()
    renderer = start_renderer(env)
    app, app_url = gunicorn("dashboard.app:server", env, probe="/healthz")
    base, base_url = gunicorn("benchmarks.baseline_app:server", env)
    try:
        # Counted in the store, not by asking for images (an asked-for one jumps the queue).
        total = len(CHARTS) * len(LANGS) * 2
        drawn_in = wait_stored(Store(db), total, started)
        svgs = [f"/embed/{c}.svg" for c in CHARTS]
        pngs = [f"/embed/{c}.png" for c in CHARTS]
        for path in svgs + pngs:
            wait_drawn(app_url + path)
        rows = {
            "baseline page `/` (default Dash app)": latency(base_url, ["/"]),
            f"`.svg`, {len(svgs)} charts in turn": latency(app_url, svgs),
            f"`.png`, {len(pngs)} charts in turn": latency(app_url, pngs),
            "`.svg`, one chart": latency(app_url, svgs[:1]),
        }
        baseline = rows["baseline page `/` (default Dash app)"]
        print(
            f"default images ({len(CHARTS)} charts × {len(LANGS)} languages × svg, png = "
            f"{total}) drawn by the renderer in {drawn_in:,.0f} s; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n"
        )
        print(
            f"| {DURATION}, {CONNECTIONS} connections (wrk), gunicorn -w 2"
            f"{', Redis' if redis_url else ''} | p50 ms | p99 ms | p99 × baseline | req/s "
            "| × baseline | non-2xx |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, row in rows.items():
            print(
                f"| {name} | {row['p50']:.2f} | {row['p99']:.2f} | "
                f"{row['p99'] / baseline['p99']:.2f} | {row['rps']:,.0f} | "
                f"{row['rps'] / baseline['rps']:.2f} | {row['non_2xx']:.0f} |"
            )
    finally:
        for proc in (app, base, renderer, redis_proc):
            if proc is not None:
                proc.terminate()


if __name__ == "__main__":
    main()
