"""Helpers the chart modules share: year filters and the shared event layer (`events=1`)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.charts.options import EVENTS, FROM_YEAR, TO_YEAR
from dashboard.data import datasets
from dashboard.figures.common import OVERLAY_CATEGORIES

TIME_OPTIONS = (FROM_YEAR, TO_YEAR, EVENTS)
# What a download of a chart with the event layer on carries for each overlaid event.
EVENT_COLUMNS = [
    "dataset",
    "row_id",
    "date",
    "category",
    "title",  # in the reader's language where the dataset has it, else English
    "title_en",  # hy/ru downloads: the English title as curated
    "source_url",
    "source_title",
    "accessed",
    "confidence",
    "version",
]


def in_years(
    frame: pd.DataFrame, options: dict, start: str = "start", end: str = "end"
) -> pd.DataFrame:
    """Rows whose period overlaps the chart's from/to years."""
    if frame.empty:
        return frame
    lo = int(options.get("from", 1990))
    hi = int(options.get("to", date.today().year))
    if lo > hi:
        lo, hi = hi, lo
    keep = (pd.to_datetime(frame[end]).dt.year >= lo) & (pd.to_datetime(frame[start]).dt.year <= hi)
    return frame[keep].reset_index(drop=True)


def overlay_events(options: dict) -> pd.DataFrame:
    """The curated events the layer draws when `events` is on (bounded by from/to), read
    through the data door so every event dataset is part of the render's record."""
    if not options.get("events"):
        return pd.DataFrame()
    events = in_years(datasets.events(datasets.OVERLAY_DATASETS), options, start="when", end="when")
    if events.empty:
        return events
    return events[events["category"].isin(OVERLAY_CATEGORIES)].reset_index(drop=True)
