"""The cross-source incidents table: shape, per-source rows, and no ACLED event rows in public."""

from __future__ import annotations

import json

import pandas as pd

from data_sources.http import RawResponse
from data_sources.incidents import COLUMNS, COVERAGE, build_incidents, monthly_acled
from data_sources.sources import acled, gdelt, hdx_acled, ucdp
from data_sources.store import now_utc
from data_sources.validation import check_schema
from tests.conftest import fixture_bytes


def _raw(name: str, url: str) -> RawResponse:
    return RawResponse(
        url=url,
        status=200,
        content_type="",
        body=fixture_bytes(name),
        fetched_at=now_utc(),
        params={"query": gdelt.QUERIES["euma"]},
    )


def frames() -> dict[str, pd.DataFrame]:
    hdx = pd.DataFrame(
        {
            "country": ["Armenia", "Armenia", "Azerbaijan"],
            "admin1": ["Syunik", "Tavush", None],
            "period": ["2026-01", "2026-01", "2026-02"],
            "events": [3, 2, 1],
            "fatalities": [1, 0, 0],
            "upstream_updated": ["2026-11-25"] * 3,
            "source_url": ["http://x/armenia.xlsx"] * 3,
        }
    )
    ged = ucdp.tidy(
        [
            _raw("ucdp_candidate_7.csv", "http://x/candidateged/GEDEvent_v26_0_7.csv"),
            _raw("ucdp_candidate_8.csv", "http://x/candidateged/GEDEvent_v26_0_8.csv"),
        ]
    )
    body = json.loads(fixture_bytes("acled_read.json"))
    events = acled.tidy(
        [
            RawResponse(
                url="http://x/api/acled/read?page=1",
                status=200,
                content_type="application/json",
                body=json.dumps(body).encode(),
                fetched_at=now_utc(),
            )
        ]
    )
    news = gdelt.tidy([_raw("gdelt_timelinevolraw.json", "http://x/doc/doc")])
    return {
        "hdx_acled": check_schema(hdx_acled.SCHEMA, hdx),
        "ucdp": check_schema(ucdp.SCHEMA, ged),
        "acled": check_schema(acled.SCHEMA, events),
        "gdelt": news,
    }


def test_columns_and_sources() -> None:
    table = build_incidents(frames())
    assert list(table.columns) == COLUMNS
    assert set(table["source"]) == {"hdx_acled", "ucdp", "acled"}  # GDELT is not incidents
    assert table["events"].dtype == "int64" and table["fatalities"].dtype == "int64"


def test_ucdp_rows_are_events_with_honest_precision() -> None:
    rows = build_incidents(frames()).query("source == 'ucdp'").set_index("source_ref")
    nerkin = rows.loc["UCDP GED 26.0.7 id 500202"]
    assert (nerkin["date"], nerkin["period"], nerkin["events"], nerkin["fatalities"]) == (
        "2026-03-05",
        "2026-03",
        1,
        3,
    )
    assert nerkin["precision"] == "where_prec=2; date_prec=1; code_status=Clear"
    assert nerkin["lat"] == 39.16 and nerkin["admin1"] == "Syunik province"


def test_hdx_rows_are_monthly_with_as_of() -> None:
    rows = build_incidents(frames()).query("source == 'hdx_acled'")
    assert rows["date"].isna().all() and rows["lat"].isna().all()
    assert set(rows["precision"]) == {"month; admin1", "month; country"}
    assert (rows["source_ref"] == "ACLED via HDX, as of 2026-11-25").all()


def test_acled_events_are_aggregated_to_political_violence_months() -> None:
    rows = build_incidents(frames()).query("source == 'acled'")
    assert len(rows) == 2  # Syunik 2026-09 (2 events) and Tovuz 2026-09; the protest is out
    syunik = rows[rows["admin1"] == "Syunik"].iloc[0]
    assert (syunik["period"], syunik["events"], syunik["fatalities"]) == ("2026-09", 2, 1)


def test_public_table_never_holds_acled_event_rows() -> None:
    """ACLED terms (research §1.1): public outputs get aggregates, never the raw events."""
    data = frames()
    table = build_incidents(data)
    acled_rows = table[table["source"] == "acled"]
    assert acled_rows[["date", "location"]].isna().all().all()
    assert acled_rows[["lat", "lon"]].isna().all().all()
    text = table.to_csv(index=False)
    for event in data["acled"].itertuples():
        assert event.event_id_cnty not in text
        assert event.location not in set(acled_rows["admin1"].dropna())
    assert acled.SOURCE.public is False and hdx_acled.SOURCE.public is True
    assert len(monthly_acled(data["acled"])) < len(data["acled"])


def test_empty_input_and_coverage_notes() -> None:
    assert list(build_incidents({}).columns) == COLUMNS
    assert build_incidents({"ucdp": pd.DataFrame()}).empty
    for source_id in ("hdx_acled", "acled", "ucdp", "gdelt"):
        assert {"counts", "lag", "caveat"} <= set(COVERAGE[source_id])
