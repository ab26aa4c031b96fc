"""Benchmark: a full refresh and a no-op refresh (unchanged bytes) of every source against a
local server that serves the recorded upstream shapes. Reports wall time and peak memory.

Run by hand: `make bench` (or `.venv/bin/python benchmarks/refresh.py`). Not a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness import HARNESSES  # noqa: E402  (recorded-shape handlers)
from tests.upstream import FakeUpstream  # noqa: E402

_WRAPPER = """
import resource, runpy, sys
sys.argv = ["data_sources", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("data_sources", run_name="__main__")
except SystemExit as exit_:
    code = exit_.code or 0
print(f"PEAK_RSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def _cli(env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one CLI run in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"refresh failed: {proc.stderr}{proc.stdout}")
    peak_kb = int(proc.stderr.rsplit("PEAK_RSS_KB=", 1)[1].split()[0])
    return wall, peak_kb / 1024, proc.stdout


def incident_routes(upstream: FakeUpstream) -> dict[str, str]:
    """Recorded-shape routes for the keyless incident sources; their BASE_URL overrides."""
    from tests import test_gdelt, test_hdx_acled, test_ucdp

    upstream.route(test_hdx_acled.API, test_hdx_acled.package_handler)
    upstream.route(test_hdx_acled.DOWNLOAD, test_hdx_acled.sheet_handler())
    upstream.route("/downloads/", test_ucdp.downloads_handler())
    upstream.route(test_gdelt.PREFIX, test_gdelt.gdelt_handler)
    return {
        "HDX_ACLED_BASE_URL": upstream.url,
        "UCDP_BASE_URL": upstream.url + "/downloads",
        "GDELT_BASE_URL": upstream.url + "/api/v2",
    }


def main() -> None:
    upstream = FakeUpstream()
    for harness in HARNESSES.values():
        upstream.route(harness.prefix, harness.healthy)
    tmp = Path(tempfile.mkdtemp(prefix="pp-bench-"))
    # Pacing off: the local server has no rate limit (production waits 1 s between Comtrade
    # calls and 5 s between GDELT calls, which a no-op refresh pays too).
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'store.sqlite3'}",
        "COMTRADE_MIN_INTERVAL": "0",
        "GDELT_MIN_INTERVAL": "0",
        **incident_routes(upstream),
    }
    env.pop("ACLED_USERNAME", None)
    env.pop("UCDP_TOKEN", None)
    for harness in HARNESSES.values():
        env[f"{harness.source.id.upper()}_BASE_URL"] = upstream.url + harness.base_suffix
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import data_sources.refresh, data_sources.registry"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    imports = time.perf_counter() - start
    full = _cli(env, "refresh")
    noop = _cli(env, "refresh")
    assert "outcome=ok" in full[2] and "outcome=ok" not in noop[2], noop[2]
    print("| run | wall (s) | peak RSS (MB) |")
    print("|---|---:|---:|")
    print(f"| interpreter + imports only | {imports:.2f} | |")
    print(f"| full refresh, {full[2].count('source=')} sources | {full[0]:.2f} | {full[1]:.0f} |")
    print(f"| no-op refresh (unchanged bytes) | {noop[0]:.2f} | {noop[1]:.0f} |")
    print(f"\nupstream requests served: {len(upstream.requests)}")
    if "--verbose" in sys.argv:
        print(noop[2])
    upstream.close()


if __name__ == "__main__":
    main()
