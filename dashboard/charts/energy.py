"""Energy charts: gas imports by supplier, the gas border price, the electricity mix, and the
gas, nuclear-fuel and rail dependency timeline."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import live_data
from dashboard.charts.chart import Chart, panels_by
from dashboard.charts.event_layer import TIME_OPTIONS, in_years
from dashboard.data import datasets
from dashboard.figures import events as event_figures
from dashboard.figures import periods, timeseries
from dashboard.figures.theme import OKABE_ITO
from dashboard.i18n import N_, gettext, territory

SUPPLIERS = {"russia": "Russia", "iran": "Iran", "total": N_("Total")}
FULL_YEARS = N_("Full years, million m³")
PART_YEARS = N_("Part of a year (see each period), million m³")
# the electricity mix's series as timeseries.stacked_shares names them (trace names)
MIX_NAMES = (N_("Gas"), N_("Nuclear"), N_("Hydro"), N_("Solar"))


def gas_imports_data(options: dict) -> pd.DataFrame:
    """Import volumes by supplier, full calendar years and part-year figures in separate panels
    (one measure per panel; never a half-year beside a year on one axis)."""
    frame = datasets.values("gas_imports", ["gas_imports"], list(SUPPLIERS))
    frame = in_years(datasets.to_unit(frame, "million m3"), options)
    if frame.empty:
        return frame
    full = (frame["start"].dt.strftime("%m-%d") == "01-01") & (
        frame["end"].dt.strftime("%m-%d") == "12-31"
    )
    return frame.assign(
        supplier=frame["series"].map(SUPPLIERS),
        panel=full.map({True: FULL_YEARS, False: PART_YEARS}),
    )


def gas_price_data(options: dict) -> pd.DataFrame:
    frame = datasets.values("gas_prices", ["border_price"], ["russia", "iran"])
    return in_years(datasets.to_unit(frame, "USD per 1000 m3"), options)


def electricity_mix_data(options: dict) -> pd.DataFrame:
    frame = datasets.values("electricity_mix", ["generation_share"])
    frame = in_years(frame, options)
    if not frame.empty:
        frame["year"] = frame["start"].dt.year
        frame["mid_year"] = frame["start"] + pd.Timedelta(days=181)
    return frame


def dependency_events_data(options: dict) -> pd.DataFrame:
    frame = datasets.events(("energy_events", "rail_events"))
    return in_years(frame, options, start="when", end="when")


CHARTS = [
    Chart(
        id="gas_imports_by_supplier",
        page="energy",
        title="Gas imports by supplier",
        description=N_(
            "Natural gas imported from Russia and Iran and in total, in million cubic "
            "metres, each value drawn over the exact period its source reports."
        ),
        sources=("gas_imports",),
        data=gas_imports_data,
        figure=lambda f, o: periods.panels(
            f,
            panel="panel",
            group="supplier",
            colours={"Russia": OKABE_ITO["vermillion"], "Iran": OKABE_ITO["green"]},
            empty=N_("No gas import figures in this period"),
        ),
        options=TIME_OPTIONS,
        height=480,
        caveat=N_(
            "Each figure is drawn over the exact period its source reports; part-year "
            "figures have their own panel. No full-year volumes were found for 2023–2025 (see the "
            "curated data's gaps list)."
        ),
    ),
    Chart(
        id="gas_border_price",
        page="energy",
        title="Russian gas price at the Armenian border",
        description=N_(
            "Gazprom's border price for Armenia in US dollars per 1000 cubic metres, "
            "as a step from each effective date."
        ),
        sources=("gas_prices",),
        data=gas_price_data,
        figure=lambda f, o: timeseries.step_series(
            f, y_title=N_("US$ per 1000 m³"), empty=N_("No price figures in this period")
        ),
        options=TIME_OPTIONS,
    ),
    Chart(
        id="electricity_mix",
        page="energy",
        title="Electricity generation by source",
        description=N_(
            "Shares of Armenia's electricity generation from gas, nuclear, hydro and "
            "solar, per year (OWID / Ember)."
        ),
        sources=("electricity_mix",),
        data=electricity_mix_data,
        # Plotted at mid-year dates so the shared event layer lines up with it.
        figure=lambda f, o: timeseries.stacked_shares(
            f,
            x="mid_year",
            y="value",
            series="series",
            y_title=N_("% of generation"),
            order=["gas", "nuclear", "hydro", "solar"],
        ),
        options=TIME_OPTIONS,
        date_columns=("period_end",),
    ),
    Chart(
        id="energy_dependency_timeline",
        page="energy",
        title="Gas, nuclear fuel and rail: who holds what",
        description=N_(
            "Dated events in Gazprom's ownership of the gas network, the Iran "
            "gas-for-electricity swap, nuclear fuel contracts, Metsamor's life extension and the "
            "Russian Railways concession."
        ),
        sources=("energy_events", "rail_events"),
        data=dependency_events_data,
        figure=lambda f, o: event_figures.timeline(f, empty=N_("No events in this period")),
        options=TIME_OPTIONS[:2],
        date_columns=("date",),
    ),
]


# --- live: UN Comtrade HS 271121 / 840130 and World Bank WDI ------------------------------
GAS_PANELS = (N_("Value, US$ m"), N_("Volume, million m³ (from net weight)"))


def gas_comtrade_data(options: dict) -> pd.DataFrame:
    """Gas imports by partner from Comtrade: value, and volume where a net weight is given."""
    rows = live_data.comtrade_imports("gas")
    if rows.empty:
        return rows
    value = rows.assign(panel=GAS_PANELS[0])
    volume = rows[rows["volume_m3"].notna() & (rows["volume_m3"] > 0)]
    volume = volume.assign(
        panel=GAS_PANELS[1],
        value=volume["volume_m3"] / 1e6,
        unit="million m3",
        note=volume["note"] + "; " + live_data.M3_FACTOR_NOTE,
    )
    return in_years(pd.concat([value, volume], ignore_index=True), options)


BORDER_PRICE = N_("Russia: Gazprom border price (curated)")
IMPLIED = N_("%(partner)s: implied by Comtrade value ÷ volume")


def gas_unit_price_data(options: dict) -> pd.DataFrame:
    """US$ per 1000 m³ implied by Comtrade (value / volume) beside the curated border price."""
    rows = live_data.comtrade_imports("gas")
    parts = []
    if not rows.empty:
        rows = rows[rows["volume_m3"].notna() & (rows["volume_m3"] > 0)]
        parts.append(
            rows.assign(
                value=(rows["value_usd"] / (rows["volume_m3"] / 1000)).round(1),
                unit="USD per 1000 m3",
                label=rows["partner"].map(lambda p: IMPLIED % {"partner": p}),
                note=live_data.M3_FACTOR_NOTE,
            )
        )
    curated = datasets.to_unit(
        datasets.values("gas_prices", ["border_price"], ["russia"]), "USD per 1000 m3"
    )
    if not curated.empty:
        parts.append(curated.assign(label=BORDER_PRICE, origin="curated"))
    parts = [p for p in parts if not p.empty]
    return in_years(pd.concat(parts, ignore_index=True), options) if parts else pd.DataFrame()


def _unit_price_figure(frame: pd.DataFrame, options: dict) -> go.Figure:
    """The unit prices, their series named in the reader's language (`options["lang"]`): the
    implied-price label is one message with the partner's name in it, the partner a country."""
    lang = str(options.get("lang") or "en")
    if lang != "en" and not frame.empty and "label" in frame.columns:
        implied = frame["label"] != BORDER_PRICE
        words = gettext(lang, IMPLIED)
        partners = frame["partner"] if "partner" in frame.columns else frame["label"]
        named = partners.map(lambda p: words % {"partner": territory(lang, str(p))})
        frame = frame.assign(
            label=named.where(implied, gettext(lang, BORDER_PRICE)),
        )
    return periods.source_ranges(
        frame,
        group="label",
        y_title=N_("US$ per 1000 m³"),
        empty=N_("No gas prices in this period"),
    )


