"""The one chart registry: pages, downloads, embeds, the API and the docs all read CHARTS."""

from __future__ import annotations

from dashboard.charts import (
    attention,
    energy,
    euma,
    overview,
    scenarios,
    security,
    trade,
    upper_lars,
)
from dashboard.charts.chart import Chart
from data_sources.sources import curated

CURATED = {source.id for source in curated.SOURCES}


def _collect() -> dict[str, Chart]:
    charts: dict[str, Chart] = {}
    for module in (overview, trade, energy, security, upper_lars, euma, scenarios, attention):
        for chart in module.CHARTS:
            if chart.id in charts:
                raise ValueError(f"duplicate chart id {chart.id}")
            charts[chart.id] = chart
    return charts


CHARTS: dict[str, Chart] = _collect()


def for_page(page: str) -> list[Chart]:
    return [c for c in CHARTS.values() if c.page == page]


def markdown_table() -> str:
    """README's "Which chart shows which source" table, from the registry (a test keeps the
    README in step)."""
    lines = ["| chart | page | sources (live in bold) |", "|---|---|---|"]
    for chart in CHARTS.values():
        names = [f"**`{s}`**" if s not in CURATED else f"`{s}`" for s in chart.declared_sources]
        lines.append(f"| `{chart.id}` | {chart.page} | {', '.join(names)} |")
    return "\n".join(lines)
