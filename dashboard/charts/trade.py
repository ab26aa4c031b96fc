"""Charts for the trade page."""

CHARTS: list = []
