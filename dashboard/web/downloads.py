"""Chart downloads: /download/<chart>.csv|.json — exactly the rows a chart shows for the given
query, with provenance per row, the active filters, the versions read (`X-Data-Versions`) and,
with the event layer on, the events drawn over it. ETag from the versions read; 304 on match.
`?lang=hy|ru`: the JSON's title and description in that language and `Content-Language` (the
rows and their column names stay as cited).
`?version=12,15` pins store versions (a frozen read, as for embeds); an id that is not a stored
version, or one of a dataset the chart does not read, is a 400 naming `version`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from flask import Flask, Response, jsonify, request

from dashboard.charts.chart import query_string
from dashboard.charts.event_layer import EVENT_COLUMNS
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import Rendered, option_key, render
from dashboard.data import door
from dashboard.data.freshness import of_render
from dashboard.i18n import gettext, parse_lang
from dashboard.web.responses import respond

_DRAWING_ONLY = ("start", "end", "when")


def _error(status: int, message: str, **extra: object) -> Response:
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def _events(rendered: Rendered) -> pd.DataFrame:
    """The overlaid events as download rows: id, date, title, category and their source."""
    if rendered.events.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    return rendered.events[[c for c in EVENT_COLUMNS if c in rendered.events.columns]]


def _body(rendered: Rendered, fmt: str) -> tuple[str, str, str]:
    """(body, MIME type, file name) of one download."""
    chart = rendered.chart
    filters = query_string(chart, rendered.options)
    fresh = of_render(rendered.reads, rendered.frame, chart.date_columns)
    frame = rendered.frame.drop(columns=[c for c in _DRAWING_ONLY if c in rendered.frame.columns])
    events = _events(rendered)
    stamp = fresh.as_of or datetime.now(UTC).date().isoformat()
    name = f"pressure-points_{chart.id}_{stamp}.{fmt}"
    if fmt == "csv":
        rows = frame.assign(layer="data")
        if not events.empty:
            rows = pd.concat([rows, events.assign(layer="event")], ignore_index=True)
        body = rows.assign(chart=chart.id, filters=filters).to_csv(index=False)
        return body, "text/csv; charset=utf-8", name
    document = {
        "chart": chart.id,
        "lang": rendered.lang,
        "title": gettext(rendered.lang, chart.title),
        "description": gettext(rendered.lang, chart.description),
        "filters": rendered.options,
        "sources": list(rendered.reads.present()),
        "versions": rendered.reads.versions(),
        "as_of": fresh.as_of,
        "data_to": fresh.data_to,
        "rows": json.loads(frame.to_json(orient="records", date_format="iso")),
        "events": json.loads(events.to_json(orient="records", date_format="iso")),
    }
    return json.dumps(document, default=str, indent=1), "application/json", name


def chart_download(chart_id: str, fmt: str) -> Response:
    """Exactly the rows a chart shows for the given query, provenance columns included."""
    chart = CHARTS.get(chart_id)
    if chart is None:
        return _error(404, f"unknown chart {chart_id!r}", charts=sorted(CHARTS))
    if fmt not in ("csv", "json"):
        return _error(404, f"unknown format {fmt!r}; use csv or json")
    options = chart.parse(request.args)
    pinned = None
    raw = request.args.get("version", "").strip()
    if raw:  # empty means not pinned, as in the API
        try:
            pinned = door.parse_pins(raw)
        except ValueError as bad:
            return _error(400, str(bad), parameter="version")

    def build() -> Response:
        rendered = render(chart, request.args)
        body, mimetype, name = _body(rendered, fmt)
        response = Response(body, content_type=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["X-Data-Versions"] = rendered.reads.header()
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    lang = parse_lang(request.args.get("lang"))
    params = (chart.id, fmt, option_key(options), lang)
    response, reads = respond("download", params, build, pinned)
    response.headers["Content-Language"] = lang
    foreign = set(pinned or {}) - set(reads.sources())
    if foreign:
        message = f"version pins {sorted(foreign)}, which this chart does not read"
        return _error(400, message, parameter="version")
    return response


def register(server: Flask) -> None:
    server.add_url_rule("/download/<chart_id>.<fmt>", "chart_download", chart_download)
