"""Render a chart: options from a query, its rows and the event layer read through the data door,
the figure built, and the whole cached under the versions it read (`cache.memo`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.chart import Chart
from dashboard.charts.event_layer import overlay_events
from dashboard.data import datasets, door
from dashboard.data.door import Reads
from dashboard.data.memo import memo
from dashboard.figures.common import add_event_overlay, no_live_data
from dashboard.figures.theme import distinguish_series
from dashboard.i18n import DEFAULT, gettext, localize_figure, parse_lang
from data_sources import registry


@dataclass(frozen=True)
class Rendered:
    """A chart as drawn: its options, the rows it shows, the figure (as plotly JSON), the events
    overlaid on it, and what it read. Shared between requests: don't mutate."""

    chart: Chart
    options: dict[str, object]
    frame: pd.DataFrame
    spec: dict[str, Any]
    events: pd.DataFrame
    reads: Reads
    key: str
    lang: str = DEFAULT  # the language its words are in (`?lang=`, part of the key)

    @property
    def figure(self) -> go.Figure:
        """The figure as a plotly object (built from the cached JSON without re-validation)."""
        return go.Figure(self.spec, _validate=False)


def option_key(options: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Options in a canonical, hashable form (part of every cache key)."""
    return tuple(sorted((k, repr(v)) for k, v in options.items()))


def no_data_lines(source_ids: tuple[str, ...], lang: str = DEFAULT) -> list[str]:
    """ "No data yet from <source> — last attempt <time>: <error>" for live sources without a
    version, in `lang` (the error stays as logged; the figure escapes the lines and links them
    to /sources)."""
    rows = door.statuses()
    lines = []
    attempted, never = gettext(lang, "last attempt"), gettext(lang, "not refreshed yet")
    no_data = gettext(lang, "No data yet from")
    for source_id in source_ids:
        row = rows.get(source_id, {})
        title = registry.BY_ID[source_id].publisher if source_id in registry.BY_ID else source_id
        attempt = row.get("last_attempt_at")
        if attempt:
            when = str(attempt).replace("T", " ").removesuffix("Z")[:16] + " UTC"
            error = row.get("last_error") or row.get("last_outcome") or ""
            detail = f" — {attempted} {when}" + (f": {str(error)[:90]}" if error else "")
        else:
            detail = " — " + never
        lines.append(f"{no_data} {title}{detail}")
    return lines


def _build(
    chart: Chart, options: dict[str, object], lang: str = DEFAULT
) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    # Event titles in the reader's language where a person wrote one, else English (issue 13)
    frame = datasets.titles_in(chart.data(options), lang)
    # the figure function gets the reader's language as the option `lang` (its built-up words)
    figure = distinguish_series(
        chart.figure(frame, {**options, "lang": lang})
    )  # never colour alone
    for source_id in chart.live:  # read even when the rows came from elsewhere: part of the key
        if source_id not in door.current_reads():
            door.load(source_id)
    missing = tuple(s for s in chart.live if door.current_reads().info(s) is None)
    if missing:
        figure = no_live_data(
            figure,
            no_data_lines(missing, lang),
            replace=frame.empty,
            see=gettext(lang, "See Sources"),
            href="/sources" if lang == "en" else f"/sources?lang={lang}",
        )
    events = overlay_events(options) if chart.has_events else pd.DataFrame()
    events = datasets.titles_in(events, lang)
    if not events.empty:
        figure = add_event_overlay(figure, events)
    return frame, localize_figure(figure.to_plotly_json(), lang), events


def render(chart: Chart, query: Mapping[str, object]) -> Rendered:
    """Options from a query (bad values -> defaults), then the data and the figure, its words in
    the query's `lang` (`en`, `hy`, `ru`; anything else -> `en`).

    Cached per chart, options, language and the versions of everything the build read (the event
    layer included), so a promotion of any of them is picked up at once; within a frozen read
    context (`door.reading(pins)`) the pinned versions are read.
    """
    options = chart.parse(query)
    lang = parse_lang(query.get("lang"))
    built, reads, key = memo(
        "chart", (chart.id, option_key(options), lang), lambda: _build(chart, options, lang)
    )
    frame, spec, events = built
    return Rendered(chart, options, frame, spec, events, reads, key, lang)