def nuclear_fuel_data(options: dict) -> pd.DataFrame:
    rows = live_data.comtrade_imports("nuclear_fuel")
    return in_years(rows.assign(panel=N_("Nuclear fuel elements (HS 840130), US$ m")), options)


def energy_dependence_data(options: dict) -> pd.DataFrame:
    rows = live_data.wdi(("EG.IMP.CONS.ZS", "TM.VAL.FUEL.ZS.UN"))
    return in_years(rows, options)


CHARTS += [
    Chart(
        id="gas_imports_comtrade",
        page="energy",
        title="Gas imports by partner (UN Comtrade)",
        description=N_(
            "Natural gas (HS 271121) imported by Armenia from each partner per year, as "
            "Armenia reports it to UN Comtrade: value in US$ millions, and volume in million cubic "
            "metres converted from net weight."
        ),
        sources=("comtrade",),
        live=("comtrade",),
        data=gas_comtrade_data,
        figure=panels_by("partner", N_("No Comtrade gas imports in this period")),
        options=TIME_OPTIONS,
        height=480,
        caveat=N_(
            "Volumes are converted from the net weight Comtrade reports at 1.36 m³ per kg "
            "(the Statistical Review of World Energy's approximate factor, 1 Mt LNG = 1.36 bcm); "
            "gas composition varies, so they are approximate. Customs values, not contract prices."
        ),
    ),
    Chart(
        id="gas_unit_price",
        page="energy",
        title="What Armenia pays for gas: implied unit price and the border price",
        description=N_(
            "US dollars per 1000 cubic metres implied by Comtrade's value divided by its "
            "volume, per partner and year, beside the Gazprom border price steps from the curated "
            "sources."
        ),
        sources=("comtrade", "gas_prices"),
        live=("comtrade",),
        data=gas_unit_price_data,
        figure=_unit_price_figure,
        options=TIME_OPTIONS,
        caveat=N_(
            "The implied price is a customs unit value (value ÷ converted volume), not the "
            "contract price; it includes whatever the declared value covers. The border price "
            "steps are officials' and Gazprom's statements."
        ),
    ),
    Chart(
        id="nuclear_fuel_imports",
        page="energy",
        title="Nuclear fuel imports by partner (UN Comtrade)",
        description=N_(
            "Fuel elements for nuclear reactors (HS 840130) imported by Armenia for the "
            "Metsamor plant, US$ millions per partner and year, as Armenia reports them."
        ),
        sources=("comtrade",),
        live=("comtrade",),
        data=nuclear_fuel_data,
        figure=panels_by("partner", N_("No nuclear fuel imports in this period")),
        options=TIME_OPTIONS,
        caveat=N_("Fuel is delivered in batches, so years without a delivery show nothing."),
    ),
    Chart(
        id="energy_import_dependence",
        page="energy",
        title="Energy import dependence (World Bank)",
        description=N_(
            "Net energy imports as a share of energy use, and fuel as a share of "
            "merchandise imports, per year (World Development Indicators)."
        ),
        sources=("worldbank",),
        live=("worldbank",),
        data=energy_dependence_data,
        figure=panels_by("series", N_("No World Bank figures in this period")),
        options=TIME_OPTIONS,
        height=440,
        caveat=N_("Two different denominators (energy use; merchandise imports): one panel each."),
    ),
]
