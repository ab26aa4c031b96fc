"""Curated, cited datasets compiled by the Pressure Points team from public sources (one CSV each).

Each row cites its own source (URL, title, access date, confidence); the rules are in
data_sources/curated/README.md and data_sources/curated_schema.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources

import pandas as pd
import pandera.pandas as pa

from data_sources.curated_schema import COLUMNS, dataset_errors, read_curated_csv, table_errors
from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.source import FetchContext, Source

PUBLISHER = "Pressure Points (compiled from the cited sources)"
LICENCE = "CC BY 4.0 for the compilation; each fact belongs to its cited publisher"
REPO_URL = "https://github.com/pressure-points/pressure-points/blob/main/data_sources/curated"

# id -> (kind, title, description)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "gas_imports": (
        "values",
        "Gas imports by supplier",
        "Natural gas imported from Russia and Iran, million m³, with exact periods.",
    ),
    "gas_prices": (
        "values",
        "Gas prices at the border and for households",
        "Russian (and Iranian) gas border prices, US$ per 1000 m³, from their effective dates.",
    ),
    "energy_events": (
        "events",
        "Gas and nuclear dependency events",
        "Gazprom's ownership of the network, the Iran gas-for-electricity swap, "
        "TVEL fuel contracts, Metsamor's life extension.",
    ),
    "rail_events": (
        "events",
        "Railway concession events",
        "South Caucasus Railway, Russian Railways' concession on Armenia's network.",
    ),
    "trade_partners": (
        "values",
        "Reported trade by partner",
        "Armenia's trade with Russia, the EAEU, EU, Iran, China, UAE and Georgia "
        "as reported by each statistics office or official.",
    ),
    "trade_notes": (
        "events",
        "Trade caveats",
        "Dated notes on the gold and diamond re-export distortion and mirror statistics.",
    ),
    "remittances": (
        "values",
        "Remittances received",
        "Total remittances, those from Russia and Russia's share.",
    ),
    "wheat_imports": ("values", "Wheat imports", "Wheat imports and the share from Russia."),
    "economy": (
        "values",
        "Economy-wide figures",
        "Armenia's GDP: the denominator that turns a shock in US$ into a share of the economy.",
    ),
    "electricity_mix": (
        "values",
        "Electricity mix 2015–2025",
        "Generation shares by fuel and net imports (OWID/Ember).",
    ),
    "upper_lars_events": (
        "events",
        "Upper Lars event log",
        "Closures, reopenings, queues and Russian checks at the only land route north.",
    ),
    "upper_lars_throughput": (
        "values",
        "Upper Lars throughput",
        "Trucks and vehicles per day, capacity figures.",
    ),
    "euma_timeline": (
        "events",
        "EUMA mandate timeline",
        "The EU Mission in Armenia: launch, extensions, deployments.",
    ),
    "euma_figures": ("values", "EUMA figures", "Staff, cumulative patrols, km reported."),
    "russian_presence": (
        "events",
        "Russian border guards and bases",
        "Agreements, handovers and withdrawals of Russian forces in Armenia.",
    ),
    "border_clashes": (
        "events",
        "Notable border clashes",
        "Armenia–Azerbaijan border incidents with each side's casualty figures.",
    ),
    "places": (
        "places",
        "Places",
        "Crossings, bases, EUMA hubs and towns, with cited coordinates.",
    ),
    "claims": (
        "claims",
        "Claims check",
        "Claims of the source article, checked against our evidence rows.",
    ),
}

_DTYPES = {"value": float, "value_max": float, "lat": float, "lon": float}


def csv_bytes(dataset_id: str) -> bytes:
    """The packaged CSV's bytes (installed with the package, so `make run` works offline)."""
    return resources.files("data_sources").joinpath("curated", f"{dataset_id}.csv").read_bytes()


def _fetch_for(dataset_id: str) -> Callable[[FetchContext], list[RawResponse]]:
    def fetch(ctx: FetchContext) -> list[RawResponse]:
        try:
            body = csv_bytes(dataset_id)
        except FileNotFoundError:
            raise SourceError(
                "missing_file", f"data_sources/curated/{dataset_id}.csv is not in the package"
            ) from None
        return [
            RawResponse(
                url=f"{REPO_URL}/{dataset_id}.csv",
                status=200,
                content_type="text/csv",
                body=body,
                fetched_at=datetime.now(UTC),
            )
        ]

    return fetch


def _tidy_for(dataset_id: str, kind: str) -> Callable[[list[RawResponse]], pd.DataFrame]:
    def tidy(parts: list[RawResponse]) -> pd.DataFrame:
        import io

        frame = read_curated_csv(io.BytesIO(parts[0].body))
        errors = table_errors(kind, frame) or dataset_errors(dataset_id, frame)
        if errors:
            more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
            raise SourceError("schema_drift", f"{dataset_id}.csv: " + "; ".join(errors[:3]) + more)
        for column, dtype in _DTYPES.items():
            if column in frame.columns:
                frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(dtype)
        return frame

    return tidy


@functools.cache  # one schema per kind, shared by its datasets: building one costs ~20 ms
def _schema(kind: str) -> pa.DataFrameSchema:
    columns = {
        c: pa.Column(float if c in _DTYPES else str, nullable=c in _DTYPES) for c in COLUMNS[kind]
    }
    return pa.DataFrameSchema(columns, strict=True, unique=["id"], ordered=True)


def curated_source(dataset_id: str) -> Source:
    kind, title, description = CATALOGUE[dataset_id]
    return Source(
        id=dataset_id,
        title=title,
        publisher=PUBLISHER,
        licence=LICENCE,
        landing_url=f"{REPO_URL}/{dataset_id}.csv",
        cadence=None,
        default_base_url=REPO_URL,
        fetch=_fetch_for(dataset_id),
        tidy=_tidy_for(dataset_id, kind),
        schema=_schema(kind),
        description=description,
        attribution="Pressure Points curated data; see each row's source",
    )


SOURCES = [curated_source(dataset_id) for dataset_id in CATALOGUE]
KINDS = {dataset_id: kind for dataset_id, (kind, _, _) in CATALOGUE.items()}


def summary(dataset_id: str) -> dict[str, object]:
    """Rows, distinct cited sources and confidence counts of one curated file (README table)."""
    import io

    frame = read_curated_csv(io.BytesIO(csv_bytes(dataset_id)))
    counts = frame["confidence"].value_counts().to_dict()
    return {
        "id": dataset_id,
        "kind": KINDS[dataset_id],
        "title": CATALOGUE[dataset_id][1],
        "rows": len(frame),
        "sources": frame["source_url"].nunique(),
        "high": counts.get("high", 0),
        "medium": counts.get("medium", 0),
        "low": counts.get("low", 0),
    }


def summary_markdown_row(dataset_id: str) -> str:
    s = summary(dataset_id)
    return (
        f"| `{s['id']}` | {s['kind']} | {s['title']} | {s['rows']} | {s['sources']} | "
        f"{s['high']} / {s['medium']} / {s['low']} |"
    )
