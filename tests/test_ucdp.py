"""UCDP GED: yearly zip + candidate CSVs (keyless), the token API, de-duplication by id."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import date

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


def later_candidate(month: int, event_id: int, revise_best: bool = False) -> bytes:
    """Candidate file for `month` of 2026, made from the August one: one new event (and, with
    `revise_best`, August's event 500401 again with a revised death count)."""
    august = fixture_bytes("ucdp_candidate_8.csv").decode()
    header, row = august.rstrip("\n").split("\n")
    new = row.replace("500401,", f"{event_id},", 1).replace("2026-08-03", f"2026-{month:02d}-03")
    rows = [header, new]
    if revise_best:
        rows.append(row.replace(",1,1,1,373,371", ",2,2,1,373,371"))
    return ("\n".join(rows) + "\n").encode()


def downloads_handler(edit=lambda name, body: body, files=None):  # type: ignore[no-untyped-def]
    """The download site serving `files` (path -> fixture name or bytes); 404 for any other."""
    served = FILES if files is None else files

    def handler(path: str, query: dict) -> Reply:
        key = path.removeprefix("/downloads/")
        if key not in served:
            return Reply(b"<html>Not Found</html>", status=404, content_type="text/html")
        found = served[key]
        body = edit(key, found if isinstance(found, bytes) else fixture_bytes(found))
        if key.endswith(".zip"):
            return Reply(zipped(body), content_type="application/zip")
        return Reply(body, content_type="text/csv")

    return handler


@pytest.fixture
def dl(upstream, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ucdp, "today", lambda: date(2026, 12, 2))
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
    asked = sorted(p for p, _, _ in dl.requests)
    probe = "/downloads/candidateged/GEDEvent_v26_0_9.csv"  # the next name: 404, not published
    assert asked == sorted([*(f"/downloads/{f}" for f in FILES), probe])
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
        ("missing_file", "release_gone"),
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
    if version.startswith("26.0.") and int(version.rsplit(".", 1)[1]) > 8:
        return Reply(b'{"error": "unknown version"}', status=404)  # not published yet
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
    monkeypatch.setattr(ucdp, "today", lambda: date(2026, 12, 2))
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
    versions = [p.rsplit("/", 1)[-1] for p, _, _ in api.requests]
    # 26.1 (two pages), the monthly versions 26.0.1-8, and 26.0.9 probed (404: not out yet)
    assert versions == ["26.1", "26.1", *(f"26.0.{m}" for m in range(1, 10))]


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


# --- no missed months: releases are discovered by name, not listed ---------------------------
UP_TO_10 = {
    **FILES,
    "candidateged/GEDEvent_v26_0_9.csv": later_candidate(9, 500901),
    "candidateged/GEDEvent_v26_0_10.csv": later_candidate(10, 501001, revise_best=True),
}


def test_releases_up_to_v26_0_10_are_all_fetched(store, dl, make_http) -> None:
    dl.route("/downloads/", downloads_handler(files=UP_TO_10))
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    _, frame = store.load("ucdp")
    events = frame.set_index("id")
    assert events.loc[500901, "release"] == "26.0.9"
    assert events.loc[501001, "release"] == "26.0.10"
    assert events.loc[501001, "date_start"] == "2026-10-03"
    # August's event, re-issued in October with a revised count: the newest release wins.
    assert (events.loc[500401, "release"], events.loc[500401, "best"]) == ("26.0.10", 2)
    asked = [p.removeprefix("/downloads/") for p, _, _ in dl.requests]
    assert set(UP_TO_10) <= set(asked)
    # probing stopped at the first name not published (November), and never looked further
    assert asked[-1] == "candidateged/GEDEvent_v26_0_11.csv"
    assert "candidateged/GEDEvent_v26_0_12.csv" not in asked


def test_a_later_404_is_not_a_failure(store, dl, make_http) -> None:
    dl.route("/downloads/", downloads_handler(files=UP_TO_10))
    first = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    again = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert (again.outcome, again.version, again.error) == ("unchanged", first.version, None)
    eleventh = [p for p, _, _ in dl.requests if p.endswith("GEDEvent_v26_0_11.csv")]
    assert len(eleventh) == 2  # asked on both runs, 404 both times, neither run failed


def test_a_404_for_a_file_fetched_before_fails_and_keeps_the_last_good(
    store, dl, make_http
) -> None:
    dl.route("/downloads/", downloads_handler(files=UP_TO_10))
    assert refresh_source(store, ucdp.SOURCE, http_factory=make_http).outcome == "ok"
    before = store.load("ucdp")
    gone = {k: v for k, v in UP_TO_10.items() if not k.endswith("_0_9.csv")}
    dl.route("/downloads/", downloads_handler(files=gone))
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "ucdp", report, before, "release_gone")
    assert "GEDEvent_v26_0_9.csv" in report.error and "earlier run" in report.error


def test_a_month_published_later_is_picked_up_and_merged(store, dl, make_http) -> None:
    assert refresh_source(store, ucdp.SOURCE, http_factory=make_http).outcome == "ok"
    _, first = store.load("ucdp")
    dl.route("/downloads/", downloads_handler(files=UP_TO_10))
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http)
    assert (report.outcome, report.added, report.revised) == ("ok", 2, 1)
    _, frame = store.load("ucdp")
    assert set(frame["id"]) == set(first["id"]) | {500901, 501001}
    revised = frame.set_index("id").loc[500401]
    assert revised["revised_at"] and revised["first_seen"] == first["first_seen"].iloc[0]
    assert frame.set_index("id")["revised_at"].notna().sum() == 1


def test_the_next_yearly_release_supersedes_the_candidates(store, dl, make_http, monkeypatch):  # type: ignore[no-untyped-def]
    dl.route("/downloads/", downloads_handler(files=UP_TO_10))
    assert refresh_source(store, ucdp.SOURCE, http_factory=make_http).outcome == "ok"
    # July 2027: GED 27.1 covers 2026; it kept event 500201 only (the rest of 2026's candidate
    # events were not confirmed) and there is no 2027 candidate file yet.
    monkeypatch.setattr(ucdp, "today", lambda: date(2027, 7, 1))
    files = {**UP_TO_10, "ged/ged271-csv.zip": "ucdp_candidate_h1.csv"}
    dl.route("/downloads/", downloads_handler(files=files))
    asked_before = len(dl.requests)
    # (a real yearly file is global and larger; this small one needs --allow-shrink)
    report = refresh_source(store, ucdp.SOURCE, http_factory=make_http, allow_shrink=True)
    assert report.outcome == "ok", report.error
    _, frame = store.load("ucdp")
    assert set(frame["release"]) == {"27.1"}  # the unconfirmed candidate events are retired
    assert not {500401, 500901, 501001} & set(frame["id"])
    asked = [p.removeprefix("/downloads/") for p, _, _ in dl.requests[asked_before:]]
    # the newest yearly, then the first 2027 candidate name (404); no 2026 candidate file
    assert asked == ["ged/ged271-csv.zip", "candidateged/GEDEvent_v27_0_1.csv"]
