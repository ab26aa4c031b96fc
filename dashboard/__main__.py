"""`python -m dashboard [--debug] [--port N] [--no-renderer]`: the Flask development server on
127.0.0.1, with the image renderer (`python -m dashboard.web.renderer`, which draws every chart
image off the request path) as its child process."""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import subprocess
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloader")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")))
    parser.add_argument(
        "--no-renderer", action="store_true", help="don't start the image renderer process"
    )
    args = parser.parse_args(argv)
    # With --debug, werkzeug's reloader runs this again in a child (WERKZEUG_RUN_MAIN set): the
    # renderer is started once, by the parent.
    if not args.no_renderer and not os.environ.get("WERKZEUG_RUN_MAIN"):
        start_renderer()
    from dashboard.app import app

    print(f"Pressure Points on http://{args.host}:{args.port}", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=args.debug, dev_tools_disable_version_check=True)
    return 0


def _die_with_parent() -> None:
    """In the child before exec: Linux sends it SIGTERM when this process dies, even by SIGKILL
    (prctl PR_SET_PDEATHSIG, https://man7.org/linux/man-pages/man2/prctl.2.html), so a killed
    dev server leaves no renderer behind. Elsewhere a no-op (atexit still stops it)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_renderer() -> subprocess.Popen[bytes]:
    """`python -m dashboard.web.renderer` as a child, stopped when this process exits."""
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "dashboard.web.renderer"], preexec_fn=_die_with_parent
    )

    def stop() -> None:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)
    # SIGTERM (a process manager stopping the server) ends by exiting, so `stop` runs too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return child


if __name__ == "__main__":
    sys.exit(main())
