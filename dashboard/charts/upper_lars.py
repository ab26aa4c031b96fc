"""Upper Lars charts: the closure, queue and inspection log, throughput and capacity figures
(curated, cited), and how much of Armenia's trade depends on the route (shared with /trade)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from dashboard.charts.chart import Chart
from dashboard.charts.event_layer import TIME_OPTIONS, in_years
from dashboard.charts.options import Option
from dashboard.charts.trade import CHARTS as TRADE_CHARTS
from dashboard.data import datasets
from dashboard.figures import periods
from dashboard.figures import upper_lars as lars_figures
from dashboard.figures.theme import OKABE_ITO
from dashboard.i18n import N_

KINDS = {
    "all": None,
    "closures": ("closure", "weather_closure", "reopening", "restriction"),
    "queues": ("queue",),
    "checks": ("inspection", "restriction", "statement"),
}
SHOW = Option(
    "show",
    "all",
    choices=tuple(KINDS),
    label="Show",
    choice_labels=(
        ("all", N_("all")),
        ("closures", N_("closures")),
        ("queues", N_("queues")),
        ("checks", N_("checks")),
    ),
)

# (indicator, series) -> legend label, and a colour by meaning shared by both panels:
# observed flows blue, records and peaks orange, capacity green, planned capacity purple.
_BLUE, _SKY, _ORANGE, _RED, _GREEN, _PURPLE = (
    OKABE_ITO[c] for c in ("blue", "sky", "orange", "vermillion", "green", "purple")
)
THROUGHPUT = {
    ("trucks_per_day", "total"): (N_("Trucks per day, all (Russian customs)"), _BLUE),
    ("trucks_per_day", "armenia"): (N_("Armenian trucks per day"), _SKY),
    ("record_daily_crossings", "trucks"): (N_("Record daily truck crossings"), _ORANGE),
    ("capacity", "trucks"): (N_("Truck capacity"), _GREEN),
    ("planned_capacity", "trucks"): (N_("Planned truck capacity"), _PURPLE),
    ("average_daily_vehicles", "total"): (N_("Average vehicles per day"), _BLUE),
    ("peak_daily_vehicles", "total"): (N_("Peak vehicles per day"), _ORANGE),
    ("record_daily_crossings", "cars"): (N_("Record daily car crossings"), _RED),
    ("capacity", "total"): (N_("Vehicle capacity"), _GREEN),
    ("planned_capacity", "total"): (N_("Planned vehicle capacity"), _PURPLE),
}
THROUGHPUT_COLOURS = dict(THROUGHPUT.values())
PANELS = {"trucks per day": N_("Trucks per day"), "vehicles per day": N_("Vehicles per day")}


def events_data(options: dict) -> pd.DataFrame:
    """The Upper Lars log; an episode counts in every year it overlaps."""
    frame = datasets.events(("upper_lars_events",), KINDS.get(str(options.get("show"))))
    if frame.empty:
        return frame
    frame = frame.assign(until=lars_figures.episode_ends(frame))
    return in_years(frame, options, start="when", end="until").drop(columns="until")


def throughput_data(options: dict) -> pd.DataFrame:
    frame = datasets.values("upper_lars_throughput")
    if frame.empty:
        return frame
    keys = list(zip(frame["indicator"], frame["series"], strict=True))
    labels = [THROUGHPUT[k][0] if k in THROUGHPUT else None for k in keys]
    frame = frame.assign(measure=labels, panel=frame["unit"].map(PANELS))  # type: ignore[arg-type]  # pandas-stubs: list values may hold None
    frame = frame[frame["measure"].notna() & frame["panel"].notna()].reset_index(drop=True)
    return in_years(frame, options)


_ROUTE = next(c for c in TRADE_CHARTS if c.id == "upper_lars_route_share")

CHARTS = [
    Chart(
        id="upper_lars_events",
        page="upper_lars",
        title="Upper Lars: closures, queues and checks",
        description=N_(
            "Dated closures, weather closures, queues, inspections, reopenings and "
            "infrastructure changes at the Upper Lars crossing, one lane per kind; multi-day "
            "closures are drawn as bars and markers grow with the trucks or vehicles reported "
            "waiting."
        ),
        sources=("upper_lars_events",),
        data=events_data,
        figure=lambda f, o: lars_figures.closure_log(
            f, empty=N_("No Upper Lars events in this period"), lang=str(o.get("lang", "en"))
        ),
        options=(*TIME_OPTIONS[:2], SHOW),
        height=420,
        caveat=N_(
            "A log of reported episodes, not a complete record: small closures go unreported, "
            "and queue counts come from different authorities on different days."
        ),
        date_columns=("date",),
    ),
    Chart(
        id="upper_lars_throughput",
        page="upper_lars",
        title="Upper Lars throughput and capacity",
        description=N_(
            "Reported daily crossings, records and design capacity of the Upper Lars "
            "checkpoint, trucks and all vehicles in separate panels, each figure drawn on the "
            "date or period its source gives."
        ),
        sources=("upper_lars_throughput",),
        data=throughput_data,
        figure=lambda f, o: periods.panels(
            f,
            panel="panel",
            group="measure",
            colours=THROUGHPUT_COLOURS,
            empty=N_("No throughput figures in this period"),
        ),
        options=TIME_OPTIONS,
        height=480,
        caveat=N_(
            "Capacity figures are officials' statements, dated the day they spoke; some "
            "years are inferred from context (see each row's note)."
        ),
    ),
    dataclasses.replace(_ROUTE, id="upper_lars_trade_dependence", page="upper_lars"),
]
