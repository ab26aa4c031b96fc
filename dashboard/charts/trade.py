"""Trade charts: partner shares (IMF IMTS live beside curated reports), Armenia–Russia turnover
by whose statistics report it, and what rides on the Upper Lars route (curated and IMF)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import live_data
from dashboard.charts import trade_live as _trade_live
from dashboard.charts.chart import Chart, panels_by
from dashboard.charts.event_layer import TIME_OPTIONS, in_years
from dashboard.charts.options import Option
from dashboard.data import datasets
from dashboard.figures import periods
from dashboard.figures import trade as trade_figures
from dashboard.figures.theme import OKABE_ITO
from dashboard.i18n import N_, gettext

LABELS = {
    "russia": "Russia",
    "eu": N_("EU"),
    "eaeu": N_("EAEU"),
    "iran": "Iran",
    "china": "China",
    "uae": N_("UAE"),
    "uae_hongkong": N_("UAE + Hong Kong"),
    "georgia": "Georgia",
    "usa": N_("USA"),
}
SHARE = Option(
    "share",
    "trade",
    choices=tuple(_trade_live.FLOWS),
    label="Share of",
    choice_labels=(("trade", N_("trade")), ("exports", N_("exports")), ("imports", N_("imports"))),
)
# the shares chart's y-axis title for each choice, whole messages
SHARE_TITLES = {
    "trade": N_("% of Armenia's goods trade"),
    "exports": N_("% of Armenia's goods exports"),
    "imports": N_("% of Armenia's goods imports"),
}
# trade_notes rows drawn on the shares chart (ids are stable: the dashboard cites rows by id)
NOTE_IDS = ("precious-share-2024-h1", "uae-share-statement-2025", "armstat-mirror-note-2025")
_EVENT_ONLY = ["place_id", "lat", "lon", "coord_precision", "when"]

ARMSTAT = N_("Armstat (Armenian statistics)")
RUSSIAN = N_("Russian statistics and officials")
OFFICIALS = N_("Armenian officials")
GROUP_COLOURS = {
    ARMSTAT: OKABE_ITO["blue"],
    RUSSIAN: OKABE_ITO["vermillion"],
    OFFICIALS: OKABE_ITO["orange"],
    _trade_live.IMF: OKABE_ITO["black"],
    _trade_live.COMTRADE: OKABE_ITO["green"],
}


def _notes() -> pd.DataFrame:
    notes = datasets.events(("trade_notes",))
    if notes.empty:
        return notes
    notes = notes[notes["row_id"].isin(NOTE_IDS)]
    ends = pd.to_datetime(notes["end_date"].replace("", None), errors="coerce")
    notes = notes.assign(origin="note", start=notes["when"], end=ends.fillna(notes["when"]))
    return notes.drop(columns=[c for c in _EVENT_ONLY if c in notes.columns])


def _share(options: dict) -> str:
    share = options.get("share")
    return share if isinstance(share, str) and share in _trade_live.FLOWS else "trade"


def partner_shares_data(options: dict) -> pd.DataFrame:
    share = _share(options)
    curated = datasets.values("trade_partners", [f"share_of_{share}"])
    if not curated.empty:
        partner = curated["series"].map(lambda s: LABELS.get(s, s))
        curated = curated.assign(origin="curated", partner=partner)
    parts = [f for f in (_trade_live.partner_shares(share), curated) if not f.empty]
    frame = in_years(pd.concat(parts, ignore_index=True), options) if parts else pd.DataFrame()
    if frame.empty:  # caveat notes with nothing to qualify would be a chart of caveats
        return frame
    return _trade_live.ordered(pd.concat([frame, in_years(_notes(), options)], ignore_index=True))


def reporter_group(reported_by: object) -> str:
    """Whose figure a curated value is: Armenia's statistics office, the Russian side, or an
    Armenian official citing their own numbers."""
    text = str(reported_by or "").lower()
    if "armstat" in text:
        return ARMSTAT
    if "russia" in text or "putin" in text:
        return RUSSIAN
    return OFFICIALS


def russia_sources_data(options: dict) -> pd.DataFrame:
    rows = datasets.values("trade_partners", ["trade_turnover"], ["russia"])
    curated = datasets.to_unit(rows, "USD bn")
    if not curated.empty:
        curated = curated.assign(source_group=curated["reported_by"].map(reporter_group))
    parts = [f for f in (curated, _trade_live.russia_turnover()) if not f.empty]
    if not parts:
        return pd.DataFrame()
    return _trade_live.ordered(in_years(pd.concat(parts, ignore_index=True), options))


# What rides on the route: (dataset, indicator, series, panel title)
ROUTE_PANELS = (
    ("upper_lars_throughput", "trucks_per_day", "armenia", N_("Armenian trucks crossing per day")),
    (
        "upper_lars_throughput",
        "armenian_share_of_trucks",
        "armenia",
        N_("Armenian share of trucks queuing at Lars, %"),
    ),
    (
        "upper_lars_throughput",
        "fruit_veg_exports_share",
        "russia",
        N_("Fruit and vegetable exports sold to Russia, %"),
    ),
    ("trade_partners", "share_of_exports", "russia", N_("All goods exports sold to Russia, %")),
    ("trade_partners", "exports", "russia", N_("Goods exports to Russia, US$ bn")),
)


def route_share_data(options: dict) -> pd.DataFrame:
    live = _trade_live.exports_to_russia()
    parts = []
    for dataset, indicator, series, title in ROUTE_PANELS:
        rows = datasets.values(dataset, [indicator], [series])
        if indicator == "exports":
            rows = datasets.to_unit(rows, "USD bn")
        if not rows.empty:
            parts.append(rows.assign(panel=title, origin="curated"))
        mine = live[live["indicator"] == indicator] if not live.empty else live
        if not mine.empty:
            parts.append(mine.assign(panel=title, origin=N_("IMF IMTS (live)")))
    if not parts:
        return pd.DataFrame()
    return _trade_live.ordered(in_years(pd.concat(parts, ignore_index=True), options))


def _shares_figure(frame: pd.DataFrame, options: dict) -> go.Figure:
    fig = trade_figures.partner_shares(
        frame,
        # translated here: the figure escapes the title (the apostrophe), so the catalog could
        # no longer match it afterwards
        y_title=gettext(str(options.get("lang") or "en"), SHARE_TITLES[_share(options)]),
        empty=N_("No partner shares in this period"),
    )
    # A long average (EAEU 2002–2022) overlaps the window but must not stretch the axis to 2002.
    years = sorted(int(options.get(k, d)) for k, d in (("from", 1990), ("to", 2100)))
    first = pd.Timestamp(years[0], 1, 1)
    if fig.data and frame["start"].min() < first:
        fig.update_xaxes(range=[first, frame["end"].max()])
    return fig


CHARTS = [
    Chart(
        id="trade_partner_shares",
        page="trade",
        title="Armenia's main trade partners: share of goods trade",
        description=N_(
            "Each partner's share of Armenia's goods trade (exports plus imports, or "
            "either alone) for Russia, the EU, Iran, China, the UAE and Georgia: yearly lines from "
            "IMF statistics reported by Armenia, and dotted segments for figures quoted by Armstat "
            "and officials over the period they cover."
        ),
        sources=("imf_imts", "trade_partners", "trade_notes"),
        live=("imf_imts",),
        data=partner_shares_data,
        figure=_shares_figure,
        options=(*TIME_OPTIONS, SHARE),
        caveat=N_(
            "2024 shares are distorted by gold and diamond re-exports: gold imported mostly "
            "from Russia and sent on, two-thirds of it to the UAE, inflated both partners' shares "
            "until the trade collapsed in 2025. Partners' mirror statistics give other totals "
            "(Russia reports $11.7–12.4bn of 2024 trade with Armenia; Armenia's prime minister "
            "cited about $9bn)."
        ),
    ),
    Chart(
        id="trade_with_russia_sources",
        page="trade",
        title="Armenia–Russia trade: whose figure?",
        description=N_(
            "Armenia–Russia trade turnover in US$ billions as reported by Armstat, by "
            "Russian statistics and officials, and by Armenian officials, with IMF and UN Comtrade "
            "yearly values where available. Each figure spans the months it covers; where sources "
            "disagree on a period, the spread is shaded."
        ),
        sources=("trade_partners", "imf_imts", "comtrade"),
        live=("imf_imts", "comtrade"),
        data=russia_sources_data,
        figure=lambda f, o: periods.source_ranges(
            f,
            group="source_group",
            y_title=N_("US$ bn"),
            colours=GROUP_COLOURS,
            empty=N_("No Armenia–Russia trade figures in this period"),
        ),
        options=TIME_OPTIONS,
        caveat=N_(
            "Part-year figures (Jan–May, H1, Jan–Aug) are totals for those months, not "
            "annual rates. Russian figures for 2024 ($11.7–12.4bn) run well above the Armenian "
            "ones (about $9bn); Armstat attributes such gaps to methodology."
        ),
    ),
    Chart(
        id="upper_lars_route_share",
        page="trade",
        title="What rides on the Upper Lars route",
        description=N_(
            "Small multiples: Armenian trucks crossing at Upper Lars per day, their "
            "share of the queue, the share of fruit and vegetable exports and of all exports sold "
            "to Russia, and exports to Russia in US$ billions; curated reports and IMF values."
        ),
        sources=("upper_lars_throughput", "trade_partners", "imf_imts"),
        live=("imf_imts",),
        data=route_share_data,
        figure=panels_by("origin", N_("No route figures in this period")),
        options=TIME_OPTIONS[:2],
        height=560,
        caveat=N_(
            "Upper Lars is Armenia's only operating land route to Russia, but not everything "
            "sold to Russia goes by road (air freight does not), so these figures show what is "
            "exposed to a closure, not a measured route share."
        ),
    ),
]


# --- live: UN Comtrade HS 1001 and World Bank WDI -----------------------------------------
WHEAT_LIVE = N_("Share of wheat imports by value, % (UN Comtrade, live)")
WHEAT_CURATED = N_("Share of wheat imports from Russia, % (as reported, curated)")


def wheat_data(options: dict) -> pd.DataFrame:
    """Wheat (HS 1001, not all grain) imports by partner from Comtrade as value shares, beside
    the curated shares in their own panel (a customs share of volume or value as reported)."""
    parts = []
    live = _trade_live_wheat()
    if not live.empty:
        parts.append(live)
    curated = datasets.values("wheat_imports", ["import_share_from_russia"])
    if not curated.empty:
        parts.append(curated.assign(panel=WHEAT_CURATED, partner="Russia", origin="curated"))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame()
    return _trade_live.ordered(in_years(pd.concat(parts, ignore_index=True), options))


def _trade_live_wheat() -> pd.DataFrame:
    rows = live_data.comtrade_imports("wheat")
    if rows.empty:
        return rows
    return rows.assign(
        value=rows["share"], unit="percent", indicator="share_of_wheat_imports", panel=WHEAT_LIVE
    )


def wdi_trade_data(options: dict) -> pd.DataFrame:
    rows = live_data.wdi(("TM.VAL.MRCH.CD.WT", "TX.VAL.MRCH.CD.WT", "NE.TRD.GNFS.ZS"))
    if rows.empty:
        return rows
    rows = rows.assign(
        panel=rows["unit"].map(
            {"US$ bn": N_("Merchandise trade, US$ bn"), "% of GDP": N_("Trade, % of GDP")}
        )
    )
    return in_years(rows, options)


CHARTS += [
    Chart(
        id="wheat_imports_by_partner",
        page="trade",
        title="Wheat imports: who supplies them",
        description=N_(
            "Each partner's share of the value of Armenia's wheat imports (HS 1001) per "
            "year from UN Comtrade, and the shares from Russia reported by Armenian officials and "
            "customs, in a separate panel."
        ),
        sources=("comtrade", "wheat_imports"),
        live=("comtrade",),
        data=wheat_data,
        figure=panels_by("partner", N_("No wheat import figures in this period")),
        options=TIME_OPTIONS,
        height=480,
        caveat=N_(
            "Comtrade shares are of import value; the curated shares are as the source "
            "states them (often of volume) — two measures, two panels. Wheat only, not all grain."
        ),
    ),
    Chart(
        id="merchandise_trade_wdi",
        page="trade",
        title="Armenia's merchandise trade and openness (World Bank)",
        description=N_(
            "Merchandise exports and imports in US$ billions, and trade in goods and "
            "services as a share of GDP, per year (World Development Indicators)."
        ),
        sources=("worldbank",),
        live=("worldbank",),
        data=wdi_trade_data,
        figure=panels_by("series", N_("No World Bank trade figures in this period")),
        options=TIME_OPTIONS,
        height=460,
    ),
]
