"""Charts for the euma page."""

CHARTS: list = []
