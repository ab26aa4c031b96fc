"""The callbacks every chart page shares (pattern-matching on the page id): thin, they read the
controls, call the pure figure functions through the chart registry, and keep the URL in step."""

from __future__ import annotations

from dash import ALL, MATCH, Input, Output, callback, clientside_callback, ctx

from dashboard.charts.registry import CHARTS
from dashboard.data.freshness import of_render
from dashboard.pages._chart_page import safe_render
from dashboard.pages._components import (
    chart_summary,
    download_links,
    embed_snippets_for,
    source_line,
    subtitle,
    table_block,
)


def control_query(values: list, ids: list[dict]) -> dict[str, object]:
    """Control values as the query a URL would carry (checklists become 1/0)."""
    query: dict[str, object] = {}
    for value, cid in zip(values, ids, strict=False):
        if isinstance(value, list):
            value = "1" if value else "0"
        query[cid["name"]] = value
    return query


@callback(
    Output({"type": "pp-graph", "page": MATCH, "chart": ALL}, "figure"),
    Output({"type": "pp-asof", "page": MATCH, "chart": ALL}, "children"),
    Output({"type": "pp-source", "page": MATCH, "chart": ALL}, "children"),
    Output({"type": "pp-dl", "page": MATCH, "chart": ALL, "fmt": ALL}, "href"),
    Output({"type": "pp-snippet", "page": MATCH, "chart": ALL, "kind": ALL}, "value"),
    Output({"type": "pp-summary", "page": MATCH, "chart": ALL}, "children"),
    Input({"type": "pp-control", "page": MATCH, "name": ALL}, "value"),
    prevent_initial_call=True,
)
def update_charts(values: list) -> tuple[list, list, list, list, list, list]:
    ids = [item["id"] for item in ctx.inputs_list[0]]
    query = control_query(values, ids)
    figures: list = []
    subtitles: list = []
    sources: list = []
    summaries: list = []
    hrefs: dict[tuple[str, str], str] = {}
    codes: dict[tuple[str, str], str] = {}
    for spec in ctx.outputs_list[0]:
        chart = CHARTS[spec["id"]["chart"]]
        rendered = safe_render(chart, query)
        figures.append(rendered.spec)
        subtitles.append(subtitle(of_render(rendered.reads, rendered.frame, chart.date_columns)))
        sources.append(source_line(rendered.reads))
        summaries.append(chart_summary(rendered))
        for kind, code in embed_snippets_for(rendered).items():
            codes[(chart.id, kind)] = code
        for link in download_links(chart, rendered.options):
            if hasattr(link, "href"):
                hrefs[(chart.id, link.id["fmt"])] = link.href
    links = [
        hrefs.get((spec["id"]["chart"], spec["id"]["fmt"]), "") for spec in ctx.outputs_list[3]
    ]
    snippet_values = [
        codes.get((spec["id"]["chart"], spec["id"]["kind"]), "") for spec in ctx.outputs_list[4]
    ]
    return figures, subtitles, sources, links, snippet_values, summaries


@callback(
    Output({"type": "pp-tablebody", "page": MATCH, "chart": MATCH}, "children"),
    Input({"type": "pp-tablesum", "page": MATCH, "chart": MATCH}, "n_clicks"),
    Input({"type": "pp-control", "page": MATCH, "name": ALL}, "value"),
    prevent_initial_call=True,
)
def fill_table(clicks: int | None, values: list) -> list:
    """The accessible data table, built only while its <details> is open.

    The <summary> toggles <details> natively (mouse, Enter, Space); its click count says
    whether it is open, since html.Details does not report `open` back to Dash.
    """
    if not isinstance(clicks, int) or isinstance(clicks, bool) or clicks % 2 == 0:
        return []
    chart = CHARTS[ctx.outputs_list["id"]["chart"]]
    query = control_query(values, [item["id"] for item in ctx.inputs_list[1]])
    rendered = safe_render(chart, query)
    return table_block(chart, rendered.frame, rendered.events)


# Keep every control's value in the address bar without reloading: replaceState fires no
# navigation event, so the page is not rebuilt (the permalink is always current).
clientside_callback(
    """
    function(values) {
        const inputs = window.dash_clientside.callback_context.inputs_list[0];
        const params = new URLSearchParams(window.location.search);
        inputs.forEach(function(input, i) {
            let v = values[i];
            if (Array.isArray(v)) { v = v.length ? "1" : "0"; }
            if (v === null || v === undefined || v === "") { params.delete(input.id.name); }
            else { params.set(input.id.name, String(v)); }
        });
        const qs = params.toString();
        window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
        return qs;
    }
    """,
    Output({"type": "pp-urlsync", "page": MATCH}, "data"),
    Input({"type": "pp-control", "page": MATCH, "name": ALL}, "value"),
    prevent_initial_call=True,
)
