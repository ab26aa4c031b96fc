"""Read side of the security and EUMA charts: live incident tables with provenance, curated
clash counts, and map layers (places, curated clashes, UCDP events).

Live sources go through `data_sources.incidents.build_incidents`, so ACLED only ever appears as
monthly aggregates, never as event rows; only UCDP events (public, CC BY) are mapped. A live
source that is not registered yet, or has no version in the store, is simply absent.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard.charts.event_layer import in_years as _in_years
from dashboard.data import datasets
from dashboard.figures.incidents import CURATED, LABELS, LIVE_INCIDENTS
from data_sources import incidents, registry

COUNTED = ("clash", "incursion", "incident")  # border_clashes categories counted as incidents
MAPPED_CLASHES = (*COUNTED, "occupation")
PROVENANCE = list(datasets.PROVENANCE)
MAP_COLUMNS = [
    "layer",
    "name",
    "date",
    "lat",
    "lon",
    "coord_precision",
    "detail",
    "reported_by",
    "country",
    *PROVENANCE,
]
_WHERE = re.compile(r"where_prec=(\d)")


def coverage(source_id: str) -> str:
    note = getattr(incidents, "COVERAGE", {}).get(source_id, {})
    return " ".join(note.get(k, "") for k in ("counts", "caveat", "lag")).strip()


def live_incidents(sources: tuple[str, ...] = LIVE_INCIDENTS) -> pd.DataFrame:
    """The incidents table for these registered live sources with data, with provenance."""
    pieces = []
    for source_id in sources:
        if source_id not in registry.BY_ID:  # not registered yet: reported as missing
            continue
        frame = datasets.live(source_id)
        if frame.empty:
            continue
        table = incidents.build_incidents(
            {source_id: frame.drop(columns=["dataset", "version", "fetched_at"], errors="ignore")}
        )
        source = registry.BY_ID[source_id]
        urls = list(frame["source_url"].dropna().unique()) if "source_url" in frame.columns else []
        url = urls[0] if len(urls) == 1 else None  # several files: cite the landing page
        pieces.append(
            table.assign(
                dataset=source_id,
                row_id=table["source_ref"],
                source_url=url or source.landing_url,
                source_title=source.title,
                accessed=str(frame["fetched_at"].iloc[0] or "")[:10],
                confidence="as published",
                version=frame["version"].iloc[0],
            )
        )
    if not pieces:
        return pd.DataFrame(columns=[*incidents.COLUMNS, *PROVENANCE])
    return pd.concat(pieces, ignore_index=True)


def by_country(frame: pd.DataFrame, options: dict) -> pd.DataFrame:
    chosen = options.get("country", "both")
    if frame.empty or chosen == "both":
        return frame
    return frame[frame["country"] == chosen]


def live_counts(table: pd.DataFrame, per: str) -> pd.DataFrame:
    """Events and fatalities per source and period; periods inside a source's span with no row
    count as zero. Sources are never summed together."""
    rows = []
    for source_id, group in table.groupby("source", sort=False):
        months = pd.PeriodIndex(group["period"].astype(str), freq="M")
        keys = months.asfreq("Y") if per == "year" else months
        sums = group.groupby(keys.astype(str))[["events", "fatalities"]].sum()
        span = pd.period_range(keys.min(), keys.max(), freq=keys.freq)
        sums = sums.reindex(span.astype(str), fill_value=0)
        first = group.iloc[0]
        for key, row in sums.iterrows():
            period = pd.Period(str(key), freq="Y" if per == "year" else "M")
            rows.append(
                {
                    "source": source_id,
                    "label": LABELS.get(str(source_id), str(source_id)),
                    "period_start": period.start_time.date().isoformat(),
                    "period_end": period.end_time.date().isoformat(),
                    "events": int(row["events"]),
                    "fatalities": int(row["fatalities"]),
                    "counts": coverage(str(source_id)),
                    "dataset": first["dataset"],
                    "row_id": f"{source_id} {per} {key}",
                    "source_url": first["source_url"],
                    "source_title": first["source_title"],
                    "accessed": first["accessed"],
                    "confidence": first["confidence"],
                    "version": first["version"],
                }
            )
    return pd.DataFrame(rows)


def curated_counts(options: dict) -> pd.DataFrame:
    """Fallback: distinct dates of curated clashes, incursions and incidents per year."""
    events = datasets.events((CURATED,), categories=COUNTED)
    if events.empty:
        return events
    rows = []
    for year_, group in events.groupby(events["when"].dt.year):
        rows.append(
            {
                "source": CURATED,
                "label": LABELS[CURATED],
                "period_start": f"{year_}-01-01",
                "period_end": f"{year_}-12-31",
                "events": int(group["date"].nunique()),
                "fatalities": None,
                "counts": "Distinct dates in our curated list of notable clashes, incursions and "
                "incidents (one incident reported by both sides is counted once).",
                "dataset": CURATED,
                "row_id": ";".join(group["row_id"]),
                "source_url": ";".join(dict.fromkeys(group["source_url"])),
                "source_title": "Pressure Points curated list (each row cites its source)",
                "accessed": str(group["accessed"].max()),
                "confidence": ";".join(sorted(set(group["confidence"]))),
                "version": group["version"].iloc[0],
            }
        )
    return pd.DataFrame(rows)


def places_layer(kinds: tuple[str, ...]) -> pd.DataFrame:
    """Curated places of these kinds as map points (layer = kind)."""
    places = datasets.curated("places")
    if places.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    places = places[places["kind"].isin(kinds)]
    return places.assign(layer=places["kind"], date=None, detail=places["note"], reported_by=None)[
        MAP_COLUMNS
    ].reset_index(drop=True)


def clashes_layer(options: dict) -> pd.DataFrame:
    """Curated clashes at their own sourced point, else at their place (with its precision)."""
    events = _in_years(
        datasets.events((CURATED,), categories=MAPPED_CLASHES), options, start="when", end="when"
    )
    if events.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    places = datasets.curated("places")
    places = places.set_index("row_id") if not places.empty else pd.DataFrame()
    rows = []
    for _, row in events.iterrows():
        lat, lon, precision = row.get("lat"), row.get("lon"), row.get("coord_precision")
        precision = precision if isinstance(precision, str) else ""
        place_id = row.get("place_id")
        place = (
            places.loc[place_id] if isinstance(place_id, str) and place_id in places.index else None
        )
        unit = row.get("unit") if isinstance(row.get("unit"), str) else ""
        detail = f"{row['value']:,.4g} {unit}".strip() if pd.notna(row.get("value")) else ""
        if (pd.isna(lat) or pd.isna(lon)) and place is not None:
            lat, lon, precision = place["lat"], place["lon"], place["coord_precision"]
            detail = (detail + " · " if detail else "") + f"located at {place['name']}"
        rows.append(
            {
                **{c: row.get(c) for c in PROVENANCE},
                "layer": "clash",
                "name": row["title"],
                "date": row["date"],
                "lat": lat,
                "lon": lon,
                "coord_precision": precision if pd.notna(lat) else "",
                "detail": detail,
                "reported_by": row.get("reported_by"),
                "country": None,
            }
        )
    return pd.DataFrame(rows, columns=MAP_COLUMNS)


def ucdp_layer(options: dict) -> pd.DataFrame:
    """UCDP events with coordinates; where_prec 1 exact, 2-5 approximate, 6-7 country level."""
    table = by_country(live_incidents(("ucdp",)), options)
    if table.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    table = table[(table["source"] == "ucdp") & table["date"].notna()].copy()
    table["when"] = pd.to_datetime(table["date"])
    table = _in_years(table, options, start="when", end="when")
    if table.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    code = table["precision"].str.extract(_WHERE)[0].fillna("7").astype(int)
    precision = code.map(lambda c: "exact" if c == 1 else "approx" if c <= 5 else "country")
    return table.assign(
        layer="ucdp",
        name=table["location"].fillna("(no place name)"),
        lat=table["lat"],
        coord_precision=precision,
        reported_by="UCDP",
        detail=table["fatalities"].map(lambda n: f"best estimate: {n} death{'s' * (n != 1)}")
        + " · "
        + table["precision"],
    )[MAP_COLUMNS].reset_index(drop=True)
