"""EUMA charts: the mandate timeline, cumulative patrols with the implied weekly rate, the
mission's bases on the map, the border length it reports against the border itself, and the
modelled straight-line reach of its bases along the border (`coverage`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import coverage as cov
from dashboard.charts import coverage_math as cm
from dashboard.charts.chart import Chart
from dashboard.charts.event_layer import TIME_OPTIONS, in_years
from dashboard.charts.incident_data import MAP_COLUMNS, clashes_layer, places_layer
from dashboard.charts.options import Option, iso_day
from dashboard.data import datasets
from dashboard.figures import coverage as coverage_figures
from dashboard.figures import events as event_figures
from dashboard.figures import maps
from dashboard.figures.euma import coverage_figure, patrols_figure
from dashboard.i18n import N_, gettext

LAUNCH_ROW = "2023-02-20-euma-launch"  # euma_timeline row: launch, first patrol the same day
RATE_FORMULA = N_(
    "implied patrols per week = (P_i - P_i-1) / ((d_i - d_i-1) in days / 7), "
    "between consecutive reported totals P of the same mission"
)
BORDER_ORDER = ("armenia_azerbaijan", "armenia_turkey", "armenia_iran")
BORDER_LABEL = {
    "armenia_azerbaijan": N_("Armenia–Azerbaijan"),
    "armenia_turkey": N_("Armenia–Türkiye"),
    "armenia_iran": N_("Armenia–Iran"),
}


def mandate_data(options: dict) -> pd.DataFrame:
    return in_years(datasets.events(("euma_timeline",)), options, start="when", end="when")


def _launch_anchor() -> pd.DataFrame:
    """0 patrols on launch day, from the timeline row (the 5,000th-patrol report dates the first
    patrol to 20 Feb 2023); marked as derived."""
    timeline = datasets.curated("euma_timeline")
    row = timeline[timeline["row_id"] == LAUNCH_ROW] if not timeline.empty else timeline
    if row.empty:
        return pd.DataFrame()
    r = row.iloc[0]
    return pd.DataFrame(
        [
            {
                "series": "euma",
                "period_start": r["date"],
                "period_end": r["date"],
                "value": 0.0,
                "qualifier": "",
                "unit": "patrols",
                "reported_by": "derived: launch day",
                **{c: r[c] for c in datasets.PROVENANCE},
                "derived": True,
            }
        ]
    )


def patrols_data(options: dict) -> pd.DataFrame:
    """Reported cumulative patrols (EUMA, and its predecessor EUMCAP apart) with the implied
    weekly rate since the previous reported total of the same mission."""
    frame = datasets.values("euma_figures", ["patrols_cumulative"])
    if frame.empty:
        return frame
    frame = frame.assign(derived=False)
    anchor = _launch_anchor()
    if not anchor.empty:
        anchor = anchor.assign(
            start=pd.to_datetime(anchor["period_end"]), end=pd.to_datetime(anchor["period_end"])
        )
        frame = pd.concat([anchor, frame], ignore_index=True)
    frame["qualifier"] = frame["qualifier"].fillna("")
    frame = frame.sort_values(["series", "end"], kind="stable").reset_index(drop=True)
    previous = frame.groupby("series")[["end", "value", "qualifier"]].shift(1)
    weeks = (frame["end"] - previous["end"]).dt.days / 7
    frame["rate_from"] = previous["end"].dt.date.astype("string")
    frame["weeks_since_previous"] = weeks.round(1)
    frame["patrols_since_previous"] = frame["value"] - previous["value"]
    frame["implied_per_week"] = (frame["patrols_since_previous"] / weeks.where(weeks > 0)).round(1)
    approx = (frame["qualifier"] != "") | (previous["qualifier"].fillna("") != "")
    frame["rate_qualifier"] = approx.map({True: "approx", False: ""}).where(
        frame["implied_per_week"].notna(), ""
    )
    frame = frame.drop(columns=[c for c in ("value_max", "indicator") if c in frame.columns])
    return in_years(frame, options).sort_values(["end", "series"]).reset_index(drop=True)


def euma_map_data(options: dict) -> pd.DataFrame:
    """EUMA headquarters and bases, each with the timeline events reported at it."""
    frame = places_layer(("euma_hq", "euma_hub"))
    timeline = datasets.curated("euma_timeline")
    if frame.empty or timeline.empty:
        return frame
    at_place = timeline[timeline["place_id"].isin(frame["row_id"])].sort_values("date")
    events = at_place.groupby("place_id")[["date", "title"]].apply(
        lambda g: "; ".join(f"{d}: {t}" for d, t in zip(g["date"], g["title"], strict=True))
    )
    cited = at_place.groupby("place_id")[["dataset", "row_id", "version"]].apply(datasets.refs)
    frame["derived_from"] = frame["row_id"].map(cited).fillna("")
    reported = frame["row_id"].map(events)
    frame["detail"] = [
        "; ".join(x for x in (r, n) if isinstance(x, str) and x)
        for r, n in zip(reported, frame["detail"], strict=True)
    ]
    return frame


def euma_map(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    return maps.points_map(
        frame,
        empty=N_("No EUMA bases in the store yet"),
        notes=[
            N_(
                "EUMA does not publish base coordinates: each point is "
                "the town the base is named after."
            )
        ],
        layers=("euma_hq", "euma_hub"),
        lang=str((options or {}).get("lang", "en")),
    )


def coverage_data(options: dict) -> pd.DataFrame:
    """Reported border lengths in km; EUMA's own figure with its share of the border line."""
    frame = datasets.values("euma_figures", ["border_length", "border_length_observed"])
    frame = datasets.to_unit(frame, "km")
    if frame.empty:
        return frame
    observed = frame["indicator"] == "border_length_observed"
    frame["label"] = [
        (f"EUMA: border observed ({e:%Y})" if o else f"{BORDER_LABEL.get(s, s)} border ({e:%Y})")
        for o, s, e in zip(observed, frame["series"], frame["end"], strict=True)
    ]
    frame["context"] = ~frame["series"].eq("armenia_azerbaijan")
    line = frame[
        (frame["indicator"] == "border_length") & (frame["series"] == "armenia_azerbaijan")
    ]["value"]
    frame["share_of_aze_border"] = (
        (frame["value"] / line.iloc[0] * 100).round(1).where(observed) if not line.empty else None
    )
    rank = {s: i for i, s in enumerate(BORDER_ORDER)}
    frame["_order"] = frame["series"].map(lambda s: rank.get(s, 9)) * 2 + (~observed)
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def border_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    """`coverage_data`'s labels in `lang` (whole messages, so each language orders the words)."""
    return [
        gettext(lang, "EUMA: border observed (%(year)s)") % {"year": f"{e:%Y}"}
        if i == "border_length_observed"
        else gettext(lang, "%(border)s border (%(year)s)")
        % {"border": gettext(lang, BORDER_LABEL.get(s, s)), "year": f"{e:%Y}"}
        for i, s, e in zip(frame["indicator"], frame["series"], frame["end"], strict=True)
    ]


