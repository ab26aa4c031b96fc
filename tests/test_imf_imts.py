"""IMF IMTS: SDMX-CSV parsing, client-side year filter, the EU27 sum."""

from __future__ import annotations

import pytest

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.sources import imf_imts
from data_sources.store import now_utc
from tests.conftest import fixture_bytes

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
