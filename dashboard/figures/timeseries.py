"""Time charts for values with explicit periods, step series, stacked shares and live lines."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import empty_figure, provenance_text, safe_text
from dashboard.figures.periods import QUALIFIER, number, period_text
from dashboard.figures.theme import MARKERS, base_layout, colour_for


def _label(series: str) -> str:
    return series.replace("_", " ").title().replace("Eu", "EU").replace("Eaeu", "EAEU")


def _hover(row: pd.Series, unit: str) -> str:
    value = f"{QUALIFIER.get(row.get('qualifier', ''), '')}{number(row['value'])}"
    if pd.notna(row.get("value_max")):
        value += f"–{number(row['value_max'])}"
    by = f" ({safe_text(row['reported_by'])})" if row.get("reported_by") else ""
    return (
        f"<b>{_label(str(row['series']))}</b>: {value} {safe_text(unit)}{by}<br>"
        f"{period_text(row['start'], row['end'])}<br>{safe_text(row['source_title'])}"
        f"<br>{provenance_text(row)}"
    )


def _date_figure(y_title: str) -> go.Figure:
    return go.Figure(
        layout=base_layout(
            yaxis={"title": {"text": y_title}, "rangemode": "tozero"}, xaxis={"type": "date"}
        )
    )


def period_values(frame: pd.DataFrame, *, y_title: str, empty: str = "No data") -> go.Figure:
    """Each value as a segment over its exact period (a dot when the period is one day).

    Sub-year periods ("Jan–May 2023", "H1 2024") are never drawn as full years, and two sources
    for the same period are both drawn, so conflicts show as a range.
    """
    if frame.empty:
        return empty_figure(empty)
    fig = _date_figure(y_title)
    unit = str(frame["unit"].iloc[0])
    for index, (series, group) in enumerate(frame.groupby("series", sort=False)):
        xs: list = []
        ys: list = []
        hover: list[str] = []
        for _, row in group.sort_values("start").iterrows():
            text = _hover(row, unit)
            xs += [row["start"], row["end"], None]
            ys += [row["value"], row["value"], None]
            hover += [text, text, ""]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=_label(str(series)),
                line={"color": colour_for(str(series), index), "width": 4},
                marker={"symbol": MARKERS[index % len(MARKERS)], "size": 7},
                hovertext=hover,
                hoverinfo="text",
                connectgaps=False,
            )
        )
    return fig


def step_series(frame: pd.DataFrame, *, y_title: str, empty: str = "No data") -> go.Figure:
    """A level that holds from each effective date until the next (prices): a step line."""
    if frame.empty:
        return empty_figure(empty)
    fig = _date_figure(y_title)
    unit = str(frame["unit"].iloc[0])
    for index, (series, group) in enumerate(frame.groupby("series", sort=False)):
        group = group.sort_values(["start", "end"]).drop_duplicates("start", keep="last")
        xs = list(group["start"]) + [group["end"].max()]
        ys = list(group["value"]) + [group["value"].iloc[-1]]
        hover = [_hover(r, unit) for _, r in group.iterrows()]
        hover.append(hover[-1])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                line_shape="hv",
                name=_label(str(series)),
                line={"color": colour_for(str(series), index), "width": 3},
                marker={"symbol": MARKERS[index % len(MARKERS)], "size": 7},
                hovertext=hover,
                hoverinfo="text",
            )
        )
    return fig


def stacked_shares(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    y_title: str,
    order: list[str] | None = None,
    empty: str = "No data",
) -> go.Figure:
    """Shares stacked to (about) 100 % over time, one band per series."""
    if frame.empty:
        return empty_figure(empty)
    fig = go.Figure(layout=base_layout(yaxis={"title": {"text": y_title}}, hovermode="x unified"))
    names = order or list(dict.fromkeys(frame[series]))
    for index, name in enumerate(names):
        group = frame[frame[series] == name].sort_values(x)
        if group.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=group[x],
                y=group[y],
                name=_label(str(name)),
                stackgroup="one",
                mode="lines",
                line={"color": colour_for(str(name), index), "width": 1},
                hovertemplate=f"{_label(str(name))}: %{{y:.1f}}<extra></extra>",
            )
        )
    return fig


def lines(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    y_title: str,
    empty: str = "No data",
    dash_column: str | None = None,
) -> go.Figure:
    """Plain lines, one per series (live annual data)."""
    if frame.empty:
        return empty_figure(empty)
    fig = go.Figure(layout=base_layout(yaxis={"title": {"text": y_title}}, hovermode="x unified"))
    for index, (name, group) in enumerate(frame.groupby(series, sort=False)):
        group = group.sort_values(x)
        dashed = bool(dash_column and group[dash_column].any())
        fig.add_trace(
            go.Scatter(
                x=group[x],
                y=group[y],
                mode="lines+markers",
                name=_label(str(name)),
                line={"color": colour_for(str(name), index), "dash": "dot" if dashed else "solid"},
                marker={"symbol": MARKERS[index % len(MARKERS)], "size": 6},
                hovertemplate=f"{_label(str(name))}: %{{y:,.3g}}<extra></extra>",
            )
        )
    return fig
