"""/security: incident counts by source, the incident map, the Russian presence timeline."""

from __future__ import annotations

import dash

from dashboard.i18n import N_
from dashboard.pages._chart_page import chart_page

dash.register_page(
    __name__,
    path="/security",
    name="Security",
    order=4,
    title="Security — Pressure Points",
    description="Border incidents with Azerbaijan, where they happened, and "
    "Russia's shrinking role guarding Armenia's borders.",
)

INTRO = N_(
    "Armenia's border with Azerbaijan saw deadly fighting from 2020 to 2024 and has been "
    "quieter since the 2025 Washington declaration. Russian border guards, on Armenia's "
    "frontiers since 1992, have handed over the airport and checkpoints one by one. "
    "Incident sources count different things, so they are shown side by side, never added."
)


def layout(**query: str) -> object:
    return chart_page("security", "Security", INTRO, query)
