"""Live tables as the live charts need them — World Bank WDI indicators, UN Comtrade commodity
imports by partner, GDELT news volume — in the curated files' columns, every row with its
provenance and its origin ("live · World Bank"), read through the data door."""

from __future__ import annotations

import pandas as pd

from dashboard.charts.trade_live import year_rows
from dashboard.data import datasets

# WDI indicator -> (label, unit as drawn, scale from the WDI unit)
WDI = {
    "BX.TRF.PWKR.CD.DT": ("Personal remittances received (BoP)", "US$ bn", 1e-9),
    "BX.TRF.PWKR.DT.GD.ZS": ("Personal remittances received (BoP)", "% of GDP", 1.0),
    "EG.IMP.CONS.ZS": ("Energy imports, net", "% of energy use", 1.0),
    "TM.VAL.FUEL.ZS.UN": ("Fuel imports", "% of merchandise imports", 1.0),
    "TM.VAL.MRCH.CD.WT": ("Merchandise imports", "US$ bn", 1e-9),
    "TX.VAL.MRCH.CD.WT": ("Merchandise exports", "US$ bn", 1e-9),
    "NE.TRD.GNFS.ZS": ("Trade (goods and services)", "% of GDP", 1.0),
}
ORIGIN = {
    "worldbank": "live · World Bank",
    "comtrade": "live · UN Comtrade",
    "gdelt": "live · GDELT",
}
# Mass to volume for natural gas: 1 million tonnes of LNG = 1.360 billion m³ of gas, the
# Statistical Review of World Energy's approximate factor ("Approximate conversion factors",
# https://www.energyinst.org/statistical-review/resources-and-data-downloads). Gas composition
# varies, so volumes derived from Comtrade's net weight are approximate.
M3_PER_KG = 1.360
M3_FACTOR_NOTE = (
    "volume = net weight × 1.36 m³/kg (Statistical Review of World Energy approximate factor: "
    "1 Mt LNG = 1.36 bcm); approximate, gas composition varies"
)
PARTNER_LABELS = {
    "RUS": "Russia",
    "IRN": "Iran",
    "GEO": "Georgia",
    "KAZ": "Kazakhstan",
    "UKR": "Ukraine",
    "FRA": "France",
    "USA": "USA",
}
WORLD_CODES = {"0", "W00"}  # Comtrade's "World" partner


def wdi(indicators: tuple[str, ...]) -> pd.DataFrame:
    """WDI rows for these indicators, one per indicator and year, scaled to the drawn unit."""
    frame = datasets.live("worldbank")
    if frame.empty:
        return frame
    frame = frame[frame["indicator"].isin(indicators) & frame["value"].notna()]
    if frame.empty:
        return frame
    frame = year_rows(frame, "worldbank")
    label = frame["indicator"].map(lambda c: WDI[c][0])
    unit = frame["indicator"].map(lambda c: WDI[c][1])
    scale = frame["indicator"].map(lambda c: WDI[c][2])
    return frame.assign(
        value=frame["value"] * scale,
        unit=unit,
        series=label,
        panel=label + ", " + unit,
        row_id=frame["indicator"] + "-" + frame["period"].astype(int).astype(str),
        origin=ORIGIN["worldbank"],
        reported_by="World Bank WDI",
        note="WDI " + frame["indicator"],
    ).reset_index(drop=True)


def _partner(row: pd.Series) -> str:
    iso = str(row.get("partner_iso") or "")
    return PARTNER_LABELS.get(iso) or str(row.get("partner") or iso)


def comtrade_imports(series: str) -> pd.DataFrame:
    """Armenia-reported imports of one commodity (`gas`, `wheat`, `nuclear_fuel`) by partner and
    year, US$ m, with the partner's share of the year's imports of that commodity (of Comtrade's
    World row where it is given, else of the sum over partners — the note says which)."""
    frame = datasets.live("comtrade")
    if frame.empty:
        return frame
    frame = frame[(frame["series"] == series) & (frame["flow"] == "import")]
    if frame.empty:
        return frame
    world = frame[frame["partner_code"].astype(str).isin(WORLD_CODES)]
    partners = frame[~frame["partner_code"].astype(str).isin(WORLD_CODES)].copy()
    if partners.empty:
        return partners
    totals = world.groupby("period")["value_usd"].sum()
    summed = partners.groupby("period")["value_usd"].sum()
    has_world = partners["period"].map(lambda p: p in totals.index and totals[p] > 0)
    denominator = partners["period"].map(lambda p: totals[p] if p in totals.index else summed[p])
    partners = year_rows(partners, "comtrade")
    partners = partners.assign(
        partner=[_partner(r) for _, r in partners.iterrows()],
        value=partners["value_usd"] / 1e6,
        unit="US$ m",
        share=(partners["value_usd"] / denominator * 100).round(1),
        volume_m3=partners["net_weight_kg"] * M3_PER_KG,
        row_id=partners["cmd_code"].astype(str)
        + "-"
        + partners["partner_iso"].astype(str)
        + "-"
        + partners["period"].astype(int).astype(str),
        origin=ORIGIN["comtrade"],
        reported_by="Armenia via UN Comtrade",
        note=[
            "share of Comtrade's World total" if w else "share of the sum over partners"
            for w in has_world
        ],
    )
    return partners.reset_index(drop=True)


def gdelt(query_id: str) -> pd.DataFrame:
    """Daily news volume for one GDELT query, summed per month (articles matching, and all
    articles GDELT saw), with provenance."""
    frame = datasets.live("gdelt")
    if frame.empty:
        return frame
    frame = frame[frame["query_id"] == query_id].copy()
    if frame.empty:
        return frame
    frame["month"] = pd.to_datetime(frame["date"]).dt.to_period("M")
    monthly = frame.groupby("month", as_index=False).agg(
        articles=("articles", "sum"),
        all_articles=("all_articles", "sum"),
        days=("date", "nunique"),
        query=("query", "first"),
        source_url=("source_url", "first"),
        version=("version", "first"),
        fetched_at=("fetched_at", "first"),
        checked=("checked", "first"),
    )
    start = monthly["month"].dt.start_time
    end = monthly["month"].dt.end_time.dt.normalize()
    return monthly.assign(
        dataset="gdelt",
        row_id=query_id + "-" + monthly["month"].astype(str),
        period_start=start.dt.date.astype(str),
        period_end=end.dt.date.astype(str),
        start=start,
        end=end,
        value=monthly["articles"].astype(float),
        unit="articles",
        series="news volume, not incidents",
        origin=ORIGIN["gdelt"],
        source_title="The GDELT Project, DOC 2.0 API (timelinevolraw)",
        accessed=monthly["fetched_at"].astype(str).str[:10],
        confidence="as published",
        reported_by="GDELT",
        note="articles matching the query, summed over the days GDELT reports in the month",
    ).drop(columns=["month"])
