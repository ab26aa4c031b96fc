"""Plain Flask routes beside the Dash pages: health and chart downloads (CSV/JSON with
provenance and the filters that were active)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Flask, Response, jsonify, request

from dashboard import data
from dashboard.charts import CHARTS, render
from dashboard.components import query_string
from dashboard.freshness import for_chart


def _error(status: int, message: str, **extra: object) -> Response:
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def chart_download(chart_id: str, fmt: str) -> Response:
    """Exactly the rows a chart shows for the given query, provenance columns included."""
    chart = CHARTS.get(chart_id)
    if chart is None:
        return _error(404, f"unknown chart {chart_id!r}", charts=sorted(CHARTS))
    if fmt not in ("csv", "json"):
        return _error(404, f"unknown format {fmt!r}; use csv or json")
    rendered = render(chart, request.args)
    filters = query_string(chart, rendered.options)
    fresh = for_chart(chart.sources, rendered.frame, chart.date_columns)
    frame = rendered.frame.drop(
        columns=[c for c in ("start", "end", "when") if c in rendered.frame.columns]
    )
    stamp = fresh.as_of or datetime.now(UTC).date().isoformat()
    name = f"pressure-points_{chart.id}_{stamp}.{fmt}"
    if fmt == "csv":
        frame = frame.assign(chart=chart.id, filters=filters)
        body = frame.to_csv(index=False)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = json.dumps(
            {
                "chart": chart.id,
                "title": chart.title,
                "description": chart.description,
                "filters": rendered.options,
                "sources": list(chart.sources),
                "as_of": fresh.as_of,
                "data_to": fresh.data_to,
                "rows": json.loads(frame.to_json(orient="records", date_format="iso")),
            },
            default=str,
            indent=1,
        )
        mimetype = "application/json"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def healthz() -> Response:
    """JSON: overall ok plus per-source freshness (for uptime checks and operators)."""
    rows = data.statuses()
    keys = (
        "id",
        "ok",
        "state",
        "version",
        "fetched_at",
        "checked_at",
        "stale",
        "stale_since",
        "last_error",
    )
    sources = [{k: r[k] for k in keys} for r in rows]
    ok = all(r["state"] in ("ok", "skipped") for r in rows)
    return jsonify({"ok": ok, "sources": sources})


def register(server: Flask) -> None:
    from dashboard import api, embed

    api.register(server)
    embed.register(server)
    server.add_url_rule("/healthz", "healthz", healthz)
    server.add_url_rule("/download/<chart_id>.<fmt>", "chart_download", chart_download)
