"""The one chart registry: pages, downloads, embeds, the API and the docs all read CHARTS."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.options import Option, parse_options


@dataclass(frozen=True)
class Chart:
    """One chart: what it shows, from which sources, and how to build its data and figure.

    `data(options)` returns exactly the rows the chart shows, with provenance columns;
    `figure(frame, options)` is pure. `options` are the URL-settable controls.
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
    geo: bool = False
    height: int = 380
    date_columns: tuple[str, ...] = field(default=("period_end",))

    def parse(self, query: Mapping[str, object]) -> dict[str, object]:
        return parse_options(self.options, query)


@dataclass(frozen=True)
class Rendered:
    chart: Chart
    options: dict
    frame: pd.DataFrame
    figure: go.Figure


_CACHE: OrderedDict[tuple, Rendered] = OrderedDict()
_CACHE_SIZE = 512
_cache_lock = threading.Lock()


def render(chart: Chart, query: Mapping[str, object]) -> Rendered:
    """Options from a query (bad values -> defaults), then the data and the figure.

    Results are cached per chart, options, store and the versions of the chart's sources, so a
    new promotion is picked up at once and repeated views cost nothing. Don't mutate them.
    """
    from dashboard import data
    from dashboard.freshness import statuses

    options = chart.parse(query)
    rows = statuses()
    pins = data.pinned_versions()
    key = (
        chart.id,
        tuple(sorted((k, repr(v)) for k, v in options.items())),
        data.store().url,
        tuple(pins.get(s) or rows.get(s, {}).get("version") for s in chart.sources),
    )
    with _cache_lock:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    frame = chart.data(options)
    rendered = Rendered(chart, options, frame, chart.figure(frame, options))
    with _cache_lock:
        _CACHE[key] = rendered
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return rendered


def clear_cache() -> None:
    with _cache_lock:
        _CACHE.clear()


def _collect() -> dict[str, Chart]:
    from dashboard.charts import energy, euma, overview, security, trade, upper_lars

    charts: dict[str, Chart] = {}
    for module in (overview, trade, energy, security, upper_lars, euma):
        for chart in module.CHARTS:
            if chart.id in charts:
                raise ValueError(f"duplicate chart id {chart.id}")
            charts[chart.id] = chart
    return charts


CHARTS: dict[str, Chart] = _collect()


def for_page(page: str) -> list[Chart]:
    return [c for c in CHARTS.values() if c.page == page]
