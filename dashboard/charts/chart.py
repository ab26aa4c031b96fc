"""What a chart is: its id, words, options, and how to build its rows and its figure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.options import EVENTS, Option, parse_options
from dashboard.data.datasets import OVERLAY_DATASETS
from dashboard.figures import periods


@dataclass(frozen=True)
class Chart:
    """One chart: what it shows, and how to build its data and figure.

    `data(options)` returns exactly the rows the chart shows, with provenance columns, reading
    through the data door; `figure(frame, options)` is pure. `options` are the URL-settable
    controls. `sources` documents what the chart reads (the API lists it); caches, "as of",
    source lines and pins never use it: they use what a render actually read.
    """

    id: str
    page: str
    title: str
    description: str  # alt text: what the chart shows, in a sentence or two
    sources: tuple[str, ...]
    data: Callable[[dict], pd.DataFrame]
    figure: Callable[[pd.DataFrame, dict], go.Figure]
    options: tuple[Option, ...] = ()
    caveat: str = ""
    # values for the caveat's named placeholders (`%(km)s`), filled after it is translated
    # (each value is translated too when it is a catalog message)
    caveat_args: dict[str, str] = field(default_factory=dict)
    geo: bool = False
    height: int = 380
    date_columns: tuple[str, ...] = field(default=("period_end",))
    live: tuple[str, ...] = ()  # live sources drawn: "no data yet from …" until they have data

    def parse(self, query: Mapping[str, object]) -> dict[str, object]:
        return parse_options(self.options, query)

    @property
    def has_events(self) -> bool:
        """Whether the shared event layer can be switched on (`events=1`)."""
        return EVENTS in self.options

    @property
    def declared_sources(self) -> tuple[str, ...]:
        """`sources` plus the event datasets when the chart has the event layer."""
        extra = OVERLAY_DATASETS if self.has_events else ()
        return tuple(dict.fromkeys((*self.sources, *extra)))


def query_string(chart: Chart, options: dict) -> str:
    """The canonical query of a chart's options (for downloads and permalinks)."""
    values = {}
    for opt in chart.options:
        value = options.get(opt.name, opt.default)
        values[opt.name] = ("1" if value else "0") if isinstance(value, bool) else value
    return urlencode(values)


def panels_by(group: str, empty: str, **extra: Any) -> Callable[[pd.DataFrame, dict], go.Figure]:
    """The figure of a chart drawn as small multiples: one panel per `panel` value of its rows,
    one series per `group` value."""
    return lambda frame, options: periods.panels(
        frame, panel="panel", group=group, empty=empty, **extra
    )
