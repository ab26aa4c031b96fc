"""Shock scenarios, pure: what a closed Upper Lars, a cut in Russian gas or a fall in remittances
from Russia would cost, from explicit parameters. No Dash, no store — `dashboard.charts.scenarios`
fills the parameters from cited curated rows and says where each came from.

Every function takes plain numbers and returns plain numbers; `band` evaluates a formula over the
cited low/high of every ranged parameter (and the value in use) and keeps the extremes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence

DAYS_PER_YEAR = 365.0


# --- Upper Lars closure -------------------------------------------------------------------------
def upper_lars_closure(
    closure_days: float, road_share_pct: float, exports_usd_bn: float, trucks_per_day: float
) -> dict[str, float]:
    """Exports to Russia held up while the only road north is closed, and the trucks that queue.

    share delayed  = closure_days / 365 × road_share
    delayed (US$m) = share delayed × annual exports to Russia (US$ bn) × 1000
    trucks queued  = closure_days × Armenian trucks a day
    """
    share = closure_days / DAYS_PER_YEAR * road_share_pct / 100.0
    return {
        "exports_delayed_usd_m": share * exports_usd_bn * 1000.0,
        "exports_delayed_pct": share * 100.0,
        "trucks_queued": closure_days * trucks_per_day,
    }


# --- Gas interruption ---------------------------------------------------------------------------
def gas_interruption(
    outage_days: float,
    daily_use_mcm: float,
    storage_mcm: float,
    iran_contracted_mcm_day: float,
    iran_capacity_mcm_day: float,
    iran_ramp_pct: float,
    gas_share_elec_pct: float,
) -> dict[str, float | None]:
    """Days of Russian gas lost, met first by Iran's pipeline, then by storage.

    Iranian flow   = contracted + ramp × (capacity − contracted), at most the daily use
    deficit a day  = daily use − Iranian flow
    storage lasts  = storage / deficit a day (none when there is no deficit)
    unmet demand   = max(0, deficit a day × outage days − storage)
    unmet share    = unmet demand / (daily use × outage days)
    electricity at risk = gas share of generation × unmet share (the shortfall spread pro rata)
    """
    capacity = max(iran_capacity_mcm_day, iran_contracted_mcm_day)
    iran = iran_contracted_mcm_day + iran_ramp_pct / 100.0 * (capacity - iran_contracted_mcm_day)
    iran = min(iran, daily_use_mcm)
    deficit = max(0.0, daily_use_mcm - iran)
    lasts = storage_mcm / deficit if deficit > 0 else None
    unmet = max(0.0, deficit * outage_days - storage_mcm)
    demand = daily_use_mcm * outage_days
    unmet_share = unmet / demand if demand > 0 else 0.0
    return {
        "iran_flow_mcm_day": iran,
        "deficit_mcm_day": deficit,
        "storage_lasts_days": lasts,
        "unmet_demand_mcm": unmet,
        "unmet_demand_pct": unmet_share * 100.0,
        "electricity_at_risk_pct": gas_share_elec_pct * unmet_share,
    }


# --- Remittance shock -----------------------------------------------------------------------------
def remittance_shock(fall_pct: float, russia_pct_gdp: float, gdp_usd_bn: float) -> dict[str, float]:
    """Transfers from Russia lost, as a share of GDP and in US$.

    loss (% of GDP) = fall × transfers from Russia as % of GDP
    loss (US$ bn)   = loss (% of GDP) × GDP
    """
    loss = fall_pct / 100.0 * russia_pct_gdp
    return {"gdp_share_loss_pct": loss, "transfers_lost_usd_bn": loss / 100.0 * gdp_usd_bn}


# --- bands ----------------------------------------------------------------------------------------
Formula = Callable[..., Mapping[str, float | None]]


def band(
    formula: Formula,
    values: Mapping[str, float],
    ranges: Mapping[str, tuple[float, float]],
) -> dict[str, tuple[float | None, float | None]]:
    """(low, high) of every output over each ranged parameter at its cited low, its cited high and
    the value in use (the others held at their values). An output that is None (no deficit, so
    storage never runs out) counts as unbounded above."""
    names = [n for n in ranges if n in values]
    choices: list[Sequence[float]] = [
        sorted({ranges[n][0], ranges[n][1], values[n]}) for n in names
    ]
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    unbounded: set[str] = set()
    for combo in itertools.product(*choices) if names else [()]:
        result = formula(**{**values, **dict(zip(names, combo, strict=True))})
        for key, value in result.items():
            if value is None or (isinstance(value, float) and math.isinf(value)):
                unbounded.add(key)
                continue
            number = float(value)
            lows[key] = min(lows.get(key, number), number)
            highs[key] = max(highs.get(key, number), number)
    keys = set(lows) | unbounded
    return {k: (lows.get(k), None if k in unbounded else highs.get(k)) for k in keys}
