"""Layout pieces: chart cards (title, as-of, source line, downloads, alt text, data table,
embed slot), page controls, stale badges and the refresh-failure banner."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.charts.chart import Chart, query_string
from dashboard.charts.embed_snippets import snippets
from dashboard.charts.kpis import Kpi, KpiValue
from dashboard.charts.options import Option
from dashboard.charts.render import Rendered
from dashboard.data.door import Reads
from dashboard.data.freshness import Freshness, failed_sources, of_render
from data_sources import registry

GRAPH_CONFIG: dcc.Graph.Config = {
    "displaylogo": False,
    "responsive": True,
    "topojsonURL": "/assets/topojson/",  # served by us: no map request leaves the app
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
TABLE_LIMIT = 400
_HIDDEN_COLUMNS = {
    "note",
    "start",
    "end",
    "when",
    "version",
    "source_title",
    "row_id",
    "dataset",
    "unit_original",
    "mid_year",
    "fetched_at",
    "year",
}


def download_links(chart: Chart, options: dict) -> list:
    qs = query_string(chart, options)
    return [
        html.A(
            "CSV",
            href=f"/download/{chart.id}.csv?{qs}",
            download="",
            id={"type": "pp-dl", "page": chart.page, "chart": chart.id, "fmt": "csv"},
            className="pp-link",
        ),
        " · ",
        html.A(
            "JSON",
            href=f"/download/{chart.id}.json?{qs}",
            download="",
            id={"type": "pp-dl", "page": chart.page, "chart": chart.id, "fmt": "json"},
            className="pp-link",
        ),
    ]


def subtitle(fresh: Freshness) -> list:
    parts: list = []
    if fresh.data_to:
        parts.append(f"Data to {fresh.data_to}")
    if fresh.as_of:
        parts.append(f"as of {fresh.as_of}")
    children: list = [" · ".join(parts) or "No data yet"]
    for source_id, since in fresh.stale:
        children += [
            " ",
            dbc.Badge(
                f"{source_id} stale since {since[:10]}",
                color="warning",
                text_color="dark",
                className="pp-stale",
            ),
        ]
    for source_id, _error in fresh.failed:
        children += [
            " ",
            dbc.Badge(f"{source_id}: last refresh failed", color="danger", className="pp-failed"),
        ]
    return children


def data_table(frame: pd.DataFrame) -> html.Table:
    columns = [c for c in frame.columns if c not in _HIDDEN_COLUMNS]
    head = html.Thead(html.Tr([html.Th(c.replace("_", " "), scope="col") for c in columns]))
    body = []
    for _, row in frame.head(TABLE_LIMIT).iterrows():
        cells = []
        for column in columns:
            value = row[column]
            if column == "source_url" and isinstance(value, str) and value.startswith("http"):
                cells.append(
                    html.Td(
                        html.A("source", href=value, rel="noopener noreferrer", target="_blank")
                    )
                )
            else:
                cells.append(html.Td("" if pd.isna(value) else str(value)))
        body.append(html.Tr(cells))
    return html.Table([head, html.Tbody(body)], className="table table-sm pp-table")


def table_block(chart: Chart, frame: pd.DataFrame) -> list:
    """The rows behind a chart; built only when its <details> is opened (lazy, see callbacks)."""
    more = f", first {TABLE_LIMIT} shown" if len(frame) > TABLE_LIMIT else ""
    return [html.P(f"{len(frame)} rows{more}.", className="small mb-1"), data_table(frame)]


def source_line(reads: Reads) -> list:
    """Links to /sources for every dataset the render read that had data."""
    links: list = ["Source: "]
    for index, source_id in enumerate(reads.present()):
        if index:
            links.append("; ")
        title = registry.BY_ID[source_id].title if source_id in registry.BY_ID else source_id
        links.append(html.A(title, href=f"/sources#{source_id}", className="pp-link"))
    return links


def chart_card(rendered: Rendered) -> dbc.Card:
    chart = rendered.chart
    fresh = of_render(rendered.reads, rendered.frame, chart.date_columns)
    key = {"page": chart.page, "chart": chart.id}
    aria: dict[str, Any] = {"aria-label": f"{chart.title}. {chart.description}"}
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2(chart.title, className="h5 mb-0", id=f"title-{chart.id}"),
                    html.Div(
                        subtitle(fresh),
                        className="pp-asof small text-muted",
                        id={"type": "pp-asof", **key},
                    ),
                ]
            ),
            dbc.CardBody(
                [
                    html.Div(
                        dcc.Graph(
                            id={"type": "pp-graph", **key},
                            figure=rendered.spec,
                            config=GRAPH_CONFIG,
                            style={"height": f"{chart.height}px"},
                        ),
                        role="img",
                        **aria,
                    ),
                    html.P(chart.description, className="pp-desc small"),
                    html.P(chart.caveat, className="pp-caveat small") if chart.caveat else None,
                    html.Details(
                        [
                            html.Summary("Data table", id={"type": "pp-tablesum", **key}),
                            html.Div(id={"type": "pp-tablebody", **key}),
                        ],
                        id={"type": "pp-table", **key},
                        className="pp-details",
                    ),
                ]
            ),
            dbc.CardFooter(
                [
                    html.Span(
                        source_line(rendered.reads),
                        className="pp-source",
                        id={"type": "pp-source", **key},
                    ),
                    html.Span(
                        [" · Download ", *download_links(chart, rendered.options)],
                        className="pp-downloads",
                    ),
                    embed_block(rendered),
                ],
                className="small",
            ),
        ],
        className="pp-card mb-4",
        id=f"card-{chart.id}",
    )


SNIPPET_LABELS = {
    "iframe": "Live chart (iframe)",
    "resize": "Live chart, resizes itself (iframe + script)",
    "frozen": "Frozen at today's data version (for published articles)",
    "png": "Image (PNG)",
    "svg": "Image (SVG)",
}


def embed_snippets_for(rendered: Rendered) -> dict[str, str]:
    """The snippets for a chart as rendered; the frozen ones pin every version it read (the
    event datasets too when the event layer is on)."""
    from flask import has_request_context, request

    origin = request.host_url if has_request_context() else "http://127.0.0.1:8050/"
    return snippets(origin, rendered.chart, rendered.options, rendered.reads.versions())


def embed_block(rendered: Rendered) -> html.Details:
    """The Embed button: a disclosure with copy-ready snippets (live, resizing, frozen, images)."""
    chart = rendered.chart
    codes = embed_snippets_for(rendered)
    fields = [
        html.Label(
            [
                SNIPPET_LABELS[kind],
                dcc.Textarea(
                    id={"type": "pp-snippet", "page": chart.page, "chart": chart.id, "kind": kind},
                    value=code,
                    readOnly=True,
                    rows=2 if kind in ("png", "svg") else 3,
                    className="form-control form-control-sm font-monospace pp-snippet",
                ),
            ],
            className="small w-100 mb-2",
        )
        for kind, code in codes.items()
    ]
    return html.Details(
        [html.Summary("Embed", className="pp-embed-button"), html.Div(fields, className="mt-2")],
        className="pp-embed d-inline-block w-100",
        id=f"embed-{chart.id}",
    )


def control(page: str, option: Option, value: Any) -> html.Div:
    """One URL-backed control; ids carry the page and option name (`value` is what
    `option.read` gave: a bool, int or str depending on the option)."""
    cid = {"type": "pp-control", "page": page, "name": option.name}
    label = option.label or option.name
    widget: dcc.Checklist | dcc.Input | dcc.RadioItems
    if isinstance(option.default, bool):
        widget = dcc.Checklist(
            id=cid,
            options=[{"label": f" {label}", "value": "1"}],
            value=["1"] if value else [],
            className="pp-check",
        )
        return html.Div(widget, className="pp-control")
    # Inputs sit inside their <label>, which names them for screen readers.
    if option.widget == "range":
        widget = dcc.Input(
            id=cid,
            type="range",
            value=value,
            min=option.minimum,
            max=option.maximum,
            step=5,
            className="form-range pp-range",
        )
        return html.Div(
            html.Label([f"{label} ", widget], className="small"), className="pp-control pp-weight"
        )
    if isinstance(option.default, int):
        widget = dcc.Input(
            id=cid,
            type="number",
            value=value,
            min=option.minimum,
            max=option.maximum,
            step=1,
            debounce=True,
            className="form-control form-control-sm",
        )
    elif option.choices is not None:
        widget = dcc.RadioItems(
            id=cid,
            value=value,
            inline=True,
            options=[{"label": f" {c}", "value": c} for c in option.choices],
        )
    else:
        widget = dcc.Input(id=cid, value=value, debounce=True)
    return html.Div(html.Label([f"{label} ", widget], className="small"), className="pp-control")


def page_options(charts: list[Chart]) -> list[Option]:
    seen: dict[str, Option] = {}
    for chart in charts:
        for opt in chart.options:
            seen.setdefault(opt.name, opt)
    return list(seen.values())


def failure_banner() -> html.Div | None:
    failed = failed_sources()
    if not failed:
        return None
    names = ", ".join(row["id"] for row in failed)
    return dbc.Alert(
        [
            html.Strong("Latest refresh failed for: "),
            names,
            ". Charts keep showing the last good version; see ",
            html.A("Sources", href="/sources", className="alert-link"),
            ".",
        ],
        color="warning",
        className="pp-banner mb-3",
        id="pp-banner",
    )


def kpi_card(kpi: Kpi, value: KpiValue | None, reads: Reads) -> dbc.Card:
    """One pressure point in one number: value, change, as of, source, stale badge."""
    if value is None:
        body: list = [html.Div("No figure loaded yet", className="pp-kpi-value text-muted")]
    else:
        stale = of_render(reads, pd.DataFrame()).stale
        badge = dbc.Badge("stale", color="warning", text_color="dark") if stale else None
        body = [
            html.Div(
                [
                    value.value,
                    " ",
                    html.Small(
                        value.unit if "%" not in value.value and value.number is not None else "",
                        className="text-muted",
                    ),
                ],
                className="pp-kpi-value",
            ),
            html.Div(value.change, className="pp-kpi-change small") if value.change else None,
            html.Div([f"{value.period} · {value.as_of} ", badge], className="small text-muted"),
            html.A(
                "source",
                href=value.source_url,
                rel="noopener noreferrer",
                className="small pp-link",
                title=value.source_title,
            ),
        ]
    return dbc.Card(
        dbc.CardBody([html.H2(kpi.title, className="h6 mb-1"), *body]),
        className="pp-kpi h-100",
        id=f"kpi-{kpi.id}",
    )
