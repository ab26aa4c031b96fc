"""The shape every chart page shares: intro, URL-backed controls, one card per chart."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.charts.chart import Chart
from dashboard.charts.registry import for_page
from dashboard.charts.render import Rendered, render
from dashboard.data.door import Reads, StoreUnavailable
from dashboard.figures.common import empty_figure
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

        options = chart.parse({})
        figure = empty_figure("This chart could not be drawn; the error is logged.")
        return Rendered(
            chart, options, pd.DataFrame(), figure.to_plotly_json(), pd.DataFrame(), Reads(), ""
        )


def chart_page(
    page: str, title: str, intro: list | str, query: Mapping[str, object], extra: list | None = None
) -> html.Div:
    charts = for_page(page)
    options = page_options(charts)
    values = {opt.name: opt.read(query.get(opt.name)) for opt in options}
    controls = [control(page, opt, values[opt.name]) for opt in options]
    cards = [chart_card(safe_render(chart, query)) for chart in charts]
    return html.Div(
        [
            html.H1(title, className="h3"),
            html.P(intro, className="pp-intro") if isinstance(intro, str) else html.Div(intro),
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
