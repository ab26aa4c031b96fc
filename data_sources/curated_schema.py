"""Column lists and row rules for the curated, cited CSVs (see data_sources/curated/README.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import IO, Any

import pandas as pd

# `verified`: "true" when the page was read on `accessed`; "false" when the row was carried over
# without re-reading the page, and then `accessed` stays empty (no row claims an access it did not
# have; the dashboard shows such rows as "not re-checked"). `conflict`: `;`-separated references
# `<dataset>#<id>` to the rows that state the same fact differently (the note names the conflict).
COMMON = ["source_url", "source_title", "accessed", "confidence", "note", "verified", "conflict"]
# An event's title in Armenian and Russian, optional: written by a person (never machine-
# translated), else left empty and the dashboard shows the English `title` (issue 13).
TRANSLATED_TITLES = {"hy": "title_hy", "ru": "title_ru"}
NOT_RECHECKED = "not re-checked"

COLUMNS: dict[str, list[str]] = {
    "values": [
        "id",
        "indicator",
        "series",
        "period_start",
        "period_end",
        "value",
        "value_max",
        "qualifier",
        "unit",
        "reported_by",
        "measure",
        *COMMON,
    ],
    "events": [
        "id",
        "date",
        "date_precision",
        "end_date",
        "category",
        "title",
        "title_hy",
        "title_ru",
        "description",
        "place_id",
        "lat",
        "lon",
        "coord_precision",
        "value",
        "unit",
        "reported_by",
        *COMMON,
    ],
    "places": [
        "id",
        "name",
        "kind",
        "country",
        "lat",
        "lon",
        "coord_precision",
        "licence",
        *COMMON,
    ],
    "claims": ["id", "claim", "verdict", "evidence", "explanation", *COMMON],
}

REQUIRED: dict[str, list[str]] = {
    "values": ["id", "indicator", "series", "period_start", "period_end", "value", "unit"],
    "events": ["id", "date", "date_precision", "category", "title"],
    "places": ["id", "name", "kind", "country", "lat", "lon", "coord_precision", "licence"],
    "claims": ["id", "claim", "verdict", "evidence", "explanation"],
}

NUMERIC = {"value", "value_max", "lat", "lon"}
DATES = {"period_start", "period_end", "date", "end_date", "accessed"}
ENUMS: dict[str, set[str]] = {
    "confidence": {"high", "medium", "low"},
    "qualifier": {"", "approx", "more_than", "less_than", "at_least", "up_to"},
    "date_precision": {"day", "month", "year"},
    "coord_precision": {"", "exact", "town_centre", "approx"},
    "verdict": {"confirmed", "differs", "unverified"},
    "verified": {"true", "false"},
}
# Columns a dataset needs beyond its kind's: remittances mix definitions, so each row names its own.
DATASET_REQUIRED: dict[str, list[str]] = {"remittances": ["measure"]}
# `measure` of a remittances row: the definition the figure follows.
MEASURES: dict[str, str] = {
    "bop_personal_remittances": "balance of payments: personal transfers plus compensation of "
    "employees (IMF BPM6; the World Bank's 'personal remittances, received')",
    "bank_transfers": "CBA: money transfers of individuals received through the banking system "
    "(banks and money-transfer systems), commercial and non-commercial",
    "noncommercial_transfers": "CBA: non-commercial transfers of individuals through banks, a "
    "narrower part of bank_transfers",
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EVIDENCE_REF = re.compile(r"^[a-z0-9_]+#[a-z0-9][a-z0-9_-]*$")
# A translated title is in its script (catches a title pasted into the wrong column).
SCRIPTS = {"hy": re.compile("[\u0531-\u0587]"), "ru": re.compile("[\u0400-\u04ff]")}
SCRIPT_NAMES = {"hy": "Armenian", "ru": "Cyrillic"}


def read_curated_csv(path_or_buffer: str | Path | IO[bytes]) -> pd.DataFrame:
    """Read a curated CSV as strings (empty cells become ""), so validation sees what was typed."""
    return pd.read_csv(path_or_buffer, dtype=str, keep_default_na=False)


def _is_date(text: str) -> bool:
    if not ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and "," not in text


def row_errors(kind: str, row: dict[str, str]) -> list[str]:
    """Every rule one row breaks, as short messages (empty list: the row is valid)."""
    errors: list[str] = []
    for col in REQUIRED[kind] + ["source_url", "source_title", "confidence", "verified"]:
        if not row.get(col, "").strip():
            errors.append(f"{col} is empty")
    if row.get("verified", "true") == "true" and not row.get("accessed", "").strip():
        errors.append("accessed is empty (a row that was read says when)")
    if row.get("verified") == "false" and row.get("accessed", "").strip():
        errors.append("accessed is set on a row with verified=false (no access to claim)")
    for col, text in row.items():
        if not text:
            continue
        if col in NUMERIC and not _is_number(text):
            errors.append(f"{col}={text!r} is not a number")
        if col in DATES and not _is_date(text):
            errors.append(f"{col}={text!r} is not an ISO date")
        if col in ENUMS and text not in ENUMS[col]:
            errors.append(f"{col}={text!r} not in {sorted(ENUMS[col] - {''})}")
    if row.get("id") and not SLUG.match(row["id"]):
        errors.append(f"id={row['id']!r} is not a lower-case slug")
    if row.get("source_url") and not URL.match(row["source_url"]):
        errors.append(f"source_url={row['source_url']!r} is not an http(s) URL")
    errors += _kind_errors(kind, row)
    return errors


def _kind_errors(kind: str, row: dict[str, str]) -> list[str]:
    errors: list[str] = []
    start, end = row.get("period_start", ""), row.get("period_end", "")
    if kind == "values" and _is_date(start) and _is_date(end) and start > end:
        errors.append(f"period_start {start} is after period_end {end}")
    low, high = row.get("value", ""), row.get("value_max", "")
    if kind == "values" and _is_number(low) and _is_number(high) and float(high) < float(low):
        errors.append("value_max is below value")
    if kind == "events":
        if row.get("end_date") and _is_date(row["end_date"]) and row["end_date"] < row["date"]:
            errors.append("end_date is before date")
        for lang, column in TRANSLATED_TITLES.items():
            if row.get(column) and not SCRIPTS[lang].search(row[column]):
                errors.append(f"{column} has no {SCRIPT_NAMES[lang]} letter")
        has_coords = bool(row.get("lat") or row.get("lon"))
        if has_coords and not (row.get("lat") and row.get("lon") and row.get("coord_precision")):
            errors.append("lat, lon and coord_precision go together")
    if kind in ("events", "places") and row.get("lat") and _is_number(row["lat"]):
        lat, lon = float(row["lat"]), float(row.get("lon") or 0)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.append("lat/lon out of range")
    if kind == "claims":
        refs = [r.strip() for r in row.get("evidence", "").split(";") if r.strip()]
        errors += [
            f"evidence {r!r} is not <dataset>#<id>" for r in refs if not EVIDENCE_REF.match(r)
        ]
    conflicts = [r.strip() for r in row.get("conflict", "").split(";") if r.strip()]
    errors += [
        f"conflict {r!r} is not <dataset>#<id>" for r in conflicts if not EVIDENCE_REF.match(r)
    ]
    # A day of slack: a row read today in a time zone ahead of this machine's.
    tomorrow = date.fromordinal(date.today().toordinal() + 1).isoformat()
    if row.get("accessed") and _is_date(row["accessed"]) and row["accessed"] > tomorrow:
        errors.append("accessed is in the future")
    return errors


def dataset_errors(dataset_id: str, frame: pd.DataFrame) -> list[str]:
    """Rules of one dataset beyond its kind (e.g. every remittances row names its measure)."""
    errors: list[str] = []
    for col in DATASET_REQUIRED.get(dataset_id, []):
        for number, row in enumerate(frame.to_dict("records"), start=2):
            if not str(row.get(col, "")).strip():
                errors.append(f"line {number} ({row.get('id')}): {col} is empty")
    if dataset_id == "remittances" and "measure" in frame.columns:
        unknown = sorted(set(frame["measure"]) - set(MEASURES) - {""})
        if unknown:
            errors.append(f"measure not in {sorted(MEASURES)}: {unknown}")
    return errors


def provenance_label(row: Mapping[Any, Any]) -> str:
    """How a row's provenance reads in tooltips and downloads: the access date, or "not re-checked"
    when the page was not re-read (verified=false)."""
    if str(row.get("verified", "true")).strip().lower() == "false":
        return NOT_RECHECKED
    accessed = str(row.get("accessed", "")).strip()
    return f"accessed {accessed}" if accessed else NOT_RECHECKED


def conflict_refs(frame: pd.DataFrame) -> Iterable[str]:
    """All `<dataset>#<id>` references in a table's `conflict` column."""
    for cell in frame.get("conflict", pd.Series(dtype=str)):
        yield from (r.strip() for r in str(cell).split(";") if r.strip())


def table_errors(kind: str, frame: pd.DataFrame) -> list[str]:
    """Every rule a whole curated table breaks: columns, then each row, then unique ids."""
    expected = COLUMNS[kind]
    if list(frame.columns) != expected:
        missing = [c for c in expected if c not in frame.columns]
        extra = [c for c in frame.columns if c not in expected]
        return [
            f"columns differ from kind {kind!r}: missing {missing}, unexpected {extra}"
            + ("" if missing or extra else " (order differs)")
        ]
    errors: list[str] = []
    if frame.empty:
        errors.append("no rows")
    for number, record in enumerate(frame.to_dict("records"), start=2):
        row = {str(k): str(v) for k, v in record.items()}  # read with dtype=str
        errors += [f"line {number} ({row.get('id')}): {e}" for e in row_errors(kind, row)]
    dupes = frame["id"][frame["id"].duplicated()].tolist()
    if dupes:
        errors.append(f"duplicate ids: {sorted(set(dupes))}")
    return errors


def evidence_refs(frame: pd.DataFrame) -> Iterable[str]:
    """All `<dataset>#<id>` references in a claims table."""
    for cell in frame["evidence"]:
        yield from (r.strip() for r in cell.split(";") if r.strip())
