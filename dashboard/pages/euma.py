"""/euma: the EU Mission in Armenia: mandate, patrols, bases and the border it observes."""

from __future__ import annotations

import dash

from dashboard.i18n import N_
from dashboard.pages._chart_page import chart_page

dash.register_page(
    __name__,
    path="/euma",
    name="EUMA",
    order=5,
    title="EUMA — Pressure Points",
    description="The EU Mission in Armenia: mandate timeline, patrols, bases and "
    "the border it reports observing.",
)

INTRO = N_(
    "Since February 2023 unarmed EU monitors have patrolled the Armenian side of the "
    "border with Azerbaijan from six bases. The mission is the one outside presence on "
    "that border that is not Russian; its mandate runs to February 2027."
)


def layout(**query: str) -> object:
    return chart_page("euma", "EUMA", INTRO, query)
