"""/scenarios: what a closed Upper Lars, a cut in Russian gas or a fall in remittances from Russia
would cost. Sliders live in the URL like every page's controls; each parameter says where its
default comes from (a cited row) or that it is an assumption; the formula is shown."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, callback, ctx, dcc, html

from dashboard.charts import scenarios as sc
from dashboard.charts.registry import CHARTS
from dashboard.figures.scenarios import fmt
from dashboard.i18n import N_, gettext, parse_lang
from dashboard.pages._callbacks import control_query
from dashboard.pages._chart_page import safe_render
from dashboard.pages._components import chart_card, control

log = logging.getLogger(__name__)
PAGE = "scenarios"
dash.register_page(
    __name__,
    path="/scenarios",
    name="Scenarios",
    order=6,
    title="Scenarios — Pressure Points",
    description="What it would cost Armenia if Russia closed Upper Lars, cut gas or squeezed "
    "remittances: open formulas with cited parameters.",
)

INTRO = N_(
    "Three levers, three back-of-the-envelope costs. Move a slider to change a parameter; the "
    "address keeps your choices, so a link reproduces them. Every default is a cited figure "
    "(follow the source link) or is marked as our assumption; the band shows what the cited "
    "low and high figures give. These are scenarios, not forecasts."
)


def _value(cell: Any) -> str:
    return "" if cell is None or (isinstance(cell, float) and pd.isna(cell)) else str(cell)


HEADERS = (N_("parameter"), N_("value"), N_("default"), N_("range"), N_("from"))
NOT_COMPUTED = N_("This scenario could not be computed.")


def detail(result: sc.Result, lang: str = "en") -> list:
    """The parameters (value, default, range, source or assumption), results and formula, in
    `lang` (the parameter notes and the sources' titles are our words and cited text alike:
    the notes are catalog messages, the titles stay as cited)."""
    _ = lambda message: gettext(lang, message)  # noqa: E731
    head = html.Thead(html.Tr([html.Th(_(c), scope="col") for c in HEADERS]))
    body = []
    for row in result.inputs.to_dict("records"):
        unit = _(str(row["unit"]))
        if row["assumption"]:
            origin: Any = html.Span(
                _("assumption"), className="badge text-bg-warning pp-assumption"
            )
        else:
            origin = [
                html.A(
                    _("source"),
                    href=row["source_url"],
                    rel="noopener noreferrer",
                    target="_blank",
                    title=_value(row["source_title"]),
                ),
                f" · {_(str(row['how']))}" if row["how"] else "",
            ]
        band = (
            f"{fmt(row['low'])}–{fmt(row['high'])}"
            if pd.notna(row["low"]) and pd.notna(row["high"])
            else ""
        )
        body.append(
            html.Tr(
                [
                    html.Td(_(str(row["label"])), title=_(_value(row["note"]))),
                    html.Td(fmt(row["value"], unit)),
                    html.Td(fmt(row["default"], unit)),
                    html.Td(band),
                    html.Td(origin),
                ]
            )
        )
    results = []
    for row in result.outputs.to_dict("records"):
        value = (
            _("never (no shortfall)")
            if pd.isna(row["value"])
            else fmt(row["value"], _(str(row["unit"])))
        )
        low = "" if pd.isna(row["low"]) else fmt(row["low"])
        high = _("no limit") if pd.isna(row["high"]) else fmt(row["high"])
        band = (
            " " + _("(range %(low)s to %(high)s)") % {"low": low, "high": high}
            if low and (row["low"] != row["high"])
            else ""
        )
        results.append(html.Li([html.Strong(f"{_(str(row['label']))}: "), value, band]))
    notes = [
        html.Li(f"{_(str(r['label']))}: {_(str(r['note']))}")
        for r in result.inputs.to_dict("records")
        if r["note"]
    ]
    return [
        html.H3(_("Results"), className="h6"),
        html.Ul(results, className="pp-scenario-results"),
        html.H3(_("Parameters"), className="h6"),
        html.Div(
            html.Table([head, html.Tbody(body)], className="table table-sm pp-table"),
            className="table-responsive",
        ),
        html.P(
            [html.Strong(_("Formula:") + " "), _(result.scenario.formula)],
            className="small pp-formula",
        ),
        html.Details(
            [html.Summary(_("Notes on the parameters")), html.Ul(notes, className="small")]
        )
        if notes
        else None,
    ]


def _result(scenario: sc.Scenario, query: Mapping[str, object]) -> sc.Result | None:
    try:
        return sc.run(scenario, sc.parse(scenario, query, strict=False))
    except Exception:
        log.exception("scenario %s failed", scenario.id)
        return None


def section(scenario: sc.Scenario, query: Mapping[str, object]) -> html.Section:
    lang = parse_lang(str(query.get("lang") or ""))
    chart = CHARTS[sc.chart_id(scenario.id)]
    rendered = safe_render(chart, query)
    result = _result(scenario, query)
    values: dict[str, Any] = {}
    if result is not None:
        values = dict(zip(result.inputs["name"], result.inputs["value"], strict=True))
        values.update(result.choices)
    controls = [
        control(PAGE, opt, values.get(opt.name, opt.read(query.get(opt.name))), lang)
        for opt in chart.options
    ]
    aria: dict[str, Any] = {"aria-label": gettext(lang, scenario.title)}
    return html.Section(
        [
            dbc.Form(controls, className="pp-controls d-flex flex-wrap gap-3 mb-2"),
            chart_card(rendered),
            html.Div(
                detail(result, lang) if result is not None else gettext(lang, NOT_COMPUTED),
                id={"type": "pp-scenario-detail", "id": scenario.id},
                className="pp-scenario-detail mb-5",
            ),
        ],
        id=f"scenario-{scenario.id}",
        **aria,
    )


def layout(**query: str) -> object:
    lang = parse_lang(query.get("lang"))
    return html.Div(
        [
            html.H1(gettext(lang, "What would it cost?"), className="h3"),
            html.P(gettext(lang, INTRO), className="pp-intro"),
            # a hidden `lang` control carries the language into every callback (as chart_page)
            dcc.Input(
                type="hidden", value=lang, id={"type": "pp-control", "page": PAGE, "name": "lang"}
            )
            if lang != "en"
            else None,
            dcc.Store(id={"type": "pp-urlsync", "page": PAGE}),
            *[section(s, query) for s in sc.SCENARIOS.values()],
        ],
        id=f"{PAGE}-page",
    )


@callback(
    Output({"type": "pp-scenario-detail", "id": ALL}, "children"),
    Input({"type": "pp-control", "page": PAGE, "name": ALL}, "value"),
    prevent_initial_call=True,
)
def update_details(values: list) -> list:
    query = control_query(values, [item["id"] for item in ctx.inputs_list[0]])
    out = []
    for spec in ctx.outputs_list:
        result = _result(sc.SCENARIOS[spec["id"]["id"]], query)
        lang = parse_lang(query.get("lang"))
        out.append(detail(result, lang) if result is not None else gettext(lang, NOT_COMPUTED))
    return out


def _follow(scenario: sc.Scenario, choice: sc.Choice, param: sc.Param) -> None:
    """When a choice changes, its dependent slider jumps to the cited default for that choice."""

    @callback(
        Output({"type": "pp-range", "page": PAGE, "name": param.name}, "value"),
        Input({"type": "pp-control", "page": PAGE, "name": choice.name}, "value"),
        prevent_initial_call=True,
    )
    def follow(value: str) -> float:
        result = sc.run(scenario, {choice.name: value} if value in choice.choices else {})
        rows = result.inputs[result.inputs["name"] == param.name]
        return float(str(rows["default"].iloc[0]))


for _scenario in sc.SCENARIOS.values():
    for _choice in _scenario.choices:
        for _param in _scenario.params:
            if _param.depends_on == _choice.name:
                _follow(_scenario, _choice, _param)
