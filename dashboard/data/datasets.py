"""Read-side helpers: curated and live tables as the charts need them, each row keeping its
provenance (dataset, row id, source URL and title, access date, confidence, store version).
Every read goes through `door.load`, so it is recorded in the render's read context."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.data import door
from data_sources.curated_schema import TRANSLATED_TITLES, provenance_label

CITATION = ("dataset", "row_id", "source_url", "source_title", "accessed", "confidence")
PROVENANCE = [*CITATION, "version"]
EVENT_DATASETS = (
    "upper_lars_events",
    "border_clashes",
    "russian_presence",
    "energy_events",
    "euma_timeline",
    "rail_events",
    "trade_notes",
)
# The shared event layer (`events=1`) draws closures, clashes, handovers, price and mandate
# changes: trade_notes holds statements and notes only, so the layer does not read it (a test
# checks that it never holds an overlaid category).
OVERLAY_DATASETS = tuple(d for d in EVENT_DATASETS if d != "trade_notes")
# Unit conversions to a chart's common unit; the original unit stays in `unit_original`.
_SCALE = {("USD m", "USD bn"): 0.001, ("USD bn", "USD m"): 1000.0}


def curated(dataset_id: str) -> pd.DataFrame:
    """A curated table with `dataset`, `row_id` and `version` columns added, and `checked`: the
    access date, or "not re-checked" for rows whose page was not re-read (`verified=false`)."""
    loaded = door.load(dataset_id)
    frame = loaded.frame
    if frame.empty:
        return frame
    frame = frame.rename(columns={"id": "row_id"})
    frame.insert(0, "dataset", dataset_id)
    frame["version"] = loaded.version.id if loaded.version else None
    frame["checked"] = [provenance_label(row) for row in frame.to_dict("records")]
    return frame


def values(
    dataset_id: str,
    indicators: Iterable[str] | None = None,
    series: Iterable[str] | None = None,
    measure: str | None = None,
) -> pd.DataFrame:
    """Rows of a curated `values` file, optionally filtered, with parsed period dates. `measure`
    keeps one definition where a file mixes several (remittances: balance of payments, bank
    transfers, non-commercial transfers are different measures, never one series)."""
    frame = curated(dataset_id)
    if frame.empty:
        return frame
    if indicators is not None:
        frame = frame[frame["indicator"].isin(list(indicators))]
    if series is not None:
        frame = frame[frame["series"].isin(list(series))]
    if measure is not None:
        frame = frame[frame["measure"] == measure]
    frame = frame.copy()
    frame["start"] = pd.to_datetime(frame["period_start"])
    frame["end"] = pd.to_datetime(frame["period_end"])
    return frame.reset_index(drop=True)


def to_unit(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Convert `value`/`value_max` to `unit` where a conversion is known; drop other units."""
    if frame.empty:
        return frame
    frame = frame.copy()
    frame["unit_original"] = frame["unit"]
    for (source, target), factor in _SCALE.items():
        if target == unit:
            mask = frame["unit"] == source
            frame.loc[mask, ["value", "value_max"]] *= factor
            frame.loc[mask, "unit"] = unit
    return frame[frame["unit"] == unit].reset_index(drop=True)


def events(
    dataset_ids: Iterable[str] = EVENT_DATASETS, categories: Iterable[str] | None = None
) -> pd.DataFrame:
    """Curated events from several files, one table sorted by date."""
    frames = [curated(d) for d in dataset_ids]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["date", "category", "title", *PROVENANCE])
    frame = pd.concat(frames, ignore_index=True)
    if categories is not None:
        frame = frame[frame["category"].isin(list(categories))]
    frame = frame.copy()
    frame["when"] = pd.to_datetime(frame["date"])
    return frame.sort_values(["when", "dataset", "row_id"]).reset_index(drop=True)


def titles_in(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Event rows as a reader of `lang` sees them: `title` in Armenian or Russian where the row
    carries one (`title_hy`/`title_ru`, written by a person, never machine-translated), else the
    English title as curated; for hy/ru the English title stays alongside in `title_en`. The
    `title_hy`/`title_ru` columns themselves are dropped (tables and downloads show one title).
    A frame without event titles is returned as it is."""
    columns = [c for c in TRANSLATED_TITLES.values() if c in frame.columns]
    if "title" not in frame.columns or not columns:
        return frame
    shown = frame.drop(columns=columns)
    column = TRANSLATED_TITLES.get(lang)
    if column is None or column not in frame.columns:
        return shown
    translated = frame[column].fillna("").astype(str).str.strip()
    shown = shown.assign(title=translated.where(translated != "", frame["title"]))
    shown["title_en"] = frame["title"]
    order = list(shown.columns[:-1])
    order.insert(order.index("title") + 1, "title_en")
    return shown[order]


def live(source_id: str) -> pd.DataFrame:
    """A live source's current table with `dataset`, `version` and `fetched_at` columns."""
    loaded = door.load(source_id)
    frame = loaded.frame
    if frame.empty:
        return frame
    frame = frame.copy()
    frame.insert(0, "dataset", source_id)
    frame["version"] = loaded.version.id if loaded.version else None
    fetched = loaded.fetched_at
    frame["fetched_at"] = fetched.isoformat(timespec="seconds") if fetched else None
    frame["checked"] = f"retrieved {fetched.date().isoformat()}" if fetched else ""
    return frame


def refs(frame: pd.DataFrame) -> str:
    """`dataset#row_id@version;…` of the rows a derived value was computed from (the
    `derived_from` column of rows that are not themselves source rows)."""
    if frame.empty:
        return ""
    return ";".join(
        f"{d}#{r}@{'' if pd.isna(v) else int(v)}"
        for d, r, v in zip(frame["dataset"], frame["row_id"], frame["version"], strict=True)
    )
