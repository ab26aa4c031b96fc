"""Live data on screen: every keyless live source, served by a local fake of its real response
shape, refreshed and rendered, reaches the download rows of at least one chart; on the offline
default the live charts say which source has no data yet instead of drawing an empty axis."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.data import door
from data_sources.refresh import refresh
from data_sources.sources import curated, worldbank
from data_sources.store import Store
from tests.harness import HARNESSES
from tests.upstream import Reply

LIVE = ("worldbank", "comtrade", "imf_imts", "hdx_acled", "ucdp", "gdelt")
WIDE = "from=1990&to=2100"


def every_indicator(path: str, query: dict) -> Reply:
    """The WDI API's shape (one page: [header, rows]) with a row for every indicator we fetch,
    our own small values."""
    rows = [
        {
            "indicator": {"id": code, "value": code},
            "country": {"id": "AM", "value": "Armenia"},
            "countryiso3code": "ARM",
            "date": str(year),
            "value": 1.5e9 if unit == "current USD" else 12.5,
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        }
        for code, unit in worldbank.INDICATORS.items()
        for year in (2022, 2023)
    ]
    header = {"page": 1, "pages": 1, "per_page": 1000, "total": len(rows), "sourceid": "2"}
    return Reply(json.dumps([{**header, "lastupdated": "2026-10-28"}, rows]).encode())


@pytest.fixture
def live_store(tmp_path, monkeypatch, upstream, make_http) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    store.create_schema()
    assert refresh(store, curated.SOURCES).exit_code == 0
    for source_id in LIVE:
        HARNESSES[source_id].serve(upstream)
        HARNESSES[source_id].point_at(upstream, monkeypatch)
    upstream.route("/v2/", every_indicator)
    report = refresh(store, [HARNESSES[s].source for s in LIVE], http_factory=make_http)
    assert {r.id: r.outcome for r in report.sources} == dict.fromkeys(LIVE, "ok"), [
        (r.id, r.error) for r in report.sources
    ]
    door.set_store(store)
    yield store
    door.set_store(None)
    store.engine.dispose()


def _datasets_in_download(client, chart_id: str) -> set[str]:  # type: ignore[no-untyped-def]
    body = client.get(f"/download/{chart_id}.csv?{WIDE}").get_data(as_text=True)
    return {row["dataset"] for row in csv.DictReader(io.StringIO(body)) if row.get("dataset")}


def test_every_live_source_reaches_a_chart_download(live_store) -> None:
    client = app.server.test_client()
    seen: dict[str, list[str]] = {}
    for chart_id in CHARTS:
        for dataset in _datasets_in_download(client, chart_id):
            seen.setdefault(dataset, []).append(chart_id)
    missing = [s for s in LIVE if s not in seen]
    assert not missing, (missing, {s: seen.get(s) for s in LIVE})
    # Comtrade at commodity level: gas, wheat and nuclear fuel each have their chart.
    for chart_id in ("gas_imports_comtrade", "wheat_imports_by_partner", "nuclear_fuel_imports"):
        assert "comtrade" in _datasets_in_download(client, chart_id), chart_id


def test_live_charts_draw_their_rows(live_store) -> None:
    for chart_id in (
        "gas_imports_comtrade",
        "gas_unit_price",
        "nuclear_fuel_imports",
        "energy_import_dependence",
        "wheat_imports_by_partner",
        "merchandise_trade_wdi",
        "remittances",
        "news_attention_armenia_azerbaijan_border",
    ):
        rendered = render(CHARTS[chart_id], {"from": "1990", "to": "2100"})
        live = rendered.frame[rendered.frame["origin"].astype(str).str.startswith("live")]
        assert not live.empty, chart_id
        assert rendered.figure.data, chart_id
        assert "No data yet" not in str(rendered.spec["layout"]), chart_id


def test_implied_gas_price_is_value_over_converted_volume(live_store) -> None:
    frame = render(CHARTS["gas_unit_price"], {"from": "1990", "to": "2100"}).frame
    live = frame[frame["origin"] == "live · UN Comtrade"].iloc[0]
    expected = live["value_usd"] / (live["net_weight_kg"] * 1.36 / 1000)
    assert live["value"] == pytest.approx(expected, rel=1e-3)
    assert "1.36" in live["note"]


def test_news_volume_is_labelled_as_news_not_incidents(live_store) -> None:
    rendered = render(CHARTS["news_attention_armenia_azerbaijan_border"], {"from": "2026"})
    assert (rendered.frame["series"] == "news volume, not incidents").all()
    assert "not incidents" in CHARTS["news_attention_armenia_azerbaijan_border"].caveat
    # Daily counts summed per month: the fixture's four days are one November row.
    assert rendered.frame["value"].sum() == 12 + 31 + 0 + 7


@pytest.mark.parametrize("chart_id", [c.id for c in CHARTS.values() if c.live])
def test_offline_live_charts_say_no_data_yet(dash_store, chart_id) -> None:
    rendered = render(CHARTS[chart_id], {"from": "1990", "to": "2100"})
    text = str(rendered.spec["layout"].get("annotations", ""))
    assert "No data yet from" in text and "/sources" in text, chart_id


NEW_CHARTS = {
    "/energy": ("gas_imports_comtrade", "gas_unit_price", "nuclear_fuel_imports"),
    "/trade": ("wheat_imports_by_partner", "merchandise_trade_wdi"),
    "/": ("remittances",),
    "/security": ("news_attention_armenia_azerbaijan_border",),
}


@pytest.mark.browser
def test_live_charts_draw_in_the_browser(live_store, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811, E501
    import threading

    from werkzeug.serving import make_server

    from tests.test_browser import Visit

    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        for path, chart_ids in NEW_CHARTS.items():
            visit = Visit(browser, f"http://127.0.0.1:{httpd.server_port}{path}?from=1990", 1280)
            try:
                for chart_id in chart_ids:
                    card = visit.page.locator(f"#card-{chart_id}")
                    card.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for()
                    assert "No data yet" not in card.inner_text(), chart_id
                assert visit.errors == [], visit.errors
            finally:
                visit.close()
    finally:
        httpd.shutdown()
