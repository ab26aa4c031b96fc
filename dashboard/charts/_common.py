"""Helpers the chart modules share: year filters and the shared event layer."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard import datasets
from dashboard.figures.common import add_event_overlay
from dashboard.options import EVENTS, FROM_YEAR, TO_YEAR

TIME_OPTIONS = (FROM_YEAR, TO_YEAR, EVENTS)


def in_years(
    frame: pd.DataFrame, options: dict, start: str = "start", end: str = "end"
) -> pd.DataFrame:
    """Rows whose period overlaps the chart's from/to years."""
    if frame.empty:
        return frame
    lo, hi = int(options.get("from", 1990)), int(options.get("to", 2100))
    if lo > hi:
        lo, hi = hi, lo
    keep = (pd.to_datetime(frame[end]).dt.year >= lo) & (pd.to_datetime(frame[start]).dt.year <= hi)
    return frame[keep].reset_index(drop=True)


def overlay_events(fig: go.Figure, options: dict) -> go.Figure:
    """Add the curated event layer when the `events` option is on (bounded by from/to)."""
    if not options.get("events"):
        return fig
    events = in_years(datasets.events(), options, start="when", end="when")
    return add_event_overlay(fig, events)


def with_events(
    build: Callable[[pd.DataFrame, dict], go.Figure],
) -> Callable[[pd.DataFrame, dict], go.Figure]:
    """Wrap a figure builder so it honours the shared event-layer toggle."""

    def figure(frame: pd.DataFrame, options: dict) -> go.Figure:
        return overlay_events(build(frame, options), options)

    return figure
