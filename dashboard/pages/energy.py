"""/energy: gas imports by supplier, the border price, electricity mix, nuclear fuel, rail."""

from __future__ import annotations

import dash

from dashboard.i18n import N_
from dashboard.pages._chart_page import chart_page

dash.register_page(
    __name__,
    path="/energy",
    name="Energy",
    order=2,
    title="Energy — Pressure Points",
    description="Gas, electricity, nuclear fuel and rail: Armenia's energy dependence on Russia.",
)

INTRO = N_(
    "Gazprom owns Armenia's gas network and supplies most of its gas; Iran's gas is paid "
    "for in electricity. The Metsamor nuclear plant burns Russian fuel, and Russian "
    "Railways runs the railway under a 30-year concession."
)


def layout(**query: str) -> object:
    return chart_page("energy", "Energy", INTRO, query)
