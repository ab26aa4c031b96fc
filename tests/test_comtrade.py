"""UN Comtrade: request plan, parsing by shape, the 500-row cap, filters, and a full refresh."""

from __future__ import annotations

import json

import pytest

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.refresh import refresh_source
from data_sources.source import FetchContext
from data_sources.sources import comtrade
from data_sources.store import now_utc
from tests.conftest import fixture_bytes
from tests.upstream import Reply


def comtrade_handler(path: str, query: dict) -> Reply:
    """Serve the recorded-format fixtures, keeping only the asked-for years, flows and codes."""
    name = "comtrade_total.json" if query["cmdCode"][0] == "TOTAL" else "comtrade_commodities.json"
    body = json.loads(fixture_bytes(name))
    years = query["period"][0].split(",")
    flows = query["flowCode"][0].split(",")
    body["data"] = [
        r for r in body["data"] if str(r["refYear"]) in years and r["flowCode"] in flows
    ]
    body["count"] = len(body["data"])
    return Reply(json.dumps(body).encode())


def _raw(body: object, status: int = 200) -> RawResponse:
    text = body if isinstance(body, (str, bytes)) else json.dumps(body)
    data = text.encode() if isinstance(text, str) else text
    return RawResponse(
        url="http://127.0.0.1/x",
        status=status,
        content_type="application/json",
        body=data,
        fetched_at=now_utc(),
    )


def test_tidy_keeps_only_customs_totals_and_names_series() -> None:
    frame = comtrade.tidy(
        [
            _raw(json.loads(fixture_bytes("comtrade_total.json"))),
            _raw(json.loads(fixture_bytes("comtrade_commodities.json"))),
        ]
    )
    assert len(frame) == 6  # the C01 subset row is dropped
    gas = frame[frame["series"] == "gas"].iloc[0]
    assert (gas["partner_iso"], gas["flow"], gas["value_usd"], gas["qty_unit"]) == (
        "RUS",
        "import",
        200,
        "kg",
    )
    world = frame[(frame["series"] == "total") & (frame["partner_code"] == 0)]
    assert world["value_usd"].tolist() == [1000]


def test_error_field_fails_even_with_200() -> None:
    with pytest.raises(SourceError) as err:
        comtrade.parse_body(
            _raw({"elapsedTime": "0", "count": 0, "data": [], "error": "Invalid parameter"})
        )
    assert err.value.error_class == "upstream_error"
    assert "Invalid parameter" in str(err.value)


def test_gateway_envelope_is_an_error() -> None:
    with pytest.raises(SourceError, match="Access denied"):
        comtrade.parse_body(_raw({"statusCode": 401, "message": "Access denied due to key"}))


def test_plan_stays_far_below_the_cap() -> None:
    plan = comtrade.request_plan()
    totals = [p for p in plan if p["cmdCode"] == "TOTAL"]
    assert all(len(p["period"].split(",")) <= 2 and p["flowCode"] in ("M", "X") for p in totals)
    assert all(p["customsCode"] == "C00" and p["motCode"] == "0" for p in plan)


def test_a_capped_response_is_split_then_refused_for_one_year(make_http, upstream) -> None:
    def capped(path: str, query: dict) -> Reply:
        rows = [{"refYear": 2020}] * comtrade.PREVIEW_CAP
        return Reply(json.dumps({"count": len(rows), "data": rows, "error": ""}).encode())

    upstream.route("/public", capped)
    ctx = FetchContext(http=make_http(), base_url=upstream.url)
    with pytest.raises(SourceError) as err:
        comtrade.fetch(ctx)
    assert err.value.error_class == "truncated_result"
    periods = [q["period"][0] for _, q, _ in upstream.requests]
    assert periods[0].count(",") == 1 and "," not in periods[1]  # split before giving up


def test_key_goes_in_a_header_not_the_url(make_http, upstream) -> None:
    upstream.route("/data/v1/get", comtrade_handler)
    ctx = FetchContext(
        http=make_http(), base_url=upstream.url, credentials={"COMTRADE_API_KEY": "sekret-key-123"}
    )
    parts = comtrade.fetch(ctx)
    assert parts and all("sekret" not in p.url for p in parts)
    _, _, headers = upstream.requests[0]
    assert headers["Ocp-Apim-Subscription-Key"] == "sekret-key-123"


def test_refresh_promotes_from_recorded_shape(store, make_http, upstream, monkeypatch) -> None:
    monkeypatch.setenv("COMTRADE_BASE_URL", upstream.url)
    upstream.route("/public/v1/preview", comtrade_handler)
    report = refresh_source(store, comtrade.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    _, frame = store.load("comtrade")
    assert set(frame["series"]) == {"total", "gas", "wheat", "nuclear_fuel"}
    assert upstream.hits("/public/v1/preview") == len(comtrade.request_plan())
