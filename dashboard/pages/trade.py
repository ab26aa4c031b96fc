"""/trade: Armenia's trade partners over time, whose figures disagree, and the Upper Lars route."""

from __future__ import annotations

import dash

from dashboard.i18n import N_
from dashboard.pages._chart_page import chart_page

dash.register_page(
    __name__,
    path="/trade",
    name="Trade",
    order=1,
    title="Trade — Pressure Points",
    description="Armenia's goods trade by partner, Armenian and Russian figures "
    "side by side, and the trade that depends on the Upper Lars road.",
)

INTRO = N_(
    "Russia is still Armenia's largest trade partner, and goods sent there by road must "
    "cross Upper Lars, the only operating land crossing. The 2024 figures are "
    "swollen by gold re-exported from Russia, and Armenian and Russian statistics rarely "
    "agree, so live IMF figures and quoted reports are shown side by side."
)


def layout(**query: str) -> object:
    return chart_page("trade", "Trade", INTRO, query)
