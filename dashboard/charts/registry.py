"""The one chart registry: pages, downloads, embeds, the API and the docs all read CHARTS."""

from __future__ import annotations

from dashboard.charts import attention, energy, euma, overview, security, trade, upper_lars
from dashboard.charts.chart import Chart


def _collect() -> dict[str, Chart]:
    charts: dict[str, Chart] = {}
    for module in (overview, trade, energy, security, upper_lars, euma, attention):
        for chart in module.CHARTS:
            if chart.id in charts:
                raise ValueError(f"duplicate chart id {chart.id}")
            charts[chart.id] = chart
    return charts


CHARTS: dict[str, Chart] = _collect()


def for_page(page: str) -> list[Chart]:
    return [c for c in CHARTS.values() if c.page == page]
