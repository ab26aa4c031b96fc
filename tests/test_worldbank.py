"""World Bank WDI: parsing by shape, pages, nulls, lastupdated."""

from __future__ import annotations

import pytest

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.sources import worldbank
from data_sources.store import now_utc
from tests.conftest import fixture_bytes


def _raw(body: bytes) -> RawResponse:
    return RawResponse(
        url="http://127.0.0.1/v2/x",
        status=200,
        content_type="application/json",
        body=body,
        fetched_at=now_utc(),
    )


def test_tidy_reads_every_page_and_drops_nulls() -> None:
    frame = worldbank.tidy(
        [_raw(fixture_bytes("worldbank_page1.json")), _raw(fixture_bytes("worldbank_page2.json"))]
    )
    assert len(frame) == 4  # five observations, one null
    row = frame[frame["indicator"] == "BX.TRF.PWKR.DT.GD.ZS"].iloc[0]
    assert (row["period"], row["value"], row["unit"]) == ("2024", 11.5, "percent of GDP")
    assert set(frame["upstream_updated"]) == {"2026-10-28"}
    valid = worldbank.SCHEMA.validate(frame)
    assert valid["period"].dtype.kind == "i"


def test_no_observations_is_an_empty_table() -> None:
    assert worldbank.tidy([_raw(b'[{"page":0,"pages":0,"total":0},null]')]).empty


@pytest.mark.parametrize(
    ("body", "error_class"),
    [
        (b'[{"message":[{"id":"120","key":"Invalid value","value":"bad"}]}]', "upstream_error"),
        (b'{"unexpected": true}', "invalid_payload"),
        (b'[{"page":1', "invalid_payload"),
    ],
)
def test_bad_bodies_are_named(body: bytes, error_class: str) -> None:
    with pytest.raises(SourceError) as err:
        worldbank.parse_page(_raw(body))
    assert err.value.error_class == error_class


def test_requests_ask_for_all_indicators_in_one_call() -> None:
    params = worldbank._params(1)
    assert params["source"] == "2" and params["per_page"] == "1000"
    assert len(worldbank.INDICATORS) >= 9
