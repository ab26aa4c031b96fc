"""Response headers for every route: a CSP that lets Dash run (script hashes, no eval), framing
allowed for /embed/* only (EMBED_FRAME_ANCESTORS), nosniff, referrer and permissions policies."""

from __future__ import annotations

import dash
from flask import Flask, Response, request

from data_sources import config

_COMMON = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def embed_csp() -> str:
    # Embeds run only our own files: plotly.js and embed.js, no inline script at all.
    ancestors = config.env("EMBED_FRAME_ANCESTORS")
    return f"{_COMMON}; script-src 'self'; frame-ancestors {ancestors}"


def install(app: dash.Dash) -> None:
    """Add the headers to every response of `app.server`."""
    server: Flask = app.server
    hashes: list[str] = []

    def app_csp() -> str:
        if not hashes:  # computed on first use, after every clientside callback is registered
            hashes.extend(app.csp_hashes())
        return f"{_COMMON}; script-src 'self' {' '.join(hashes)}; frame-ancestors 'self'"

    @server.after_request
    def headers(response: Response) -> Response:
        embed = request.path.startswith("/embed/")
        if embed:
            response.headers["Content-Security-Policy"] = embed_csp()
            response.headers.pop("X-Frame-Options", None)  # frame-ancestors governs, alone
        else:
            response.headers["Content-Security-Policy"] = app_csp()
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = PERMISSIONS
        response.headers.pop("Set-Cookie", None)  # no public route sets cookies
        return response
