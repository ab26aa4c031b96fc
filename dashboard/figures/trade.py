"""Trade figures: partner shares from live statistics beside curated reports, each marked by
origin, with the trade caveats (gold re-exports, mirror statistics) drawn as notes.

Only `go.Scatter` traces; every untrusted string goes through `safe_text`.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import add_note, empty_figure, safe_text
from dashboard.figures.periods import hover_text, present, segment_trace, time_layout
from dashboard.figures.theme import OKABE_ITO, colour_for
from dashboard.i18n import N_

NOTE_FILL = "rgba(119,119,119,0.12)"
CITED_EN = "lang:en"  # an annotation whose text is cited English (see pp-charts.js)
LIVE_GROUP = N_("IMF IMTS, live (Armenia-reported)")
CURATED_GROUP = N_("Curated reports (period as published)")
# Legend order within each origin; unknown partners follow in the order they appear.
PARTNER_ORDER = ["russia", "eaeu", "eu", "iran", "china", "uae", "uae_hongkong", "georgia"]


def add_notes(fig: go.Figure, notes: pd.DataFrame, middle: pd.Timestamp | None = None) -> go.Figure:
    """Caveat rows (`title`, `start`, `end`) as a shaded span or a dotted line with a short
    label; the full title, description and source are in the label's hover. Labels right of
    `middle` (a date) hang to the left so they stay inside the plot."""
    if notes is None or notes.empty:
        return fig
    for index, (_, row) in enumerate(notes.sort_values("start").iterrows()):
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"])
        span: dict[str, Any] = {
            "xref": "x",
            "yref": "paper",
            "x0": start,
            "x1": max(start, end),
            "y0": 0,
            "y1": 1,
        }
        if end > start:
            fig.add_shape(
                type="rect", fillcolor=NOTE_FILL, line={"width": 0}, layer="below", **span
            )
        else:
            fig.add_shape(type="line", line={"dash": "dot", "color": OKABE_ITO["grey"]}, **span)
        keys = ("title", "description", "source_title")
        full = "<br>".join(safe_text(row.get(k)) for k in keys if present(row.get(k)))
        short = textwrap.shorten(str(row.get("title") or ""), 36, placeholder="…")
        right = middle is not None and start > pd.Timestamp(middle)
        # the label is the note's cited title: English unless a person wrote it in the page's
        # language (datasets.titles_in keeps the English one as title_en); pp-charts.js gives
        # an annotation named "lang:en" the attribute lang="en" (WCAG 3.1.2, language of parts)
        english = not present(row.get("title_en")) or row.get("title_en") == row.get("title")
        fig.add_annotation(
            x=start,
            y=1 - 0.09 * index,
            xref="x",
            yref="paper",
            text=safe_text(short),
            hovertext=full,
            showarrow=False,
            xanchor="right" if right else "left",
            yanchor="top",
            align="left",
            font={"size": 11, "color": "#333"},
            bgcolor="rgba(255,255,255,0.85)",
            name=CITED_EN if english else "",
        )
    return fig


def _live_trace(group: pd.DataFrame, colour: str) -> go.Scatter:
    """Annual live values as a line through mid-year points (hover names the year)."""
    group = group.sort_values("start")
    label = str(group["partner"].iloc[0])
    return go.Scatter(
        x=group["start"] + (group["end"] - group["start"]) / 2,
        y=group["value"],
        mode="lines+markers",
        name=safe_text(label),
        legendgroup="live",
        legendgrouptitle={"text": LIVE_GROUP},
        line={"color": colour, "width": 2},
        marker={"symbol": "circle", "size": 6},
        hovertext=[hover_text(r, label) for _, r in group.iterrows()],
        hoverinfo="text",
    )


def partner_shares(
    frame: pd.DataFrame,
    *,
    y_title: str = "% of Armenia's goods trade",
    empty: str = "No partner shares in this period",
) -> go.Figure:
    """Live annual shares as lines, curated figures as dotted segments over their own periods,
    each in a legend group naming its origin; `origin == "note"` rows become caveat notes."""
    if frame.empty or "origin" not in frame.columns:
        return empty_figure(empty)
    values = frame[frame["origin"] != "note"]
    if values.empty:
        return empty_figure(empty)
    legend = {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "groupclick": "toggleitem"}
    fig = go.Figure(layout=time_layout(y_title, legend=legend))
    found = list(dict.fromkeys(values["series"]))
    keys = sorted(found, key=lambda k: PARTNER_ORDER.index(k) if k in PARTNER_ORDER else 99)
    live = values[values["origin"] == "live"]
    for series in keys:
        group = live[live["series"] == series]
        if not group.empty:
            fig.add_trace(_live_trace(group, colour_for(str(series), keys.index(series))))
    curated = values[values["origin"] == "curated"]
    for series in keys:
        group = curated[curated["series"] == series]
        if group.empty:
            continue
        trace = segment_trace(
            group,
            name=str(group["partner"].iloc[0]),
            colour=colour_for(str(series), keys.index(series)),
            symbol="diamond",
            dash="dot",
            width=3,
            size=10,
            legendgroup="curated",
            legendgrouptitle={"text": CURATED_GROUP},
        )
        fig.add_trace(trace)
    if live.empty:
        add_note(
            fig,
            N_("No live IMF figures yet: curated reports only"),
            x=0,
            y=0,
            xanchor="left",
            yanchor="bottom",
        )
    notes = frame[frame["origin"] == "note"]
    if not notes.empty:  # headroom so the caveat labels sit above the data
        top = values.reindex(columns=["value", "value_max"]).max().max()
        fig.update_yaxes(range=[0, float(top) * (1.15 + 0.1 * len(notes))])
    middle = values["start"].min() + (values["end"].max() - values["start"].min()) / 2
    return add_notes(fig, notes, middle)
