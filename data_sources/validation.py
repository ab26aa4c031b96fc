"""Checks a tidy table must pass before it may replace the current version."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from data_sources.errors import SourceError


def check_schema(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate (and coerce) against the source's schema; all problems in one line on failure."""
    try:
        return schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        raise SourceError("schema_drift", _summarise(exc)) from None
    except pandera.errors.SchemaError as exc:  # raised by dataframe-level checks even when lazy
        raise SourceError("schema_drift", str(exc).splitlines()[0][:300]) from None


def _summarise(exc: pandera.errors.SchemaErrors) -> str:
    cases = exc.failure_cases
    problems: list[str] = []
    unique = cases[cases["check"].astype(str) == "multiple_fields_uniqueness"]
    if not unique.empty:
        key = ", ".join(dict.fromkeys(unique["column"].astype(str)))
        rows = unique["index"].nunique() if "index" in unique else len(unique)
        problems.append(f"duplicate rows on key ({key}): {rows}")
        cases = cases.drop(unique.index)
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        sample = ", ".join(str(v) for v in group["failure_case"].head(3).tolist())
        problems.append(f"{column}: {check} ({sample})")
    return (
        "schema check failed: "
        + "; ".join(problems[:6])
        + (f"; and {len(problems) - 6} more" if len(problems) > 6 else "")
    )


def check_size(
    frame: pd.DataFrame,
    *,
    current_rows: int | None,
    may_be_empty: bool,
    shrink_limit: float,
    allow_shrink: bool,
) -> None:
    """Refuse an empty table (unless allowed) and a sudden collapse against the current version."""
    if frame.empty and not may_be_empty:
        raise SourceError("empty_result", "upstream returned no rows; keeping the current version")
    if (
        current_rows
        and not allow_shrink
        and not frame.empty
        and len(frame) < shrink_limit * current_rows
    ):
        raise SourceError(
            "row_collapse",
            f"{len(frame)} rows against {current_rows} in the current version "
            f"(below {shrink_limit:.0%}); rerun with --allow-shrink if this is real",
        )
