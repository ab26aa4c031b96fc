"""Corrections from the outside audit of the curated datasets (issue 12): each test here failed on
the rows as they were before the fix."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pytest

from data_sources.curated_schema import (
    MEASURES,
    NOT_RECHECKED,
    conflict_refs,
    dataset_errors,
    provenance_label,
    read_curated_csv,
    row_errors,
)
from data_sources.sources import curated

CURATED = Path(curated.__file__).resolve().parent.parent / "curated"
IDS = list(curated.CATALOGUE)

# Hosts that republish other outlets' stories (or machine-rewrite them): cite the original instead.
AGGREGATORS = {"vegasvibe.top", "news-pravda.com", "pravda-news.com"}
LICENCES = {"CC BY 4.0", "ODbL 1.0", "CC BY-SA 4.0"}


def _table(dataset_id: str) -> pd.DataFrame:
    return read_curated_csv(CURATED / f"{dataset_id}.csv")


def _rows(dataset_id: str) -> dict[str, Any]:
    return {r["id"]: r for r in _table(dataset_id).to_dict("records")}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


# --- provenance: verified, accessed -------------------------------------------------------------


@pytest.mark.parametrize("dataset_id", IDS)
def test_no_row_claims_an_access_it_did_not_have(dataset_id: str) -> None:
    for row in _table(dataset_id).to_dict("records"):
        text = f"{row['source_title']} {row['note']}".lower()
        assert "research note" not in text, row["id"]
        if "not re-read" in text:
            assert row["verified"] == "false" and row["accessed"] == "", row["id"]
        assert row["verified"] in {"true", "false"}
        assert (row["verified"] == "true") == bool(row["accessed"]), row["id"]


def test_unverified_rows_read_not_rechecked() -> None:
    unverified = [
        r
        for dataset_id in IDS
        for r in _table(dataset_id).to_dict("records")
        if r["verified"] == "false"
    ]
    assert unverified, "the rows carried over without re-reading are marked"
    assert all(provenance_label(r) == NOT_RECHECKED for r in unverified)
    assert provenance_label({"verified": "true", "accessed": "2026-12-02"}) == "accessed 2026-12-02"


def test_the_schema_refuses_an_access_date_on_an_unverified_row() -> None:
    row = {
        "id": "a",
        "date": "2024-01-01",
        "date_precision": "day",
        "category": "closure",
        "title": "t",
        "source_url": "https://example.org/a",
        "source_title": "Example: page",
        "confidence": "medium",
    }
    assert any(
        "verified=false" in e
        for e in row_errors("events", {**row, "verified": "false", "accessed": "2026-11-27"})
    )
    assert row_errors("events", {**row, "verified": "false", "accessed": ""}) == []
    assert any("accessed is empty" in e for e in row_errors("events", {**row, "verified": "true"}))


# --- places: one licensed gazetteer --------------------------------------------------------------


def test_every_place_has_a_stated_licence_and_no_unlicensed_gazetteer() -> None:
    for row in _table("places").to_dict("records"):
        assert row["licence"] in LICENCES, row["id"]
        assert "VannaDii" not in row["source_url"], row["id"]
        if row["licence"] == "CC BY 4.0":
            assert row["source_url"].startswith("https://www.geonames.org/"), row["id"]


def test_euma_fob_martuni_is_at_the_town() -> None:
    row = _rows("places")["euma-fob-martuni"]
    assert _km(float(row["lat"]), float(row["lon"]), 40.140, 45.306) < 1.0


# --- remittances: one definition per row ---------------------------------------------------------


def test_every_remittances_row_names_its_measure() -> None:
    frame = _table("remittances")
    assert frame["measure"].isin(list(MEASURES)).all()
    assert dataset_errors("remittances", frame) == []
    assert "bop_personal_remittances" in set(frame["measure"]), "the BoP measure is named"


def test_a_remittances_row_without_measure_is_refused() -> None:
    frame = _table("remittances").copy()
    frame.loc[frame.index[0], "measure"] = ""
    assert any("measure is empty" in e for e in dataset_errors("remittances", frame))


def test_no_remittances_series_mixes_measures() -> None:
    """A chart series is indicator + series + measure: one definition per (series, period)."""
    frame = _table("remittances")
    keys = frame.groupby(["indicator", "series", "period_start", "period_end", "measure"])
    for _, group in keys:
        if len(group) > 1:  # same measure, same period twice: only as named conflicts
            assert (group["conflict"] != "").all(), list(group["id"])


# --- README's curated table ----------------------------------------------------------------------


def test_readme_curated_table_is_generated_from_the_files() -> None:
    from data_sources import curated_table

    text = curated_table.README.read_text(encoding="utf-8")
    assert curated_table.replace_table(text) == text, (
        "README's curated table is stale: run python -m data_sources.curated_table"
    )
    assert curated_table.main(["--check"]) == 0


# --- audit corrections ---------------------------------------------------------------------------


@pytest.mark.parametrize("dataset_id", IDS)
def test_no_row_cites_an_aggregator(dataset_id: str) -> None:
    for row in _table(dataset_id).to_dict("records"):
        host = (urlsplit(row["source_url"]).hostname or "").lower()
        assert not any(host == a or host.endswith("." + a) for a in AGGREGATORS), row["id"]


def test_metsamor_loan_rests_on_the_2014_and_2015_agreements() -> None:
    events = _rows("energy_events")
    assert "npp-russian-loan-2016" not in events
    assert events["npp-intergov-agreement-2014"]["date"] == "2014-12-20"
    loan = events["npp-russian-loan-2015"]
    assert loan["date"] == "2015-02-05" and loan["value"] == "300"
    arka = events["npp-russian-loan-2015-arka"]
    assert arka["date"] == "2015-02-06"
    assert loan["conflict"] == "energy_events#npp-russian-loan-2015-arka"
    assert arka["conflict"] == "energy_events#npp-russian-loan-2015"


def test_the_150_dollar_price_step_has_one_date() -> None:
    price = _rows("gas_prices")["border-price-2016-04"]
    event = _rows("energy_events")["price-2016-04"]
    assert price["value"] == event["value"] == "150"
    assert price["period_start"] == event["date"] == "2016-04-07"


def test_preliminary_electricity_rows_are_not_rated_high() -> None:
    frame = _table("electricity_mix")
    latest = frame[frame["period_start"] >= "2025-01-01"]
    assert not latest.empty
    assert (latest["confidence"] != "high").all()
    assert latest["note"].str.contains("Preliminary").all()


@pytest.mark.parametrize(
    ("dataset_id", "a", "b"),
    [
        ("upper_lars_throughput", "lanes-trucks-2023", "lanes-trucks-planned-2023"),
        ("upper_lars_throughput", "fcs-2023-trucks-per-day", "record-trucks-per-day-pre-2023"),
        ("trade_partners", "ru-2024-jan-oct-russian", "ru-2024-jan-oct-armstat"),
        ("remittances", "russia-2023", "russia-2023-bm"),
        ("energy_events", "npp-russian-loan-2015", "npp-russian-loan-2015-arka"),
    ],
)
def test_audited_conflicts_are_one_row_per_source_naming_each_other(
    dataset_id: str, a: str, b: str
) -> None:
    rows = _rows(dataset_id)
    assert f"{dataset_id}#{b}" in rows[a]["conflict"].split(";")
    assert f"{dataset_id}#{a}" in rows[b]["conflict"].split(";")
    assert (
        rows[a]["source_url"] != rows[b]["source_url"]
        or rows[a]["reported_by"] != rows[b]["reported_by"]
    )


def test_upper_lars_lane_and_truck_figures() -> None:
    rows = _rows("upper_lars_throughput")
    assert {rows["lanes-trucks-2023"]["value"], rows["lanes-trucks-planned-2023"]["value"]} == {
        "12",
        "15",
    }
    assert "before the reconstruction" in rows["record-trucks-per-day-pre-2023"]["note"].lower()
    armstat = _rows("trade_partners")["ru-2024-jan-oct-armstat"]
    assert (armstat["value"], armstat["reported_by"]) == ("10.9", "Armstat")


def test_every_conflict_reference_resolves() -> None:
    for dataset_id in IDS:
        for ref in conflict_refs(_table(dataset_id)):
            target, row_id = ref.split("#")
            assert row_id in set(_table(target)["id"]), (dataset_id, ref)


def test_same_fact_with_different_dates_only_as_named_conflict() -> None:
    """Events with the same title-level fact (category + value + unit) on different dates must name
    each other in `conflict`; checked on the audited pairs' datasets."""
    for dataset_id in ("energy_events", "upper_lars_events"):
        frame = _table(dataset_id)
        frame = frame[(frame["category"] == "agreement") & (frame["value"] != "")]
        for _, group in frame.groupby(["value", "unit", "reported_by"]):
            if group["date"].nunique() > 1:
                ids = {f"{dataset_id}#{i}" for i in group["id"]}
                for row in group.to_dict("records"):
                    assert ids - {f"{dataset_id}#{row['id']}"} <= set(row["conflict"].split(";"))


