"""Every machine route on the Flask server: embeds, images, KPI cards, oEmbed, downloads, the
public API and health."""

from __future__ import annotations

from flask import Flask

from dashboard.web import (
    api,
    api_scenarios,
    downloads,
    embed,
    embed_kpi,
    failures,
    feeds,
    health,
    oembed,
    replay,
    stale,
)


def register(server: Flask) -> None:
    """Add every machine route to the Flask server."""
    server.wsgi_app = replay.wrap(server.wsgi_app)  # type: ignore[method-assign]  # scope, replay
    failures.register(server)
    api.register(server)
    api_scenarios.register(server)
    embed.register(server)
    embed_kpi.register(server)
    stale.install(server)  # embeds, images, KPI cards: their last good copy while the store is down
    oembed.register(server)
    downloads.register(server)
    health.register(server)
    feeds.register(server)
