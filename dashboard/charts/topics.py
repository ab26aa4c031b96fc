"""Topics of the change log (feeds, `/changes?topic=`, `/api/v1/changes?topic=`), derived from the
chart registry: a source belongs to a topic when a chart on that topic's page draws it.

`sources` is the health topic: failures, staleness and recoveries of any source.
"""

from __future__ import annotations

from dashboard.charts.chart import Chart
from dashboard.charts.registry import CHARTS
from dashboard.i18n import N_
from data_sources.changes import DATA_KINDS, HEALTH_KINDS

# topic -> the page whose charts define it (None: the health topic)
TOPICS: dict[str, str | None] = {
    "upper-lars": "upper_lars",
    "gas": "energy",
    "security": "security",
    "euma": "euma",
    "trade": "trade",
    "sources": None,
}
TITLES = {
    "upper-lars": N_("Upper Lars"),
    "gas": N_("Gas and energy"),
    "security": N_("Security and border incidents"),
    "euma": N_("EU Mission in Armenia"),
    "trade": N_("Trade"),
    "sources": N_("Source failures, staleness and recoveries"),
}
PAGE_TOPIC = {page: topic for topic, page in TOPICS.items() if page}


def sources_of(topic: str) -> tuple[str, ...] | None:
    """The sources of a data topic (None for `sources`: every source). KeyError if unknown."""
    page = TOPICS[topic]
    if page is None:
        return None
    return tuple(sorted({s for c in CHARTS.values() if c.page == page for s in c.sources}))


def kinds_of(topic: str) -> tuple[str, ...]:
    """Which kinds of record a topic carries: data changes, or health turns for `sources`."""
    return HEALTH_KINDS if TOPICS[topic] is None else DATA_KINDS


def topics_of(source_id: str, kind: str) -> list[str]:
    """Every topic a record of this source and kind belongs to."""
    if kind in HEALTH_KINDS:
        return ["sources"]
    return [t for t in TOPICS if TOPICS[t] and source_id in (sources_of(t) or ())]


def charts_of(source_id: str) -> list[Chart]:
    """The charts that draw this source (the event layer counts for event datasets)."""
    return [c for c in CHARTS.values() if source_id in c.declared_sources]
