"""A refresh of an event dataset reaches every events=1 embed, image, download and ETag without a
restart — on SQLite with the in-process cache and on PostgreSQL with Redis — while the frozen
embeds of all charts stay byte-identical."""

from __future__ import annotations

import csv
import datetime
import io
import re
import time
from collections.abc import Iterator
from html import unescape

import pytest

from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.data import cache, door
from dashboard.pages._components import embed_snippets_for
from dashboard.web import renderer
from data_sources.refresh import refresh
from data_sources.sources import curated
from data_sources.store import Store, metadata

NEW_ID = "test-clash-refresh"
NEW_TITLE = "A clash promoted after the page was cached"


@pytest.fixture(params=["sqlite", pytest.param("postgres+redis", marks=pytest.mark.postgres)])
def backend(request, tmp_path, monkeypatch) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        monkeypatch.delenv("REDIS_URL", raising=False)
    else:
        store = Store(request.getfixturevalue("postgres_url"))
        metadata.drop_all(store.engine)
        monkeypatch.setenv("REDIS_URL", request.getfixturevalue("redis_url"))
    store.create_schema()
    assert refresh(store, curated.SOURCES).exit_code == 0
    cache.reset_backends()
    door.set_store(store)
    yield store
    door.set_store(None)
    cache.reset_backends()
    store.engine.dispose()


def _with_new_clash(monkeypatch: pytest.MonkeyPatch) -> None:
    """border_clashes.csv as upstream now serves it: one more clash, dated two days ago."""
    original = curated.csv_bytes("border_clashes").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(original)))
    template = next(r for r in rows if r["category"] == "clash")
    day = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    new = {**template, "id": NEW_ID, "date": day, "title": NEW_TITLE, "end_date": ""}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([*rows, new])
    real = curated.csv_bytes
    monkeypatch.setattr(
        curated,
        "csv_bytes",
        lambda dataset_id: (
            out.getvalue().encode() if dataset_id == "border_clashes" else real(dataset_id)
        ),
    )


def _frozen_urls() -> dict[str, str]:
    """The frozen embed each chart's Embed disclosure offers, with the event layer on."""
    urls = {}
    with app.server.test_request_context("/"):
        for chart_id, chart in CHARTS.items():
            snippet = embed_snippets_for(render(chart, {"events": "1"}))["frozen"]
            src = re.search(r'src="([^"]+)"', snippet)
            assert src, chart_id
            urls[chart_id] = unescape(src.group(1)).removeprefix("http://localhost")
    return urls


def _drawn(client, url: str):  # type: ignore[no-untyped-def]
    """The response to `url`; an image not drawn yet (503, queued) is drawn by the renderer, as
    its process would, then asked for again."""
    response = client.get(url)
    if response.status_code == 503 and (".svg" in url or ".png" in url):
        assert renderer.render_pending() >= 1
        response = client.get(url)
    return response


@pytest.mark.services  # kaleido's Chromium draws the image (in the renderer)
def test_an_event_refresh_reaches_embeds_images_and_downloads(backend, monkeypatch) -> None:
    client = app.server.test_client()
    embed = "/embed/gas_border_price?events=1"
    download = "/download/gas_border_price.csv?events=1&from=2015"
    image = "/embed/gas_border_price.svg?events=1"
    kpi = "/embed/kpi/days_since_clash"
    before = {url: _drawn(client, url) for url in (embed, download, image, kpi)}
    assert all(r.status_code == 200 for r in before.values()), {
        u: r.status_code for u, r in before.items()
    }
    frozen = _frozen_urls()
    pinned = {cid: client.get(url) for cid, url in frozen.items()}
    assert all(r.status_code == 200 for r in pinned.values())
    # The image just rendered is now the embed's first paint (its SVG inline), a new embed:
    # read it again, then it is cached: a 304 for the ETag just served.
    before[embed] = client.get(embed)
    assert b"<svg" in before[embed].data
    again = client.get(embed, headers={"If-None-Match": before[embed].headers["ETag"]})
    assert again.status_code == 304, (again.headers.get("ETag"), before[embed].headers["ETag"])

    _with_new_clash(monkeypatch)
    report = refresh(backend, [curated.curated_source("border_clashes")])
    assert [r.outcome for r in report.sources] == ["ok"]
    time.sleep(door.CURRENT_TTL + 0.2)  # the current-version snapshot every worker re-reads

    after = {url: _drawn(client, url) for url in before}
    for url in before:
        assert after[url].status_code == 200, url
        assert after[url].headers["ETag"] != before[url].headers["ETag"], url
        assert after[url].data != before[url].data, url
    assert NEW_TITLE.encode() in after[embed].data
    assert NEW_ID in after[download].get_data(as_text=True)
    assert b"2 days" in after[kpi].data or b">2 <" in after[kpi].data
    stale_tag = before[embed].headers["ETag"]
    assert client.get(embed, headers={"If-None-Match": stale_tag}).status_code == 200

    for chart_id, url in frozen.items():
        response = client.get(url)
        assert response.status_code == 200, chart_id
        assert response.data == pinned[chart_id].data, chart_id
