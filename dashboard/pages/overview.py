"""/: one card per pressure point, the exposure index and the shared event timeline."""

from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc

from dashboard.charts.kpis import KPIS, Kpi, value_of
from dashboard.data.door import Reads, StoreUnavailable
from dashboard.i18n import N_, parse_lang
from dashboard.pages._chart_page import chart_page
from dashboard.pages._components import kpi_card

log = logging.getLogger(__name__)
dash.register_page(
    __name__,
    path="/",
    name="Overview",
    order=0,
    title="Pressure Points — Armenia's exposure to Russian levers",
    description="How exposed Armenia is to the levers Russia still holds.",
)

INTRO = N_(
    "Russia has pulled its border guards back from most of Armenia, but it still holds "
    "levers: the only land route north, the gas network, remittances, wheat, nuclear fuel "
    "and the railway. Each card shows the latest cited figure; each page follows one lever."
)


def _kpi_card(kpi: Kpi, lang: str) -> dbc.Card:
    try:
        value, reads, _key = value_of(kpi)
    except StoreUnavailable:
        raise  # the page becomes a 503, not a row of empty cards
    except Exception:
        log.exception("KPI %s failed", kpi.id)
        value, reads = None, Reads()
    return kpi_card(kpi, value, reads, lang)


def kpi_row(lang: str = "en") -> dbc.Row:
    return dbc.Row(
        [dbc.Col(_kpi_card(kpi, lang), xs=12, sm=6, lg=3, className="mb-3") for kpi in KPIS],
        className="pp-kpis",
        id="overview-kpis",
    )


def layout(**query: str) -> object:
    cards = kpi_row(parse_lang(query.get("lang")))
    return chart_page("overview", "How exposed is Armenia?", INTRO, query, extra=[cards])
