"""The exposure index: component shares with their weights, and the index under other weights."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import empty_figure, provenance_text, safe_text
from dashboard.figures.theme import OKABE_ITO, base_layout
from dashboard.i18n import N_, gettext

# the named weightings of exposure.sensitivity, each a whole message
SCENARIOS = (
    N_("your weights"),
    N_("equal weights"),
    N_("without gas"),
    N_("without trade"),
    N_("without remittances"),
    N_("without wheat"),
    N_("without nuclear"),
    N_("without rail"),
)


def components(table: pd.DataFrame, index: float, lang: str = "en") -> go.Figure:
    """Each component's dependent share as a lollipop, marker size by weight; index on top.
    The words in `lang` (component labels are catalog messages)."""
    if table.empty:
        return empty_figure(N_("No component figures loaded yet"))
    table = table.sort_values("share")
    table = table.assign(label=table["label"].map(lambda label: gettext(lang, str(label))))
    fig = go.Figure(
        layout=base_layout(
            xaxis={"title": {"text": N_("share dependent on Russia (%)")}, "range": [0, 105]},
            yaxis={"automargin": True},
            showlegend=False,
            margin={"l": 8, "r": 16, "t": 40, "b": 40},
        )
    )
    for _, row in table.iterrows():
        fig.add_trace(
            go.Scatter(
                x=[0, row["share"] * 100],
                y=[row["label"]] * 2,
                mode="lines",
                line={"color": "#bbb", "width": 2},
                hoverinfo="skip",
            )
        )
    hover = [
        f"<b>{safe_text(r['label'])}</b>: {r['share'] * 100:.0f} % · weight "
        f"{r['weight']:g}<br>{safe_text(r['period'])}<br>{safe_text(r['source_title'])}"
        f"<br>{provenance_text(r)}"
        for _, r in table.iterrows()
    ]
    fig.add_trace(
        go.Scatter(
            x=table["share"] * 100,
            y=table["label"],
            mode="markers+text",
            text=[f"w {w:g}" for w in table["weight"]],
            textposition="middle left",
            marker={"size": [8 + w / 4 for w in table["weight"]], "color": OKABE_ITO["vermillion"]},
            hovertext=hover,
            hoverinfo="text",
        )
    )
    label = "—" if pd.isna(index) else f"{index:.0f} / 100"
    fig.add_annotation(
        text="<b>" + gettext(lang, "Exposure index: %(value)s") % {"value": label} + "</b>",
        x=0,
        y=1.08,
        xref="paper",
        yref="paper",
        showarrow=False,
        xanchor="left",
        font={"size": 15},
    )
    return fig


def sensitivity(frame: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Random-weight draws as a strip, with named scenarios marked on the same axis; the words
    in `lang`."""
    frame = frame.dropna(subset=["index"])
    if frame.empty:
        return empty_figure(N_("Set at least one weight above zero"))
    draws = frame[frame["scenario"] == "random weights"]
    named = frame[frame["scenario"] != "random weights"].reset_index(drop=True)
    fig = go.Figure(
        layout=base_layout(
            xaxis={"title": {"text": N_("exposure index (0–100)")}, "range": [0, 100]},
            yaxis={"visible": False, "range": [-1, len(named) + 1]},
            showlegend=True,
        )
    )
    jitter = [((i * 37) % 100) / 100 - 0.5 for i in range(len(draws))]
    fig.add_trace(
        go.Scatter(
            x=draws["index"],
            y=jitter,
            mode="markers",
            name=gettext(lang, "%(n)s random weightings") % {"n": len(draws)},
            marker={"size": 5, "color": OKABE_ITO["sky"], "opacity": 0.5},
            hovertemplate="%{x:.1f}<extra>" + gettext(lang, "random weights") + "</extra>",
        )
    )
    colours = [OKABE_ITO["vermillion"], OKABE_ITO["black"]] + [OKABE_ITO["grey"]] * len(named)
    fig.add_trace(
        go.Scatter(
            x=named["index"],
            y=[i + 1 for i in range(len(named))],
            mode="markers+text",
            text=[gettext(lang, str(name)) for name in named["scenario"]],
            textposition="middle right",
            name=N_("named weightings"),
            marker={"size": 10, "color": colours[: len(named)], "symbol": "diamond"},
            hovertemplate="%{text}: %{x:.1f}<extra></extra>",
        )
    )
    return fig
