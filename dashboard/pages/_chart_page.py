"""The shape every chart page shares: intro, URL-backed controls, one card per chart."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.charts.chart import Chart
from dashboard.charts.registry import for_page
from dashboard.charts.render import Rendered, render
from dashboard.data.door import Reads, StoreUnavailable
from dashboard.figures.common import empty_figure
from dashboard.i18n import gettext, parse_lang
from dashboard.pages._components import chart_card, control, page_options

log = logging.getLogger(__name__)


def safe_render(chart: Chart, query: Mapping[str, object]) -> Rendered:
    """Render a chart; a bug or bad data gives an explained empty figure, never a 500."""
    try:
        return render(chart, query)
    except StoreUnavailable:
        raise  # not a bug: the whole response becomes a 503 (dashboard.web.failures)
    except Exception:
        log.exception("chart %s failed to render", chart.id)
        import pandas as pd

        options, lang = chart.parse({}), parse_lang(query.get("lang"))
        figure = empty_figure(gettext(lang, "This chart could not be drawn; the error is logged."))
        return Rendered(
            chart,
            options,
            pd.DataFrame(),
            figure.to_plotly_json(),
            pd.DataFrame(),
            Reads(),
            "",
            lang,
        )


def chart_page(
    page: str, title: str, intro: list | str, query: Mapping[str, object], extra: list | None = None
) -> html.Div:
    """A chart page in the query's `lang`: the heading and cards translated; a hidden `lang`
    control carries the language into every callback (and keeps it in the URL)."""
    charts = for_page(page)
    options = page_options(charts)
    lang = parse_lang(query.get("lang"))
    values = {opt.name: opt.read(query.get(opt.name)) for opt in options}
    controls: list[Any] = [control(page, opt, values[opt.name], lang) for opt in options]
    if lang != "en":
        controls.append(
            dcc.Input(
                type="hidden", value=lang, id={"type": "pp-control", "page": page, "name": "lang"}
            )
        )
    cards = [chart_card(safe_render(chart, query)) for chart in charts]
    return html.Div(
        [
            html.H1(gettext(lang, title), className="h3"),
            html.P(gettext(lang, intro), className="pp-intro")
            if isinstance(intro, str)
            else html.Div(intro),
            dbc.Form(
                controls, className="pp-controls d-flex flex-wrap gap-3 mb-3", id=f"{page}-controls"
            )
            if controls
            else None,
            dcc.Store(id={"type": "pp-urlsync", "page": page}),
            *(extra or []),
            *cards,
        ],
        id=f"{page}-page",
    )
