"""ACLED aggregates on HDX: CKAN package_show, resource picked by name, XLSX sheet `Data`."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from data_sources.incidents import build_incidents
from data_sources.refresh import refresh_source
from data_sources.sources import hdx_acled
from tests.conftest import fixture_bytes
from tests.incident_helpers import assert_failed_and_kept
from tests.upstream import Reply

API = "/api/3/action/package_show"
DOWNLOAD = "/dataset/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Country", "Admin1", "Admin1 Pcode", "Month", "Year", "Events", "Fatalities"]
ROWS = {
    "armenia": [
        ["Armenia", "Syunik", "AM08", "January", 2026, 3, 1],
        ["Armenia", "Syunik", "AM08", "February", 2026, 1, 0],
        ["Armenia", "Tavush", "AM11", "February", 2026, 2, 0],
        ["Armenia", "Gegharkunik", "AM04", "September", 2025, 4, 2],
    ],
    "azerbaijan": [
        ["Azerbaijan", "Tovuz", "AZ57", "January", 2026, 2, 0],
        ["Azerbaijan", "Nakhchivan", "AZ-NX", "March", 2026, 1, 1],
    ],
}


def workbook(
    rows: list[list], header: list[str] = HEADER, sheet: str = "Data", hxl: list[str] | None = None
) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    if hxl:
        ws.append(hxl)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def package_handler(path: str, query: dict) -> Reply:
    slug = query["id"][0]
    country = slug.split("-")[0]
    try:
        return Reply(fixture_bytes(f"hdx_package_show_{country}.json"))
    except FileNotFoundError:
        return Reply(
            json.dumps(
                {
                    "help": "https://data.humdata.org/api/3/action/help_show?name=package_show",
                    "success": False,
                    "error": {"message": "Not found", "__type": "Not Found Error"},
                }
            ).encode(),
            status=404,
        )


def sheet_handler(rows: dict[str, list[list]] = ROWS, **options):  # type: ignore[no-untyped-def]
    def handler(path: str, query: dict) -> Reply:
        country = path.rsplit("/", 1)[-1].split("_")[0]
        return Reply(workbook(rows[country], **options), content_type=XLSX)

    return handler


@pytest.fixture
def hdx(upstream, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HDX_ACLED_BASE_URL", upstream.url)
    upstream.route(API, package_handler)
    upstream.route(DOWNLOAD, sheet_handler())
    return upstream


@pytest.fixture
def first(store, hdx, make_http):  # type: ignore[no-untyped-def]
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    return store.load("hdx_acled")


def test_promotes_monthly_rows_with_as_of_date(store, first, hdx) -> None:
    info, frame = first
    assert info.rows == 6 and info.upstream_updated == "2026-11-25"
    row = frame[(frame["admin1"] == "Syunik") & (frame["period"] == "2026-01")].iloc[0]
    assert (row["country"], row["events"], row["fatalities"]) == ("Armenia", 3, 1)
    assert set(frame["upstream_updated"]) == {"2026-11-25"}
    # the absolute data.humdata.org resource URL was fetched from the override instead
    downloads = [p for p, _, _ in hdx.requests if p.startswith(DOWNLOAD)]
    assert downloads[0].startswith("/dataset/2f1a0c4e-5b7d-4e61-9a0b-3c6d8e9f1a21/resource/")
    assert downloads[0].endswith(
        "armenia_political_violence_events_and_fatalities_by_month-year_as-of-25nov2026.xlsx"
    )
    assert [q["id"][0] for p, q, _ in hdx.requests if p == API] == list(hdx_acled.SLUGS)
    table = build_incidents({"hdx_acled": frame})  # from the stored version
    assert table["events"].sum() == 13 and set(table["precision"]) == {"month; admin1"}


def test_country_level_file_without_admin1(store, hdx, make_http) -> None:
    rows = {c: [[r[0], r[3], r[4], r[5], r[6]] for r in rs] for c, rs in ROWS.items()}
    hdx.route(
        DOWNLOAD, sheet_handler(rows, header=["Country", "Month", "Year", "Events", "Fatalities"])
    )
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    _, frame = store.load("hdx_acled")
    assert frame["admin1"].isna().all()
    feb = frame[(frame["country"] == "Armenia") & (frame["period"] == "2026-02")]
    assert feb["events"].tolist() == [3]  # Syunik 1 + Tavush 2, summed to the country


def test_hxl_hashtag_row_is_skipped(store, hdx, make_http) -> None:
    hxl = [
        "#country+name",
        "#adm1+name",
        "#adm1+code",
        "#date+month",
        "#date+year",
        "#event+num",
        "#affected+killed",
    ]
    hdx.route(DOWNLOAD, sheet_handler(hxl=hxl))
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert report.outcome == "ok" and report.rows == 6, report.error


@pytest.mark.parametrize("answer", ["404", "success_false"])
def test_wrong_slug_names_the_slug(answer, store, first, hdx, make_http, monkeypatch) -> None:
    monkeypatch.setattr(
        hdx_acled,
        "SLUGS",
        {"armenia-acled-conflict-data": "Armenia", "azerbajan-acled-conflict-data": "Azerbaijan"},
    )
    if answer == "success_false":
        hdx.route(
            API,
            lambda p, q: (
                package_handler(p, q)
                if q["id"][0].startswith("armenia")
                else Reply(b'{"success": false, "error": {"message": "Not found"}}')
            ),
        )
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "hdx_acled", report, first, "dataset_not_found")
    assert "'azerbajan-acled-conflict-data'" in report.error


def test_renamed_resource_is_a_clear_error(store, first, hdx, make_http) -> None:
    body = fixture_bytes("hdx_package_show_armenia.json").replace(
        b"political_violence_events_and_fatalities", b"pv_events_and_fatalities"
    )
    hdx.route(
        API, lambda p, q: Reply(body) if q["id"][0].startswith("armenia") else package_handler(p, q)
    )
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "hdx_acled", report, first, "resource_not_found")
    assert "armenia-acled-conflict-data" in report.error and "political_violence" in report.error


@pytest.mark.parametrize("drift", ["missing_column", "renamed_sheet", "retyped", "month_name"])
def test_schema_drift(drift, store, first, hdx, make_http) -> None:
    rows = {c: [list(r) for r in rs] for c, rs in ROWS.items()}
    options: dict = {}
    if drift == "missing_column":
        options["header"] = [h if h != "Fatalities" else "Deaths" for h in HEADER]
    elif drift == "renamed_sheet":
        options["sheet"] = "Sheet1"
    elif drift == "retyped":
        rows["armenia"][0][5] = "three"
    else:
        rows["armenia"][0][3] = "Janvier"
    hdx.route(DOWNLOAD, sheet_handler(rows, **options))
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "hdx_acled", report, first, "schema_drift")


def test_header_only_sheets_are_an_empty_result(store, first, hdx, make_http) -> None:
    hdx.route(DOWNLOAD, sheet_handler({"armenia": [], "azerbaijan": []}))
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "hdx_acled", report, first, "empty_result")


def test_as_of_parsing_and_attribution() -> None:
    assert (
        hdx_acled.as_of(
            "https://x/download/armenia_political_violence_events_and_"
            "fatalities_by_month-year_as-of-04jun2026.xlsx"
        )
        == "2026-06-04"
    )
    assert hdx_acled.as_of("https://x/download/armenia.xlsx") is None
    assert "ACLED" in hdx_acled.SOURCE.attribution
    assert "acleddata.com" in hdx_acled.SOURCE.attribution


# --- dated ("as-of") files: a new name may lag the catalogue; a file fetched before may not go ---
NEW_AS_OF = b"as-of-02dec2026"


def republished(as_of: bytes):  # type: ignore[no-untyped-def]
    """package_show naming every file with another as-of date (HDX's weekly republish)."""

    def handler(path: str, query: dict) -> Reply:
        reply = package_handler(path, query)
        return Reply(reply.body.replace(b"as-of-25nov2026", as_of), status=reply.status)

    return handler


def missing(*fragments: bytes, inner=None):  # type: ignore[no-untyped-def]
    """The download site without files whose path contains one of `fragments`."""
    serve = inner or sheet_handler()

    def handler(path: str, query: dict) -> Reply:
        if any(f.decode() in path for f in fragments):
            return Reply(b"<html>Not Found</html>", status=404, content_type="text/html")
        return serve(path, query)

    return handler


def test_a_new_as_of_file_not_there_yet_is_not_a_failure(store, first, hdx, make_http) -> None:
    hdx.route(API, republished(NEW_AS_OF))
    hdx.route(DOWNLOAD, missing(NEW_AS_OF))
    asked = len(hdx.requests)
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error) == ("unchanged", None)  # the file read before, again
    again = [p for p, _, _ in hdx.requests[asked:] if p.startswith(DOWNLOAD)]
    assert sum(p.endswith("as-of-02dec2026.xlsx") for p in again) == 2  # asked, 404
    assert sum(p.endswith("as-of-25nov2026.xlsx") for p in again) == 2  # then read again
    # once published, the new file is read
    hdx.route(DOWNLOAD, sheet_handler())
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    info, _ = store.load("hdx_acled")
    assert info.upstream_updated == "2026-12-02"


def test_a_404_for_the_file_fetched_before_fails(store, first, hdx, make_http) -> None:
    hdx.route(DOWNLOAD, missing(b"azerbaijan_political_violence"))
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "hdx_acled", report, first, "release_gone")
    assert "as-of-25nov2026.xlsx" in report.error and "earlier run" in report.error


def test_a_catalogue_naming_an_older_file_is_refused(store, first, hdx, make_http) -> None:
    hdx.route(API, republished(b"as-of-18nov2026"))
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "hdx_acled", report, first, "stale_upstream")
    assert "2026-11-18" in report.error and "2026-11-25" in report.error


def test_a_missing_file_on_the_first_run_is_an_error(store, hdx, make_http) -> None:
    hdx.route(DOWNLOAD, missing(b"armenia_political_violence"))
    report = refresh_source(store, hdx_acled.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error_class) == ("failed", "http_4xx")
    assert store.current_version("hdx_acled") is None
