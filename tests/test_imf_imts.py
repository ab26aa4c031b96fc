"""IMF IMTS: SDMX-CSV parsing, client-side year filter, the EU27 sum."""

from __future__ import annotations

import pytest

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.refresh import refresh_source
from data_sources.sources import imf_imts
from data_sources.store import now_utc
from tests.conftest import fixture_bytes
from tests.upstream import Reply

HEADER = (
    "STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,"
    "TIME_PERIOD,OBS_VALUE\n"
)


def _raw(text: str | bytes, content_type: str = "application/vnd.sdmx.data+csv") -> RawResponse:
    body = text.encode() if isinstance(text, str) else text
    return RawResponse(
        url="http://127.0.0.1/sdmx",
        status=200,
        content_type=content_type,
        body=body,
        fetched_at=now_utc(),
    )


def test_tidy_filters_years_and_blank_values() -> None:
    frame = imf_imts.tidy([_raw(fixture_bytes("imf_imts.csv"))])
    assert 1999 not in set(frame["period"])  # startPeriod is ignored upstream; we filter
    assert "GEO" not in set(frame["partner"])  # blank OBS_VALUE is no observation
    world = frame[frame["partner"] == "WLD"].iloc[0]
    assert (world["flow"], world["value_usd"]) == ("export", 8400)
    imf_imts.SCHEMA.validate(frame)


def test_eu27_is_summed_only_when_every_member_reports() -> None:
    rows = "".join(
        f"dataflow,IMF.STA:IMTS(1.0.0),I,ARM,XG_FOB_USD,{c},A,2023,10\n" for c in imf_imts.EU27
    )
    partial = "".join(
        f"dataflow,IMF.STA:IMTS(1.0.0),I,ARM,MG_CIF_USD,{c},A,2023,10\n" for c in imf_imts.EU27[:5]
    )
    frame = imf_imts.tidy([_raw(HEADER + rows + partial)])
    eu = frame[frame["partner"] == "EU27"]
    assert eu[["flow", "value_usd"]].values.tolist() == [["export", 270.0]]
    assert eu["derived"].tolist() == [True]


def test_missing_dimension_is_schema_drift() -> None:
    with pytest.raises(SourceError) as err:
        imf_imts.tidy([_raw("COUNTRY,INDICATOR,TIME_PERIOD,OBS_VALUE\nARM,XG_FOB_USD,2023,1\n")])
    assert err.value.error_class == "schema_drift" and "COUNTERPART_COUNTRY" in str(err.value)


def test_html_is_refused() -> None:
    with pytest.raises(SourceError) as err:
        imf_imts.tidy([_raw("<html><body>Sign in</body></html>", "text/html")])
    assert err.value.error_class == "invalid_payload"


def test_url_uses_plus_for_or_and_names_every_partner() -> None:
    url = imf_imts.data_url("https://example.org/sdmx")
    assert url.startswith("https://example.org/sdmx/data/dataflow/IMF.STA/IMTS/+/ARM.")
    assert "XG_FOB_USD+MG_CIF_USD" in url and "RUS+GEO+IRN+CHN+ARE+G001" in url
    assert url.endswith(".A")


# --- the request: years from 2000 only, and IMF's EU aggregate where it publishes one ----------
def _members_csv(years: list[int]) -> bytes:
    rows = "".join(
        f"dataflow,IMF.STA:IMTS(1.0.0),I,ARM,{indicator},{c},A,{year},10,0\n"
        for year in years
        for indicator in imf_imts.INDICATORS
        for c in imf_imts.EU27
    )
    return fixture_bytes("imf_imts.csv") + rows.encode()


@pytest.fixture
def imf(upstream, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IMF_IMTS_BASE_URL", upstream.url + "/sdmx")
    return upstream


def _serve(upstream, aggregate: Reply) -> None:  # type: ignore[no-untyped-def]
    def handler(path: str, query: dict) -> Reply:
        if f".{imf_imts.EU_AGGREGATE}.A" in path:
            return aggregate
        return Reply(_members_csv([2022, 2023]), content_type=imf_imts.ACCEPT)

    upstream.route("/sdmx/", handler)


def test_asks_for_2000_on_and_uses_the_eu_aggregate_where_published(store, imf, make_http) -> None:
    _serve(imf, Reply(fixture_bytes("imf_imts_eu.csv"), content_type=imf_imts.ACCEPT))
    report = refresh_source(store, imf_imts.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    assert [q["c[TIME_PERIOD]"] for _, q, _ in imf.requests] == [["ge:2000"], ["ge:2000"]]
    paths = [p for p, _, _ in imf.requests]
    assert paths[1].endswith("/IMF.STA/IMTS/+/ARM.XG_FOB_USD+MG_CIF_USD.G998.A")
    _, frame = store.load("imf_imts")
    eu = frame[frame["partner"] == "EU27"].set_index(["indicator", "period"])
    # 2023: IMF's aggregate (not the member sum of 270); 2022: no aggregate, members summed
    assert eu.loc[("XG_FOB_USD", 2023), "value_usd"] == 900
    assert eu.loc[("MG_CIF_USD", 2023), "value_usd"] == 1100
    assert not eu.loc[("XG_FOB_USD", 2023), "derived"]
    assert eu.loc[("XG_FOB_USD", 2023), "note"] == imf_imts.NOTE_AGGREGATE
    assert eu.loc[("XG_FOB_USD", 2022), "value_usd"] == 270
    assert eu.loc[("XG_FOB_USD", 2022), "derived"]
    assert eu.loc[("XG_FOB_USD", 2022), "note"] == imf_imts.NOTE_SUM
    assert frame["period"].min() >= 2000  # the 1999 rows are dropped even if served
    assert frame[frame["partner"] != "EU27"]["note"].isna().all()
    assert set(frame.columns) == {*_COLUMNS_BEFORE, "note"}  # one column added, none changed


@pytest.mark.parametrize("status", [400, 404])
def test_no_eu_aggregate_falls_back_to_the_member_sum(status, store, imf, make_http) -> None:
    _serve(imf, Reply(b"NoResultsFound", status=status, content_type="text/plain"))
    report = refresh_source(store, imf_imts.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    _, frame = store.load("imf_imts")
    eu = frame[frame["partner"] == "EU27"]
    assert len(eu) == 4 and eu["derived"].all() and set(eu["note"]) == {imf_imts.NOTE_SUM}


def test_an_eu_aggregate_server_error_fails_the_source(store, imf, make_http) -> None:
    _serve(imf, Reply(b"busy", status=503, content_type="text/plain"))
    report = refresh_source(store, imf_imts.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error_class) == ("failed", "http_5xx")


_COLUMNS_BEFORE = ["indicator", "flow", "partner", "period", "value_usd", "derived", "source_url"]
