"""Issue 16, stale-if-error: while the store is down, an embed, chart image or KPI card that was
served before answers 200 with its last good copy (`X-PP-Stale: store-unavailable`,
`Cache-Control: no-store`, a visible note in HTML); one never served answers 503 with
Retry-After; once the store is back, the fresh copy comes without the note."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Response

from dashboard.app import app
from dashboard.charts import kpis
from dashboard.charts.registry import CHARTS
from dashboard.data import cache, door
from dashboard.i18n import gettext
from dashboard.web import renderer, stale
from data_sources.store import Store
from tests.conftest import no_images
from tests.pg_cluster import Cluster
from tests.test_hardening import CHART, KPI, outage_cluster  # noqa: F401  (a fixture)

REASON = "store-unavailable"
OTHER = next(c for c in sorted(CHARTS) if c != CHART and not c.startswith("scenario"))
NOTE_RU = gettext("ru", stale.NOTE).split("%(when)s")[0]
NOTE_EN = stale.NOTE.split("%(when)s")[0]
SERVED = {  # served while the store is up: each must come back from its last good copy
    "embed ru": f"/embed/{CHART}?lang=ru",
    "embed en, other options order": f"/embed/{CHART}?theme=dark&events=0",
    "svg": f"/embed/{CHART}.svg?width=640",
    "kpi card": f"/embed/kpi/{KPI}?lang=ru",
    "kpi svg": f"/embed/kpi/{KPI}.svg",
}
NEVER = {  # never served: 503 even though a sibling was (keys are per route, query and lang)
    "other chart": f"/embed/{OTHER}",
    "same chart in hy": f"/embed/{CHART}?lang=hy",
    "svg at another width": f"/embed/{CHART}.svg?width=700",
    "other kpi": f"/embed/kpi/{next(k for k in kpis.BY_ID if k != KPI)}",
}


@dataclass
class Breakable:
    """The dashboard on a store that a test can take away and give back."""

    store: Store
    breaks: Callable[[], None]
    mends: Callable[[], None]


@pytest.fixture
def sqlite_outage(seeded_db: str, tmp_path: Path) -> Iterator[Breakable]:
    """A copy of the seeded SQLite store whose folder disappears (an unreachable file) and
    comes back."""
    folder = tmp_path / "db"
    folder.mkdir()
    shutil.copy(seeded_db.removeprefix("sqlite:///"), folder / "store.sqlite3")
    store = Store(f"sqlite:///{folder / 'store.sqlite3'}")
    no_images(store)  # images drawn or queued by earlier tests came with the copy

    def breaks() -> None:
        store.engine.dispose()  # no open connection keeps the moved file readable
        folder.rename(tmp_path / "away")

    def mends() -> None:
        (tmp_path / "away").rename(folder)

    door.set_store(store)
    door.reset()
    yield Breakable(store, breaks, mends)
    door.set_store(None)
    door.reset()
    store.engine.dispose()


@pytest.fixture
def pg_outage(outage_cluster: Cluster) -> Iterator[Breakable]:  # noqa: F811
    """The seed on a private PostgreSQL that is stopped and started under the app."""
    from data_sources.refresh import refresh
    from data_sources.sources import curated

    store = Store(outage_cluster.url)
    assert refresh(store, curated.SOURCES).exit_code == 0
    no_images(store)  # the cluster may be shared with other outage tests
    door.set_store(store)
    door.reset()
    yield Breakable(store, outage_cluster.stop, outage_cluster.start)
    door.set_store(None)
    door.reset()
    store.engine.dispose()


def _fresh(response: Response) -> None:
    assert response.status_code == 200, response.get_data()[:300]
    assert stale.HEADER not in response.headers
    if response.mimetype == "text/html":
        text = response.get_data(as_text=True)
        assert NOTE_EN not in text and NOTE_RU not in text and "pp-stale-note" not in text


def _outage_round(outage: Breakable) -> None:
    client = app.server.test_client()
    for path in SERVED.values():  # chart images are drawn by the renderer before they are served
        if "/kpi/" not in path and ".svg" in path:
            assert client.get(path).status_code == 503  # queued
    assert renderer.render_pending() == 1
    before = {}
    for name, path in SERVED.items():
        response = client.get(path)
        _fresh(response)
        before[name] = response.get_data()

    outage.breaks()
    assert client.get("/healthz").status_code == 503  # the store really is down
    for name, path in SERVED.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.get_data()[:300])
        assert response.headers[stale.HEADER] == "store-unavailable", name
        assert response.headers["Cache-Control"] == "no-store", name
        assert response.headers["Warning"] == '110 - "Response is Stale"'
        assert response.headers[stale.COPY_FROM].endswith("Z")
        assert "ETag" not in response.headers
        body = response.get_data()
        if response.mimetype == "text/html":
            text = body.decode()
            note = NOTE_RU if "lang=ru" in path else NOTE_EN
            assert text.count(note) == 1, name  # visible, in the reader's language
            assert 'class="pp-stale pp-stale-note" role="status"' in text
            assert text.replace(_note_of(text), "") == before[name].decode()  # the same copy
        else:
            assert body == before[name], name
    for name, path in NEVER.items():
        response = client.get(path)
        assert response.status_code == 503, (name, response.get_data()[:300])
        assert response.headers["Retry-After"] == str(door.RETRY_AFTER)
    assert client.get("/api/v1/datasets").status_code == 503  # machine routes: no copies

    outage.mends()
    for path in SERVED.values():
        _fresh(client.get(path))
    _fresh(client.get(NEVER["other chart"]))


def _note_of(text: str) -> str:
    start = text.index('<p class="pp-stale pp-stale-note"')
    return text[start : text.index("</p>", start) + len("</p>")]


def test_sqlite_outage_serves_last_good_copies(sqlite_outage: Breakable) -> None:
    _outage_round(sqlite_outage)


@pytest.mark.postgres
def test_postgres_outage_serves_last_good_copies(pg_outage: Breakable) -> None:
    _outage_round(pg_outage)


def test_a_frozen_embed_serves_its_pinned_copy_without_the_note(
    sqlite_outage: Breakable,
) -> None:
    client = app.server.test_client()
    ids = ",".join(
        pair.split("=")[1]
        for pair in client.get(f"/download/{CHART}.csv").headers["X-Data-Versions"].split(",")
    )
    path = f"/embed/{CHART}?version={ids}"
    fresh = client.get(path)
    _fresh(fresh)
    sqlite_outage.breaks()
    frozen = client.get(path)
    assert frozen.status_code == 200 and frozen.headers[stale.HEADER] == "store-unavailable"
    assert frozen.get_data() == fresh.get_data()  # pinned: nothing newer to check for
    assert client.get(f"/embed/{CHART}").status_code == 503  # the unpinned one was never served


def test_copies_are_bounded(sqlite_outage: Breakable, monkeypatch: pytest.MonkeyPatch) -> None:
    """At most LAST_GOOD_SLOTS copies (a second key in the same slot replaces the first), none
    bigger than LAST_GOOD_MAX_BYTES."""
    monkeypatch.setattr(cache, "LAST_GOOD_SLOTS", 1)
    client = app.server.test_client()
    first, second = f"/embed/{CHART}", f"/embed/{OTHER}"
    _fresh(client.get(first))
    _fresh(client.get(second))  # same (only) slot: replaces the first copy
    sqlite_outage.breaks()
    assert client.get(second).status_code == 200
    assert client.get(first).status_code == 503
    sqlite_outage.mends()

    cache.clear()
    monkeypatch.setattr(cache, "LAST_GOOD_SLOTS", 512)
    monkeypatch.setattr(cache, "LAST_GOOD_MAX_BYTES", 100)
    _fresh(client.get(first))
    sqlite_outage.breaks()
    assert client.get(first).status_code == 503  # too big to keep


@pytest.mark.services
def test_with_redis_a_copy_made_by_one_worker_serves_another(
    sqlite_outage: Breakable, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    cache.reset_backends()
    try:
        client = app.server.test_client()
        path = f"/embed/{CHART}?lang=ru"
        before = client.get(path)
        _fresh(before)
        cache.reset_backends()  # another worker: none of this one's memory, the same Redis
        sqlite_outage.breaks()
        response = client.get(path)
        assert response.status_code == 200 and response.headers[stale.HEADER] == REASON
        assert NOTE_RU in response.get_data(as_text=True)
    finally:
        cache.clear()
        monkeypatch.delenv("REDIS_URL")
        cache.reset_backends()


@pytest.mark.browser
def test_the_stale_note_is_visible_and_accessible(
    sqlite_outage: Breakable,
    browser,  # type: ignore[no-untyped-def]
) -> None:
    import threading

    from werkzeug.serving import make_server

    from tests.test_accessibility import axe_violations
    from tests.test_browser import Visit

    def serve(environ, start_response):  # type: ignore[no-untyped-def]
        if door._store is not sqlite_outage.store:  # the session's live server may move it
            door.set_store(sqlite_outage.store)
        return app.server(environ, start_response)

    httpd = make_server("127.0.0.1", 0, serve, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/embed/{CHART}?lang=ru&theme=dark"
    try:
        Visit(browser, url, 640).close()  # served once while the store is up
        sqlite_outage.breaks()
        visit = Visit(browser, url, 640)
        try:
            note = visit.page.locator(".pp-stale-note")
            note.wait_for(state="visible", timeout=30_000)
            assert note.inner_text().startswith(NOTE_RU.strip())
            visit.page.locator(".js-plotly-plot").wait_for(timeout=30_000)  # the chart too
            assert axe_violations(visit.page) == []
        finally:
            visit.close()
    finally:
        httpd.shutdown()
