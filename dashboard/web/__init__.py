"""Plain Flask routes beside the Dash pages: embeds, images, KPI cards, oEmbed, downloads, the
public API, health and response headers. `register(server)` adds them all."""

from __future__ import annotations

from flask import Flask


def register(server: Flask) -> None:
    """Add every machine route to the Flask server."""
    from dashboard.web import api, downloads, embed, embed_kpi, health, oembed

    api.register(server)
    embed.register(server)
    embed_kpi.register(server)
    oembed.register(server)
    downloads.register(server)
    health.register(server)
