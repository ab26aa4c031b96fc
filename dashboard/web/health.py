"""/healthz: overall ok plus per-source freshness, for uptime checks and operators."""

from __future__ import annotations

from flask import Flask, Response, jsonify

from dashboard.data import door

KEYS = (
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


def healthz() -> Response:
    """JSON: overall ok plus per-source freshness."""
    rows = list(door.statuses().values())
    sources = [{k: r[k] for k in KEYS} for r in rows]
    ok = all(r["state"] in ("ok", "skipped") for r in rows)
    return jsonify({"ok": ok, "sources": sources})


def register(server: Flask) -> None:
    server.add_url_rule("/healthz", "healthz", healthz)
