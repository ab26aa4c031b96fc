"""Issue 16, honest run state: a refresh whose process died is recorded as `interrupted` in the
store's run history once the next refresh takes over its lease, and /sources shows it with an
"interrupted" badge and its start time, distinct from "failed", in colours that pass WCAG AA."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.app import app
from dashboard.data import door
from data_sources import registry
from data_sources.refresh import refresh
from data_sources.status import source_status
from data_sources.store import Store, attempts, locks, now_utc
from tests.test_contrast import contrast
from tests.test_hardening import HOLDER, ROOT

SOURCE = registry.SOURCES[0]
assert app  # Dash Pages imports the page modules once the app exists
sources_page = sys.modules["dashboard.pages.sources"]  # the module Dash registered


def _dead_holder_elsewhere(store: Store, source_id: str) -> int:
    """An attempt left `running` by a refresh on another host whose lease has expired (a lost
    dyno): what the next refresh finds."""
    attempt = store.start_attempt(source_id)
    with store.engine.begin() as conn:
        conn.execute(
            attempts.update().where(attempts.c.id == attempt).values(host="elsewhere", pid=4242)
        )
        conn.execute(
            locks.insert().values(
                name="refresh",
                holder="elsewhere:4242:1",
                host="elsewhere",
                pid=4242,
                acquired_at=now_utc() - timedelta(minutes=5),
                expires_at=now_utc() - timedelta(seconds=1),
            )
        )
    return attempt


def _row(store: Store, attempt_id: int) -> dict:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(attempts).where(attempts.c.id == attempt_id)).mappings()
        return dict(row.one())


def test_the_next_refresh_records_a_dead_run_as_interrupted(store: Store) -> None:
    attempt = _dead_holder_elsewhere(store, SOURCE.id)
    before = source_status(store, SOURCE)
    assert before["state"] == "interrupted"  # worked out live from the expired lease
    assert _row(store, attempt)["outcome"] == "running"  # ... but not yet in the history

    run = refresh(store, [])  # takes over the expired lease
    assert run.locked_by is None

    row = _row(store, attempt)
    assert row["outcome"] == "interrupted" and row["error_class"] == "interrupted"
    assert row["finished_at"] is not None
    assert "pid 4242 on elsewhere" in row["error"] and "started" in row["error"]
    after = source_status(store, SOURCE)
    assert after["state"] == "interrupted" and after["ok"] is False
    assert after["last_started_at"] == before["last_started_at"]
    assert after["last_started_at"] in row["error"]
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(locks)).first() is None  # the lease was released


def test_a_live_run_is_not_settled(store: Store) -> None:
    with store.lock("refresh", wait=0):
        attempt = store.start_attempt(SOURCE.id)
        assert store.settle_interrupted() == []
        assert _row(store, attempt)["outcome"] == "running"
        assert source_status(store, SOURCE)["state"] == "running"
        store.finish_attempt(attempt, "ok")


@pytest.mark.slow
def test_a_killed_refresh_is_interrupted_in_the_history(store: Store) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, store.url, SOURCE.id],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "started"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        assert refresh(store, []).locked_by is None  # the dead holder's lease, taken over
        last = store.last_attempt(SOURCE.id)
        assert last is not None and last["outcome"] == "interrupted"
        assert f"pid {holder.pid}" in last["error"]
    finally:
        if holder.poll() is None:
            holder.kill()


# --- /sources ------------------------------------------------------------------------------
@pytest.fixture
def troubled_store(seeded_db: str, tmp_path: Path) -> Iterator[Store]:
    """A copy of the seeded store where one source's last refresh was interrupted and another's
    failed, served by the dashboard."""
    copy = tmp_path / "troubled.sqlite3"
    shutil.copy(seeded_db.removeprefix("sqlite:///"), copy)
    store = Store(f"sqlite:///{copy}")
    interrupted, failed = registry.SOURCES[0], registry.SOURCES[1]
    _dead_holder_elsewhere(store, interrupted.id)
    refresh(store, [])
    store.finish_attempt(
        store.start_attempt(failed.id), "failed", error_class="http", error="HTTP 502"
    )
    door.set_store(store)
    door.reset()
    yield store
    door.set_store(None)
    door.reset()
    store.engine.dispose()


def _cells(table: object) -> dict[str, object]:
    """source id -> its status badge, from the rendered /sources table."""
    body = table.children[1]  # type: ignore[attr-defined]
    return {row.children[0].id: row.children[7].children for row in body.children}


def test_sources_shows_interrupted_distinct_from_failed(troubled_store: Store) -> None:
    interrupted, failed = registry.SOURCES[0], registry.SOURCES[1]
    badges = _cells(sources_page.sources_table())
    started = source_status(troubled_store, interrupted)["last_started_at"]
    badge = badges[interrupted.id]
    assert badge.children.startswith("interrupted (started ")  # type: ignore[attr-defined]
    assert f"{started[:10]} {started[11:16]} UTC" in badge.children  # type: ignore[attr-defined]
    assert badge.color == sources_page.INTERRUPTED_COLOUR  # type: ignore[attr-defined]
    assert badges[failed.id].children == "last refresh failed"  # type: ignore[attr-defined]
    assert badges[failed.id].color == "danger"  # type: ignore[attr-defined]


def test_the_interrupted_badge_passes_contrast() -> None:
    # Bootstrap's badge text is white; WCAG 2.2 AA asks 4.5:1 for text this small.
    assert contrast(sources_page.INTERRUPTED_COLOUR, "#ffffff") >= 4.5


@pytest.mark.browser
def test_sources_with_an_interrupted_badge_has_no_axe_violations(
    troubled_store: Store,
    browser,  # type: ignore[no-untyped-def]
) -> None:
    from werkzeug.serving import make_server

    from dashboard.app import server
    from tests.test_accessibility import axe_violations
    from tests.test_browser import Visit

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        if door._store is not troubled_store:  # the session's live server may have moved it
            door.set_store(troubled_store)
        return server(environ, start_response)

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        for width in (1280, 375):
            visit = Visit(browser, f"http://127.0.0.1:{httpd.server_port}/sources", width)
            try:
                badge = visit.page.locator(".pp-interrupted").first
                badge.wait_for(timeout=30_000)
                assert badge.inner_text().startswith("interrupted (started ")
                assert axe_violations(visit.page) == []
            finally:
                visit.close()
    finally:
        httpd.shutdown()
