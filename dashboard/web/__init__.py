"""Plain Flask routes beside the Dash pages: embeds, images, KPI cards, oEmbed, downloads, the
public API, health and response headers (`routes.register(server)` adds them all)."""