def coverage_chart(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    """`coverage_figure` with the labels in the reader's language (English: as built)."""
    lang = str((options or {}).get("lang", "en"))
    if lang != "en" and not frame.empty:
        frame = frame.assign(label=border_labels(frame, lang))
    return coverage_figure(frame, options)


SEGMENT = Option(
    "segment",
    cm.ALL,
    choices=(cm.ALL, cm.EASTERN, cm.NAKHCHIVAN, cm.EXCLAVES),
    label="Border segment",
    choice_labels=(
        (cm.ALL, N_("all")),
        (cm.EASTERN, N_("eastern")),
        (cm.NAKHCHIVAN, N_("nakhchivan")),
        (cm.EXCLAVES, N_("exclaves")),
    ),
)
WITHIN = Option(
    "d", "15", choices=tuple(str(int(d)) for d in cm.DISTANCES_KM if d), label="Within km"
)
LATEST = "latest"
ON_DATE = Option(
    "on",
    LATEST,
    parse=lambda text: LATEST if text == LATEST else iso_day(text),
    label="Bases open on (YYYY-MM-DD; empty: the latest)",
)
COVERAGE_COLUMNS = [
    "date",
    "segment",
    "distance_km",
    "share",
    "border_km_within",
    "border_km",
    "longest_uncovered_km",
    "bases_open",
    "bases",
    "derived_from",
    "bases_source_urls",
    "accessed",
    "geometry_source",
    "geometry_url",
    "geometry_sha256",
]


def border_coverage_data(options: dict) -> pd.DataFrame:
    """Share of the border line within d km (0–50) of an EUMA base open on each date a base
    opened or closed, for one segment, with the rows behind the bases and the geometry."""
    table = cov.coverage().table
    if table.empty:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    rows = table[table["segment"] == options.get("segment", cm.ALL)]
    rows = rows.assign(
        share=rows["share"].round(4),
        border_km_within=rows["border_km_within"].round(1),
        border_km=rows["border_km"].round(1),
        longest_uncovered_km=rows["longest_uncovered_km"].round(1),
    )
    return rows[COVERAGE_COLUMNS].reset_index(drop=True)


def _clash_distances(clashes: pd.DataFrame, bases: pd.DataFrame, d_km: float) -> pd.DataFrame:
    """Each mapped clash with the distance to the nearest base open on its date."""
    near, name = [], []
    for _, row in clashes.iterrows():
        if pd.isna(row["lat"]) or pd.isna(row["lon"]) or not row["date"]:
            near.append(math.nan)
            name.append("")
            continue
        km, base = cm.point_nearest_km(
            float(row["lat"]), float(row["lon"]), bases, pd.Timestamp(row["date"])
        )
        near.append(km)
        name.append(base)
    out = clashes.assign(nearest_km=near, nearest_base=name)
    status = [
        "no sourced point"
        if pd.isna(k)
        else "no base open yet"
        if math.isinf(k)
        else f"{k:,.0f} km from {b}" + (f" (within {d_km:.0f} km)" if k <= d_km else "")
        for k, b in zip(out["nearest_km"], out["nearest_base"], strict=True)
    ]
    out["detail"] = [
        "; ".join(x for x in (str(d or ""), s) if x)
        for d, s in zip(out["detail"], status, strict=True)
    ]
    return out


def border_map_data(options: dict) -> pd.DataFrame:
    """The border pieces with their distance to the nearest base open on the chosen date, the bases
    open then, and the curated clashes with the distance to the nearest base open on their date."""
    coverage = cov.coverage()
    if coverage.table.empty:
        return pd.DataFrame(columns=[*MAP_COLUMNS, "nearest_km", "nearest_base"])
    day = pd.Timestamp(options["on"]) if options.get("on", LATEST) != LATEST else None
    chosen, nearest = cov.on_date(coverage, day)
    open_now = cm.open_on(coverage.bases, chosen)
    geo = cov.geometry()
    samples = geo.samples
    names = open_now["name"].to_numpy()
    # nearest base name per piece
    base_km = np.stack(
        [
            cm.nearest_km(samples.lon, samples.lat, [lon], [lat])
            for lat, lon in zip(open_now["lat"], open_now["lon"], strict=True)
        ]
    )
    border = pd.DataFrame(
        {
            "layer": "border",
            "name": "Armenia–Azerbaijan border (Natural Earth 1:50m)",
            "lat": samples.lat.round(5),
            "lon": samples.lon.round(5),
            "coord_precision": "approx",
            "nearest_km": nearest.round(2),
            "nearest_base": names[base_km.argmin(axis=0)] if len(names) else "",
            "segment": samples.segment,
            "segment_label": [cm.SEGMENT_LABELS[s] for s in samples.segment],
            "line": samples.line,
            "closed": [samples.closed[int(n)] for n in samples.line],
            "date": str(chosen.date()),
            "derived_from": ";".join(open_now["derived_from"]),
            "source_url": cov.GEOMETRY_URL,
            "source_title": cov.GEOMETRY_SOURCE,
            **cov.geometry_provenance(),
        }
    )
    places = places_layer(cov.BASE_KINDS)
    places = places[places["row_id"].isin(open_now["place_id"])]
    places = places.assign(
        detail=[
            f"open since {o:%d %b %Y}"
            for o in open_now.set_index("place_id").loc[places["row_id"], "opened"]
        ]
    )
    clashes = _clash_distances(clashes_layer({}), coverage.bases, float(options.get("d", 15)))
    frame = pd.concat([border, places, clashes], ignore_index=True)
    frame["version"] = frame["version"].astype("Int64")
    return frame


def border_map(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    options = options or {}
    d_km = float(options.get("d", 15))
    notes = []
    if not frame.empty:
        clashes = frame[frame["layer"] == "clash"]
        with_base = clashes[np.isfinite(clashes["nearest_km"].astype(float))]
        within = int((with_base["nearest_km"].astype(float) <= d_km).sum())
        border = frame[frame["layer"] == "border"]
        on = border["date"].iloc[0] if not border.empty else ""
        lang = str(options.get("lang", "en"))
        notes = [
            gettext(
                lang,
                "Border coloured by distance to the nearest EUMA base open on %(on)s. "
                "Of %(mapped)s mapped clashes after EUMA's first base opened, %(within)s were "
                "within %(km)s km of a base open that day; "
                "%(other)s had no base open yet or no sourced point.",
            )
            % {
                "on": on,
                "mapped": len(with_base),
                "within": within,
                "km": f"{d_km:.0f}",
                "other": len(clashes) - len(with_base),
            },
            coverage_figures.REACH,
        ]
    return coverage_figures.border_distance_map(
        frame, {"notes": notes, "lang": options.get("lang", "en")}
    )


CHARTS = [
    Chart(
        id="euma_mandate_timeline",
        page="euma",
        title="EU monitors in Armenia: mandate, bases, milestones",
        description=N_(
            "Dated decisions, deployments and statements of the EU Monitoring Capacity "
            "(2022) and the EU Mission in Armenia since 2023, by kind."
        ),
        sources=("euma_timeline",),
        data=mandate_data,
        figure=lambda f, o: event_figures.timeline(
            f, empty=gettext(str(o.get("lang", "en")), "No EUMA events in this period")
        ),
        options=TIME_OPTIONS[:2],
        date_columns=("date",),
    ),
    Chart(
        id="euma_patrols",
        page="euma",
        title="EUMA patrols to date and the implied weekly rate",
        description=N_(
            "Cumulative patrols as reported by the mission and EU officials, with the "
            "average number of patrols a week implied between each pair of reported totals."
        ),
        sources=("euma_figures", "euma_timeline"),
        data=patrols_data,
        figure=patrols_figure,
        options=TIME_OPTIONS,
        caveat=N_(
            "The weekly rate is ours, not EUMA's: %(formula)s. The first interval starts "
            "from 0 on launch day (20 Feb 2023, open marker), when the first patrol was reported. "
            "A rate is marked ≈ when either total is approximate or a lower bound (e.g. 'over "
            "300'). EUMCAP's 176 patrols in 2022 were a separate mission and are not added to "
            "EUMA's count."
        ),
        caveat_args={"formula": RATE_FORMULA},
    ),
    Chart(
        id="euma_map",
        page="euma",
        title="Map: EUMA headquarters and forward operating bases",
        description=N_(
            "EUMA's headquarters and forward operating bases in Yeghegnadzor, Jermuk, "
            "Goris, Kapan, Martuni and Ijevan, with the timeline events reported at each."
        ),
        sources=("places", "euma_timeline"),
        data=euma_map_data,
        figure=euma_map,
        caveat=N_(
            "Open markers are town-centre points: EUMA does not publish where its bases are."
        ),
        geo=True,
        height=480,
        date_columns=(),
    ),
    Chart(
        id="euma_coverage",
        page="euma",
        title="Reported km: the border EUMA says it observes, against the border's length",
        description=N_(
            "The head of mission's 'nearly 1,000 km' of observed border beside the "
            "1,007 km Armenia–Azerbaijan border; Armenia's borders with Türkiye and Iran for scale."
        ),
        sources=("euma_figures",),
        data=coverage_data,
        figure=coverage_chart,
        caveat=N_(
            "EUMA's figure is a round number from an interview, not a measured length of "
            "patrolled border; estimates of the Armenia–Azerbaijan border run 996–1,007 km. The "
            "distance the monitors drive (over 3,800 km a week in 2023) is another measure and is "
            "not shown here."
        ),
    ),
    Chart(
        id="euma_border_coverage",
        page="euma",
        title="How much of the border is within reach of an EUMA base",
        description=N_(
            "Share of the Armenia–Azerbaijan border line within 5 to 50 km, in a straight "
            "line, of an EUMA base open at the time, from each date a base opened; the longest "
            "stretch beyond each distance is in the hover and the data."
        ),
        sources=("places", "euma_timeline"),
        data=border_coverage_data,
        figure=coverage_figures.coverage_over_time,
        options=(SEGMENT,),
        caveat=N_(
            "Straight-line reach from the town each base is named after: not patrol routes, "
            "roads, terrain or line of sight, and not what the monitors actually saw. The "
            "reported patrol counts are in the chart above. Natural Earth's 1:50m line is "
            "generalised (a few dozen vertices per segment), so it cuts every bend of the "
            "surveyed border: it measures about %(km)s km against the ~1,000 km (996–1,007 km) "
            "cited for the Armenia–Azerbaijan border. Shares are of the generalised line. Bases "
            "opened on the dates of the euma_timeline rows of category base_opened; Goris, Jermuk "
            "and Martuni are dated to the launch (20 Feb 2023) because no opening day is "
            "published."
        ),
        caveat_args={"km": f"{cov.geometry().segment_km[cm.ALL]:,.0f}"},
        date_columns=("date",),
    ),
    Chart(
        id="euma_border_map",
        page="euma",
        title="Map: the border by distance to the nearest EUMA base, with the clashes",
        description=N_(
            "The Armenia–Azerbaijan border coloured by straight-line distance to the "
            "nearest EUMA base open on the chosen date, the bases open then, and the curated "
            "clashes with how many fell within the chosen distance of a base open on their day."
        ),
        sources=("places", "euma_timeline", "border_clashes"),
        data=border_map_data,
        figure=border_map,
        options=(ON_DATE, WITHIN),
        caveat=N_(
            "Straight-line reach from the town each base is named after: not patrol routes, "
            "roads, terrain or line of sight, and not what the monitors actually saw. Base and "
            "clash points are town centres where no exact point is published."
        ),
        geo=True,
        height=520,
        date_columns=("date",),
    ),
]
