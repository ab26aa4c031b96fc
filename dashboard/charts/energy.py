"""Energy charts: gas imports by supplier, the gas border price, the electricity mix, and the
gas, nuclear-fuel and rail dependency timeline."""

from __future__ import annotations

import pandas as pd

from dashboard.charts.chart import Chart
from dashboard.charts.event_layer import TIME_OPTIONS, in_years
from dashboard.data import datasets
from dashboard.figures import events as event_figures
from dashboard.figures import timeseries


def gas_imports_data(options: dict) -> pd.DataFrame:
    frame = datasets.values("gas_imports", ["gas_imports"], ["russia", "iran", "total"])
    return in_years(datasets.to_unit(frame, "million m3"), options)


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
        description="Natural gas imported from Russia and Iran and in total, in million cubic "
        "metres, each value drawn over the exact period its source reports.",
        sources=("gas_imports",),
        data=gas_imports_data,
        figure=lambda f, o: timeseries.period_values(
            f, y_title="million m³", empty="No gas import figures in this period"
        ),
        options=TIME_OPTIONS,
        caveat="Half-year figures are drawn as half-years; no full-year volumes were found "
        "for 2023–2025.",
    ),
    Chart(
        id="gas_border_price",
        page="energy",
        title="Russian gas price at the Armenian border",
        description="Gazprom's border price for Armenia in US dollars per 1000 cubic metres, "
        "as a step from each effective date.",
        sources=("gas_prices",),
        data=gas_price_data,
        figure=lambda f, o: timeseries.step_series(
            f, y_title="US$ per 1000 m³", empty="No price figures in this period"
        ),
        options=TIME_OPTIONS,
    ),
    Chart(
        id="electricity_mix",
        page="energy",
        title="Electricity generation by source",
        description="Shares of Armenia's electricity generation from gas, nuclear, hydro and "
        "solar, per year (OWID / Ember).",
        sources=("electricity_mix",),
        data=electricity_mix_data,
        # Plotted at mid-year dates so the shared event layer lines up with it.
        figure=lambda f, o: timeseries.stacked_shares(
            f,
            x="mid_year",
            y="value",
            series="series",
            y_title="% of generation",
            order=["gas", "nuclear", "hydro", "solar"],
        ),
        options=TIME_OPTIONS,
        date_columns=("period_end",),
    ),
    Chart(
        id="energy_dependency_timeline",
        page="energy",
        title="Gas, nuclear fuel and rail: who holds what",
        description="Dated events in Gazprom's ownership of the gas network, the Iran "
        "gas-for-electricity swap, nuclear fuel contracts, Metsamor's life extension and the "
        "Russian Railways concession.",
        sources=("energy_events", "rail_events"),
        data=dependency_events_data,
        figure=lambda f, o: event_figures.timeline(f, empty="No events in this period"),
        options=TIME_OPTIONS[:2],
        date_columns=("date",),
    ),
]
