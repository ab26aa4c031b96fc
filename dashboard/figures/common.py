"""Pieces every figure uses: safe hover text, the empty state, the shared event overlay."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.theme import OKABE_ITO, base_layout

# Categories of the shared event layer and their marker colours.
EVENT_COLOURS = {
    "closure": OKABE_ITO["vermillion"],
    "weather_closure": OKABE_ITO["sky"],
    "reopening": OKABE_ITO["green"],
    "queue": OKABE_ITO["orange"],
    "clash": OKABE_ITO["vermillion"],
    "handover": OKABE_ITO["blue"],
    "withdrawal": OKABE_ITO["blue"],
    "agreement": OKABE_ITO["purple"],
    "price_change": OKABE_ITO["orange"],
    "mandate": OKABE_ITO["green"],
}
OVERLAY_CATEGORIES = tuple(EVENT_COLOURS)


def safe_text(text: object) -> str:
    """Escape an untrusted string for Plotly hover/annotation text (which renders some HTML).

    A leading `$` would make Plotly treat the string as LaTeX; a zero-width space defuses it.
    """
    out = html.escape(
        "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    )
    return "\u200b" + out if out.startswith("$") else out


def provenance_text(row: Mapping[str, Any] | pd.Series) -> str:
    """Escaped `confidence: high · accessed 2026-11-20` — or `· not re-checked` for a curated row
    whose page was not re-read, `· retrieved …` for a live row (the `checked` column)."""
    parts = []
    confidence = row.get("confidence")
    if isinstance(confidence, str) and confidence:
        parts.append(f"confidence: {safe_text(confidence)}")
    checked = row.get("checked")
    if isinstance(checked, str) and checked:
        parts.append(safe_text(checked))
    return " · ".join(parts)


def empty_figure(message: str, *, escaped: bool = False) -> go.Figure:
    """A figure that says why there is nothing to show (never a blank box or an error);
    `escaped`: the message is already escaped markup (links)."""
    fig = go.Figure(layout=base_layout())
    fig.add_annotation(
        text=message if escaped else safe_text(message),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 14, "color": "#555"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def no_live_data(
    fig: go.Figure,
    lines: list[str],
    *,
    replace: bool,
    see: str = "See Sources",
    href: str = "/sources",
) -> go.Figure:
    """Say which live sources have no data yet, with a link to /sources: the whole figure when
    nothing else is drawn (never an empty axis), else a note under the plot. `see` is the link's
    text (the caller passes it in the reader's language), `href` the page it opens."""
    text = "<br>".join(safe_text(line) for line in lines)
    link = f'<a href="{safe_text(href)}">{safe_text(see)}</a>'
    if replace:
        return empty_figure(f"{text}<br>{link}", escaped=True)
    return add_note(
        fig, f"{text} · {link}", x=0, y=-0.28, xanchor="left", yanchor="top", align="left"
    )


def add_note(
    fig: go.Figure, text: str, *, x: float, y: float, xanchor: str, yanchor: str, **extra: Any
) -> go.Figure:
    """A small grey note pinned to the plot area (`text` must already be escaped)."""
    fig.add_annotation(
        text=text,
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        xanchor=xanchor,
        yanchor=yanchor,
        showarrow=False,
        font={"size": 11, "color": "#555"},
        **extra,
    )
    return fig


def add_event_overlay(fig: go.Figure, events: pd.DataFrame) -> go.Figure:
    """Curated events as markers along the top of a time chart, one trace per category."""
    if events is None or events.empty:
        return fig
    events = events[events["category"].isin(OVERLAY_CATEGORIES)]
    fig.update_layout(
        yaxis9={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
    )
    for number, (category, group) in enumerate(events.groupby("category", sort=True)):
        hover = [
            f"<b>{safe_text(t)}</b><br>{d:%d %b %Y} · {safe_text(ds)}#{safe_text(r)}"
            for t, d, ds, r in zip(
                group["title"], group["when"], group["dataset"], group["row_id"], strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=group["when"],
                y=[0.97] * len(group),
                yaxis="y9",
                mode="markers",
                name="events (hover for details)",
                showlegend=number == 0,
                marker={
                    "symbol": "line-ns-open",
                    "size": 14,
                    "line": {"width": 2},
                    "color": EVENT_COLOURS[str(category)],
                },
                hovertext=hover,
                hoverinfo="text",
                legendgroup="events",
            )
        )
    return fig
