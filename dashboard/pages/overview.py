"""/: one card per pressure point, the exposure index and the shared event timeline."""

from __future__ import annotations

import dash

from dashboard.pages._chart_page import chart_page

dash.register_page(__name__, path="/", name="Overview", order=0,
                   title="Pressure Points — Armenia's exposure to Russian levers",
                   description="How exposed Armenia is to the levers Russia still holds.")

INTRO = ("Russia has pulled its border guards back from most of Armenia, but it still holds "
         "levers: the only land route north, the gas network, remittances, wheat, nuclear fuel "
         "and the railway. Each page follows one of them, with every number cited.")


def layout(**query: str) -> object:
    return chart_page("overview", "How exposed is Armenia?", INTRO, query)
