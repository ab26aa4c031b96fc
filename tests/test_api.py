"""The public data API (/api/v1): shapes, provenance, year filters, pinned versions, ETag/304,
400s that name the parameter, CORS, no cookies, non-public sources never served, and a fuzz run
driven by the API's own OpenAPI document."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.data import door
from dashboard.web import api_rows
from data_sources import registry
from data_sources.curated_schema import read_curated_csv
from data_sources.refresh import refresh_source
from data_sources.sources import curated, imf_imts
from data_sources.store import Store
from tests.harness import HARNESSES

CURATED = Path(curated.__file__).parent.parent / "curated"
PROVENANCE = ["dataset", "version", "fetched_at", "sha256"]
PUBLIC = [s.id for s in registry.SOURCES if s.public and s.id != "acled"]


def check(response) -> None:  # type: ignore[no-untyped-def]
    """What every API response must do: CORS open, no cookies, JSON errors."""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code not in (200, 204, 304):
        assert response.mimetype == "application/json"
        assert isinstance(response.get_json()["error"], str)


def get(client, url: str, **kwargs):  # type: ignore[no-untyped-def]
    response = client.get(url, **kwargs)
    check(response)
    return response


def tag_of(response) -> str | None:  # type: ignore[no-untyped-def]
    """The unquoted ETag."""
    return response.get_etag()[0]


@pytest.fixture
def client(dash_store: Store):  # type: ignore[no-untyped-def]
    return app.server.test_client()


@pytest.fixture
def own_store(seeded_db: str, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the seeded store that a test may add versions to."""
    target = tmp_path / "api.sqlite3"
    with (
        sqlite3.connect(seeded_db.removeprefix("sqlite:///")) as src,
        sqlite3.connect(target) as dst,
    ):
        src.backup(dst)
    store = Store(f"sqlite:///{target}")
    door.set_store(store)
    door.reset()
    yield store
    door.set_store(None)
    door.reset()
    store.engine.dispose()


def promote(store: Store, source_id: str, frame: pd.DataFrame, tag: str) -> int:
    attempt = store.start_attempt(source_id)
    version = store.promote(
        source_id,
        attempt,
        [],
        frame,
        sha256=tag * 64,
        table_sha256=tag * 64,
        fingerprint="test",
        upstream_updated=None,
    )
    door.reset()
    return version


def imf_frame(years: range) -> pd.DataFrame:
    """A small table shaped like imf_imts.tidy output."""
    return pd.DataFrame(
        {
            "indicator": "XG_FOB_USD",
            "flow": "export",
            "partner": "RUS",
            "period": list(years),
            "value_usd": [1000.0 * (y - 2000) for y in years],
            "derived": False,
            "source_url": "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS",
        }
    )


def curated_rows(dataset_id: str) -> pd.DataFrame:
    return read_curated_csv(CURATED / f"{dataset_id}.csv")


# --- shapes ---------------------------------------------------------------------------------
def test_charts_list_every_chart_with_options_and_links(client) -> None:  # type: ignore[no-untyped-def]
    charts = get(client, "/api/v1/charts").get_json()
    assert [c["id"] for c in charts] == list(CHARTS)
    for item in charts:
        chart = CHARTS[item["id"]]
        assert item["title"] == chart.title and item["description"] == chart.description
        assert item["sources"] == list(chart.declared_sources) and item["page"] == chart.page
        assert [(o["name"], o["default"]) for o in item["options"]] == [
            (o.name, o.default) for o in chart.options
        ]
        links = item["links"]
        assert links["page"].startswith("/") and links["page"].endswith(f"#card-{chart.id}")
        assert links["csv"] == f"/download/{chart.id}.csv"
        assert links["json"] == f"/download/{chart.id}.json"
        assert links["embed"] == f"/embed/{chart.id}"
        assert (links["svg"], links["png"]) == (f"/embed/{chart.id}.svg", f"/embed/{chart.id}.png")
    upper = next(c for c in charts if c["page"] == "upper_lars")
    assert upper["links"]["page"].startswith("/upper-lars#")


