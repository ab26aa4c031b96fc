"""The callbacks every chart page shares (pattern-matching on the page id): thin, they read the
controls, call the pure figure functions through the chart registry, and keep the URL in step."""

from __future__ import annotations

from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, no_update

from dashboard.charts.registry import CHARTS
from dashboard.data.freshness import of_render
from dashboard.pages._chart_page import safe_render
from dashboard.pages._components import (
    SLIDER_SETTLE_S,
    chart_summary,
    download_links,
    embed_snippets_for,
    source_line,
    subtitle,
    table_block,
)

# Callbacks whose outputs include one of these component types are answered from the shared
# cache when their request and data versions were seen before (dashboard.web.callback_cache):
# their output depends only on the request body, the host and what they read through the door.
CACHED_OUTPUT_TYPES = ("pp-graph",)
# Dash Pages' routing callback is cached for the chart pages (their layout, KPI cards included,
# is read through the door); not for /sources or /changes, which show run state and records
# that are not dataset versions.
CACHED_PAGE_PATHS = frozenset(
    "/" if chart.page == "overview" else "/" + chart.page.replace("_", "-")
    for chart in CHARTS.values()
)


def table_is_open(clicks: object) -> bool:
    """The <summary> toggles <details> natively (mouse, Enter, Space); an odd click count means
    open, since html.Details does not report `open` back to Dash."""
    return isinstance(clicks, int) and not isinstance(clicks, bool) and clicks % 2 == 1


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
    Output({"type": "pp-tablebody", "page": MATCH, "chart": ALL}, "children", allow_duplicate=True),
    Input({"type": "pp-control", "page": MATCH, "name": ALL}, "value"),
    State({"type": "pp-tablesum", "page": MATCH, "chart": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def update_charts(values: list, table_clicks: list) -> tuple[list, ...]:
    """Everything a control change redraws, in one round trip: figures, captions, links,
    snippets, and the data tables that are open (closed ones are left alone: no_update)."""
    ids = [item["id"] for item in ctx.inputs_list[0]]
    query = control_query(values, ids)
    figures: list = []
    subtitles: list = []
    sources: list = []
    summaries: list = []
    hrefs: dict[tuple[str, str], str] = {}
    codes: dict[tuple[str, str], str] = {}
    tables: dict[str, object] = {}
    opened = {
        item["id"]["chart"]
        for item, clicks in zip(ctx.states_list[0], table_clicks, strict=False)
        if table_is_open(clicks)
    }
    for spec in ctx.outputs_list[0]:
        chart = CHARTS[spec["id"]["chart"]]
        rendered = safe_render(chart, query)
        figures.append(rendered.spec)
        fresh = of_render(rendered.reads, rendered.frame, chart.date_columns)
        subtitles.append(subtitle(fresh, rendered.lang))  # lang: the hidden `lang` control
        sources.append(source_line(rendered.reads, rendered.lang))
        summaries.append(chart_summary(rendered))
        if chart.id in opened:
            tables[chart.id] = table_block(chart, rendered.frame, rendered.events)
        for kind, code in embed_snippets_for(rendered).items():
            codes[(chart.id, kind)] = code
        for link in download_links(chart, rendered.options, rendered.lang):
            if hasattr(link, "href"):
                hrefs[(chart.id, link.id["fmt"])] = link.href
    links = [
        hrefs.get((spec["id"]["chart"], spec["id"]["fmt"]), "") for spec in ctx.outputs_list[3]
    ]
    snippet_values = [
        codes.get((spec["id"]["chart"], spec["id"]["kind"]), "") for spec in ctx.outputs_list[4]
    ]
    bodies = [tables.get(spec["id"]["chart"], no_update) for spec in ctx.outputs_list[6]]
    return figures, subtitles, sources, links, snippet_values, summaries, bodies


@callback(
    Output(
        {"type": "pp-tablebody", "page": MATCH, "chart": MATCH}, "children", allow_duplicate=True
    ),
    Input({"type": "pp-tablesum", "page": MATCH, "chart": MATCH}, "n_clicks"),
    State({"type": "pp-control", "page": MATCH, "name": ALL}, "value"),
    prevent_initial_call=True,
)
def fill_table(clicks: int | None, values: list) -> list:
    """The accessible data table, built when its <details> opens (emptied when it closes).
    Control changes refill open tables in `update_charts`; closed ones cost nothing."""
    if not table_is_open(clicks):
        return []
    chart = CHARTS[ctx.outputs_list["id"]["chart"]]
    query = control_query(values, [item["id"] for item in ctx.states_list[0]])
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


# A range slider settles before the page reads it: each step restarts a timer, and only the
# value the slider holds when the timer runs out is copied to its hidden `pp-control` input
# (older steps resolve to no_update). The charts, URL and tables then get one request per
# pause, not one per step, so no late answer for an old position can overwrite a newer one.
clientside_callback(
    """
    function(value) {
        const key = JSON.stringify(window.dash_clientside.callback_context.outputs_list.id);
        const turns = window.ppSettleTurns || (window.ppSettleTurns = {});
        const turn = (turns[key] || 0) + 1;
        turns[key] = turn;
        return new Promise(function(resolve) {
            setTimeout(function() {
                resolve(turns[key] === turn ? value : window.dash_clientside.no_update);
            }, SETTLE_MS);
        });
    }
    """.replace("SETTLE_MS", str(round(SLIDER_SETTLE_S * 1000))),
    Output({"type": "pp-control", "page": MATCH, "name": MATCH}, "value"),
    Input({"type": "pp-range", "page": MATCH, "name": MATCH}, "value"),
    prevent_initial_call=True,
)
