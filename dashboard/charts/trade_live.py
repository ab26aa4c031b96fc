"""Live trade tables as the trade charts need them: IMF IMTS partner shares and Armenia–Russia
turnover from IMF IMTS and UN Comtrade, in the curated files' columns with provenance."""

from __future__ import annotations

import pandas as pd

from dashboard.data import datasets
from dashboard.i18n import N_
from data_sources import registry

# IMF IMTS partner code -> (series key shared with the curated files, label)
LIVE_PARTNERS = {
    "RUS": ("russia", "Russia"),
    "EU27": ("eu", "EU27"),
    "IRN": ("iran", "Iran"),
    "CHN": ("china", "China"),
    "ARE": ("uae", "UAE"),
    "GEO": ("georgia", "Georgia"),
}
FLOWS = {"trade": ("export", "import"), "exports": ("export",), "imports": ("import",)}
# Downloads list these first, in this order, whatever mix of live and curated rows a chart has.
FIRST_COLUMNS = [
    "dataset",
    "row_id",
    "origin",
    "source_group",
    "panel",
    "indicator",
    "series",
    "partner",
    "period_start",
    "period_end",
    "value",
    "value_max",
    "qualifier",
    "unit",
    "reported_by",
    "source_url",
    "source_title",
    "accessed",
    "confidence",
    "note",
]
IMF = N_("IMF IMTS (Armenia-reported, live)")
COMTRADE = N_("UN Comtrade (Armenia-reported, live)")


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with the provenance and value columns first."""
    first = [c for c in FIRST_COLUMNS if c in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]]


def year_rows(frame: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Annual live rows with a calendar-year period and the curated provenance columns."""
    years = frame["period"].astype(int).astype(str)
    frame = frame.assign(
        period_start=years + "-01-01",
        period_end=years + "-12-31",
        source_title=registry.BY_ID[source_id].title,
        confidence="high",
        accessed=frame["fetched_at"].astype(str).str[:10],
    )
    frame["start"] = pd.to_datetime(frame["period_start"])
    frame["end"] = pd.to_datetime(frame["period_end"])
    return frame


def flows_by_partner(
    source_id: str, frame: pd.DataFrame, partner: str, flows: tuple[str, ...]
) -> pd.DataFrame:
    """US$ per partner and year summed over `flows`; a year missing one of them is left out."""
    if frame.empty:
        return pd.DataFrame()
    grouped = (
        frame[frame["flow"].isin(flows)]
        .groupby([partner, "period"], as_index=False)
        .agg(
            amount=("value_usd", "sum"),
            n=("flow", "nunique"),
            source_url=("source_url", "first"),
            version=("version", "first"),
            fetched_at=("fetched_at", "first"),
        )
    )
    grouped = grouped[grouped["n"] == len(flows)].drop(columns="n")
    return grouped.rename(columns={partner: "partner_code"}).assign(dataset=source_id)


def partner_shares(share: str) -> pd.DataFrame:
    """Partner shares of Armenia's goods trade (or exports, or imports) from IMF IMTS, in
    percent of the world total, with both amounts kept for checking."""
    flows = FLOWS[share]
    amounts = flows_by_partner("imf_imts", datasets.live("imf_imts"), "partner", flows)
    if amounts.empty:
        return amounts
    world = amounts[amounts["partner_code"] == "WLD"].set_index("period")["amount"]
    rows = amounts[amounts["partner_code"].isin(LIVE_PARTNERS)].copy()
    rows["world_usd"] = rows["period"].map(world)
    rows = rows[rows["world_usd"] > 0].rename(columns={"amount": "partner_usd"})
    if rows.empty:
        return pd.DataFrame()
    flows_text = " + ".join(f"{f}s" for f in flows)
    rows = rows.assign(
        value=rows["partner_usd"] / rows["world_usd"] * 100,
        series=rows["partner_code"].map(lambda c: LIVE_PARTNERS[c][0]),
        partner=rows["partner_code"].map(lambda c: LIVE_PARTNERS[c][1]),
        row_id=rows["partner_code"] + "-" + rows["period"].astype(int).astype(str),
        origin="live",
        indicator=f"share_of_{share}",
        unit="percent",
        reported_by="Armenia via IMF IMTS",
        note=f"computed: ({flows_text} with partner) / ({flows_text} with world)",
    )
    return year_rows(rows, "imf_imts")


def russia_turnover() -> pd.DataFrame:
    """Armenia-reported exports + imports with Russia from IMF IMTS and UN Comtrade, US$ bn."""
    parts = []
    imf = datasets.live("imf_imts")
    if not imf.empty:
        imf = imf[imf["partner"] == "RUS"]
        parts.append(flows_by_partner("imf_imts", imf, "partner", FLOWS["trade"]))
    comtrade = datasets.live("comtrade")
    if not comtrade.empty:
        comtrade = comtrade[(comtrade["series"] == "total") & (comtrade["partner_iso"] == "RUS")]
        parts.append(flows_by_partner("comtrade", comtrade, "partner_iso", FLOWS["trade"]))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame()
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.assign(
        value=rows["amount"] / 1e9,
        unit="USD bn",
        indicator="trade_turnover",
        series="russia",
        reported_by="Armenia (customs statistics)",
        row_id="RUS-" + rows["period"].astype(int).astype(str),
        source_group=rows["dataset"].map({"imf_imts": IMF, "comtrade": COMTRADE}),
        note="computed: exports + imports with Russia",
    ).drop(columns="amount")
    by_source = [year_rows(r, str(s)) for s, r in rows.groupby("dataset", sort=False)]
    return pd.concat(by_source, ignore_index=True)


def exports_to_russia() -> pd.DataFrame:
    """IMF IMTS exports to Russia as a share of all exports (%) and in US$ bn."""
    share = partner_shares("exports")
    if share.empty:
        return share
    share = share[share["series"] == "russia"]
    value = share.assign(
        value=share["partner_usd"] / 1e9, unit="USD bn", indicator="exports", note="IMF IMTS"
    )
    return pd.concat([share, value], ignore_index=True)
