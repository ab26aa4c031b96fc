"""Alt text generated from a chart's data: one or two sentences naming each series' latest value,
its change and the period, the way Highcharts' accessibility module and Datawrapper describe
charts (https://www.highcharts.com/docs/accessibility/accessibility-module). Read from the figure
as drawn, so it always says what the picture shows; pure (no data reads, no Dash)."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_skeleton

from dashboard.i18n import gettext, number, parse_lang

MAX_SERIES = 4
_TIME_TRACES = ("scatter", "scattergl", "bar")
_PLACE_TRACES = ("scattergeo", "choropleth", "scattermapbox", "scattermap")


def values(raw: object) -> list:
    """A trace's x or y as a list: plotly JSON arrays may be lists, numpy arrays or the typed
    `{"dtype", "bdata"}` form plotly.py 6 writes (https://github.com/plotly/plotly.py/pull/4470)."""
    if raw is None:
        return []
    if isinstance(raw, Mapping) and "bdata" in raw:
        array = np.frombuffer(base64.b64decode(raw["bdata"]), dtype=np.dtype(raw["dtype"]))
        return array.tolist()
    if isinstance(raw, str | bytes):
        return [raw]
    return list(raw) if isinstance(raw, Iterable) else [raw]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return None if math.isnan(number) else number
    return None


def _when(value: object) -> pd.Timestamp | None:
    if isinstance(value, int | float | bool | np.integer | np.floating) or value is None:
        return None
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]  # str, datetime or numpy datetime64
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp


def fmt_number(value: float, lang: str = "en") -> str:
    """`1,234` and `0.0521` (three significant digits below 1000), in `lang`'s separators."""
    if lang != "en":
        rounded = round(value) if abs(value) >= 1000 else float(f"{value:.3g}")
        return number(rounded, lang)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}"


def fmt_period(stamp: pd.Timestamp, lang: str = "en") -> str:
    """A year when the point is a year's start or end, else the month or the day (month names
    from CLDR via Babel outside English)."""
    if (stamp.month, stamp.day) in ((1, 1), (12, 31)):
        return str(stamp.year)
    month = stamp.day == 1 or stamp.is_month_end
    if lang != "en":
        return format_skeleton("yMMM" if month else "yMMMd", stamp.date(), locale=lang)
    return f"{stamp:%b %Y}" if month else f"{stamp.day} {stamp:%b %Y}"


def at(stamp: pd.Timestamp, lang: str = "en") -> str:
    """`in 2024`, `in Apr 2024`, `on 25 Apr 2024` (and the same in `lang`)."""
    period = fmt_period(stamp, lang)
    on_a_day = (stamp.month, stamp.day) not in ((1, 1), (12, 31)) and not (
        stamp.day == 1 or stamp.is_month_end
    )
    if on_a_day:
        return gettext(lang, "on %(period)s") % {"period": period}
    return gettext(lang, "in %(period)s") % {"period": period}


def _axis_title(layout: Mapping[str, Any], axis: str | None) -> str:
    key = "yaxis" + (axis[1:] if axis and axis != "y" else "")
    title = (layout.get(key) or {}).get("title")
    text = title.get("text") if isinstance(title, Mapping) else title
    return html.unescape(str(text)) if text else ""


def _is_data_trace(trace: Mapping[str, Any]) -> bool:
    """Not the shared event overlay (its own hidden axis) or a label layer."""
    return trace.get("yaxis") != "y9" and trace.get("mode") != "text"


