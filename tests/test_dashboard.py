"""Dashboard without a browser: every page builds from any query, every chart renders from the
seeded store with only the bundled trace types, downloads carry provenance."""

from __future__ import annotations

import csv
import datetime
import io
import json

import dash
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.pages._callbacks import control_query

# The app ships plotly.js's geo partial bundle only (dashboard/assets/vendor): these traces.
BUNDLED_TRACES = {"scatter", "scattergeo", "choropleth"}
GARBAGE = {
    "from": "'; DROP TABLE x;--",
    "to": "99999999999999999999",
    "events": "maybe",
    "w_gas": "-5",
    "w_trade": "NaN",
    "version": "<script>",
    "unknown": "1",
}
PAGES = {page["path"]: page for page in dash.page_registry.values()}


@pytest.mark.parametrize("path", sorted(PAGES))
@pytest.mark.parametrize("query", [{}, {"from": "2015", "to": "2020", "events": "1"}, GARBAGE])
def test_every_page_builds_from_any_query(path, query, dash_store) -> None:
    layout = PAGES[path]["layout"](**query)
    assert layout is not None
    json.dumps(layout.to_plotly_json(), default=str)  # serialisable, as Dash will send it


@pytest.mark.parametrize("chart_id", sorted(CHARTS))
def test_every_chart_renders_with_bundled_traces(chart_id, dash_store) -> None:
    rendered = render(CHARTS[chart_id], {})
    types = {trace.type for trace in rendered.figure.data}
    assert types <= BUNDLED_TRACES, types
    chart = CHARTS[chart_id]
    assert chart.title and len(chart.description) > 30 and chart.sources
    assert chart.page in {p.strip("/").replace("-", "_") or "overview" for p in PAGES}


def test_charts_use_cited_rows(dash_store) -> None:
    for chart in CHARTS.values():
        frame = render(chart, {}).frame
        if "source_url" in frame.columns and not frame.empty:
            # model rows (a scenario's curve, an assumption) cite nothing; every citation is a URL
            cited = frame["source_url"].dropna()
            assert cited.str.startswith("http").all(), chart.id


def test_unknown_and_invalid_options_fall_back_to_defaults() -> None:
    chart = CHARTS["gas_border_price"]
    assert chart.parse(GARBAGE) == chart.parse({})
    assert chart.parse({"from": "2012", "events": "1"})["from"] == 2012


def test_download_csv_has_provenance_and_filters(dash_store) -> None:
    client = app.server.test_client()
    response = client.get("/download/gas_border_price.csv?from=2015&events=1&junk=2")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and {
        "source_url",
        "source_title",
        "accessed",
        "confidence",
        "dataset",
        "row_id",
        "version",
        "filters",
    } <= set(rows[0])
    this_year = datetime.date.today().year
    assert rows[0]["filters"] == f"from=2015&to={this_year}&events=1"
    data_rows = [r for r in rows if r["layer"] == "data"]
    assert data_rows and all(int(r["period_end"][:4]) >= 2015 for r in data_rows)
    # The overlaid events it draws come with it: id, date, title, category and their source.
    events = [r for r in rows if r["layer"] == "event"]
    assert events and all(r["row_id"] and r["date"] >= "2015" for r in events)
    assert all(r["title"] and r["source_url"].startswith("http") for r in events)
    versions = dict(p.split("=") for p in response.headers["X-Data-Versions"].split(","))
    assert {"gas_prices", "border_clashes", "upper_lars_events"} <= set(versions)
    assert {r["dataset"] for r in events} <= set(versions)


def test_download_json_records_filters(dash_store) -> None:
    client = app.server.test_client()
    body = client.get("/download/electricity_mix.json?from=2020").get_json()
    assert body["filters"]["from"] == 2020 and body["sources"] == ["electricity_mix"]
    assert body["rows"] and all(r["source_url"].startswith("http") for r in body["rows"])


def test_unknown_chart_download_is_a_json_404(dash_store) -> None:
    response = app.server.test_client().get("/download/nope.csv")
    assert response.status_code == 404 and "unknown chart" in response.get_json()["error"]


def test_healthz_reports_every_source(dash_store) -> None:
    body = app.server.test_client().get("/healthz").get_json()
    ids = {s["id"] for s in body["sources"]}
    assert {"gas_imports", "worldbank"} <= ids
    assert all({"stale", "fetched_at", "last_error"} <= set(s) for s in body["sources"])


def test_control_values_become_a_query() -> None:
    ids = [{"name": "from"}, {"name": "events"}, {"name": "w_gas"}]
    assert control_query([2015, ["1"], 30], ids) == {"from": 2015, "events": "1", "w_gas": 30}
    assert control_query([None, [], 0], ids)["events"] == "0"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    chart_id=st.sampled_from(sorted(CHARTS)),
    query=st.dictionaries(
        st.sampled_from(["from", "to", "events", "w_gas", "w_rail", "x"]),
        st.one_of(
            st.text(max_size=12),
            st.integers(-(10**6), 10**6),
            st.none(),
            st.lists(st.text(max_size=3), max_size=2),
        ),
        max_size=5,
    ),
)
def test_fuzzed_controls_always_give_a_figure(chart_id, query, dash_store) -> None:
    rendered = render(CHARTS[chart_id], query)
    assert rendered.figure is not None
    json.dumps(rendered.figure.to_plotly_json(), default=str)


def test_importing_a_page_module_does_not_register_its_path_twice(dash_store) -> None:
    """Dash imports the pages as `dashboard.pages.<page>`: a later `from dashboard.pages import
    overview` (tests, tools) gets that same module instead of executing a second copy that
    registers "/" again, after which Dash's router answers every request with a 500."""
    import importlib

    importlib.import_module("dashboard.pages.overview")
    importlib.import_module("dashboard.pages.sources")
    paths = [page["path"] for page in dash.page_registry.values()]
    assert len(paths) == len(set(paths)), paths
    assert all(p["module"].startswith("dashboard.pages.") for p in dash.page_registry.values())
    assert app.server.test_client().get("/embed/kpi/upper_lars_status").status_code == 200
