"""Catalogue entries of the public API: charts (options, links), datasets (versions, freshness)."""

from __future__ import annotations

import dash

from dashboard.charts.chart import Chart
from dashboard.data import door
from dashboard.web import api_rows
from data_sources.source import Source
from data_sources.store import VersionInfo

PREFIX = "/api/v1"


def _page_url(chart: Chart) -> str:
    path = None
    for page in dash.page_registry.values():
        if page.get("module") == f"dashboard.pages.{chart.page}":
            path = page["path"]
    if path is None:
        path = "/" if chart.page == "overview" else "/" + chart.page.replace("_", "-")
    return f"{path}#card-{chart.id}"


def chart_item(chart: Chart) -> dict[str, object]:
    """One chart's entry in /api/v1/charts."""
    options = []
    for option in chart.options:
        item: dict[str, object] = {"name": option.name, "default": option.default}
        if option.choices is not None:
            item["choices"] = list(option.choices)
        if option.label:
            item["label"] = option.label
        options.append(item)
    return {
        "id": chart.id,
        "title": chart.title,
        "description": chart.description,
        "page": chart.page,
        "sources": list(chart.declared_sources),
        "options": options,
        "links": {
            "page": _page_url(chart),
            "csv": f"/download/{chart.id}.csv",
            "json": f"/download/{chart.id}.json",
            "embed": f"/embed/{chart.id}",
            "svg": f"/embed/{chart.id}.svg",
            "png": f"/embed/{chart.id}.png",
        },
    }


def version_item(info: VersionInfo | None) -> dict[str, object] | None:
    """A store version as the API shows it."""
    if info is None:
        return None
    return {
        "id": info.id,
        "fetched_at": api_rows.iso(info.fetched_at),
        "sha256": info.sha256,
        "rows": info.rows,
        "upstream_updated": info.upstream_updated,
    }


def dataset_item(source: Source, status: dict | None = None) -> dict[str, object]:
    """One public dataset's entry in /api/v1/datasets."""
    current = door.current_versions().get(source.id)
    columns = [str(c) for c in getattr(source.schema, "columns", {})]
    base = f"{PREFIX}/datasets/{source.id}"
    return {
        "id": source.id,
        "title": source.title,
        "description": source.description,
        "publisher": source.publisher,
        "licence": source.licence,
        "landing_url": source.landing_url,
        "cadence_days": source.cadence.total_seconds() / 86400 if source.cadence else None,
        "needs_credentials": source.needs_credentials,
        "attribution": source.attribution,
        "columns": [*columns, *api_rows.PROVENANCE],
        "time_columns": api_rows.time_columns(columns),
        "version": version_item(door.version_info(source.id, current) if current else None),
        "stale": (status or {}).get("stale"),
        "links": {"self": base, "csv": f"{base}.csv", "json": f"{base}.json"},
    }
