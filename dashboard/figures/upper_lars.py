"""The Upper Lars log as a figure: one lane per kind of event, closures with an end date drawn
as spans, markers sized by the trucks or vehicles the source counted.

Only `go.Scatter` traces; every untrusted string goes through `safe_text`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import (
    EVENT_COLOURS,
    add_note,
    empty_figure,
    provenance_text,
    safe_text,
)
from dashboard.figures.periods import number, present
from dashboard.figures.theme import OKABE_ITO, SEQUENCE, base_layout
from dashboard.i18n import gettext
from dashboard.i18n import number as i18n_number

LANE_COLOURS = {
    **EVENT_COLOURS,
    "inspection": OKABE_ITO["purple"],
    "restriction": OKABE_ITO["black"],
    "infrastructure": OKABE_ITO["grey"],
    "statement": OKABE_ITO["grey"],
}
LANE_ORDER = [
    "closure",
    "weather_closure",
    "restriction",
    "inspection",
    "queue",
    "reopening",
    "infrastructure",
    "statement",
]
COUNT_UNITS = ("trucks", "vehicles")


def _when_text(when: pd.Timestamp, precision: object) -> str:
    if precision == "year":
        return f"{when.year}"
    return f"{when:%b %Y}" if precision == "month" else f"{when:%d %b %Y}"


def _event_hover(row: Mapping) -> str:
    when = _when_text(row["when"], row.get("date_precision"))
    if row["until"] > row["when"]:
        when += " – " + _when_text(row["until"], row.get("date_precision"))
    lines = [f"<b>{safe_text(row.get('title'))}</b>", when]
    if pd.notna(row.get("value")):
        by = f" ({safe_text(row.get('reported_by'))})" if present(row.get("reported_by")) else ""
        lines.append(f"{number(float(row['value']))} {safe_text(row.get('unit'))}{by}")
    lines += [safe_text(row.get("source_title")), provenance_text(row)]
    return "<br>".join(lines)


def episode_ends(events: pd.DataFrame) -> pd.Series:
    """Each event's last day: its `end_date` when later than `when`, else the day itself."""
    raw = events["end_date"] if "end_date" in events else pd.Series("", index=events.index)
    ends = pd.to_datetime(raw.replace("", None), errors="coerce")
    return ends.where(ends.notna() & (ends > events["when"]), events["when"])


def _prepare(events: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """`until` (the last day) and a marker size by area; the largest count."""
    events = events.assign(until=episode_ends(events))
    counted = events["unit"].isin(COUNT_UNITS) & events["value"].notna()
    biggest = float(events.loc[counted, "value"].max()) if counted.any() else 0.0
    events["size"] = [
        8 + 22 * math.sqrt(v / biggest) if c and biggest > 0 else 9
        for v, c in zip(events["value"], counted, strict=True)
    ]
    return events, biggest


def _span_trace(spans: pd.DataFrame, label: str, colour: str) -> go.Scatter:
    xs = [x for _, r in spans.iterrows() for x in (r["when"], r["until"], None)]
    return go.Scatter(
        x=xs,
        y=[label if x is not None else None for x in xs],  # type: ignore[arg-type]  # plotly-stubs: y takes category labels, stub allows only numbers
        mode="lines",
        line={"color": colour, "width": 8},
        opacity=0.45,
        hoverinfo="skip",
        name=f"{label} (span)",
    )


def closure_log(events: pd.DataFrame, *, empty: str = "No events", lang: str = "en") -> go.Figure:
    """Events on a lane per category: episodes with an end date drawn as spans, and markers
    whose area grows with the trucks or vehicles the source counted."""
    if events.empty:
        return empty_figure(empty)
    events, biggest = _prepare(events)
    found = list(dict.fromkeys(events["category"]))
    lanes = [c for c in LANE_ORDER if c in found] + [c for c in found if c not in LANE_ORDER]
    labels = [safe_text(str(c).replace("_", " ")) for c in lanes]
    fig = go.Figure(
        layout=base_layout(
            xaxis={"type": "date"},
            showlegend=False,
            yaxis={"categoryorder": "array", "categoryarray": labels[::-1], "title": None},
            margin={"l": 110, "r": 16, "t": 28, "b": 40},
        )
    )
    for index, (lane, label) in enumerate(zip(lanes, labels, strict=True)):
        group = events[events["category"] == lane]
        colour = LANE_COLOURS.get(str(lane), SEQUENCE[index % len(SEQUENCE)])
        spans = group[group["until"] > group["when"]]
        if not spans.empty:
            fig.add_trace(_span_trace(spans, label, colour))
        marker = {"size": list(group["size"]), "color": colour, "opacity": 0.85}
        fig.add_trace(
            go.Scatter(
                x=group["when"],
                y=[label] * len(group),  # type: ignore[arg-type]  # plotly-stubs: y takes category labels, stub allows only numbers
                mode="markers",
                name=label,
                marker={**marker, "line": {"width": 1, "color": "#fff"}},
                hovertext=[_event_hover(r) for _, r in group.iterrows()],
                hoverinfo="text",
            )
        )
    if biggest > 0:
        add_note(
            fig,
            gettext(lang, "Marker area ∝ trucks or vehicles counted (largest %(largest)s)")
            % {"largest": i18n_number(biggest, lang)},
            x=1,
            y=1.02,
            xanchor="right",
            yanchor="bottom",
        )
    return fig
