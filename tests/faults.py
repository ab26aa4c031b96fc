"""The fault list every live source must survive, and the check that follows each fault: the
earlier version is still current, complete and readable; nothing half-written (a leaf module:
the harness table and the per-source test modules both import it)."""

from __future__ import annotations

import pandas as pd

from data_sources.refresh import SourceReport
from data_sources.store import Store
from tests.upstream import Reply

# name -> (reply the upstream sends, error class expected; None: any "this is not data" class)
FAULTS: dict[str, tuple[Reply, str | None]] = {
    "persistent_5xx": (Reply(b"oops", status=503, content_type="text/plain"), "http_5xx"),
    "html_page": (
        Reply(b"<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html"),
        "invalid_payload",
    ),
    "invalid_json_or_csv": (
        Reply(b'[{"page":1,"pages":1},[{"indicator":', content_type="application/json"),
        None,
    ),
    "truncated_body": (Reply(b"x" * 5000, truncate_at=1000), "truncated_body"),
    "read_stall": (Reply(b"[]", stall=1.5), "read_timeout"),
    "empty_answer": (Reply(b"", content_type="application/json"), None),
    "too_many_requests_forever": (
        Reply(
            b"slow down", status=429, content_type="text/plain", headers={"Retry-After": "86400"}
        ),
        "rate_limited",
    ),
}
NOT_DATA = {"invalid_payload", "schema_drift", "empty_result"}


def assert_still_current(store: Store, source_id: str, before) -> None:  # type: ignore[no-untyped-def]
    info, frame = before
    after = store.load(source_id)
    assert after is not None
    assert (after[0].id, after[0].sha256, after[0].rows) == (info.id, info.sha256, info.rows)
    pd.testing.assert_frame_equal(after[1], frame)
    assert [v.id for v in store.list_versions(source_id)] == [info.id]


def assert_failed_and_kept(
    store: Store,
    source_id: str,
    report: SourceReport,
    before,  # type: ignore[no-untyped-def]
    expected: str | None,
) -> None:
    """The refresh failed with `expected` (or a not-data class) and `before` is still current."""
    assert report.outcome == "failed", report
    if expected:
        assert report.error_class == expected, report.error
    else:  # the body is not data; each parser names it its own way, never as success
        assert report.error_class in NOT_DATA, report
    assert report.error and "\n" not in report.error
    assert_still_current(store, source_id, before)
