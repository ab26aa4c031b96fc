"""The Dash application and its Flask server (`gunicorn dashboard.app:server`)."""

from __future__ import annotations

import os

import dash
from dash import dcc, html
from flask import jsonify

from dashboard import data

app = dash.Dash(
    __name__,
    title="Pressure Points — Armenia's exposure to Russian levers",
    update_title=None,
    serve_locally=True,
)
server = app.server


def _status_table() -> html.Table:
    rows = data.statuses()
    head = html.Tr(
        [
            html.Th(h)
            for h in ("Source", "State", "Version", "Rows", "Fetched", "Stale", "Last error")
        ]
    )
    body = [
        html.Tr(
            [
                html.Td(r["title"]),
                html.Td(r["state"]),
                html.Td(r["version"] or "—"),
                html.Td(r["rows"] or "—"),
                html.Td(r["fetched_at"] or "—"),
                html.Td("stale" if r["stale"] else ""),
                html.Td(r["last_error"] or ""),
            ]
        )
        for r in rows
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="pp-status")


def layout() -> html.Div:
    return html.Div(
        [
            html.H1("Pressure Points"),
            html.P(
                "How exposed Armenia is to the levers Russia still holds. The full dashboard is "
                "being built; below is what the data store holds right now."
            ),
            _status_table(),
            dcc.Location(id="url"),
        ]
    )


app.layout = layout


@server.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
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
    ok = all(r["ok"] or r["state"] == "skipped" for r in rows if r["state"] != "never")
    return jsonify({"ok": ok, "sources": sources})


if os.environ.get("DASH_DEBUG", "").lower() == "true":  # never in production by default
    app.enable_dev_tools(debug=True, dev_tools_disable_version_check=True)
