"""Command line: `python -m data_sources refresh|status|sources|init|alerts` (contract in
DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import time
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from data_sources import config, registry, webhooks
from data_sources.errors import UsageError
from data_sources.http import RedactingFilter, redact
from data_sources.refresh import RunReport, SourceReport, refresh
from data_sources.source import Source
from data_sources.status import all_status
from data_sources.store import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
RETRY_POLL = 60.0  # seconds: how often the clock loop looks for alert retries that fell due


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m data_sources",
        description="Refresh and inspect the Pressure Points data store.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ref = sub.add_parser("refresh", help="fetch, validate and promote sources (all by default)")
    ref.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: all)")
    ref.add_argument("--json", action="store_true", help="print a machine-readable run report")
    ref.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accept a new version with far fewer rows than the current one",
    )
    ref.add_argument(
        "--every",
        metavar="INTERVAL",
        help="keep running: refresh every INTERVAL (e.g. 6h, 30m) with jitter",
    )
    ref.add_argument(
        "--curated-only",
        action="store_true",
        help="only the bundled curated datasets (the offline seed)",
    )
    st = sub.add_parser("status", help="per-source version, freshness and last error")
    st.add_argument("--json", action="store_true")
    so = sub.add_parser("sources", help="the registry of sources")
    so.add_argument("--json", action="store_true")
    sub.add_parser("init", help="create or upgrade the store schema and load the bundled seed")
    al = sub.add_parser("alerts", help="the alert outbox: deliver pending alerts, or count them")
    al_sub = al.add_subparsers(dest="alerts_command", required=True, parser_class=_Parser)
    al_sub.add_parser("deliver", help="send due alerts to ALERT_WEBHOOK_URLS (signed)")
    al_st = al_sub.add_parser("status", help="outbox counts: pending, delivered, failed")
    al_st.add_argument("--json", action="store_true")
    return parser


def parse_interval(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd])", text.strip())
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"--every {text!r}: use a number and a unit, e.g. 30m, 6h, 1d")
    return float(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def select_sources(ids: Sequence[str], curated_only: bool = False) -> list[Source]:
    unknown = [i for i in ids if i not in registry.BY_ID]
    if unknown:
        raise UsageError(
            f"unknown source id(s): {', '.join(unknown)} (see `python -m data_sources sources`)"
        )
    chosen = [registry.BY_ID[i] for i in ids] if ids else list(registry.SOURCES)
    if curated_only:
        chosen = [s for s in chosen if s not in registry.LIVE_SOURCES]
    return chosen


def _line(report: SourceReport) -> str:
    parts = [f"source={report.id}", f"outcome={report.outcome}"]
    if report.version is not None:
        parts += [f"version={report.version}", f"rows={report.rows}"]
    if report.sha256:
        parts.append(f"sha256={report.sha256[:12]}")
    parts.append(f"seconds={report.seconds:.2f}")
    if report.error:
        parts.append(f"error_class={report.error_class} error={json.dumps(report.error)}")
    return " ".join(parts)


def run_refresh(args: argparse.Namespace, store: Store) -> int:
    sources = select_sources(args.ids, args.curated_only)
    tty = sys.stderr.isatty() and not args.json

    def on_start(source: Source) -> None:
        if tty:
            print(f"… {source.id:<24}", end="\r", file=sys.stderr, flush=True)

    def on_report(report: SourceReport) -> None:
        if tty:
            mark = {"ok": "✓", "unchanged": "=", "skipped": "-", "failed": "✗"}[report.outcome]
            detail = report.error or f"v{report.version}, {report.rows} rows"
            print(
                f"{mark} {report.id:<24} {report.outcome:<9} {detail} ({report.seconds:.1f} s)",
                file=sys.stderr,
            )
        elif not args.json:
            print(_line(report), flush=True)

    run: RunReport = refresh(
        store, sources, allow_shrink=args.allow_shrink, on_report=on_report, on_start=on_start
    )
    if run.locked_by:
        print(f"another refresh is running ({run.locked_by}); nothing done", file=sys.stderr)
    if args.json:
        print(json.dumps(run.as_dict(), indent=2))
    if not run.locked_by:
        deliver_alerts(store, quiet=args.json)
    return run.exit_code


def deliver_alerts(store: Store, quiet: bool = False) -> int:
    """Send due alerts (end of every refresh, `alerts deliver`); 1 if any delivery gave up."""
    report = webhooks.deliver(store)
    if not quiet and (report.sent or report.retrying or report.failed):
        print(
            f"alerts: {report.sent} delivered, {report.retrying} to retry, {report.failed} failed",
            file=sys.stderr,
        )
    return EXIT_FAILED if report.failed else EXIT_OK


def run_alerts(args: argparse.Namespace, store: Store) -> int:
    if args.alerts_command == "deliver":
        return deliver_alerts(store)
    counts = webhooks.status(store)
    if args.json:
        print(json.dumps(counts, indent=2))
        return EXIT_OK
    print(
        f"pending {counts['pending']}  delivered {counts['delivered']}  failed {counts['failed']}"
        f"  (alerts {counts['alerts']}, receivers {counts['receivers']})"
    )
    return EXIT_OK


def run_every(args: argparse.Namespace, store: Store) -> int:
    """The Procfile `clock:` loop: one refresh at a time, next start = interval ± 10 % jitter."""
    interval = parse_interval(args.every)
    while True:
        started = time.monotonic()
        run_refresh(args, store)
        delay = max(0.0, interval * random.uniform(0.9, 1.1) - (time.monotonic() - started))
        print(f"next refresh in {delay / 60:.0f} min", file=sys.stderr, flush=True)
        wake = time.monotonic() + delay
        while (left := wake - time.monotonic()) > 0:  # retries fall due between refreshes
            time.sleep(min(left, RETRY_POLL))
            if webhooks.receivers():
                deliver_alerts(store)


def run_status(args: argparse.Namespace, store: Store) -> int:
    rows = all_status(store, registry.SOURCES)
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    print(f"{'id':<22} {'state':<8} {'ver':>4} {'rows':>6} {'fetched_at':<21} stale  last_error")
    for r in rows:
        print(
            f"{r['id']:<22} {r['state']:<8} {r['version'] or '-':>4} {r['rows'] or '-':>6} "
            f"{r['fetched_at'] or '-':<21} {'yes' if r['stale'] else 'no ':<6} "
            f"{r['last_error'] or ''}"
        )
    return EXIT_OK


def run_sources(args: argparse.Namespace) -> int:
    rows = [
        {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "licence": s.licence,
            "cadence_days": s.cadence.days if s.cadence else None,
            "needs_credentials": s.needs_credentials,
            "landing_url": s.landing_url,
        }
        for s in registry.SOURCES
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    for s in registry.SOURCES:
        cadence = f"{s.cadence.days} d" if s.cadence else "curated"
        print(
            f"{s.id:<22} {cadence:<8} credentials:{s.needs_credentials:<9} "
            f"{s.licence[:40]:<40}  {s.publisher} — {s.title}"
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    logging.basicConfig(
        level=logging.WARNING, handlers=[handler], format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        args = build_parser().parse_args(argv)
        if args.command == "sources":
            return run_sources(args)
        if args.command == "refresh":  # check every argument before touching the store
            select_sources(args.ids, args.curated_only)
            if args.every:
                parse_interval(args.every)
        if args.command in ("alerts", "refresh"):
            webhooks.check_config()  # receivers without a secret: a usage error (exit 2)
        store = Store(config.database_url())
        if args.command == "alerts":
            return run_alerts(args, store)
        if args.command == "status":
            return run_status(args, store)
        if args.command == "init":
            store.create_schema()
            args = argparse.Namespace(ids=[], json=False, allow_shrink=False, curated_only=True)
            return run_refresh(args, store)
        if args.every:
            return run_every(args, store)
        return run_refresh(args, store)
    except UsageError as err:
        print(f"error: {redact(str(err))}", file=sys.stderr)
        return EXIT_USAGE
    except SQLAlchemyError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"error: the store at DATABASE_URL failed: {redact(first)[:300]}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
