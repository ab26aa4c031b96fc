"""Benchmark: every figure of "Fast under load" (issue 15) in one run, each against a default Dash
app with one chart started in the same run — pages (bytes, first chart, plotly bundle), embeds
(bytes before and after interaction, first paint, time to interactive), callbacks (replayed
`update_charts` throughput, page routing), images (pre-rendered `.svg`/`.png` latency at c=16),
worker memory over 10,000 mixed requests and cold start.

Each part is its own script (run alone while working on one figure); this one runs them one after
another, each in a fresh process so none inherits another's caches, and prints their tables under
one heading each, then the time it took. Run by hand, on a machine as quiet as you can get:

    .venv/bin/python benchmarks/fast_under_load.py                  # everything (~10 minutes)
    .venv/bin/python benchmarks/fast_under_load.py --only pages embeds

Needs headless Chromium (/usr/bin/chromium) and wrk (Debian packages). Not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARTS = {  # name -> (script, extra arguments, what it measures)
    "pages": ("page_weight.py", [], "Pages: bytes on the wire and first chart"),
    "embeds": ("embed.py", [], "Embeds: before and after interaction; cached throughput"),
    "callbacks": ("callbacks.py", [], "Callbacks: replayed update_charts, page routing"),
    "images": ("images.py", [], "Images: pre-rendered .svg/.png latency at c=16"),
    "memory": ("memory_and_start.py", [], "Memory over 10,000 mixed requests; cold start"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", nargs="+", choices=sorted(PARTS), help="run only these parts (default: all)"
    )
    args = parser.parse_args(argv)
    failed = []
    for name in args.only or list(PARTS):
        script, extra, title = PARTS[name]
        path = ROOT / "benchmarks" / script
        print(f"\n## {title} (`benchmarks/{script}`)\n", flush=True)
        if not path.exists():
            print(f"(not measured: benchmarks/{script} is not in this checkout)")
            failed.append(name)
            continue
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(path), *extra], cwd=ROOT)
        print(f"\n({name}: {time.monotonic() - started:.0f} s, exit {result.returncode})")
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nparts that did not finish: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
