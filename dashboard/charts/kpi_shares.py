"""Share KPIs from the newest cited figure, live or curated: candidates for one measure are
gathered from the curated rows and the live tables, the newest wins and says where it comes
from, a range stays a range and a qualifier stays with its number, and a change is shown only
against the same measure from the same source family — otherwise the earlier figure is shown
beside it with its own source, never subtracted."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from dashboard.charts import live_data, trade_live
from dashboard.data import datasets
from dashboard.figures.periods import number
from dashboard.i18n import N_

QUALIFIER_WORDS = {
    "approx": "about ",
    "at_least": "at least ",
    "more_than": "more than ",
    "less_than": "less than ",
    "up_to": "up to ",
}
STATED = "as stated"
COMPUTED = "computed from reported volumes"


def family(reported_by: object) -> str:
    """Whose figure, without the outlet that relayed it: `Armenian government (via Aliq
    Media)` and `Armenian government` are one family."""
    text = str(reported_by or "").strip()
    return re.split(r"\s*\(via |\s+via ", text)[0].strip() or N_("unknown")


def measure_of(note: object) -> str:
    """A share we computed from volumes is another measure than a share a source states."""
    return COMPUTED if str(note or "").strip().lower().startswith("computed") else STATED


def formatted(row: pd.Series) -> str:
    """`80–85 %`, `at least 80 %`, `44 %`: the number as its source gives it."""
    low = number(float(row["value"]))
    high = row.get("value_max")
    shown = f"{low}–{number(float(high))}" if high is not None and pd.notna(high) else low
    qualifier = QUALIFIER_WORDS.get(str(row.get("qualifier") or ""), "")
    return f"{qualifier}{shown} %"


def _exact(row: pd.Series) -> bool:
    high = row.get("value_max")
    return (high is None or pd.isna(high)) and not str(row.get("qualifier") or "")


def pick(candidates: pd.DataFrame) -> tuple[pd.Series, str | None, str | None] | None:
    """(newest row, change in words or None, earlier figure in words or None).

    `candidates` carry value, value_max, qualifier, start, end, period_end, measure, family.
    """
    if candidates.empty:
        return None
    frame = candidates.sort_values(["end", "start"], kind="stable")
    latest = frame.iloc[-1]
    before = frame[frame["end"] < latest["start"]]
    if before.empty:
        return latest, None, None
    same = before[(before["measure"] == latest["measure"]) & (before["family"] == latest["family"])]
    if not same.empty and _exact(same.iloc[-1]) and _exact(latest):
        prev = same.iloc[-1]
        delta = float(latest["value"]) - float(prev["value"])
        year = str(prev["period_end"])[:4]
        return latest, f"{delta:+.1f} points vs {year} ({float(prev['value']):.1f} %)", None
    prev = before.iloc[-1]
    earlier = (
        f"earlier: {formatted(prev)} ({str(prev['period_start'])[:4]}"
        + (
            f"–{str(prev['period_end'])[:4]}"
            if prev["period_end"][:4] != prev["period_start"][:4]
            else ""
        )
        + f", {prev['measure']}, {prev['family']})"
    )
    return latest, None, earlier


def curated(dataset: str, indicator: str, series: str, measure: str | None = None) -> pd.DataFrame:
    frame = datasets.values(dataset, [indicator], [series], measure)
    if frame.empty:
        return frame
    publisher = frame["reported_by"].map(family)
    return frame.assign(
        measure=frame["note"].map(measure_of),
        family=publisher,
        origin="curated · " + publisher,
    )


def comtrade_share(commodity: str) -> pd.DataFrame:
    """Russia's share of the value of Armenia's imports of a commodity (UN Comtrade, live)."""
    rows = live_data.comtrade_imports(commodity)
    if rows.empty:
        return rows
    rows = rows[rows["partner_iso"] == "RUS"]
    return rows.assign(
        value=rows["share"],
        value_max=None,
        qualifier="",
        unit="percent",
        measure="share of import value (UN Comtrade)",
        family="UN Comtrade",
        origin="live · UN Comtrade",
    )


def imf_trade_share() -> pd.DataFrame:
    """Russia's share of Armenia's goods trade from IMF IMTS (live)."""
    rows = trade_live.partner_shares("trade")
    if rows.empty:
        return rows
    rows = rows[rows["series"] == "russia"]
    return rows.assign(
        value_max=None,
        qualifier="",
        measure=STATED,
        family="IMF IMTS",
        origin="live · IMF IMTS",
    )


def candidates(*readers: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    parts = [frame for frame in (read() for read in readers) if not frame.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
