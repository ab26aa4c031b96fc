"""`python -m dashboard [--debug] [--port N]`: the Flask development server on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloader")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")))
    args = parser.parse_args(argv)
    from dashboard.app import app

    print(f"Pressure Points on http://{args.host}:{args.port}", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=args.debug, dev_tools_disable_version_check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
