"""Event timelines: dated events in lanes by category, hover text escaped."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import EVENT_COLOURS, empty_figure, provenance_text, safe_text
from dashboard.figures.theme import SEQUENCE, base_layout


def timeline(
    events: pd.DataFrame, *, lane: str = "category", empty: str = "No events"
) -> go.Figure:
    """One marker per event on a lane per category (or per `lane` column)."""
    if events.empty:
        return empty_figure(empty)
    lanes = list(dict.fromkeys(events[lane]))
    labels = [str(name).replace("_", " ") for name in lanes]
    fig = go.Figure(
        layout=base_layout(
            xaxis={"type": "date"},
            yaxis={"categoryorder": "array", "categoryarray": labels[::-1], "title": None},
            margin={"l": 120, "r": 16, "t": 16, "b": 40},
            showlegend=False,
        )
    )
    for index, (name, label) in enumerate(zip(lanes, labels, strict=True)):
        group = events[events[lane] == name]
        hover = [
            f"<b>{safe_text(row['title'])}</b><br>{row['when']:%d %b %Y}"
            + (f" – {pd.Timestamp(row['end_date']):%d %b %Y}" if row.get("end_date") else "")
            + (
                f"<br>{row['value']:,.0f} {safe_text(row['unit'])}"
                if pd.notna(row.get("value"))
                else ""
            )
            + f"<br>{safe_text(row['source_title'])}<br>{provenance_text(row)}"
            for _, row in group.iterrows()
        ]
        fig.add_trace(
            go.Scatter(
                x=group["when"],
                y=[label] * len(group),  # type: ignore[arg-type]  # plotly-stubs: y takes category labels, stub allows only numbers
                mode="markers",
                name=str(name),
                hovertext=hover,
                hoverinfo="text",
                marker={
                    "size": 11,
                    "line": {"width": 1, "color": "#fff"},
                    "color": EVENT_COLOURS.get(str(name), SEQUENCE[index % len(SEQUENCE)]),
                },
            )
        )
    return fig
