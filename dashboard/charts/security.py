"""Charts for the security page."""

CHARTS: list = []
