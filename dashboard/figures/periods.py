"""Values over their exact periods, from several sources: segments, the spread between sources
for the same period, and small multiples with one unit per panel.

Only `go.Scatter` traces (the app ships the plotly.js geo partial bundle); every untrusted string
goes through `safe_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.common import empty_figure, provenance_text, safe_text
from dashboard.figures.theme import MARKERS, SEQUENCE, base_layout
from dashboard.i18n import N_

QUALIFIER = {
    "approx": "≈",
    "more_than": ">",
    "less_than": "<",
    "at_least": "≥",
    "up_to": "≤",
    "": "",
}

RANGE_FILL = "rgba(213,94,0,0.12)"
NEEDED = ("value", "start", "end")
SPARSE = 3  # series with at most this many figures get their periods written on the chart


def number(value: float) -> str:
    """Readable numbers: 1,200 not 1.2e+03; 2.63 not 2.626."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def period_text(start: str | date, end: str | date) -> str:
    """A period as its source states it: a day, whole years, whole months, or days."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start == end:
        return f"{start:%d %b %Y}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year}" if start.year == end.year else f"{start.year}–{end.year}"
    if start.day == 1 and end.is_month_end:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%b %Y}"
        return f"{start:%b %Y}–{end:%b %Y}"
    return f"{start:%d %b %Y}–{end:%d %b %Y}"


def present(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def value_text(row: Mapping | pd.Series) -> str:
    value = row.get("value")
    if value is None or pd.isna(value):
        return "n/a"
    text = QUALIFIER.get(str(row.get("qualifier") or ""), "") + number(float(value))
    high = row.get("value_max")
    if high is not None and pd.notna(high):
        text += f"–{number(float(high))}"
    return text


def hover_text(row: Mapping | pd.Series, label: str) -> str:
    """Escaped hover: value, unit and whose figure; period; origin; source; confidence."""
    by = f" ({safe_text(row.get('reported_by'))})" if present(row.get("reported_by")) else ""
    lines = [
        f"<b>{safe_text(label)}</b>: {value_text(row)} {safe_text(row.get('unit'))}{by}",
        period_text(row["start"], row["end"]),
    ]
    if present(row.get("origin")):
        lines.append(f"origin: {safe_text(row.get('origin'))}")
    lines.append(safe_text(row.get("source_title")))
    if provenance_text(row):
        lines.append(provenance_text(row))
    return "<br>".join(lines)


def segment_trace(
    group: pd.DataFrame,
    *,
    name: str,
    colour: str,
    symbol: str = "circle",
    dash: str = "solid",
    width: float = 4,
    size: float = 7,
    **extra: Any,
) -> go.Scatter:
    """Each value as a segment over its exact period (a dot when the period is one day); a
    quoted range ("2,500–3,000") gets a whisker up to its top."""
    xs: list = []
    ys: list = []
    ups: list[float] = []
    hover: list[str] = []
    labels: list[str] = []
    # A sparse series (a few scattered figures) is labelled with each figure's period, so it
    # reads as separate reports, not as a broken line.
    sparse = len(group) <= SPARSE
    for _, row in group.sort_values("start").iterrows():
        text = hover_text(row, name)
        high = row.get("value_max")
        up = float(high) - float(row["value"]) if high is not None and pd.notna(high) else 0.0
        xs += [row["start"], row["end"], None]
        ys += [row["value"], row["value"], None]
        ups += [up, up, 0.0]
        hover += [text, text, ""]
        labels += ["", safe_text(period_text(row["start"].date(), row["end"].date())), ""]
    if sparse:
        extra.setdefault("text", labels)
        extra.setdefault("textposition", "top center")
        extra.setdefault("textfont", {"size": 10, "color": "#555"})
    if any(ups):
        extra.setdefault(
            "error_y",
            {
                "type": "data",
                "array": ups,
                "arrayminus": [0.0] * len(ups),
                "symmetric": False,
                "color": colour,
                "width": 4,
            },
        )
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines+markers+text" if sparse else "lines+markers",
        name=safe_text(name),
        connectgaps=False,
        line={"color": colour, "width": width, "dash": dash},
        marker={
            "symbol": symbol,
            "size": size,
            "color": colour,
            "line": {"width": 1, "color": "#fff"},
        },
        hovertext=hover,
        hoverinfo="text",
        **extra,
    )


def time_layout(y_title: str, **extra: object) -> dict:
    return base_layout(
        yaxis={"title": {"text": safe_text(y_title)}, "rangemode": "tozero"},
        xaxis={"type": "date"},
        **extra,
    )


def _range_bands(fig: go.Figure, frame: pd.DataFrame) -> None:
    """A shaded box from the lowest to the highest value reported for the same period."""
    tops = frame["value_max"].fillna(frame["value"]) if "value_max" in frame else frame["value"]
    first = True
    for keys, group in frame.assign(top=tops).groupby(["start", "end"], sort=True):
        start, end = cast("tuple[pd.Timestamp, pd.Timestamp]", keys)
        low, high = group["value"].min(), group["top"].max()
        if len(group) < 2 or not high > low:
            continue
        fig.add_trace(
            go.Scatter(
                x=[start, end, end, start, start],
                y=[low, low, high, high, low],
                fill="toself",
                mode="lines",
                line={"width": 0},
                fillcolor=RANGE_FILL,
                name=N_("Spread between sources"),
                legendgroup="spread",
                showlegend=first,
                hovertext=f"{period_text(start, end)}: {number(low)}–{number(high)} across sources",
                hoverinfo="text",
            )
        )
        first = False


def source_ranges(
    frame: pd.DataFrame,
    *,
    group: str,
    y_title: str,
    colours: Mapping[str, str] | None = None,
    empty: str = "No data",
) -> go.Figure:
    """One series per source group over exact periods; where sources disagree on the same
    period, the spread is shaded."""
    if frame.empty or not {group, *NEEDED} <= set(frame.columns):
        return empty_figure(empty)
    fig = go.Figure(layout=time_layout(y_title))
    _range_bands(fig, frame)
    for index, (name, rows) in enumerate(frame.groupby(group, sort=False)):
        colour = (colours or {}).get(str(name), SEQUENCE[index % len(SEQUENCE)])
        symbol = MARKERS[index % len(MARKERS)]
        fig.add_trace(segment_trace(rows, name=str(name), colour=colour, symbol=symbol))
    return fig


def panels(
    frame: pd.DataFrame,
    *,
    panel: str,
    group: str,
    empty: str = "No data",
    legend: bool = True,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """Small multiples on a shared time axis: one panel per `panel` value (its own unit), one
    series per `group` value, coloured and marked the same in every panel."""
    if frame.empty or not {panel, group, *NEEDED} <= set(frame.columns):
        return empty_figure(empty)
    names = list(dict.fromkeys(frame[panel]))
    groups = list(dict.fromkeys(frame[group]))
    fig = make_subplots(
        rows=len(names),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.12, 0.5 / len(names)),
        subplot_titles=[safe_text(n) for n in names],
    )
    fig.update_layout(base_layout(showlegend=legend, margin={"l": 48, "r": 16, "t": 28, "b": 40}))
    fig.update_annotations(font={"size": 12}, xanchor="left", x=0)
    for row, name in enumerate(names, start=1):
        for key, series in frame[frame[panel] == name].groupby(group, sort=False):
            index = groups.index(key)
            colour = (colours or {}).get(str(key), SEQUENCE[index % len(SEQUENCE)])
            trace = segment_trace(
                series,
                name=str(key),
                colour=colour,
                symbol=MARKERS[index % len(MARKERS)],
                legendgroup=str(key),
                showlegend=legend and not any(t["legendgroup"] == str(key) for t in fig.data),
            )
            fig.add_trace(trace, row=row, col=1)
    fig.update_xaxes(type="date")
    fig.update_yaxes(rangemode="tozero", nticks=4)
    return fig