def series_sentence(
    trace: Mapping[str, Any], unit: str, lang: str = "en"
) -> tuple[pd.Timestamp, str] | None:
    """`Russia 41.4 % of trade in 2024, up from 35.0 in 2019` for a time series, else None."""
    points = []
    xs, ys = values(trace.get("x")), values(trace.get("y"))
    if trace.get("orientation") == "h":
        xs, ys = ys, xs
    for x, y in zip(xs, ys, strict=False):
        when, number = _when(x), _number(y)
        if when is not None and number is not None:
            points.append((when, number))
    if not points:
        return None
    points.sort(key=lambda point: point[0])
    (first_when, first), (last_when, last) = points[0], points[-1]
    name = html.unescape(str(trace.get("name") or gettext(lang, "value")))
    text = f"{name} {fmt_number(last, lang)}{' ' + unit if unit else ''} {at(last_when, lang)}"
    if len(points) > 1 and fmt_period(first_when) != fmt_period(last_when):
        change = (
            gettext(lang, "up from %(value)s %(when)s")
            if last > first
            else gettext(lang, "down from %(value)s %(when)s")
            if last < first
            else gettext(lang, "the same as %(value)s %(when)s")
        )
        text += ", " + change % {"value": fmt_number(first, lang), "when": at(first_when, lang)}
    return last_when, text


def category_sentence(traces: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """Bars or lines against named categories: the largest values first."""
    best: dict[str, float] = {}
    for trace in traces:
        xs, ys = values(trace.get("x")), values(trace.get("y"))
        for x, y in zip(xs, ys, strict=False):
            label, number = (y, _number(x)) if _number(y) is None else (x, _number(y))
            if number is not None and isinstance(label, str) and _when(label) is None:
                best[label] = max(number, best.get(label, -math.inf))
    ranked = sorted(best.items(), key=lambda item: -item[1])[:MAX_SERIES]
    return "; ".join(f"{html.unescape(label)} {fmt_number(v, lang)}" for label, v in ranked)


def event_sentence(traces: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """Marker timelines (dates against labels): how many, over which years."""
    stamps = [
        when
        for trace in traces
        for when in (_when(x) for x in values(trace.get("x")))
        if when is not None
    ]
    if not stamps:
        return ""
    first, last = min(stamps), max(stamps)
    span = (
        f"{first.year}"
        if first.year == last.year
        else gettext(lang, "%(first)s to %(last)s") % {"first": first.year, "last": last.year}
    )
    return gettext(lang, "%(n)s dated entries from %(span)s, the latest %(when)s") % {
        "n": len(stamps),
        "span": span,
        "when": at(last, lang),
    }


def place_sentence(traces: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    count = sum(
        len(values(trace.get("lat")) or values(trace.get("locations")))
        for trace in traces
        if trace.get("name") != "labels"
    )
    return gettext(lang, "A map of %(n)s marked places") % {"n": count} if count else ""


def describe(spec: Mapping[str, Any], events: pd.DataFrame | None = None, lang: str = "en") -> str:
    """One or two sentences from the figure's own data; "" when it shows nothing. In `lang`:
    the words are catalog messages, the series names as the (localized) figure has them."""
    lang = parse_lang(lang)
    layout = spec.get("layout") or {}
    traces = [t for t in spec.get("data") or [] if _is_data_trace(t)]
    places = [t for t in traces if t.get("type") in _PLACE_TRACES]
    plotted = [t for t in traces if (t.get("type") or "scatter") in _TIME_TRACES]
    sentence = place_sentence(places, lang)
    if not sentence and plotted:
        series: dict[str, tuple[pd.Timestamp, str]] = {}
        for trace in plotted:
            found = series_sentence(trace, _axis_title(layout, trace.get("yaxis")), lang)
            name = str(trace.get("name"))
            if found and (name not in series or found[0] > series[name][0]):
                series[name] = found
        if series:
            texts = [text for _when, text in series.values()]  # in the chart's own order
            sentence = gettext(lang, "Latest: %(series)s") % {
                "series": "; ".join(texts[:MAX_SERIES])
            }
            if len(series) > MAX_SERIES:
                more = gettext(lang, "and %(n)s more series") % {"n": len(series) - MAX_SERIES}
                sentence += "; " + more
        else:
            sentence = category_sentence(plotted, lang) or event_sentence(plotted, lang)
    # a sentence may end on an abbreviation's full stop already (Russian dates: `2026 г.`)
    sentences = [sentence if sentence.endswith(".") else sentence + "."] if sentence else []
    if events is not None and not events.empty:
        sentences.append(
            gettext(lang, "%(n)s events are marked along the top; the data table lists them.")
            % {"n": len(events)}
        )
    return " ".join(sentences)
