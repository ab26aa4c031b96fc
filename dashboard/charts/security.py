"""Security charts: incident counts by source (each with its coverage caveat), a map of
incidents, curated clashes, EUMA bases and key places, and the Russian presence / withdrawal
timeline. The data side lives in `_incident_data`, the count figure in `figures.incidents`."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.chart import Chart
from dashboard.charts.event_layer import in_years as _in_years
from dashboard.charts.incident_data import (
    MAP_COLUMNS,
    by_country,
    clashes_layer,
    curated_counts,
    live_counts,
    live_incidents,
    places_layer,
    ucdp_layer,
)
from dashboard.charts.options import EVENTS, TO_YEAR, Option, year
from dashboard.data import datasets
from dashboard.figures import events as event_figures
from dashboard.figures import maps
from dashboard.figures.incidents import CURATED, LIVE_INCIDENTS, incident_counts
from dashboard.i18n import N_, gettext

FROM_1990 = Option("from", 1990, parse=year, label="From")
PER = Option(
    "per",
    "year",
    choices=("year", "month"),
    label="Count per",
    choice_labels=(("year", N_("year")), ("month", N_("month"))),
)
COUNTRY = Option(
    "country",
    "both",
    choices=("both", "Armenia", "Azerbaijan"),
    label="Country",
    choice_labels=(
        ("both", N_("both")),
        ("Armenia", N_("Armenia")),
        ("Azerbaijan", N_("Azerbaijan")),
    ),
)
KEY_PLACES = ("euma_hq", "euma_hub", "russian_base", "border_crossing", "airport")
PRESENCE_LANES = ("agreement", "deployment", "handover", "withdrawal", "statement", "exercise")

# what each incident source counts (the sources' coverage notes, written out whole so the
# caveat is one catalog message)
INCIDENTS_CAVEAT = N_(
    "The sources count different things. ACLED via HDX: ACLED political-violence events "
    "(battles, explosions/remote violence, violence against civilians) and reported fatalities,"
    " per month and province. ACLED's own aggregates; fatalities are conservative reported "
    "figures. Republished weekly on HDX; the latest month is partial until it closes. ACLED "
    "API: The same ACLED political-violence events, aggregated here to months from the "
    "credentialed API; raw events are never published. Only when ACLED credentials are set; "
    "otherwise the HDX aggregates stand in. Weekly ACLED releases; about a week behind. UCDP "
    "GED: Organised-violence events with at least one death (GED definition), one row per event"
    " with best-estimate deaths. where_prec 6-7 is a country-level location, not a place; "
    "candidate events with code_status other than Clear may still be revised or dropped. "
    "Candidate events monthly, about a month behind; the yearly GED each June. Periods inside a"
    " source's span with no row count as zero. The curated fallback counts distinct dates of "
    "the clashes, incursions and incidents in our own list, per year; it is a hand-picked list,"
    " not a complete count."
)


def incidents_by_source_data(options: dict) -> pd.DataFrame:
    """Live counts per source and period; the curated per-year count when no live rows."""
    table = by_country(live_incidents(), options)
    frame = live_counts(table, str(options.get("per", "year"))) if not table.empty else None
    if frame is None or frame.empty:
        frame = curated_counts(options)
    if frame.empty:
        return frame
    frame["start"] = pd.to_datetime(frame["period_start"])
    frame["end"] = pd.to_datetime(frame["period_end"])
    return _in_years(frame, options)


def incident_map_data(options: dict) -> pd.DataFrame:
    parts = [clashes_layer(options), ucdp_layer(options), places_layer(KEY_PLACES)]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MAP_COLUMNS)


def incident_map(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    notes = (
        []
        if (not frame.empty and (frame["layer"] == "ucdp").any())
        else [
            N_(
                "No UCDP GED events in the store for this view (not refreshed yet, or none in the "
                "period). ACLED is not mapped: it is published as monthly aggregates only."
            )
        ]
    )
    return maps.points_map(
        frame,
        empty=N_("No places or incidents to map yet"),
        notes=notes,
        layers=("clash", "ucdp", *KEY_PLACES),
        lang=str((options or {}).get("lang", "en")),
    )


def presence_data(options: dict) -> pd.DataFrame:
    frame = datasets.events(("russian_presence",))
    return _in_years(frame, options, start="when", end="when")


def presence_timeline(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    if frame.empty:
        lang = str((options or {}).get("lang", "en"))
        return event_figures.timeline(
            frame, empty=gettext(lang, "No Russian presence events in this period")
        )
    rank = {c: i for i, c in enumerate(PRESENCE_LANES)}
    ordered = frame.assign(_lane=frame["category"].map(lambda c: rank.get(c, len(rank))))
    return event_figures.timeline(ordered.sort_values(["_lane", "when"], kind="stable"))


TIME = (FROM_1990, TO_YEAR)
CHARTS = [
    Chart(
        id="incidents_by_source",
        page="security",
        title="Incidents over time, by source",
        description=N_(
            "Counts of conflict incidents involving Armenia and Azerbaijan per year or "
            "month from each incident source, drawn side by side and never added together; the "
            "curated list of notable clashes stands in while the live sources have no data."
        ),
        sources=(*LIVE_INCIDENTS, CURATED),
        live=("hdx_acled", "ucdp"),
        data=incidents_by_source_data,
        figure=incident_counts,
        options=(*TIME, EVENTS, PER, COUNTRY),
        caveat=INCIDENTS_CAVEAT,
        date_columns=("period_end",),
    ),
    Chart(
        id="incident_map",
        page="security",
        title="Map: incidents, curated clashes, EUMA bases and key places",
        description=N_(
            "Curated border clashes at their sourced location or the town they are "
            "reported at, UCDP GED events when present, EUMA headquarters and forward bases, the "
            "Russian base at Gyumri, border crossings and Zvartnots airport."
        ),
        sources=(CURATED, "ucdp", "places"),
        data=incident_map_data,
        figure=incident_map,
        options=(*TIME, COUNTRY),
        caveat=N_(
            "Open markers are town-centre points: the town named in the report or the "
            "gazetteer, not the exact site. Borders are Natural Earth's defaults, not a statement "
            "by this project. Rows without a sourced place are listed in the data table, not drawn."
        ),
        geo=True,
        height=520,
        date_columns=("date",),
    ),
    Chart(
        id="russian_presence_timeline",
        page="security",
        title="Russian border guards and bases: agreements, handovers, withdrawals",
        description=N_(
            "Dated agreements, deployments, handovers and withdrawals of Russian border "
            "guards and forces in Armenia since 1992, with related statements and exercises."
        ),
        sources=("russian_presence",),
        data=presence_data,
        figure=presence_timeline,
        options=TIME,
        date_columns=("date",),
    ),
]
