"""Pressure Points dashboard: Dash pages, embeds and the public API, all read from the store."""
