"""What a store outage looks like from outside, for every route: the data door raises
`StoreUnavailable`; this turns it into a 503 with `Retry-After` — JSON for machine routes
(API, downloads, embeds, images, KPI cards, oEmbed, Dash callbacks, /healthz) and a readable
"temporarily unavailable" page for pages. Embeds, chart images and KPI cards that were served
before answer their last good copy instead (200, `X-PP-Stale: store-unavailable`; see
`dashboard.web.stale`). Nothing is cached while the store is down, so the first request after it
comes back is served normally (no restart).

The data door's request scope (one snapshot of current versions per request) is opened around
every request by `dashboard.web.replay`.
"""

from __future__ import annotations

import json
import logging
from html import escape

from flask import Flask, Response, request

from dashboard.data import door
from dashboard.data.door import StoreUnavailable

log = logging.getLogger(__name__)

# Paths answered with JSON (everything else that is not an asset is a page).
MACHINE_PREFIXES = (
    "/api/",
    "/embed/",
    "/download/",
    "/oembed",
    "/healthz",
    "/feeds/",
    "/_dash-",
    "/_reload-hash",
)
MESSAGE = "the data store is temporarily unavailable; retry shortly"


def is_machine(path: str) -> bool:
    return path.startswith(MACHINE_PREFIXES) or path == "/api"


def unavailable_json(exc: StoreUnavailable | None = None) -> Response:
    """503 JSON with Retry-After (the cause stays in the log: it may name hosts)."""
    body = {"error": MESSAGE, "retry_after": door.RETRY_AFTER}
    response = Response(json.dumps(body), status=503, mimetype="application/json")
    response.headers["Retry-After"] = str(door.RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry}">
<title>Temporarily unavailable — Pressure Points</title>
<style>body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d1d1d;line-height:1.5}}
h1{{font-size:1.5rem}}a{{color:#0b5cad}}</style></head>
<body><main><h1>The data is temporarily unavailable</h1>
<p>Pressure Points cannot reach its data store right now, so it cannot show figures it can
vouch for. Nothing is lost: this page will try again in {retry} seconds.</p>
<p><a href="{path}">Try again now</a></p></main></body></html>
"""


def unavailable_page() -> Response:
    response = Response(
        PAGE.format(retry=door.RETRY_AFTER, path=escape(request.path, quote=True)),
        status=503,
        mimetype="text/html",
    )
    response.headers["Retry-After"] = str(door.RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def unavailable(exc: StoreUnavailable) -> Response:
    """The Flask error handler for `StoreUnavailable` (one log line; door logs the outage)."""
    log.info("503 for %s: %s", request.path, exc)
    return unavailable_json(exc) if is_machine(request.path) else unavailable_page()


def register(server: Flask) -> None:
    """Install the 503 handler."""
    server.register_error_handler(StoreUnavailable, unavailable)
