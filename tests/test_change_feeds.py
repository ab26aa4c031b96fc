"""The change log on the web: `/api/v1/changes` (filters, 400s naming the parameter, ETag/304,
the OpenAPI schema), Atom feeds parsed as a feed reader would (feedparser), the feed links in
every page's head, and the "revised on" note of chart cards."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator

import feedparser
import pytest

from dashboard.app import app
from dashboard.data import door
from data_sources.errors import SourceError
from data_sources.refresh import refresh
from data_sources.sources import curated
from data_sources.store import Store
from tests.test_changes import _bytes, _csv_source, _frame


@pytest.fixture(scope="module")
def changed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The curated seed, then a gas_imports release revising one value by 10 % and adding a row,
    then a failing wheat_imports refresh."""
    url = f"sqlite:///{tmp_path_factory.mktemp('changes') / 'store.sqlite3'}"
    store = Store(url)
    assert refresh(store, curated.SOURCES).exit_code == 0
    frame = _frame("gas_imports")
    frame.loc[0, "value"] = str(float(frame.loc[0, "value"]) * 1.1)
    added = frame.iloc[[1]].assign(id="test-added-row")
    import pandas as pd

    body = {"csv": _bytes(pd.concat([frame, added], ignore_index=True))}
    refresh(store, [_csv_source("gas_imports", body)])
    failing = _csv_source("wheat_imports", {"csv": SourceError("http_error", "upstream 500")})
    refresh(store, [dataclasses.replace(failing)])
    store.engine.dispose()
    return url


@pytest.fixture
def client(changed_db: str) -> Iterator:  # type: ignore[type-arg]
    store = Store(changed_db)
    door.set_store(store)
    door.reset()
    yield app.server.test_client()
    door.set_store(None)
    door.reset()
    store.engine.dispose()


