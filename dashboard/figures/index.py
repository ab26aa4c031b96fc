"""The exposure index: component shares with their weights, and the index under other weights."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import empty_figure, provenance_text, safe_text
from dashboard.figures.theme import OKABE_ITO, base_layout


def components(table: pd.DataFrame, index: float) -> go.Figure:
    """Each component's dependent share as a lollipop, marker size by weight; index on top."""
    if table.empty:
        return empty_figure("No component figures loaded yet")
    table = table.sort_values("share")
    fig = go.Figure(
        layout=base_layout(
            xaxis={"title": {"text": "share dependent on Russia (%)"}, "range": [0, 105]},
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
        text=f"<b>Exposure index: {label}</b>",
        x=0,
        y=1.08,
        xref="paper",
        yref="paper",
        showarrow=False,
        xanchor="left",
        font={"size": 15},
    )
    return fig


def sensitivity(frame: pd.DataFrame) -> go.Figure:
    """Random-weight draws as a strip, with named scenarios marked on the same axis."""
    frame = frame.dropna(subset=["index"])
    if frame.empty:
        return empty_figure("Set at least one weight above zero")
    draws = frame[frame["scenario"] == "random weights"]
    named = frame[frame["scenario"] != "random weights"].reset_index(drop=True)
    fig = go.Figure(
        layout=base_layout(
            xaxis={"title": {"text": "exposure index (0–100)"}, "range": [0, 100]},
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
            name=f"{len(draws)} random weightings",
            marker={"size": 5, "color": OKABE_ITO["sky"], "opacity": 0.5},
            hovertemplate="%{x:.1f}<extra>random weights</extra>",
        )
    )
    colours = [OKABE_ITO["vermillion"], OKABE_ITO["black"]] + [OKABE_ITO["grey"]] * len(named)
    fig.add_trace(
        go.Scatter(
            x=named["index"],
            y=[i + 1 for i in range(len(named))],
            mode="markers+text",
            text=named["scenario"].tolist(),
            textposition="middle right",
            name="named weightings",
            marker={"size": 10, "color": colours[: len(named)], "symbol": "diamond"},
            hovertemplate="%{text}: %{x:.1f}<extra></extra>",
        )
    )
    return fig