def test_datasets_list_public_sources_with_current_versions(client) -> None:  # type: ignore[no-untyped-def]
    items = get(client, "/api/v1/datasets").get_json()
    assert [d["id"] for d in items] == PUBLIC
    by_id = {d["id"]: d for d in items}
    gas = by_id["gas_imports"]
    assert gas["version"]["rows"] == len(curated_rows("gas_imports"))
    assert set(gas["version"]) == {"id", "fetched_at", "sha256", "rows", "upstream_updated"}
    assert gas["stale"] is False and gas["cadence_days"] is None
    assert gas["time_columns"] == ["period_start", "period_end"]
    assert gas["links"]["csv"] == "/api/v1/datasets/gas_imports.csv"
    for key in ("title", "publisher", "licence", "landing_url", "attribution"):
        assert gas[key]
    imf = by_id["imf_imts"]
    assert imf["version"] is None and imf["stale"] is None and imf["cadence_days"] == 35.0
    assert imf["needs_credentials"] == "no" and imf["time_columns"] == ["period"]
    assert by_id["upper_lars_events"]["time_columns"] == ["date"]
    assert by_id["places"]["time_columns"] == []


def test_dataset_detail_lists_versions(client) -> None:  # type: ignore[no-untyped-def]
    detail = get(client, "/api/v1/datasets/gas_imports").get_json()
    assert detail["versions"] == [detail["version"]]


def test_json_rows_carry_provenance(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, "/api/v1/datasets/gas_imports.json").get_json()
    source = registry.get("gas_imports")
    for key in ("dataset", "version", "fetched_at", "sha256", "licence", "attribution"):
        assert body[key], key
    assert (body["licence"], body["attribution"]) == (source.licence, source.attribution)
    assert body["filters"] == {} and body["total"] == len(body["rows"])
    assert len(body["rows"]) == len(curated_rows("gas_imports"))
    for row in body["rows"]:
        assert [row[k] for k in PROVENANCE] == [
            "gas_imports",
            body["version"],
            body["fetched_at"],
            body["sha256"],
        ]
        assert row["source_url"].startswith("http") and row["accessed"] and row["confidence"]


