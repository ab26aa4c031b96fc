"""Flake check: run the browser tests several times in a row while busy loops load every core,
and say whether each run passed. The suite's browser waits end on conditions and share one
budget (`tests/test_browser.py` BUDGET_S); this is how we check that budget holds on a busy
machine (issue 16: five passes in a row under a parallel CPU load).

Run by hand, not in `make test` (five browser runs take 15-30 minutes on two cores):

    .venv/bin/python benchmarks/flake_check.py               # 5 runs, one busy loop per core
    .venv/bin/python benchmarks/flake_check.py --runs 2 --load 4 -- -k embed

Arguments after `--` go to pytest. Exit status 0 only when every run passed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUSY_LOOP = "while True: pass"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="browser-suite runs (default 5)")
    parser.add_argument(
        "--load",
        type=int,
        default=os.cpu_count() or 2,
        help="busy-loop processes beside the tests (default: one per core)",
    )
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.load < 0:
        parser.error("--runs must be at least 1 and --load at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    burners = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.load)]
    failures = 0
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-m", "browser", *args.pytest_args],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            tail = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
            took = time.monotonic() - started
            print(
                f"run {run}/{args.runs}: {'pass' if result.returncode == 0 else 'FAIL'} "
                f"in {took:.0f} s, load average {os.getloadavg()[0]:.1f}: {tail}",
                flush=True,
            )
            if result.returncode != 0:
                failures += 1
                print(result.stdout[-4000:], flush=True)
    finally:
        for burner in burners:
            burner.kill()
    print(f"{args.runs - failures} of {args.runs} runs passed with {args.load} busy loops")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
