"""UCDP GED: yearly zip + candidate CSVs (keyless), the token API, de-duplication by id."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest

from data_sources.incidents import build_incidents
from data_sources.refresh import refresh_source
from data_sources.sources import ucdp
from tests.conftest import fixture_bytes
from tests.incident_helpers import assert_failed_and_kept, store_dump
from tests.upstream import Reply

FILES = {
    "ged/ged261-csv.zip": "ucdp_ged_yearly.csv",
    "candidateged/GEDEvent_v26_01_26_06.csv": "ucdp_candidate_h1.csv",
    "candidateged/GEDEvent_v26_0_7.csv": "ucdp_candidate_7.csv",
    "candidateged/GEDEvent_v26_0_8.csv": "ucdp_candidate_8.csv",
}
TOKEN = "ucdp-test-token-9f3b2c"


def zipped(csv_bytes: bytes, name: str = "GEDEvent_v26_1.csv") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, csv_bytes)
    return out.getvalue()


def downloads_handler(edit=lambda name, body: body):  # type: ignore[no-untyped-def]
    def handler(path: str, query: dict) -> Reply:
        key = path.removeprefix("/downloads/")
        if key not in FILES:
            return Reply(b"<html>Not Found</html>", status=404, content_type="text/html")
        body = edit(key, fixture_bytes(FILES[key]))
        if key.endswith(".zip"):
            return Reply(zipped(body), content_type="application/zip")
        return Reply(body, content_type="text/csv")

    return handler


@pytest.fixture
def dl(upstream, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("UCDP_BASE_URL", upstream.url + "/downloads")
    monkeypatch.delenv("UCDP_TOKEN", raising=False)
    upstream.route("/downloads/", downloads_handler())
    return upstream


@pytest.fixture
def first(store, dl, make_http):  # type: ignore[no-untyped-def]
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    return store.load("ucdp")


def test_keyless_promotes_armenia_and_azerbaijan_only(first, dl) -> None:
    info, frame = first
    assert sorted(frame["id"]) == [400101, 400102, 400103, 500201, 500202, 500301, 500401]
    assert set(frame["country_id"]) == {371, 373}
    sotk = frame.set_index("id").loc[400101]
    assert (sotk["date_start"], sotk["where_prec"], sotk["date_prec"], sotk["best"]) == (
        "2022-09-13",
        1,
        1,
        7,
    )
    assert sotk["release"] == "26.1" and sotk["adm_1"] == "Gegharkunik province"
    assert frame.set_index("id").loc[500201, "code_status"] == "Check dates"
    assert sorted(p for p, _, _ in dl.requests) == sorted(f"/downloads/{f}" for f in FILES)
    table = build_incidents({"ucdp": frame})  # from the stored version, as the dashboard reads it
    assert len(table) == 7 and table["precision"].str.startswith("where_prec=").all()


def test_duplicate_ids_across_releases_keep_the_newest(first) -> None:
    _, frame = first
    revised = frame[frame["id"] == 500202]
    assert len(revised) == 1
    row = revised.iloc[0]
    assert (row["release"], row["where_prec"], row["best"], row["date_start"]) == (
        "26.0.7",
        2,
        3,
        "2026-03-05",
    )


def test_headerless_candidate_file_is_read(store, dl, make_http) -> None:
    dl.route(
        "/downloads/",
        downloads_handler(
            lambda name, body: body.split(b"\n", 1)[1] if name.endswith("_8.csv") else body
        ),
    )
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    _, frame = store.load("ucdp")
    assert 500401 in set(frame["id"])


@pytest.mark.parametrize(
    "drift, expected",
    [
        ("missing_column", "schema_drift"),
        ("retyped", "schema_drift"),
        ("garbled_csv", "schema_drift"),
        ("not_zip", "invalid_payload"),
        ("missing_file", "http_4xx"),
    ],
)
def test_schema_drift_and_broken_files(drift, expected, store, first, dl, make_http) -> None:
    def edit(name: str, body: bytes) -> bytes:
        if drift == "missing_column":
            return body.replace(b",where_prec,", b",where_precision,")
        if drift == "retyped" and name.endswith("_8.csv"):
            return body.replace(b"44.77", b"forty-four")
        if drift == "garbled_csv" and name.endswith("_7.csv"):
            return b"\x00\x01\x02 not a csv \xff\xfe"
        return body

    if drift == "not_zip":
        dl.route("/downloads/ged/", Reply(b"PK\x03\x04 cut short", content_type="application/zip"))
    elif drift == "missing_file":
        dl.route(
            "/downloads/candidateged/GEDEvent_v26_0_8",
            Reply(b"<html>Not Found</html>", status=404, content_type="text/html"),
        )
    else:
        dl.route("/downloads/", downloads_handler(edit))
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "ucdp", report, first, expected)
    if drift == "missing_file":
        assert "GEDEvent_v26_0_8.csv" in report.error


def test_no_armenia_or_azerbaijan_events_is_an_empty_result(store, first, dl, make_http) -> None:
    dl.route(
        "/downloads/",
        downloads_handler(
            lambda name, body: body.replace(b",371,", b",369,").replace(b",373,", b",652,")
        ),
    )
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "ucdp", report, first, "empty_result")


# --- the GED API, with UCDP_TOKEN -----------------------------------------------------------
def api_handler(path: str, query: dict) -> Reply:
    version = path.rsplit("/", 1)[-1]
    if version != "26.1":
        return Reply(
            json.dumps(
                {
                    "TotalCount": 0,
                    "TotalPages": 0,
                    "PreviousPageUrl": "",
                    "NextPageUrl": "",
                    "Result": [],
                }
            ).encode()
        )
    page = query.get("page", ["0"])[0]
    return Reply(fixture_bytes("ucdp_api_page1.json" if page == "0" else "ucdp_api_page2.json"))


@pytest.fixture
def api(upstream, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("UCDP_API_BASE_URL", upstream.url + "/api")
    monkeypatch.setenv("UCDP_TOKEN", TOKEN)
    upstream.route("/api/gedevents/", api_handler)
    return upstream


def test_api_follows_next_page_on_our_host_with_the_token(store, api, make_http, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    _, frame = store.load("ucdp")
    assert sorted(frame["id"]) == [400101, 400102, 400103]
    assert set(frame["release"]) == {"26.1"}
    pages = [q.get("page") for p, q, _ in api.requests if p.endswith("/26.1")]
    assert pages == [["0"], ["1"]]  # NextPageUrl named the public host; we stayed on ours
    assert all(h.get("x-ucdp-access-token") == TOKEN for _, _, h in api.requests)
    assert all(q["Country"] == ["371,373"] for _, q, _ in api.requests)
    assert TOKEN not in store_dump(store) and TOKEN not in caplog.text
    assert api.hits("/api/gedevents/") == 1 + len(ucdp.API_VERSIONS)


def test_api_401_is_auth_failed_without_retry(store, api, make_http, fake_sleep) -> None:
    api.route(
        "/api/gedevents/",
        Reply(
            b"API token required. Add header: x-ucdp-access-token",
            status=401,
            content_type="text/plain",
        ),
    )
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error_class) == ("failed", "auth_failed")
    assert "UCDP_TOKEN" in report.error and TOKEN not in report.error
    assert api.hits("/api/gedevents/") == 1 and fake_sleep.calls == []


def test_api_without_result_list_is_schema_drift(store, api, make_http) -> None:
    api.route("/api/gedevents/", Reply(b'{"TotalCount": 0, "Results": []}'))
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert report.error_class == "schema_drift"
