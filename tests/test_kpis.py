"""KPI cards from the newest cited figure: ranges stay ranges, qualifiers stay with their number,
the newest of live and curated wins and says which it is, and a change is only ever a difference
within one measure from one source family."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import kpi_shares, kpis


def row(value: float, end: str, **extra: object) -> dict[str, object]:
    start = extra.pop("start", end[:4] + "-01-01")
    return {
        "value": value,
        "value_max": None,
        "qualifier": "",
        "start": pd.Timestamp(start),
        "end": pd.Timestamp(end),
        "period_start": start,
        "period_end": end,
        "measure": kpi_shares.STATED,
        "family": "Armstat",
        "origin": "curated · Armstat",
        **extra,
    }


def pick(*rows: dict[str, object]):  # type: ignore[no-untyped-def]
    result = kpi_shares.pick(pd.DataFrame(list(rows)))
    assert result is not None
    return result


def test_a_range_stays_a_range_and_is_never_subtracted() -> None:
    latest, change, earlier = pick(row(87.7, "2022-12-31"), row(80, "2023-12-31", value_max=85.0))
    assert kpi_shares.formatted(latest) == "80–85 %"
    assert change is None
    assert earlier == "earlier: 87.7 % (2022, as stated, Armstat)"


def test_a_qualifier_stays_with_its_number() -> None:
    latest, _change, _earlier = pick(row(80, "2016-12-31", qualifier="at_least"))
    assert kpi_shares.formatted(latest) == "at least 80 %"
    latest, _change, _earlier = pick(row(70, "2023-12-31", qualifier="approx"))
    assert kpi_shares.formatted(latest) == "about 70 %"


def test_live_newer_than_curated_wins_and_says_so() -> None:
    live = row(41.0, "2025-12-31", origin="live · IMF IMTS", family="IMF IMTS")
    latest, change, earlier = pick(row(44.4, "2024-07-31", start="2024-01-01"), live)
    assert latest["origin"] == "live · IMF IMTS"
    assert change is None and earlier is not None and "Armstat" in earlier


def test_curated_newer_than_live_wins_and_says_so() -> None:
    live = row(41.0, "2023-12-31", origin="live · IMF IMTS", family="IMF IMTS")
    latest, change, earlier = pick(live, row(44.4, "2024-07-31", start="2024-01-01"))
    assert latest["origin"] == "curated · Armstat"
    assert change is None and "IMF IMTS" in (earlier or "")


def test_a_change_only_within_one_measure_and_family() -> None:
    latest, change, earlier = pick(row(30.3, "2020-12-31"), row(35.0, "2023-12-31"))
    assert change == "+4.7 points vs 2020 (30.3 %)" and earlier is None
    computed = row(87.7, "2022-12-31", measure=kpi_shares.COMPUTED)
    latest, change, earlier = pick(computed, row(80.0, "2023-12-31"))
    assert change is None
    assert earlier == f"earlier: 87.7 % (2022, {kpi_shares.COMPUTED}, Armstat)"


def test_families_ignore_the_relaying_outlet() -> None:
    assert kpi_shares.family("Armenian government (via Aliq Media)") == "Armenian government"
    assert kpi_shares.family("CBA governor (via BM.ge)") == "CBA governor"


def test_the_gas_card_shows_the_cited_range_and_the_computed_share_apart(dash_store) -> None:
    value, _reads, _key = kpis.value_of(kpis.BY_ID["gas_russia_share"])
    assert value is not None
    assert value.value == "80–85 %"
    assert value.change is None
    assert value.earlier is not None and "computed" in value.earlier
    assert value.origin == "curated · Armenian government"
