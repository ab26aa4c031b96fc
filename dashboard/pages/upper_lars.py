"""/upper-lars: the closure and queue log, throughput and capacity, and the trade on the route."""

from __future__ import annotations

import dash

from dashboard.i18n import N_
from dashboard.pages._chart_page import chart_page

dash.register_page(
    __name__,
    path="/upper-lars",
    name="Upper Lars",
    order=3,
    title="Upper Lars — Pressure Points",
    description="Closures, queues and throughput at Upper Lars, Armenia's only "
    "land route to Russia.",
)

INTRO = N_(
    "Upper Lars, on the Georgian–Russian border, is the only road by which Armenian trucks "
    "reach Russia. Snow and landslides close it most winters, and Russian inspections of "
    "Armenian goods have held trucks there, twice in 2023 amid political disputes."
)


def layout(**query: str) -> object:
    return chart_page("upper_lars", "Upper Lars", INTRO, query)
