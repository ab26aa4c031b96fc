"""Issue 15: a chart-page callback seen before (same request, same data versions) is answered
from the cache without rebuilding a figure; a promotion redraws; one round trip per control change
(open tables refilled by `update_charts`, closed ones untouched, `fill_table` not triggered)."""

from __future__ import annotations

import json

import pytest
from dash._callback import GLOBAL_CALLBACK_MAP

from dashboard.app import app
from dashboard.charts.registry import for_page
from dashboard.data import cache
from dashboard.pages import _callback_bodies as bodies
from dashboard.pages import _callbacks
from dashboard.web import callback_cache
from data_sources.store import Store
from tests.test_api import own_store, promote  # noqa: F401  (a fixture and its helper)

PAGE = "overview"


@pytest.fixture
def client(dash_store: Store):  # type: ignore[no-untyped-def]
    cache.clear()
    return app.server.test_client()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every chart the chart-page callbacks render (`_callbacks.safe_render`), by id."""
    seen: list[str] = []
    original = _callbacks.safe_render

    def counting(chart, query):  # type: ignore[no-untyped-def]
        seen.append(chart.id)
        return original(chart, query)

    monkeypatch.setattr(_callbacks, "safe_render", counting)
    return seen


def _post(client, body: dict) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, response.get_data()


def test_a_repeated_callback_is_answered_without_running_it(client, renders) -> None:  # type: ignore[no-untyped-def]
    body = bodies.update_charts(PAGE, {"events": ["1"]})
    status, first = _post(client, body)
    assert status == 200, first[:300]
    assert json.loads(first)["multi"] is True
    drawn = len(renders)
    assert drawn == len(for_page(PAGE))
    for _ in range(3):
        assert _post(client, body) == (200, first)
    assert len(renders) == drawn, "a replay must not render again"


def test_a_promotion_redraws(own_store: Store, renders) -> None:  # type: ignore[no-untyped-def]  # noqa: F811 (a fixture)
    cache.clear()
    client = app.server.test_client()
    body = bodies.update_charts(PAGE, {})
    _post(client, body)
    _post(client, body)
    drawn = len(renders)
    assert drawn == len(for_page(PAGE))
    chart = for_page(PAGE)[0]
    source = next(s for s in (*chart.live, *chart.sources) if s in own_store.current_versions())
    promote(own_store, source, own_store.load(source)[1], "f")
    status, _ = _post(client, body)
    assert status == 200
    assert len(renders) == 2 * drawn, "a new version of a dataset read must redraw"


def test_other_controls_are_another_entry(client) -> None:  # type: ignore[no-untyped-def]
    _, with_events = _post(client, bodies.update_charts(PAGE, {"events": ["1"]}))
    _, without = _post(client, bodies.update_charts(PAGE, {"events": []}))
    assert with_events != without


def test_a_control_change_refills_open_tables_only(client) -> None:  # type: ignore[no-untyped-def]
    charts = [c.id for c in for_page(PAGE)]
    status, data = _post(client, bodies.update_charts(PAGE, {}, opened=[charts[0]]))
    assert status == 200
    response = json.loads(data)["response"]
    tables = {
        json.loads(key)["chart"]: value for key, value in response.items() if "pp-tablebody" in key
    }
    assert list(tables) == [charts[0]], "only the open table is sent"
    assert '"Table"' in json.dumps(tables[charts[0]]), "with a table in it"


def test_fill_table_does_not_listen_to_the_controls() -> None:
    output = bodies.output_string("pp-tablebody", multi=False)
    spec = {**GLOBAL_CALLBACK_MAP, **app.callback_map}[output]
    assert all("pp-control" not in dep["id"] for dep in spec["inputs"])
    assert any("pp-control" in dep["id"] for dep in spec["state"])


def _routing(path: str, search: str = "") -> dict:
    return {
        "output": callback_cache.ROUTING_OUTPUT,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }


def test_page_routing_to_a_chart_page_is_cached(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dashboard.pages import _chart_page

    drawn: list[str] = []
    original = _chart_page.safe_render

    def counting(chart, query):  # type: ignore[no-untyped-def]
        drawn.append(chart.id)
        return original(chart, query)

    monkeypatch.setattr(_chart_page, "safe_render", counting)
    status, first = _post(client, _routing("/trade"))
    assert status == 200 and drawn
    count = len(drawn)
    assert _post(client, _routing("/trade")) == (200, first)
    assert len(drawn) == count, "a replayed page route must not lay the page out again"
    assert _post(client, _routing("/trade", "?events=1"))[0] == 200
    assert len(drawn) > count, "another query is another entry"


def test_only_chart_pages_are_cached() -> None:
    paths = _callbacks.CACHED_PAGE_PATHS
    assert "/" in paths and "/trade" in paths
    assert "/sources" not in paths and "/changes" not in paths
    types = _callbacks.CACHED_OUTPUT_TYPES
    assert callback_cache.is_cached(_routing("/trade"), types, paths)
    assert not callback_cache.is_cached(_routing("/sources"), types, paths)
    table = bodies.fill_table(PAGE, for_page(PAGE)[0].id, 1, {})
    assert not callback_cache.is_cached(table, types, paths)
    assert callback_cache.is_cached(bodies.update_charts(PAGE, {}), types, paths)
