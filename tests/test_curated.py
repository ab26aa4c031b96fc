"""Curated, cited datasets: every row passes its schema, every reference resolves, and the
seed loads through the normal refresh path."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_sources.curated_schema import evidence_refs, read_curated_csv, row_errors, table_errors
from data_sources.refresh import refresh
from data_sources.sources import curated
from data_sources.status import all_status

CURATED = Path(curated.__file__).resolve().parent.parent / "curated"
IDS = list(curated.CATALOGUE)


def _table(dataset_id: str):  # type: ignore[no-untyped-def]
    return read_curated_csv(CURATED / f"{dataset_id}.csv")


def test_catalogue_and_files_match() -> None:
    files = {p.stem for p in CURATED.glob("*.csv")}
    assert files == set(IDS)


@pytest.mark.parametrize("dataset_id", IDS)
def test_every_row_passes_its_schema(dataset_id: str) -> None:
    kind = curated.KINDS[dataset_id]
    assert table_errors(kind, _table(dataset_id)) == []


@pytest.mark.parametrize("dataset_id", IDS)
def test_every_row_is_cited(dataset_id: str) -> None:
    frame = _table(dataset_id)
    assert frame["source_url"].str.match(r"^https?://").all()
    assert (frame["source_title"].str.len() > 5).all()
    assert frame["confidence"].isin(["high", "medium", "low"]).all()


def test_claims_cover_the_ten_article_claims_with_resolvable_evidence() -> None:
    claims = _table("claims")
    assert (
        len(claims) >= 10 and claims["verdict"].isin(["confirmed", "differs", "unverified"]).all()
    )
    for ref in evidence_refs(claims):
        dataset_id, row_id = ref.split("#")
        assert dataset_id in IDS, ref
        assert row_id in set(_table(dataset_id)["id"]), ref


def test_event_places_exist() -> None:
    place_ids = set(_table("places")["id"])
    for dataset_id in IDS:
        if curated.KINDS[dataset_id] == "events":
            used = set(_table(dataset_id)["place_id"]) - {""}
            assert used <= place_ids, (dataset_id, used - place_ids)


def test_conflicting_sources_are_kept_side_by_side() -> None:
    remittances = _table("remittances")
    from_russia_2023 = remittances[
        (remittances["series"] == "russia")
        & (remittances["period_start"] == "2023-01-01")
        & (remittances["period_end"] == "2023-12-31")
    ]
    assert {"3.946", "4.7"} <= set(from_russia_2023["value"])


@pytest.mark.parametrize(
    ("kind", "row", "problem"),
    [
        ("values", {"period_start": "2024-07-01", "period_end": "2024-06-30"}, "after period_end"),
        ("values", {"value": "1,234"}, "not a number"),
        ("values", {"source_url": "ftp://x.org/a"}, "not an http(s) URL"),
        ("values", {"confidence": "sure"}, "confidence"),
        ("events", {"date": "2024-02-30"}, "not an ISO date"),
        ("events", {"lat": "40.1", "lon": ""}, "go together"),
        ("claims", {"evidence": "places"}, "not <dataset>#<id>"),
    ],
)
def test_the_schema_catches_bad_rows(kind: str, row: dict, problem: str) -> None:
    base = {
        "values": {
            "id": "a",
            "indicator": "x",
            "series": "total",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "value": "1",
            "unit": "percent",
        },
        "events": {
            "id": "a",
            "date": "2024-01-01",
            "date_precision": "day",
            "category": "closure",
            "title": "t",
        },
        "claims": {
            "id": "a",
            "claim": "c",
            "verdict": "confirmed",
            "evidence": "places#a",
            "explanation": "e",
        },
    }[kind]
    cited = {
        "source_url": "https://example.org/a",
        "source_title": "Example: page",
        "accessed": "2026-11-27",
        "confidence": "high",
    }
    errors = row_errors(kind, {**base, **cited, **row})
    assert any(problem in e for e in errors), errors


def test_seed_loads_through_the_refresh_path(store) -> None:
    run = refresh(store, curated.SOURCES)
    assert run.exit_code == 0, [r.error for r in run.sources if r.error]
    statuses = {s["id"]: s for s in all_status(store, curated.SOURCES)}
    assert all(s["ok"] and s["rows"] > 0 and s["stale"] is False for s in statuses.values())
    _, places = store.load("places")
    assert places["lat"].dtype.kind == "f"


def test_an_access_date_in_the_future_is_refused_whatever_the_year() -> None:
    import datetime

    frame = read_curated_csv(Path(curated.__file__).parent.parent / "curated" / "gas_prices.csv")
    row = {str(k): str(v) for k, v in frame.iloc[0].to_dict().items()}
    today = datetime.date.today()
    assert "accessed is in the future" not in row_errors("values", {**row, "accessed": str(today)})
    later = (today + datetime.timedelta(days=3)).isoformat()
    assert "accessed is in the future" in row_errors("values", {**row, "accessed": later})
