"""KPI cards: one number per pressure point with its change, "as of" and cited source.

The overview shows them and /embed/kpi/<id> serves each; values are computed through the data
door and cached by the versions they read (`value_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.charts import exposure, kpi_shares
from dashboard.data import datasets
from dashboard.data.door import Reads
from dashboard.data.memo import memo
from dashboard.i18n import N_, day, gettext

# data_sources.curated_schema.NOT_RECHECKED, marked here for the catalogs
NOT_RECHECKED = N_("not re-checked")


@dataclass(frozen=True)
class KpiValue:
    value: str  # formatted for display: a range stays a range, a qualifier stays with it
    number: float | None
    unit: str
    change: str | None  # vs the previous figure of the same measure and source family
    period: str
    dataset: str
    row_id: str
    source_url: str
    source_title: str
    accessed: str
    confidence: str
    checked: str = ""  # "accessed …", or "not re-checked" when the row's page was not re-read
    origin: str = ""  # "live · World Bank", "curated · Armstat"
    earlier: str | None = None  # an earlier figure of another measure or source, not a change

    @property
    def as_of(self) -> str:
        """`as of 2026-11-20`, or `not re-checked` (never an access the row did not have)."""
        if self.checked and not self.checked.startswith(("accessed", "retrieved")):
            return self.checked
        return f"as of {self.accessed}"

    def as_of_in(self, lang: str) -> str:
        """`as_of` in `lang`: the access date by Babel inside the translated "as of %(date)s"
        (Armenian puts the date first), or "not re-checked" translated."""
        if self.checked and not self.checked.startswith(("accessed", "retrieved")):
            return gettext(lang, self.checked) if self.checked == NOT_RECHECKED else self.checked
        return gettext(lang, "as of %(date)s") % {"date": day(self.accessed, lang)}


@dataclass(frozen=True)
class Kpi:
    id: str
    pressure_point: str
    title: str
    page: str
    compute: Callable[[], KpiValue | None]
    daily: bool = False  # the number changes with today's date (days since …)


def value_of(kpi: Kpi) -> tuple[KpiValue | None, Reads, str]:
    """A KPI's value, what it read and its cache key: computed once per versions read (and per
    day for the daily ones)."""
    day = date.today().isoformat() if kpi.daily else ""
    return memo("kpi", (kpi.id, day), kpi.compute)


def _row_value(
    row: pd.Series,
    value: str,
    number: float | None,
    change: str | None,
    period: str,
    unit: str | None = None,
    earlier: str | None = None,
) -> KpiValue:
    unit = str(row.get("unit") or "") if unit is None else unit
    return KpiValue(
        value=value,
        number=number,
        unit=unit,
        change=change,
        period=period,
        dataset=str(row["dataset"]),
        row_id=str(row["row_id"]),
        source_url=str(row["source_url"]),
        source_title=str(row["source_title"]),
        accessed=str(row["accessed"]),
        confidence=str(row["confidence"]),
        checked=str(row.get("checked") or ""),
        origin=str(row.get("origin") or f"curated · {kpi_shares.family(row.get('reported_by'))}"),
        earlier=earlier,
    )


def newest_share(*readers: Callable[[], pd.DataFrame]) -> KpiValue | None:
    """The newest cited share among live and curated candidates (see `kpi_shares`)."""
    picked = kpi_shares.pick(kpi_shares.candidates(*readers))
    if picked is None:
        return None
    latest, change, earlier = picked
    period = f"{latest['period_start']} to {latest['period_end']}"
    return _row_value(
        latest,
        kpi_shares.formatted(latest),
        float(latest["value"]),
        change,
        period,
        earlier=earlier,
    )


def _event(dataset: str, row_id: str, value: str, number: float | None) -> KpiValue | None:
    events = datasets.curated(dataset)
    row = events[events["row_id"] == row_id] if not events.empty else events
    if row.empty:
        return None
    r = row.iloc[0]
    return _row_value(r, value, number, None, str(r["date"]), unit="")


def days_since_clash(today: date | None = None) -> KpiValue | None:
    """Days since the latest curated border clash (dated to the day)."""
    today = today or date.today()
    events = datasets.events(("border_clashes",), categories=("clash",))
    events = events[(events["date_precision"] == "day") & (events["when"].dt.date <= today)]
    if events.empty:
        return None
    latest = events.iloc[-1]
    days = (today - latest["when"].date()).days
    return _row_value(
        latest,
        f"{days:,}",
        float(days),
        f"latest: {latest['title']}",
        str(latest["date"]),
        unit=N_("days"),
    )


def latest_patrols() -> KpiValue | None:
    frame = datasets.values("euma_figures", ["patrols_cumulative"], ["euma"])
    if frame.empty:
        return None
    frame = frame.sort_values("end")
    latest = frame.iloc[-1]
    change = None
    if len(frame) > 1:
        prev = frame.iloc[-2]
        weeks = max(1.0, (latest["end"] - prev["end"]).days / 7)
        change = (
            f"+{latest['value'] - prev['value']:,.0f} since {prev['period_end']} "
            f"(≈{(latest['value'] - prev['value']) / weeks:.0f} a week)"
        )
    return _row_value(
        latest, f"{latest['value']:,.0f}", float(latest["value"]), change, str(latest["period_end"])
    )


def upper_lars_status() -> KpiValue | None:
    """Open/closed by the latest dated closure or reopening in the event log."""
    events = datasets.events(
        ("upper_lars_events",), categories=("closure", "weather_closure", "reopening")
    )
    if events.empty:
        return None
    latest = events.iloc[-1]
    closed = latest["category"] != "reopening"
    ended = bool(latest.get("end_date")) and closed
    state = N_("open (last closure ended)") if ended else (N_("closed") if closed else N_("open"))
    return _row_value(
        latest, state, None, f"latest: {latest['title']}", str(latest["date"]), unit=""
    )


KPIS = [
    Kpi(
        "gas_russia_share",
        "gas",
        "Gas imports from Russia",
        "energy",
        lambda: newest_share(
            lambda: kpi_shares.curated("gas_imports", "gas_import_share", "russia"),
            lambda: kpi_shares.comtrade_share("gas"),
        ),
    ),
    Kpi(
        "trade_russia_share",
        "trade",
        "Russia's share of trade",
        "trade",
        lambda: newest_share(
            lambda: kpi_shares.curated("trade_partners", "share_of_trade", "russia"),
            kpi_shares.imf_trade_share,
        ),
    ),
    Kpi(
        "remittances_russia_share",
        "remittances",
        "Remittances from Russia (bank transfers)",
        "overview",
        lambda: newest_share(
            lambda: kpi_shares.curated(
                "remittances", "remittances_share", "russia", exposure.REMITTANCE_MEASURE
            )
        ),
    ),
    Kpi(
        "wheat_russia_share",
        "wheat",
        "Wheat imports from Russia",
        "overview",
        lambda: newest_share(
            lambda: kpi_shares.curated("wheat_imports", "import_share_from_russia", "wheat"),
            lambda: kpi_shares.comtrade_share("wheat"),
        ),
    ),
    Kpi(
        "metsamor_licensed_to",
        "nuclear",
        "Metsamor licensed to (Russian fuel)",
        "energy",
        lambda: _event("energy_events", "npp-extension-2036-decision", "2036", 2036.0),
    ),
    Kpi(
        "upper_lars_status",
        "upper_lars",
        "Upper Lars crossing",
        "upper-lars",
        upper_lars_status,
    ),
    Kpi(
        "days_since_clash",
        "security",
        "Days since the last recorded clash",
        "security",
        days_since_clash,
        daily=True,
    ),
    Kpi("euma_patrols", "euma", "EUMA patrols to date", "euma", latest_patrols),
]
BY_ID = {kpi.id: kpi for kpi in KPIS}
