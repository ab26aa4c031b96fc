"""Charts for the upper_lars page."""

CHARTS: list = []