def test_changes_api_lists_records_newest_first(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/changes")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    items = response.get_json()
    assert [i["id"] for i in items] == sorted((i["id"] for i in items), reverse=True)
    for item in items:
        assert {"id", "source", "version", "published", "kind", "summary", "url"} <= set(item)
    assert items[0]["kind"] == "failed" and items[0]["source"] == "wheat_imports"
    revised = client.get("/api/v1/changes?source=gas_imports&kind=revised").get_json()
    (record,) = revised
    assert record["detail"][0]["relative"] == pytest.approx(0.1)
    assert record["downloads"]["version"].endswith(f"gas_imports.csv?version={record['version']}")
    assert record["downloads"]["previous"].endswith(
        f"gas_imports.csv?version={record['previous_version']}"
    )
    assert any(c["id"] for c in record["charts"])
    assert "gas" in record["topics"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("since=yesterday", "since"),
        ("since=2025-13-01", "since"),
        ("topic=weather", "topic"),
        ("source=nope", "source"),
        ("kind=moved", "kind"),
        ("limit=0", "limit"),
        ("limit=１", "limit"),
    ],
)
def test_bad_parameters_answer_400_naming_them(client, query: str, parameter: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/changes?{query}")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter


def test_filters(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/changes?since=2999-01-01").get_json() == []
    health = client.get("/api/v1/changes?topic=sources").get_json()
    assert {i["kind"] for i in health} == {"failed"}
    gas = client.get("/api/v1/changes?topic=gas").get_json()
    assert {i["source"] for i in gas} >= {"gas_imports"}
    assert all(i["kind"] in ("added", "revised", "removed") for i in gas)
    lars = client.get("/api/v1/changes?topic=upper-lars").get_json()
    assert "gas_imports" not in {i["source"] for i in lars}
    assert len(client.get("/api/v1/changes?limit=2").get_json()) == 2


def test_etag_and_304_move_with_the_log(client, changed_db: str) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/feeds/changes.atom")
    tag = first.get_etag()[0]
    again = client.get("/feeds/changes.atom", headers={"If-None-Match": f'"{tag}"'})
    assert again.status_code == 304
    api = client.get("/api/v1/changes")
    assert (
        client.get("/api/v1/changes", headers={"If-None-Match": api.headers["ETag"]}).status_code
        == 304
    )
    store = Store(changed_db)
    failing = _csv_source("remittances", {"csv": SourceError("http_error", "upstream 502")})
    refresh(store, [failing])
    door.reset()
    moved = client.get("/feeds/changes.atom", headers={"If-None-Match": f'"{tag}"'})
    assert moved.status_code == 200, moved.get_data()[:500]
    assert moved.get_etag()[0] != tag
    assert b"remittances" in moved.get_data()
    store.engine.dispose()


def test_feeds_are_atom_with_stable_ids(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/feeds/changes.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert parsed.version == "atom10" and not parsed.bozo, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert any("Gas imports" in t and "revised" in t for t in titles)
    revised = next(e for e in parsed.entries if "revised" in e.title)
    assert "+10.0%" in revised.summary
    assert revised.id.startswith("urn:pressure-points:change:")
    again = feedparser.parse(client.get("/feeds/changes.atom").get_data())
    assert [e.id for e in again.entries] == [e.id for e in parsed.entries]
    assert parsed.feed.updated == parsed.entries[0].updated  # not the time of the request


@pytest.mark.parametrize("topic", ["upper-lars", "gas", "security", "euma", "trade", "sources"])
def test_every_topic_feed_parses(client, topic: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/feeds/{topic}.atom")
    assert response.status_code == 200
    parsed = feedparser.parse(response.get_data())
    assert parsed.version == "atom10" and not parsed.bozo
    if topic == "gas":
        assert any("Gas imports" in e.title for e in parsed.entries)
    if topic == "sources":
        assert {e.title.split(": ")[-1] for e in parsed.entries} == {"failed"}


def test_unknown_feed_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/feeds/weather.atom").status_code == 404


def test_pages_link_their_feeds_in_the_head(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/energy").get_data(as_text=True)
    head = html.split("</head>")[0]
    assert 'type="application/atom+xml" href="/feeds/changes.atom"' in head
    assert 'href="/feeds/gas.atom"' in head
    assert 'href="/feeds/upper-lars.atom"' in client.get("/upper-lars").get_data(as_text=True)


def test_changes_match_the_openapi_document(client) -> None:  # type: ignore[no-untyped-def]
    import jsonschema
    import openapi_spec_validator as validator

    doc = client.get("/api/v1/openapi.json").get_json()
    validator.validate(doc)
    operation = doc["paths"]["/api/v1/changes"]["get"]
    assert {p.get("name") for p in operation["parameters"]} >= {"since", "source", "topic"}
    schema = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Change"},
        "components": doc["components"],
    }
    jsonschema.Draft202012Validator(schema).validate(client.get("/api/v1/changes").get_json())


def test_changes_page_lists_entries_and_filters(client) -> None:  # type: ignore[no-untyped-def]
    page = sys.modules["dashboard.pages.changes"]  # the module Dash registered

    layout = str(page.layout(source="gas_imports"))
    assert "Gas imports" in layout and "previous version (CSV)" in layout
    assert "source=wheat_imports" not in str(page.layout(topic="gas"))
    assert "source=gas_imports" in str(page.layout(topic="gas"))
    assert "showing every change" in str(page.layout(since="soon"))
    assert client.get("/changes?topic=nope").status_code == 200  # pages never fail on a query


def test_chart_cards_say_when_their_data_was_revised(client) -> None:  # type: ignore[no-untyped-def]
    from dashboard.charts.registry import CHARTS
    from dashboard.charts.render import render
    from dashboard.pages._components import chart_card

    with app.server.test_request_context("/energy"):
        revised = str(chart_card(render(CHARTS["gas_imports_by_supplier"], {})))
        untouched = str(chart_card(render(CHARTS["gas_border_price"], {})))
    assert "revised on " in revised and "source=gas_imports" in revised
    assert "revised on " not in untouched