def test_massis_post_euma_rows_were_re_read_and_a_second_source_is_kept() -> None:
    """The June 2025 Massis Post page behind four EUMA rows was located and re-read (2026-12-03):
    the rows carry its access date and quote it; ANSA's January 2025 figure stays beside them."""
    rows = [
        row
        for dataset_id in ("euma_figures", "euma_timeline")
        for row in _table(dataset_id).to_dict("records")
        if "massispost.com/2025/06" in row["source_url"]
    ]
    assert len(rows) == 4
    for row in rows:
        assert row["verified"] == "true" and row["accessed"] == "2026-12-03", row["id"]
        assert "could not be located" not in row["note"], row["id"]
    figures = _rows("euma_figures")
    staff, international = figures["euma-staff-2025-06-20"], figures["euma-intl-staff-2025-06-20"]
    assert (staff["value"], international["value"]) == ("225", "166")
    located = figures["euma-staff-2025-01-30"]
    assert located["verified"] == "true" and located["qualifier"] == "more_than"


def test_claims_were_rerun_against_the_corrected_places() -> None:
    places = _rows("places")
    armash, yeraskh = places["armash"], places["yeraskh"]
    km = _km(
        float(armash["lat"]), float(armash["lon"]), float(yeraskh["lat"]), float(yeraskh["lon"])
    )
    claim = _rows("claims")["claim-05"]
    assert f"about {km:.1f} km away" in claim["explanation"]
    assert claim["verdict"] == "unverified"
