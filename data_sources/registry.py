"""The one list of data sources that the CLI, the dashboard, the API and the docs all read."""

from __future__ import annotations

from data_sources.source import Source
from data_sources.sources import (
    acled,
    comtrade,
    curated,
    gdelt,
    hdx_acled,
    imf_imts,
    ucdp,
    worldbank,
)

LIVE_SOURCES: list[Source] = [
    worldbank.SOURCE,
    comtrade.SOURCE,
    imf_imts.SOURCE,
    hdx_acled.SOURCE,
    ucdp.SOURCE,
    gdelt.SOURCE,
    acled.SOURCE,
]
SOURCES: list[Source] = [*LIVE_SOURCES, *curated.SOURCES]
BY_ID: dict[str, Source] = {source.id: source for source in SOURCES}


def get(source_id: str) -> Source:
    """The source with this id; KeyError names the known ids."""
    try:
        return BY_ID[source_id]
    except KeyError:
        raise KeyError(f"unknown source {source_id!r}; known: {', '.join(BY_ID)}") from None
