"""EUMA figures (pure): cumulative patrols with the implied weekly rate, and reported border
lengths as horizontal lines (scatter only: the app ships no bar trace)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import empty_figure, provenance_text, safe_text
from dashboard.figures.theme import OKABE_ITO, base_layout
from dashboard.figures.timeseries import QUALIFIER
from dashboard.i18n import N_, gettext


def _label(series: str) -> str:
    return {"euma": "EUMA", "eumcap": N_("EUMCAP (2022 predecessor, own count)")}.get(
        series, series
    )


def patrols_figure(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    """Cumulative patrols (left axis) and the implied weekly rate per interval (right axis)."""
    lang = str((options or {}).get("lang", "en"))
    if frame.empty:
        return empty_figure(gettext(lang, "No reported patrol totals in this period"))
    fig = go.Figure(
        layout=base_layout(
            xaxis={"type": "date"},
            yaxis={"title": {"text": N_("patrols to date")}, "rangemode": "tozero"},
            yaxis2={
                "title": {"text": N_("implied patrols per week")},
                "overlaying": "y",
                "side": "right",
                "tickmode": "auto",
                "rangemode": "tozero",
                "showgrid": False,
            },
            margin={"l": 56, "r": 56, "t": 16, "b": 40},
        )
    )
    colours = {"euma": OKABE_ITO["blue"], "eumcap": OKABE_ITO["grey"]}
    for series, group in frame.groupby("series", sort=False):
        group = group.sort_values("end")
        hover = [
            f"<b>{safe_text(_label(str(series)))}</b>: "
            f"{QUALIFIER.get(r['qualifier'], '')}{r['value']:,.0f} patrols by "
            f"{r['end']:%d %b %Y}<br>{safe_text(r['reported_by'])} · "
            f"{safe_text(r['source_title'])}<br>{provenance_text(r)}"
            for _, r in group.iterrows()
        ]
        fig.add_trace(
            go.Scatter(
                x=group["end"],
                y=group["value"],
                mode="lines+markers",
                name=safe_text(
                    gettext(lang, "%(mission)s: patrols to date")
                    % {"mission": gettext(lang, _label(str(series)))}
                ),
                line={"color": colours.get(str(series), OKABE_ITO["black"]), "width": 3},
                marker={
                    "size": 8,
                    "symbol": ["circle-open" if d else "circle" for d in group["derived"]],
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
    rates = frame[frame["implied_per_week"].notna()].sort_values("end")
    xs: list = []
    ys: list = []
    hover = []
    for _, r in rates.iterrows():
        mark = "≈" if r["rate_qualifier"] else ""
        text = (
            f"<b>{mark}{r['implied_per_week']:,.1f} patrols a week</b> "
            f"({safe_text(_label(str(r['series'])))})<br>{safe_text(r['rate_from'])} to "
            f"{r['end']:%Y-%m-%d}: {r['patrols_since_previous']:,.0f} patrols in "
            f"{r['weeks_since_previous']:,.1f} weeks"
            + ("<br>an endpoint is approximate or a lower bound" if mark else "")
        )
        xs += [pd.Timestamp(r["rate_from"]), r["end"], None]
        ys += [r["implied_per_week"]] * 2 + [None]
        hover += [text, text, ""]
    if xs:
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                yaxis="y2",
                mode="lines",
                name=N_("implied patrols per week (right axis)"),
                line={"color": OKABE_ITO["orange"], "width": 3, "dash": "dash"},
                hovertext=hover,
                hoverinfo="text",
                connectgaps=False,
            )
        )
    return fig


def coverage_figure(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    """One horizontal line from 0 to each reported length (scatter: no bar trace is shipped)."""
    if frame.empty:
        lang = str((options or {}).get("lang", "en"))
        return empty_figure(gettext(lang, "No reported border lengths in the store yet"))
    labels = [safe_text(x) for x in frame["label"]]
    fig = go.Figure(
        layout=base_layout(
            xaxis={"title": {"text": "km"}, "rangemode": "tozero"},
            yaxis={
                "categoryorder": "array",
                "categoryarray": labels[::-1],
                "title": None,
                "automargin": True,
            },
            margin={"l": 16, "r": 40, "t": 16, "b": 40},
            showlegend=False,
        )
    )
    for label, (_, r) in zip(labels, frame.iterrows(), strict=True):
        observed = r["indicator"] == "border_length_observed"
        colour = (
            OKABE_ITO["grey"]
            if r["context"]
            else OKABE_ITO["blue"]
            if observed
            else OKABE_ITO["black"]
        )
        value = f"{QUALIFIER.get(r['qualifier'] or '', '')}{r['value']:,.0f} km"
        share = r.get("share_of_aze_border")
        text = (
            f"<b>{label}</b>: {value}"
            + (f" ({share:.0f} % of the Armenia–Azerbaijan line)" if pd.notna(share) else "")
            + f"<br>reported by {safe_text(r.get('reported_by'))}"
            + f"<br>{safe_text(r['source_title'])}<br>{provenance_text(r)}"
            + ("<br>context: not a border EUMA reports observing" if r["context"] else "")
        )
        fig.add_trace(
            go.Scatter(
                x=[0, r["value"]],
                y=[label, label],  # type: ignore[arg-type]  # plotly-stubs: y takes category labels, stub allows only numbers
                mode="lines+markers+text",
                line={"color": colour, "width": 6},
                marker={"size": [0, 12], "color": colour},
                text=["", safe_text(value)],
                textposition="middle right",
                cliponaxis=False,
                hovertext=[text, text],
                hoverinfo="text",
                name=label,
            )
        )
    return fig
