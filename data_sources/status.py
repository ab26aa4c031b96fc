"""Per-source health read from the store: what is current, how fresh, what went wrong last."""

from __future__ import annotations

from datetime import datetime

from data_sources.source import Source
from data_sources.store import Store, interrupted_error, now_utc


def source_status(store: Store, source: Source, now: datetime | None = None) -> dict:
    """The `status --json` object of one source (the DESIGN.md keys first, then extras)."""
    now = now or now_utc()
    version = store.current_version(source.id)
    last = store.last_attempt(source.id)
    checked = store.checked_at(source.id)
    last_outcome = last["outcome"] if last else None
    if last and last_outcome == "running" and not store.attempt_alive(last):
        # Its process died (kill -9, OOM) before finishing; the next refresh records this in the
        # run history (`Store.settle_interrupted`), until then it is worked out here.
        last_outcome = "interrupted"
        last = {**last, "error_class": "interrupted", "error": interrupted_error(last)}
    stale_since = None
    if version and source.cadence and checked and checked + source.cadence < now:
        stale_since = checked + source.cadence
    return {
        "id": source.id,
        "ok": bool(version) and last_outcome not in ("failed", "interrupted"),
        "version": version.id if version else None,
        "fetched_at": _iso(version.fetched_at) if version else None,
        "rows": version.rows if version else None,
        "sha256": version.sha256 if version else None,
        "stale": (stale_since is not None) if version else None,
        "last_error": last["error"]
        if last and last_outcome in ("failed", "skipped", "interrupted")
        else None,
        "title": source.title,
        "state": _state(version is not None, last_outcome),
        "checked_at": _iso(checked),
        "stale_since": _iso(stale_since),
        "upstream_updated": version.upstream_updated if version else None,
        "last_attempt_at": _iso(last["finished_at"] or last["started_at"]) if last else None,
        "last_started_at": _iso(last["started_at"]) if last else None,
        "last_outcome": last_outcome,
        "last_error_class": last["error_class"] if last else None,
        "cadence_days": source.cadence.total_seconds() / 86400 if source.cadence else None,
    }


def _state(has_version: bool, last_outcome: str | None) -> str:
    if last_outcome in ("failed", "skipped", "running", "interrupted"):
        return last_outcome
    return "ok" if has_version else "never"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else None


def all_status(store: Store, sources: list[Source]) -> list[dict]:
    store.create_schema()
    now = now_utc()
    return [source_status(store, source, now) for source in sources]
