"""EUMA border coverage figures (pure): the share of the border within d km of a base over time,
and the map of the border coloured by the distance to the nearest base, clashes on top."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import maps
from dashboard.figures.common import empty_figure, safe_text
from dashboard.figures.maps import add_notes
from dashboard.figures.theme import OKABE_ITO, base_layout
from dashboard.i18n import N_, gettext

SHOWN_KM = (5.0, 10.0, 15.0, 20.0, 30.0, 50.0)
REACH = N_("Straight-line reach from each base's town: not patrol routes or line of sight.")
# distance bins for the map (km): near is dark blue, far is vermillion; colour-blind safe
BINS = (
    (0.0, 10.0, "#08306b", N_("≤ 10 km")),
    (10.0, 20.0, OKABE_ITO["blue"], N_("10–20 km")),
    (20.0, 30.0, OKABE_ITO["sky"], N_("20–30 km")),
    (30.0, 50.0, OKABE_ITO["orange"], N_("30–50 km")),
    (50.0, float("inf"), OKABE_ITO["vermillion"], N_("over 50 km")),
)
_SHADES = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]


def coverage_over_time(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    """Step lines: share of the border within d km of an open base, from each change date on."""
    lang = str((options or {}).get("lang", "en"))
    if frame.empty:
        return empty_figure(gettext(lang, "No EUMA bases with opening dates in the store yet"))
    fig = go.Figure(
        layout=base_layout(
            xaxis={"type": "date"},
            yaxis={"title": {"text": N_("share of the border line")}, "tickformat": ".0%"},
            yaxis_range=[0, 1.02],
            margin={"l": 56, "r": 16, "t": 16, "b": 40},
            legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        )
    )
    end = pd.Timestamp((options or {}).get("today") or pd.Timestamp.today().normalize())
    for shade, d in zip(_SHADES, SHOWN_KM, strict=True):
        rows = frame[frame["distance_km"] == d].sort_values("date")
        if rows.empty:
            continue
        xs = [*rows["date"], max(end, rows["date"].max())]
        ys = [*rows["share"], rows["share"].iloc[-1]]
        hover = [
            f"<b>{r['share']:.0%} within {d:.0f} km</b> of a base from {r['date']:%d %b %Y}<br>"
            f"{r['border_km_within']:,.0f} of {r['border_km']:,.0f} km; longest stretch beyond "
            f"{d:.0f} km: {r['longest_uncovered_km']:,.0f} km<br>{r['bases_open']} bases open: "
            f"{safe_text(r['bases'])}"
            for _, r in rows.iterrows()
        ]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                line={"shape": "hv", "color": shade, "width": 3},
                marker={"size": [7] * len(rows) + [0]},
                name=gettext(lang, "within %(km)s km") % {"km": f"{d:.0f}"},
                hovertext=[*hover, hover[-1]],
                hoverinfo="text",
            )
        )
    add_notes(fig, [gettext(lang, REACH)], width=64)
    return fig


def _bin_of(km: np.ndarray) -> np.ndarray:
    out = np.zeros(km.size, dtype=int)
    for index, (low, _high, _c, _l) in enumerate(BINS):
        out[km > low] = index
    return out


def border_distance_map(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    """The border line coloured by distance to the nearest open base (rows of layer `border`, in
    order along each `line`), with the bases and the clashes as points on top."""
    lang = str((options or {}).get("lang", "en"))
    if frame.empty:
        return empty_figure(gettext(lang, "No EUMA bases with opening dates in the store yet"))
    border = frame[frame["layer"] == "border"]
    points = frame[frame["layer"] != "border"].copy()
    options = options or {}
    notes = [str(n) for n in (options.get("notes") or [])]
    fig = maps.points_map(points, notes=notes, layers=("euma_hq", "euma_hub", "clash"), lang=lang)
    base_traces = list(fig.data[:2])
    point_traces = list(fig.data[2:])
    lines = []
    bins = _bin_of(border["nearest_km"].to_numpy(float))
    for index, (_low, _high, colour, label) in enumerate(BINS):
        lat: list = []
        lon: list = []
        text: list = []
        for _, group in border.assign(bin=bins).groupby("line", sort=False):
            closed = bool(group["closed"].iloc[0])
            flags = (group["bin"] == index).to_numpy()
            if closed and flags.all():
                group = pd.concat([group, group.head(1)])
                flags = np.append(flags, True)
            run_lat: list = []
            run_lon: list = []
            run_text: list = []
            for flag, (_, r) in zip(flags, group.iterrows(), strict=True):
                if flag:
                    run_lat.append(r["lat"])
                    run_lon.append(r["lon"])
                    km = r["nearest_km"]
                    where = f"{km:,.0f} km from {safe_text(r['nearest_base'])}"
                    run_text.append(
                        (where if np.isfinite(km) else "no base open")
                        + f"<br>{safe_text(r['segment_label'])}"
                    )
                elif run_lat:  # close the run at this piece, so bins meet without a gap
                    run_lat.append(r["lat"])
                    run_lon.append(r["lon"])
                    run_text.append(run_text[-1])
                    lat += [*run_lat, None]
                    lon += [*run_lon, None]
                    text += [*run_text, ""]
                    run_lat, run_lon, run_text = [], [], []
            if run_lat:
                lat += [*run_lat, None]
                lon += [*run_lon, None]
                text += [*run_text, ""]
        if not lat:
            continue
        lines.append(
            go.Scattergeo(
                lat=lat,
                lon=lon,
                mode="lines",
                line={"color": colour, "width": 4},
                name=gettext(lang, "border %(distance)s from a base")
                % {"distance": gettext(lang, label)},
                hovertext=text,
                hoverinfo="text",
                connectgaps=False,
            )
        )
    ordered = go.Figure(layout=fig.layout)
    for trace in [*base_traces, *lines, *point_traces]:
        ordered.add_trace(trace)
    return ordered