def test_csv_rows_carry_provenance(client) -> None:  # type: ignore[no-untyped-def]
    response = get(client, "/api/v1/datasets/upper_lars_events.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = curated_rows("upper_lars_events")
    assert [r["id"] for r in rows] == list(expected["id"])
    meta = get(client, "/api/v1/datasets/upper_lars_events").get_json()["version"]
    for row in rows:
        assert row["dataset"] == "upper_lars_events" and row["version"] == str(meta["id"])
        assert (row["fetched_at"], row["sha256"]) == (meta["fetched_at"], meta["sha256"])
        assert row["source_url"].startswith("http") and row["source_title"]


def test_responses_match_the_openapi_schemas(client) -> None:  # type: ignore[no-untyped-def]
    import jsonschema  # dev extra
    import openapi_spec_validator as validator

    doc = get(client, "/api/v1/openapi.json").get_json()
    validator.validate(doc)
    assert doc["openapi"].startswith("3.1")

    def valid(url: str, schema: dict) -> None:
        root = {**schema, "components": doc["components"]}
        jsonschema.Draft202012Validator(root).validate(get(client, url).get_json())

    array = {"type": "array", "items": {"$ref": "#/components/schemas/Chart"}}
    valid("/api/v1/charts", array)
    valid("/api/v1/datasets", {**array, "items": {"$ref": "#/components/schemas/Dataset"}})
    valid("/api/v1/datasets/places", {"$ref": "#/components/schemas/DatasetDetail"})
    valid("/api/v1/datasets/gas_imports.json?from=2010", {"$ref": "#/components/schemas/Rows"})
    valid("/api/v1/datasets/nope.json", {"$ref": "#/components/schemas/Error"})
    ids = doc["paths"]["/api/v1/datasets/{id}.{format}"]["get"]["parameters"][1]["schema"]
    assert ids["enum"] == PUBLIC


# --- year filters ---------------------------------------------------------------------------
def test_from_to_on_curated_values_keeps_overlapping_periods(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, "/api/v1/datasets/gas_imports.json?from=2015&to=2018").get_json()
    expected = curated_rows("gas_imports")
    keep = (expected["period_end"].str[:4].astype(int) >= 2015) & (
        expected["period_start"].str[:4].astype(int) <= 2018
    )
    assert 0 < len(body["rows"]) == keep.sum() < len(expected)
    assert body["filters"] == {"from": 2015, "to": 2018} and body["total"] == keep.sum()
    frame = pd.DataFrame(
        {
            "period_start": ["2014-07-01", "2016-01-01", "2019-01-01"],
            "period_end": ["2015-06-30"] * 3,
        }
    )
    assert list(api_rows.filter_years(frame, 2015, 2015).index) == [0]  # overlap, not containment


def test_from_to_on_events_filters_the_date(client) -> None:  # type: ignore[no-untyped-def]
    text = get(client, "/api/v1/datasets/upper_lars_events.csv?from=2021&to=2022").get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = curated_rows("upper_lars_events")
    years = expected["date"].str[:4].astype(int)
    assert 0 < len(rows) == ((years >= 2021) & (years <= 2022)).sum()
    assert all(r["date"][:4] in ("2021", "2022") for r in rows)
    only_from = get(client, "/api/v1/datasets/upper_lars_events.json?from=2025").get_json()
    assert only_from["rows"] and all(r["date"] >= "2025" for r in only_from["rows"])


def test_time_columns_by_table_shape() -> None:
    assert api_rows.time_columns(["id", "date_start", "date_end", "year"]) == [
        "date_start",
        "date_end",
    ]
    assert api_rows.time_columns(["period", "value"]) == ["period"]
    assert api_rows.time_columns(["country", "year"]) == ["year"]
    assert api_rows.time_columns(["name", "lat"]) == []
    months = pd.DataFrame({"period": ["2019-12", "2020-01", "2021-05", "bad"]})
    assert list(api_rows.filter_years(months, 2020, 2020)["period"]) == ["2020-01"]


def test_datasets_without_a_time_column_ignore_from_to(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, "/api/v1/datasets/places.json?from=1900&to=1901").get_json()
    assert len(body["rows"]) == len(curated_rows("places")) and body["time_columns"] == []


def test_limit_and_offset_page_after_filtering(client) -> None:  # type: ignore[no-untyped-def]
    whole = get(client, "/api/v1/datasets/gas_imports.json?from=2010").get_json()
    page = get(client, "/api/v1/datasets/gas_imports.json?from=2010&limit=3&offset=2").get_json()
    assert page["rows"] == whole["rows"][2:5] and page["total"] == whole["total"]


def test_live_dataset_filters_versions_and_etags(
    own_store: Store, upstream, make_http, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    harness = HARNESSES["imf_imts"]
    harness.point_at(upstream, monkeypatch)
    upstream.route(harness.prefix, harness.healthy)
    report = refresh_source(own_store, imf_imts.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    client = app.server.test_client()
    first = get(client, "/api/v1/datasets/imf_imts.json")
    fetched = first.get_json()
    assert fetched["rows"] and all(r["dataset"] == "imf_imts" for r in fetched["rows"])
    assert all(r["source_url"].startswith(upstream.url) for r in fetched["rows"])
    old = fetched["version"]

    new = promote(own_store, "imf_imts", imf_frame(range(2012, 2025)), "b")
    assert new > old
    after = get(client, "/api/v1/datasets/imf_imts.json", headers={"If-None-Match": tag_of(first)})
    assert after.status_code == 200 and after.get_json()["version"] == new  # new version, new tag
    body = get(client, "/api/v1/datasets/imf_imts.json?from=2015&to=2017").get_json()
    assert sorted(r["period"] for r in body["rows"]) == [2015, 2016, 2017]
    assert all(r["version"] == new and r["sha256"] == "b" * 64 for r in body["rows"])
    csv_text = get(client, "/api/v1/datasets/imf_imts.csv?to=2013").get_data(as_text=True)
    assert [r["period"] for r in csv.DictReader(io.StringIO(csv_text))] == ["2012", "2013"]

    pinned = get(client, f"/api/v1/datasets/imf_imts.json?version={old}")
    assert pinned.get_json()["rows"] == fetched["rows"]
    assert "immutable" in pinned.headers["Cache-Control"]
    assert get(client, "/api/v1/datasets/imf_imts.json").headers["Cache-Control"] == (
        "public, max-age=300"
    )
    other = get(client, "/api/v1/datasets/gas_imports").get_json()["version"]["id"]
    wrong = get(client, f"/api/v1/datasets/imf_imts.json?version={other}")
    assert wrong.status_code == 400 and wrong.get_json()["parameter"] == "version"
    listed = {d["id"]: d for d in get(client, "/api/v1/datasets").get_json()}
    assert listed["imf_imts"]["version"]["id"] == new and listed["imf_imts"]["stale"] is False


# --- caching --------------------------------------------------------------------------------
def test_etag_and_304(client) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/datasets/gas_imports.json?from=2015"
    first = get(client, url)
    assert tag_of(first) and first.headers["Cache-Control"] == "public, max-age=300"
    for tag in (f'"{tag_of(first)}"', f'W/"{tag_of(first)}"', f'"{tag_of(first)}:gzip"', "*"):
        again = get(client, url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.get_data() == b""
        assert tag_of(again) == tag_of(first) and again.headers["Cache-Control"]
    assert get(client, url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert tag_of(get(client, url + "&to=2020")) != tag_of(first)
    assert tag_of(get(client, url.replace(".json", ".csv"))) != tag_of(first)
    for list_url in ("/api/v1/charts", "/api/v1/datasets", "/api/v1/openapi.json"):
        listed = get(client, list_url)
        assert tag_of(listed) and "public" in listed.headers["Cache-Control"]
        tag = f'"{tag_of(listed)}"'
        assert get(client, list_url, headers={"If-None-Match": tag}).status_code == 304


def test_gzip_etag_round_trips(client) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/datasets/upper_lars_events.json"
    zipped = get(client, url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.get_data()))["dataset"] == "upper_lars_events"
    tag = zipped.headers["ETag"]
    again = get(client, url, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304


# --- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("gas_imports.json?from=abc", "from"),
        ("gas_imports.json?from=20.5", "from"),
        ("gas_imports.json?from=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%95", "from"),  # full-width
        ("gas_imports.json?to=-1", "to"),
        ("gas_imports.json?to=99999", "to"),
        ("gas_imports.json?from=2020&to=2010", "from"),
        ("gas_imports.json?from=2010&from=2011", "from"),
        ("gas_imports.csv?version=abc", "version"),
        ("gas_imports.csv?version=999999", "version"),
        ("gas_imports.csv?limit=0", "limit"),
        ("gas_imports.csv?offset=x", "offset"),
        ("gas_imports.xml", "format"),
        ("gas_imports.", "format"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, url: str, parameter: str) -> None:  # type: ignore[no-untyped-def]
    response = get(client, f"/api/v1/datasets/{url}")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter
    assert response.headers["Cache-Control"] == "no-store"


def test_version_of_another_dataset_is_400(client) -> None:  # type: ignore[no-untyped-def]
    other = get(client, "/api/v1/datasets/places").get_json()["version"]["id"]
    response = get(client, f"/api/v1/datasets/gas_imports.json?version={other}")
    assert response.status_code == 400 and response.get_json()["parameter"] == "version"
    own = get(client, "/api/v1/datasets/gas_imports").get_json()["version"]["id"]
    assert get(client, f"/api/v1/datasets/gas_imports.json?version={own}").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/datasets/nope.csv",
        "/api/v1/datasets/nope",
        "/api/v1/nothing/here",
        "/api/v1//charts",  # would be a redirect, or Dash's page shell
        "/api/v1/datasets/%2F.%0A",  # found by the fuzz test
    ],
)
def test_unknown_resources_are_json_404(client, url: str) -> None:  # type: ignore[no-untyped-def]
    assert get(client, url).status_code == 404


def test_cors_preflight_and_other_methods(client) -> None:  # type: ignore[no-untyped-def]
    preflight = client.options(
        "/api/v1/datasets/gas_imports.json",
        headers={"Origin": "https://news.example", "Access-Control-Request-Method": "GET"},
    )
    check(preflight)
    assert preflight.status_code == 204
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    posted = client.post("/api/v1/charts")
    check(posted)
    assert posted.status_code == 405 and "GET" in posted.headers["Allow"]
    assert get(client, "/api/v1/charts").headers["Access-Control-Expose-Headers"]


# --- non-public sources -----------------------------------------------------------------------
@pytest.mark.parametrize(("source_id", "public"), [("secret_events", False), ("acled", True)])
def test_non_public_sources_are_never_listed_nor_served(
    own_store: Store, monkeypatch, source_id: str, public: bool
) -> None:  # type: ignore[no-untyped-def]
    hidden = dataclasses.replace(registry.get("upper_lars_events"), id=source_id, public=public)
    monkeypatch.setattr(registry, "SOURCES", [*registry.SOURCES, hidden])
    monkeypatch.setattr(registry, "BY_ID", {**registry.BY_ID, source_id: hidden})
    version = promote(own_store, source_id, curated_rows("upper_lars_events"), "c")
    client = app.server.test_client()
    assert source_id not in [d["id"] for d in get(client, "/api/v1/datasets").get_json()]
    doc = get(client, "/api/v1/openapi.json").get_json()
    for path in ("/api/v1/datasets/{id}", "/api/v1/datasets/{id}.{format}"):
        params = doc["paths"][path]["get"]["parameters"]
        enum = next(p for p in params if p.get("name") == "id")["schema"]["enum"]
        assert source_id not in enum and "upper_lars_events" in enum
    unknown = get(client, "/api/v1/datasets/no_such_thing.json").get_json()
    for suffix in ("", ".csv", ".json", f".json?version={version}", ".csv?from=2020"):
        response = get(client, f"/api/v1/datasets/{source_id}{suffix}")
        assert response.status_code == 404
        assert response.get_json()["error"] == unknown["error"].replace("no_such_thing", source_id)


# --- fuzzing from the OpenAPI document ------------------------------------------------------
GARBAGE = st.one_of(
    st.text(max_size=24),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", " 2015", "2015.0", "1e3", "0x10", "NaN", "٢٠١٥", "../", "%00", "*"]),
)


def _value(schema: dict) -> st.SearchStrategy[str]:
    if "enum" in schema:
        valid = st.sampled_from([str(v) for v in schema["enum"]])
    elif schema.get("type") == "integer":
        low, high = schema.get("minimum", -(2**31)), schema.get("maximum", 2**31)
        valid = st.integers(low - 2, high + 2).map(str)
    else:
        valid = st.text(max_size=24)
    return st.one_of(valid, valid, GARBAGE)


def _request(doc: dict, draw: st.DataObject) -> tuple[str, dict[str, str], list[tuple[str, str]]]:
    path = draw.draw(st.sampled_from(sorted(doc["paths"])))
    url, query, headers = path, [], {}
    for param in doc["paths"][path]["get"].get("parameters", []):
        if "$ref" in param:
            param = doc["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
        if param["in"] == "path":
            value = draw.draw(_value(param["schema"]))
            url = url.replace("{" + param["name"] + "}", quote(value, safe=""))
        elif param["in"] == "query":
            for value in draw.draw(st.lists(_value(param["schema"]), max_size=2)):
                query.append((param["name"], value))
        elif draw.draw(st.booleans()):
            ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
            headers[param["name"]] = draw.draw(ascii_text)
    query += draw.draw(st.lists(st.tuples(st.text(max_size=8), GARBAGE), max_size=2))
    return url, headers, query


def test_fuzz_from_openapi_document(client) -> None:  # type: ignore[no-untyped-def]
    doc = get(client, "/api/v1/openapi.json").get_json()

    @settings(max_examples=400, deadline=None, database=None)
    @given(st.data())
    def probe(draw: st.DataObject) -> None:
        url, headers, query = _request(doc, draw)
        response = client.get(url, query_string=urlencode(query), headers=headers)
        check(response)
        if response.status_code == 200 and response.mimetype == "application/json":
            response.get_json()

    probe()
