"""The refresh job: fetch, tidy, validate, promote each source; one failure never stops the rest."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import pandas as pd

from data_sources import config, notify
from data_sources.errors import SourceError
from data_sources.history import merge_history
from data_sources.http import HttpClient, RawResponse, redact
from data_sources.source import FetchContext, Source, schema_fingerprint
from data_sources.store import LockBusy, Store, VersionInfo, now_utc
from data_sources.validation import check_schema, check_size

log = logging.getLogger("data_sources.refresh")
LOCK_NAME = "refresh"


@dataclass
class SourceReport:
    """What happened to one source in one run (the `--json` report has a list of these)."""

    id: str
    outcome: str  # ok | unchanged | failed | skipped
    version: int | None = None
    rows: int | None = None
    sha256: str | None = None
    error_class: str | None = None
    error: str | None = None
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    # Rolling-window sources (merged into history): rows new this run and rows revised.
    added: int | None = None
    revised: int | None = None


@dataclass
class RunReport:
    sources: list[SourceReport] = field(default_factory=list)
    locked_by: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if any(r.outcome == "failed" for r in self.sources) else 0

    def as_dict(self) -> dict:
        return {
            "ok": self.exit_code == 0,
            "locked_by": self.locked_by,
            "sources": [asdict(r) for r in self.sources],
        }


def combined_sha256(parts: Sequence[RawResponse]) -> str:
    """One part: the sha256 of its bytes (check it with sha256sum); several: of their hashes."""
    if len(parts) == 1:
        return parts[0].sha256
    return hashlib.sha256("\n".join(p.sha256 for p in parts).encode()).hexdigest()


def table_sha256(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_json(orient="split", index=False).encode()).hexdigest()


def refresh_source(
    store: Store,
    source: Source,
    *,
    allow_shrink: bool = False,
    http_factory: Callable[[], HttpClient] = HttpClient,
) -> SourceReport:
    """Refresh one source; every outcome is recorded, and a failure keeps the old version."""
    started = time.monotonic()
    report = SourceReport(id=source.id, outcome="failed")
    attempt_id = store.start_attempt(source.id)
    credentials = source.read_credentials()
    if source.credentials_required and len(credentials) < len(source.credentials):
        report.outcome, report.error_class = "skipped", "no_credentials"
        report.error = "skipped: no credentials (set " + " and ".join(source.credentials) + ")"
        store.finish_attempt(
            attempt_id, "skipped", error_class=report.error_class, error=report.error
        )
        return report
    http = http_factory()
    parts: list[RawResponse] = []
    try:
        parts = source.fetch(
            FetchContext(
                http=http,
                base_url=source.base_url,
                credentials=credentials,
                previous=lambda: store.current_raw_urls(source.id),
            )
        )
        report.requests, report.retries = http.requests_made, http.retries
        _promote_if_new(store, source, attempt_id, parts, report, allow_shrink)
    except SourceError as err:
        report.error_class, report.error = err.error_class, redact(str(err))
    except Exception as err:  # a bug in a tidy function must not stop the other sources
        log.exception("unexpected error in %s", source.id)
        report.error_class = "internal_error"
        report.error = redact(f"{type(err).__name__}: {err}".splitlines()[0][:300])
    report.requests, report.retries = http.requests_made, http.retries
    report.seconds = round(time.monotonic() - started, 3)
    if report.outcome == "failed":
        store.save_raw(source.id, attempt_id, parts)
        store.finish_attempt(
            attempt_id,
            "failed",
            error_class=report.error_class,
            error=report.error,
            requests=report.requests,
            retries=report.retries,
        )
    else:
        store.finish_attempt(
            attempt_id,
            report.outcome,
            version_id=report.version,
            sha256=report.sha256,
            rows=report.rows,
            requests=report.requests,
            retries=report.retries,
        )
    notify.after_attempt(store, source, report.error)
    return report


def _promote_if_new(
    store: Store,
    source: Source,
    attempt_id: int,
    parts: list[RawResponse],
    report: SourceReport,
    allow_shrink: bool,
) -> None:
    sha = combined_sha256(parts)
    existing = store.current_version(source.id)
    if existing and existing.sha256 == sha:
        _unchanged(store, source, existing, report)
        return
    frame = source.tidy(parts)
    merging = bool(source.history_key)
    check_size(  # a rolling window is judged for emptiness here, for collapse once merged
        frame,
        current_rows=existing.rows if existing and not merging else None,
        may_be_empty=source.may_be_empty,
        shrink_limit=config.env_float("REFRESH_SHRINK_LIMIT"),
        allow_shrink=allow_shrink,
    )
    frame = check_schema(source.schema, frame)
    if merging:
        frame = _merge_into_history(store, source, existing, parts, frame, report)
        check_size(
            frame,
            current_rows=existing.rows if existing else None,
            may_be_empty=source.may_be_empty,
            shrink_limit=config.env_float("REFRESH_SHRINK_LIMIT"),
            allow_shrink=allow_shrink,
        )
        frame = check_schema(source.schema, frame)
    table_hash = table_sha256(frame)
    if existing and existing.table_sha256 == table_hash:
        _unchanged(store, source, existing, report)  # new bytes, same data (e.g. timings in body)
        return
    previous = store.load(source.id) if existing else None
    log_changes = notify.on_promotion(source, previous, frame)  # diffed before the transaction
    updated = next((p.upstream_updated for p in parts if p.upstream_updated), None)
    if "upstream_updated" in frame.columns and frame["upstream_updated"].notna().any():
        updated = str(frame["upstream_updated"].dropna().max())
    version_id = store.promote(
        source.id,
        attempt_id,
        parts,
        frame,
        sha256=sha,
        table_sha256=table_hash,
        fingerprint=schema_fingerprint(frame),
        upstream_updated=updated,
        within=log_changes,
    )
    store.prune(source.id, config.env_int("STORE_KEEP_VERSIONS"))
    report.outcome, report.version, report.rows, report.sha256 = "ok", version_id, len(frame), sha


def _merge_into_history(
    store: Store,
    source: Source,
    existing: VersionInfo | None,
    parts: list[RawResponse],
    window: pd.DataFrame,
    report: SourceReport,
) -> pd.DataFrame:
    """The fetched window merged into the current version's table (newest wins per key)."""
    loaded = store.load(source.id) if existing else None
    seen = min((p.fetched_at for p in parts), default=now_utc())
    merged, stats = merge_history(
        loaded[1] if loaded else None,
        window,
        key=source.history_key,
        sort=source.history_sort,
        seen_at=_stamp(seen),
        history_seen_at=_stamp(existing.fetched_at) if existing else None,
        retire=source.history_retire,
    )
    report.added, report.revised = stats.added, stats.revised
    log.info(
        "%s: merged %d rows into history (%d new, %d revised, %d kept, %d retired)",
        source.id,
        len(window),
        stats.added,
        stats.revised,
        stats.kept,
        stats.retired,
    )
    return merged


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unchanged(store: Store, source: Source, existing: VersionInfo, report: SourceReport) -> None:
    store.mark_checked(source.id)
    report.outcome, report.version = "unchanged", existing.id
    report.rows, report.sha256 = existing.rows, existing.sha256


def refresh(
    store: Store,
    sources: Sequence[Source],
    *,
    allow_shrink: bool = False,
    on_report: Callable[[SourceReport], None] | None = None,
    on_start: Callable[[Source], None] | None = None,
    http_factory: Callable[[], HttpClient] = HttpClient,
) -> RunReport:
    """Refresh `sources` under the store's lock; a second concurrent run returns `locked_by`."""
    run = RunReport()
    store.create_schema()
    try:
        with store.lock(LOCK_NAME, wait=config.env_float("REFRESH_LOCK_WAIT")):
            store.settle_interrupted()  # runs whose holder died are recorded as interrupted
            for source in sources:
                if on_start:
                    on_start(source)
                report = refresh_source(
                    store, source, allow_shrink=allow_shrink, http_factory=http_factory
                )
                run.sources.append(report)
                if on_report:
                    on_report(report)
            notify.check_stale(store, sources)
    except LockBusy as busy:
        run.locked_by = str(busy)
    return run
