"""Layout pieces: chart cards (title, as-of, source line, downloads, alt text, data table,
embed slot), page controls, stale badges and the refresh-failure banner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.charts.alt_text import describe
from dashboard.charts.chart import Chart, query_string
from dashboard.charts.embed_snippets import snippets
from dashboard.charts.kpis import Kpi, KpiValue
from dashboard.charts.options import Option
from dashboard.charts.render import Rendered
from dashboard.data import door
from dashboard.data.door import Reads
from dashboard.data.freshness import Freshness, failed_sources, of_render
from dashboard.i18n import N_, day, gettext, parse_lang
from data_sources import registry

GRAPH_CONFIG: dcc.Graph.Config = {
    "displaylogo": False,
    "responsive": True,
    "topojsonURL": "/assets/topojson/",  # served by us: no map request leaves the app
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
TABLE_LIMIT = 400
# Seconds a range slider waits after the last step before the page reads its value.
SLIDER_SETTLE_S = 0.3
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


def download_links(chart: Chart, options: dict, lang: str = "en") -> list:
    """The CSV and JSON links of a chart as filtered; a page in Armenian or Russian adds its
    `lang=` (the JSON's title and description, and the Content-Language, follow it)."""
    lang = parse_lang(lang)
    qs = "&".join(
        q for q in (query_string(chart, options), "" if lang == "en" else f"lang={lang}") if q
    )
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


def subtitle(fresh: Freshness, lang: str = "en") -> list:
    """ "Data to <date> · as of <date>" and the stale/failed badges, in `lang` (dates by Babel)."""
    parts: list = []
    # Whole phrases with a placeholder: Armenian puts the date before the word ("... դրությամբ")
    stale_since, failed = (
        gettext(lang, "stale since %(date)s"),
        gettext(lang, "last refresh failed"),
    )
    if fresh.data_to:
        parts.append(gettext(lang, "Data to") + " " + day(fresh.data_to, lang))
    if fresh.as_of:
        parts.append(gettext(lang, "as of %(date)s") % {"date": day(fresh.as_of, lang)})
    children: list = [" · ".join(parts) or gettext(lang, "No data yet")]
    for source_id, since in fresh.stale:
        children += [
            " ",
            dbc.Badge(
                f"{source_id} " + stale_since % {"date": day(since, lang)},
                color="warning",
                text_color="dark",
                className="pp-stale",
            ),
        ]
    for source_id, _error in fresh.failed:
        children += [
            " ",
            dbc.Badge(
                f"{source_id}: {failed}",
                color="danger",
                className="pp-failed",
            ),
        ]
    return children


def data_table(frame: pd.DataFrame, caption: str = "") -> html.Table:
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
    parts: list = [html.Caption(caption)] if caption else []
    return html.Table([*parts, head, html.Tbody(body)], className="table table-sm pp-table")


def event_table(events: pd.DataFrame) -> html.Table:
    """The event layer's markers as rows: date, category, what happened, its source."""
    shown = pd.DataFrame(
        {
            "date": pd.to_datetime(events["when"]).dt.strftime("%Y-%m-%d"),
            "category": events["category"].astype(str).str.replace("_", " "),
            "event": events["title"],
            "ref": events["dataset"].astype(str) + "#" + events["row_id"].astype(str),
            "source_url": events.get("source_url", pd.Series("", index=events.index)),
        }
    )
    return data_table(shown, "Events marked along the top of the chart")


def table_block(chart: Chart, frame: pd.DataFrame, events: pd.DataFrame | None = None) -> list:
    """The rows behind a chart (and the event markers drawn on it); built only when its
    <details> is opened (lazy, see callbacks)."""
    more = f", first {TABLE_LIMIT} shown" if len(frame) > TABLE_LIMIT else ""
    block = [
        html.P(f"{len(frame)} rows{more}.", className="small mb-1"),
        data_table(frame, f"The data behind “{chart.title}”"),
    ]
    if events is not None and not events.empty:
        block.append(event_table(events))
    return block


def source_line(reads: Reads, lang: str = "en") -> list:
    """Links to /sources for every dataset the render read that had data (titles as cited)."""
    links: list = [gettext(lang, "Source") + ": "]
    for index, source_id in enumerate(reads.present()):
        if index:
            links.append("; ")
        title = registry.BY_ID[source_id].title if source_id in registry.BY_ID else source_id
        # a source's title is cited as its publisher wrote it (English), never translated
        links.append(html.A(title, href=f"/sources#{source_id}", className="pp-link", lang="en"))
    return links


def chart_summary(rendered: Rendered) -> str:
    """The alt text generated from the data as drawn (latest value, change, period)."""
    return describe(rendered.spec, rendered.events, rendered.lang)


REVISED_WINDOW = timedelta(days=30)


def revised_note(reads: Reads, lang: str = "en") -> html.Div | None:
    """ "revised on <date>" when data this chart read was revised (values changed or rows removed)
    in the last 30 days, linking to the change log of those sources."""
    when = door.revised_on(reads)
    if when is None or datetime.now(UTC) - when > REVISED_WINDOW:
        return None
    sources = [s for s in reads.present() if s in registry.BY_ID]
    href = "/changes?kind=revised" + (f"&source={sources[0]}" if len(sources) == 1 else "")
    shown = f"{when:%d %b %Y}" if lang == "en" else day(when.date(), lang)
    return html.Div(
        [gettext(lang, "revised on") + " ", html.A(shown, href=href)], className="pp-revised small"
    )


def chart_card(rendered: Rendered) -> dbc.Card:
    """A chart as a <figure>: the <figcaption> (title, "as of", what it shows, the sentence made
    from its data) names and describes it, the data table is the next Tab stop after the caption
    and is its text alternative; plotly's own SVG is hidden from screen readers by pp-a11y.js."""
    chart, lang = rendered.chart, rendered.lang
    title = gettext(lang, chart.title)
    fresh = of_render(rendered.reads, rendered.frame, chart.date_columns)
    key = {"page": chart.page, "chart": chart.id}
    # aria-* are passed through by Dash html components but are not in their signatures.
    names: dict[str, Any] = {
        "aria-labelledby": f"title-{chart.id}",
        "aria-describedby": f"desc-{chart.id}",
    }
    caption = html.Figcaption(
        [
            html.H2(title, className="h5 mb-0", id=f"title-{chart.id}"),
            html.Div(
                subtitle(fresh, lang),
                className="pp-asof small text-muted",
                id={"type": "pp-asof", **key},
            ),
            revised_note(rendered.reads, lang),
            html.P(
                [
                    gettext(lang, chart.description),
                    " ",
                    html.Span(chart_summary(rendered), id={"type": "pp-summary", **key}),
                ],
                className="pp-desc small",
                id=f"desc-{chart.id}",
            ),
        ],
        className="card-header pp-caption",
    )
    table = html.Details(
        [
            html.Summary(
                [
                    gettext(lang, "Data table"),
                    html.Span(f" — {title}", className="visually-hidden"),
                ],
                id={"type": "pp-tablesum", **key},
                className="pp-summary",
            ),
            html.Div(id={"type": "pp-tablebody", **key}),
        ],
        id={"type": "pp-table", **key},
        className="pp-details",
    )
    graph = dcc.Graph(
        id={"type": "pp-graph", **key},
        figure=rendered.spec,
        config=GRAPH_CONFIG,
        style={"height": f"{chart.height}px"},
        className="pp-graph",
    )
    body = [
        table,
        graph,
        html.P(
            gettext(lang, chart.caveat)
            % {name: gettext(lang, value) for name, value in chart.caveat_args.items()}
            if chart.caveat_args
            else gettext(lang, chart.caveat),
            className="pp-caveat small",
        )
        if chart.caveat
        else None,
    ]
    return dbc.Card(
        [
            html.Figure(
                [caption, dbc.CardBody(body)],
                className="mb-0",
                **names,
            ),
            dbc.CardFooter(
                [
                    html.Span(
                        source_line(rendered.reads, lang),
                        className="pp-source",
                        id={"type": "pp-source", **key},
                    ),
                    html.Span(
                        [
                            " · " + gettext(lang, "Download") + " ",
                            *download_links(chart, rendered.options, lang),
                        ],
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
    "iframe": N_("Live chart (iframe)"),
    "resize": N_("Live chart, resizes itself (iframe + script)"),
    "frozen": N_("Frozen at today's data version (for published articles)"),
    "png": N_("Image (PNG)"),
    "svg": N_("Image (SVG)"),
}


def embed_snippets_for(rendered: Rendered) -> dict[str, str]:
    """The snippets for a chart as rendered; the frozen ones pin every version it read (the
    event datasets too when the event layer is on)."""
    from flask import has_request_context, request

    origin = request.host_url if has_request_context() else "http://127.0.0.1:8050/"
    versions = rendered.reads.versions()
    return snippets(origin, rendered.chart, rendered.options, versions, rendered.lang)


def embed_block(rendered: Rendered) -> html.Details:
    """The Embed button: a disclosure with copy-ready snippets (live, resizing, frozen, images)."""
    chart = rendered.chart
    codes = embed_snippets_for(rendered)
    fields = [
        html.Label(
            [
                gettext(rendered.lang, SNIPPET_LABELS[kind]),
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
        [
            html.Summary(gettext(rendered.lang, "Embed"), className="pp-embed-button"),
            html.Div(fields, className="mt-2"),
        ],
        className="pp-embed d-inline-block w-100",
        id=f"embed-{chart.id}",
    )


def control(page: str, option: Option, value: Any, lang: str = "en") -> html.Div:
    """One URL-backed control; ids carry the page and option name (`value` is what
    `option.read` gave: a bool, int or str depending on the option).

    Native inputs with their own <label> (dash-bootstrap-components), radios grouped in a
    <fieldset> whose <legend> names the group: dcc's checklist/radio markup wraps each native
    input in `role="option"` inside `role="listbox"`, which doubles names and promises arrow keys.
    """
    cid = {"type": "pp-control", "page": page, "name": option.name}
    label = gettext(lang, option.label or option.name)
    widget: dbc.Checklist | dcc.Input | dbc.RadioItems
    if isinstance(option.default, bool):
        widget = dbc.Checklist(
            id=cid,
            options=[{"label": label, "value": "1"}],
            value=["1"] if value else [],
            switch=True,
            className="pp-check",
        )
        return html.Div(widget, className="pp-control")
    if option.choices is not None and not isinstance(option.default, int):
        shown = dict(option.choice_labels)
        widget = dbc.RadioItems(
            id=cid,
            value=value,
            inline=True,
            options=[
                {"label": gettext(lang, shown.get(str(c), str(c))), "value": c}
                for c in option.choices
            ],
            className="pp-radios",
        )
        return html.Div(
            html.Fieldset([html.Legend(label, className="pp-legend"), widget]),
            className="pp-control",
        )
    # Inputs sit inside their <label>, which names them for screen readers.
    if option.widget == "range":
        # The slider the reader moves is not the control the callbacks read: a clientside
        # callback (_callbacks.settle_range) copies its value to the hidden `pp-control` input
        # once the hand has paused SLIDER_SETTLE_S. Without it every arrow-key step sent its own
        # overlapping request and an older answer could land last, leaving a stale result.
        # (dcc.Input's own `debounce` calls setSelectionRange, which range inputs reject.)
        widget = dcc.Input(
            id={"type": "pp-range", "page": page, "name": option.name},
            type="range",
            value=value,
            min=option.minimum,
            max=option.maximum,
            step=option.step,
            className="form-range pp-range",
        )
        return html.Div(
            html.Label(
                [f"{label} ", widget, dcc.Input(id=cid, type="hidden", value=value)],
                className="small",
            ),
            className="pp-control pp-weight",
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
    else:
        widget = dcc.Input(id=cid, value=value, debounce=True, className="form-control")
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


# the first word of a KPI card's origin ("curated · Armstat") and of a change that names the
# latest event ("latest: <event title>"): interface words; what follows is cited (lang="en")
KPI_PREFIXES = {
    "curated · ": N_("curated"),
    "live · ": N_("live"),
    "latest: ": N_("latest"),
    "earlier: ": N_("earlier"),  # then the figure with its cited measure and publisher
}


def kpi_words(text: str, lang: str) -> str | list:
    """A KPI card's origin or change in `lang`: its interface word translated, the publisher or
    event title after it kept as cited and marked English; other text as computed."""
    if lang == "en":
        return text
    for prefix, word in KPI_PREFIXES.items():
        if text.startswith(prefix):
            rest = text[len(prefix) :]
            cited = gettext(lang, rest) if rest == "unknown" else html.Span(rest, lang="en")
            return [gettext(lang, word), prefix[len(word) :], cited]
    return text


def kpi_card(kpi: Kpi, value: KpiValue | None, reads: Reads, lang: str = "en") -> dbc.Card:
    """One pressure point in one number: value, change, as of, source, stale badge; the card's
    words in `lang` (the figure's own text, such as the period, stays as computed)."""
    if value is None:
        missing = gettext(lang, "No figure loaded yet.")
        body: list = [html.Div(missing, className="pp-kpi-value text-muted")]
    else:
        stale = of_render(reads, pd.DataFrame()).stale
        stale_word = gettext(lang, "stale")
        badge = dbc.Badge(stale_word, color="warning", text_color="dark") if stale else None
        body = [
            html.Div(
                [
                    gettext(lang, value.value),  # a word such as "open" is a message
                    " ",
                    html.Small(
                        gettext(lang, value.unit)  # a unit such as "days" is a message
                        if "%" not in value.value and value.number is not None
                        else "",
                        className="text-muted",
                    ),
                ],
                className="pp-kpi-value",
            ),
            html.Div(kpi_words(value.change, lang), className="pp-kpi-change small")
            if value.change
            else None,
            html.Div(kpi_words(value.earlier, lang), className="pp-kpi-earlier small")
            if value.earlier
            else None,
            html.Div(
                [f"{value.period} · {value.as_of_in(lang)} ", badge], className="small text-muted"
            ),
            html.Span(kpi_words(value.origin, lang), className="pp-origin small")
            if value.origin
            else None,
            " · " if value.origin else None,
            html.A(
                gettext(lang, "source"),
                href=value.source_url,
                rel="noopener noreferrer",
                className="small pp-link",
                title=value.source_title,
            ),
        ]
    return dbc.Card(
        dbc.CardBody([html.H2(gettext(lang, kpi.title), className="h6 mb-1"), *body]),
        className="pp-kpi h-100",
        id=f"kpi-{kpi.id}",
    )
