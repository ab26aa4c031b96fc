"""News attention from GDELT (DOC 2.0 `timelinevolraw`), one chart per query on the page it
belongs to: how much the world's news wrote about the border, Upper Lars and EUMA each month —
news volume, not incidents."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import live_data
from dashboard.charts.chart import Chart, panels_by
from dashboard.charts.event_layer import TIME_OPTIONS, in_years
from dashboard.i18n import N_

CAVEAT = N_(
    "News volume, not incidents: articles in GDELT's monitored news matching a fixed query, "
    "summed per month. GDELT searches a rolling three-month window; the store keeps what earlier "
    "refreshes saw. Coverage and the article total change over time, so compare months with care."
)
# query id -> (page, label in the title, description): whole sentences, one message each
QUERIES = {
    "armenia_azerbaijan_border": (
        "security",
        "Armenia–Azerbaijan border",
        N_(
            "Articles per month in GDELT's monitored news that match the query about "
            "Armenia–Azerbaijan border — news volume, not incidents."
        ),
    ),
    "upper_lars": (
        "upper_lars",
        "Upper Lars",
        N_(
            "Articles per month in GDELT's monitored news that match the query about "
            "Upper Lars — news volume, not incidents."
        ),
    ),
    "euma": (
        "euma",
        "EUMA",
        N_(
            "Articles per month in GDELT's monitored news that match the query about "
            "EUMA — news volume, not incidents."
        ),
    ),
}


def _data(query_id: str):  # noqa: ANN202 (a closure per query)
    def data(options: dict) -> pd.DataFrame:
        rows = live_data.gdelt(query_id)
        return (
            in_years(rows.assign(panel=N_("Articles per month")), options)
            if not rows.empty
            else rows
        )

    return data


CHARTS = [
    Chart(
        id=f"news_attention_{query_id}",
        page=page,
        title=f"News attention: {label} (GDELT)",
        description=description,
        sources=("gdelt",),
        live=("gdelt",),
        data=_data(query_id),
        figure=panels_by("series", N_("No news volume in this period"), legend=False),
        options=TIME_OPTIONS,
        height=300,
        caveat=CAVEAT,
    )
    for query_id, (page, label, description) in QUERIES.items()
]
