"""Charts for the overview page."""

CHARTS: list = []
