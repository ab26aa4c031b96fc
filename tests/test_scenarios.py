"""Shock scenarios: each formula against a hand computation, bands, every input cited or flagged
as an assumption, the API (400 naming the parameter, 404 for an unknown id), the page, embeds."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.app import app
from dashboard.charts import scenario_math as sm
from dashboard.charts import scenarios as sc
from dashboard.web import renderer
from data_sources.curated_schema import read_curated_csv
from data_sources.sources import curated


# --- formulas, by hand ---------------------------------------------------------------------------
def test_upper_lars_by_hand() -> None:
    # 7 days of 365 × 50 % by road = 0.9589 % of a year's exports; × US$3.486 bn = US$33.43 m
    out = sm.upper_lars_closure(7, 50, 3.486, 150)
    assert out["exports_delayed_pct"] == pytest.approx(0.958904, rel=1e-5)
    assert out["exports_delayed_usd_m"] == pytest.approx(33.4274, rel=1e-4)
    assert out["trucks_queued"] == 1050


def test_gas_by_hand() -> None:
    # Iran 1.0 a day against 7.5 used: 6.5 short a day; 107 in storage lasts 16.46 days;
    # 30 days: 195 short − 107 = 88 unmet of 225 = 39.1 %; × 34 % gas in generation = 13.3 %
    out = sm.gas_interruption(30, 7.5, 107, 1.0, 6.3, 0, 34)
    assert out["iran_flow_mcm_day"] == 1.0
    assert out["deficit_mcm_day"] == pytest.approx(6.5)
    assert out["storage_lasts_days"] == pytest.approx(107 / 6.5)
    assert out["unmet_demand_mcm"] == pytest.approx(88.0)
    assert out["unmet_demand_pct"] == pytest.approx(88 / 225 * 100)
    assert out["electricity_at_risk_pct"] == pytest.approx(34 * 88 / 225)


def test_gas_with_iran_at_full_capacity_and_no_shortfall() -> None:
    full = sm.gas_interruption(30, 7.5, 107, 1.0, 6.3, 100, 34)
    assert full["iran_flow_mcm_day"] == pytest.approx(6.3)
    assert full["storage_lasts_days"] == pytest.approx(107 / 1.2)
    assert full["unmet_demand_mcm"] == 0  # 36 short over 30 days, storage holds 107
    summer = sm.gas_interruption(30, 0.8, 107, 1.0, 6.3, 0, 34)
    assert summer["iran_flow_mcm_day"] == pytest.approx(0.8)  # never more than is used
    assert summer["deficit_mcm_day"] == 0 and summer["storage_lasts_days"] is None
    assert summer["electricity_at_risk_pct"] == 0


def test_remittances_by_hand() -> None:
    # a 50 % fall of transfers worth 16 % of GDP = 8 % of GDP; of US$24.2 bn = US$1.936 bn
    out = sm.remittance_shock(50, 16, 24.2)
    assert out["gdp_share_loss_pct"] == pytest.approx(8.0)
    assert out["transfers_lost_usd_bn"] == pytest.approx(1.936)


def test_band_spans_the_cited_range_and_the_value_in_use() -> None:
    bands = sm.band(
        sm.remittance_shock,
        {"fall_pct": 50, "russia_pct_gdp": 16, "gdp_usd_bn": 24},
        {"russia_pct_gdp": (13.7, 19.4)},
    )
    assert bands["gdp_share_loss_pct"] == pytest.approx((6.85, 9.7))
    # a value outside the cited range widens the band to it
    wide = sm.band(
        sm.remittance_shock,
        {"fall_pct": 50, "russia_pct_gdp": 25, "gdp_usd_bn": 24},
        {"russia_pct_gdp": (13.7, 19.4)},
    )
    assert wide["gdp_share_loss_pct"][1] == pytest.approx(12.5)
    never = sm.band(
        sm.gas_interruption,
        {
            "outage_days": 30,
            "daily_use_mcm": 7.5,
            "storage_mcm": 107,
            "iran_contracted_mcm_day": 1,
            "iran_capacity_mcm_day": 6.3,
            "iran_ramp_pct": 0,
            "gas_share_elec_pct": 34,
        },
        {"daily_use_mcm": (0.5, 7.5)},
    )
    assert never["storage_lasts_days"][1] is None  # no shortfall at the low end: no limit


# --- defaults from the curated rows -------------------------------------------------------------
def _row(dataset: str, row_id: str) -> dict[str, str]:
    frame = read_curated_csv(io.BytesIO(curated.csv_bytes(dataset)))
    return frame.set_index("id").loc[row_id].to_dict()


def test_defaults_come_from_the_cited_rows(dash_store) -> None:
    gas = sc.as_json(sc.run(sc.SCENARIOS["gas_interruption"]))
    inputs = {i["name"]: i for i in gas["inputs"]}
    storage = _row("gas_imports", "abovyan-reserve-2024-25")
    assert inputs["storage_mcm"]["value"] == float(storage["value"])
    assert inputs["storage_mcm"]["source_url"] == storage["source_url"]
    assert inputs["storage_mcm"]["high"] == float(
        _row("gas_imports", "abovyan-capacity-2010")["value_max"]
    )
    assert inputs["daily_use_mcm"]["value"] == pytest.approx(674 / 90, abs=1e-3)  # winter
    assert inputs["iran_contracted_mcm_day"]["value"] == pytest.approx(1.0)
    assert inputs["gas_share_elec_pct"]["value"] == pytest.approx(34.053)
    summer = sc.as_json(sc.run(sc.SCENARIOS["gas_interruption"], {"season": "summer"}))
    assert {i["name"]: i for i in summer["inputs"]}["daily_use_mcm"]["value"] == 3.0
    rem = {i["name"]: i for i in sc.as_json(sc.run(sc.SCENARIOS["remittance_shock"]))["inputs"]}
    assert rem["fall_pct"]["value"] == 50.0
    assert rem["russia_pct_gdp"]["value"] == pytest.approx(3.946 / 24.2 * 100, abs=1e-3)
    assert rem["russia_pct_gdp"]["low"] == pytest.approx((3.946 - 0.641) / 24.2 * 100, abs=1e-3)
    assert rem["russia_pct_gdp"]["high"] == pytest.approx(4.7 / 24.2 * 100, abs=1e-3)


@pytest.mark.parametrize("scenario_id", sorted(sc.SCENARIOS))
def test_every_input_has_a_source_or_an_assumption_flag(dash_store, scenario_id) -> None:
    doc = sc.as_json(sc.run(sc.SCENARIOS[scenario_id]))
    for item in doc["inputs"]:
        if item["unit"] == "choice":
            continue
        assert item.get("assumption") is True or item["source_url"].startswith("http"), item
        if not item.get("assumption"):
            assert "#" in item["derived_from"] and "@" in item["derived_from"], item
    assert doc["formula"] and doc["outputs"]
    for out in doc["outputs"]:
        if out["value"] is not None and out["low"] is not None and out["high"] is not None:
            assert out["low"] - 1e-9 <= out["value"] <= out["high"] + 1e-9, out
    assert any(i.get("assumption") for i in doc["inputs"]) == (scenario_id != "remittance_shock")


def test_upper_lars_references_come_from_the_event_log(dash_store) -> None:
    refs = sc.as_json(sc.run(sc.SCENARIOS["upper_lars_closure"]))["references"]
    assert refs and all(r["derived_from"].startswith("upper_lars_events#") for r in refs)
    timed = [r for r in refs if r["x"] is not None]
    assert timed and all(r["value"] is not None for r in timed)


# --- the API ----------------------------------------------------------------------------------
@pytest.fixture
def client(dash_store):  # type: ignore[no-untyped-def]
    return app.server.test_client()


def test_api_lists_and_serves_scenarios(client) -> None:  # type: ignore[no-untyped-def]
    listed = client.get("/api/v1/scenarios").get_json()
    assert [s["id"] for s in listed] == list(sc.SCENARIOS)
    body = client.get("/api/v1/scenarios/upper_lars_closure?closure_days=14").get_json()
    inputs = {i["name"]: i for i in body["inputs"]}
    assert inputs["closure_days"]["value"] == 14 and inputs["closure_days"]["assumption"] is True
    outputs = {o["name"]: o for o in body["outputs"]}
    assert outputs["trucks_queued"]["value"] == 14 * inputs["trucks_per_day"]["value"]
    assert set(outputs["trucks_queued"]) >= {"name", "value", "unit", "low", "high"}
    assert body["formula"].startswith("exports delayed")
    assert {"trade_partners", "upper_lars_throughput"} <= set(body["versions"])


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/scenarios/gas_interruption?outage_days=abc", "outage_days"),
        ("/api/v1/scenarios/gas_interruption?outage_days=NaN", "outage_days"),
        ("/api/v1/scenarios/gas_interruption?storage_mcm=-1", "storage_mcm"),
        ("/api/v1/scenarios/gas_interruption?season=monsoon", "season"),
        ("/api/v1/scenarios/remittance_shock?fall_pct=101", "fall_pct"),
        ("/api/v1/scenarios/upper_lars_closure?road_share_pct=1e9", "road_share_pct"),
    ],
)
def test_bad_values_are_400_naming_the_parameter(client, url, parameter) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["parameter"] == parameter


def test_unknown_scenario_is_a_json_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/scenarios/no_such_lever")
    assert response.status_code == 404 and response.get_json()["error"]


def test_openapi_describes_the_scenarios(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").get_json()
    detail = doc["paths"]["/api/v1/scenarios/{id}"]["get"]
    names = {p.get("name") for p in detail["parameters"]}
    assert {"id", "closure_days", "season", "fall_pct"} <= names
    assert "/api/v1/scenarios" in doc["paths"]


# --- page, download, embeds ---------------------------------------------------------------------
def test_page_sliders_start_at_the_cited_defaults_and_follow_the_url(client) -> None:  # type: ignore[no-untyped-def]
    import dash

    # the page as Dash registered it (importing the module again would register its callbacks twice)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/scenarios")
    layout = page["layout"](outage_days="45")
    values = {
        c.id["name"]: c.value
        for c in layout._traverse()
        if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == "pp-control"
    }
    assert values["outage_days"] == 45.0  # from the URL
    assert values["storage_mcm"] == 107.0  # the cited default
    assert values["season"] == "winter" and values["fall_pct"] == 50.0
    assert client.get("/scenarios?outage_days=45").status_code == 200


def test_download_follows_the_parameters(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/download/scenario_gas_interruption.csv?outage_days=60").get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(body)))
    inputs = {r["name"]: r for r in rows if r["kind"] == "input"}
    assert float(inputs["outage_days"]["value"]) == 60
    assert inputs["storage_mcm"]["source_url"].startswith("http")
    assert inputs["iran_ramp_pct"]["assumption"] == "True"


@pytest.mark.parametrize("scenario_id", sorted(sc.SCENARIOS))
def test_embed_scenario(client, scenario_id) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/embed/scenario/{scenario_id}")
    assert response.status_code == 200 and b"plotly" in response.data.lower()
    assert client.get("/embed/scenario/nothing").status_code == 404


@pytest.mark.services  # kaleido's Chromium draws the image (in the renderer)
def test_embed_scenario_svg(client) -> None:  # type: ignore[no-untyped-def]
    waiting = client.get("/embed/scenario/remittance_shock.svg?fall_pct=30")
    assert waiting.status_code == 503 and waiting.headers["Retry-After"]  # queued
    assert renderer.render_pending() == 1
    response = client.get("/embed/scenario/remittance_shock.svg?fall_pct=30")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
