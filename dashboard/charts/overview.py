"""Overview charts: the exposure index, its sensitivity to the weights, the event timeline."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import exposure, live_data
from dashboard.charts.chart import Chart, panels_by
from dashboard.charts.event_layer import TIME_OPTIONS, in_years
from dashboard.charts.options import FROM_YEAR, TO_YEAR, Option, bounded_int
from dashboard.data import datasets
from dashboard.figures import events as event_figures
from dashboard.figures import index as index_figures
from dashboard.i18n import N_, gettext

WEIGHTS = tuple(
    Option(
        f"w_{c.id}",
        c.default_weight,
        parse=bounded_int(0, 100),
        label=f"Weight: {c.id}",
        widget="range",
        minimum=0,
        maximum=100,
    )
    for c in exposure.COMPONENTS
) + tuple(
    Option(
        f"w_{cid}",
        weight,
        parse=bounded_int(0, 100),
        label=f"Weight: {cid}",
        widget="range",
        minimum=0,
        maximum=100,
    )
    for cid, _label, weight, _dataset, _row in exposure.SOLE
)
LANES = {
    "upper_lars_events": N_("Upper Lars"),
    "border_clashes": N_("Border clashes"),
    "russian_presence": N_("Russian presence"),
    "euma_timeline": "EUMA",
    "energy_events": N_("Energy"),
    "rail_events": N_("Rail"),
    "trade_notes": N_("Trade"),
}


def _weights(table: pd.DataFrame, options: dict) -> pd.Series:
    return pd.Series({c: float(options.get(f"w_{c}", 0)) for c in table["component"]})


def index_data(options: dict) -> pd.DataFrame:
    table = exposure.components_table()
    if table.empty:
        return table
    weights = _weights(table, options)
    return table.assign(weight=table["component"].map(weights))


def index_figure(frame: pd.DataFrame, options: dict) -> go.Figure:
    if frame.empty:
        return index_figures.components(frame, float("nan"), str(options.get("lang", "en")))
    value = exposure.index_value(
        frame.set_index("component")["share"], frame.set_index("component")["weight"]
    )
    return index_figures.components(frame, value, str(options.get("lang", "en")))


def sensitivity_data(options: dict) -> pd.DataFrame:
    table = exposure.components_table()
    if table.empty:
        return pd.DataFrame(columns=["scenario", "index"])
    frame = exposure.sensitivity(table, _weights(table, options))
    return frame.assign(
        weights=";".join(f"{k}={options[k]}" for k in sorted(options)),
        derived_from=datasets.refs(table),
    )


def timeline_data(options: dict) -> pd.DataFrame:
    frame = in_years(datasets.events(tuple(LANES)), options, start="when", end="when")
    return frame.assign(lane=frame["dataset"].map(LANES)) if not frame.empty else frame


def _lanes_in(frame: pd.DataFrame, options: dict) -> pd.DataFrame:
    """The timeline's lane names in the reader's language (`options["lang"]`)."""
    lang = str(options.get("lang") or "en")
    if lang == "en" or frame.empty or "lane" not in frame.columns:
        return frame
    return frame.assign(lane=frame["lane"].map(lambda lane: gettext(lang, str(lane))))


CHARTS = [
    Chart(
        id="exposure_index",
        page="overview",
        title="Exposure index",
        description=N_(
            "How much of each lever depends on Russia (latest cited share), and the "
            "weighted mean of them: index = 100 × Σ wᵢxᵢ / Σ wᵢ. Move the weights to change it."
        ),
        sources=(
            "gas_imports",
            "trade_partners",
            "remittances",
            "wheat_imports",
            "energy_events",
            "rail_events",
        ),
        data=index_data,
        figure=index_figure,
        options=WEIGHTS,
        caveat=N_(
            "Shares come from different years and sources (see the data table); nuclear "
            "fuel and rail count as 100 % because one Russian state company supplies or runs them."
        ),
        date_columns=(),
    ),
    Chart(
        id="exposure_sensitivity",
        page="overview",
        title="How much the index depends on the weights",
        description=N_(
            "The index under your weights, equal weights, each component left out, and "
            "400 random weightings (Dirichlet draws, fixed seed)."
        ),
        sources=(
            "gas_imports",
            "trade_partners",
            "remittances",
            "wheat_imports",
            "energy_events",
            "rail_events",
        ),
        data=sensitivity_data,
        figure=lambda f, o: index_figures.sensitivity(f, str(o.get("lang", "en"))),
        options=WEIGHTS,
        date_columns=(),
        height=340,
    ),
    Chart(
        id="event_timeline",
        page="overview",
        title="What happened when",
        description=N_(
            "Every curated event — Upper Lars closures, border clashes, Russian "
            "handovers, gas and nuclear deals, EUMA mandates, rail and trade notes — on one "
            "timeline."
        ),
        sources=tuple(LANES),
        data=timeline_data,
        figure=lambda f, o: event_figures.timeline(
            _lanes_in(f, o), lane="lane", empty=N_("No events")
        ),
        options=(FROM_YEAR, TO_YEAR),
        date_columns=("date",),
        height=420,
    ),
]


# --- remittances: World Bank (live, balance of payments) beside the CBA's bank transfers ------
BOP_USD = N_("Personal remittances received (balance of payments), US$ bn")
BOP_GDP = N_("Personal remittances received, % of GDP")
BANKS = N_("Transfers through banks by country (CBA) — a different measure, US$ bn")
SENDERS = {
    "russia": N_("from Russia"),
    "total": N_("from all countries"),
    "usa": N_("from the USA"),
}


def remittances_data(options: dict) -> pd.DataFrame:
    """WDI personal remittances (US$ and % of GDP) and the curated bank-transfer rows by sending
    country, each measure in its own panel."""
    parts = []
    live = live_data.wdi(("BX.TRF.PWKR.CD.DT", "BX.TRF.PWKR.DT.GD.ZS"))
    if not live.empty:
        live = live.assign(
            panel=live["unit"].map({"US$ bn": BOP_USD, "% of GDP": BOP_GDP}),
            label=N_("World Bank WDI (live)"),
        )
        parts.append(live)
    bop = datasets.values(
        "remittances", ["remittances_pct_gdp"], ["total"], "bop_personal_remittances"
    )
    if not bop.empty:
        parts.append(bop.assign(panel=BOP_GDP, label=N_("World Bank (curated)"), origin="curated"))
    banks = datasets.to_unit(
        datasets.values("remittances", ["remittances_received"], list(SENDERS), "bank_transfers"),
        "USD bn",
    )
    if not banks.empty:
        parts.append(
            banks.assign(panel=BANKS, label=banks["series"].map(SENDERS), origin="curated")
        )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame()
    return in_years(pd.concat(parts, ignore_index=True), options)


CHARTS += [
    Chart(
        id="remittances",
        page="overview",
        title="Remittances: how much comes in, and how much from Russia",
        description=N_(
            "Personal remittances received by Armenia per year from the World Bank "
            "(balance of payments; US$ billions and % of GDP), and money transfers through banks "
            "by sending country as the Central Bank of Armenia reports them."
        ),
        sources=("worldbank", "remittances"),
        live=("worldbank",),
        data=remittances_data,
        figure=panels_by("label", N_("No remittance figures in this period")),
        options=TIME_OPTIONS,
        height=560,
        caveat=N_(
            "Two different measures: the World Bank's balance-of-payments personal "
            "remittances (all countries) and the CBA's transfers through banks (by sending "
            "country, which includes some non-remittance transfers). Only the bank transfers "
            "say how much comes from Russia; they are never added to or compared with the "
            "World Bank series."
        ),
    ),
]
