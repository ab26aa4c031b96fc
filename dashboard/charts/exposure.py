"""The exposure index: a weighted mean of normalised dependency shares, with its sensitivity.

Formula (published on the overview page and in the README):
    index = 100 × Σ wᵢ·xᵢ / Σ wᵢ
where xᵢ ∈ [0, 1] is the latest cited share of component i that depends on Russia (gas imports,
trade, remittances, wheat imports; nuclear fuel and rail are 1 when a Russian state company is the
sole supplier / operator) and wᵢ ≥ 0 are the weights (defaults below, adjustable in the URL).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data import datasets
from dashboard.i18n import N_


@dataclass(frozen=True)
class Component:
    id: str
    label: str
    default_weight: int
    dataset: str
    indicator: str
    series: str
    scale: float = 0.01  # percent -> share
    measure: str | None = None  # one definition where a file mixes several


# The CBA's transfers through banks: the only measure with a Russia share over several years.
REMITTANCE_MEASURE = "bank_transfers"
COMPONENTS = [
    Component(
        "gas", N_("Gas imports from Russia"), 25, "gas_imports", "gas_import_share", "russia"
    ),
    Component("trade", N_("Trade with Russia"), 20, "trade_partners", "share_of_trade", "russia"),
    Component(
        "remittances",
        N_("Remittances from Russia (bank transfers)"),
        20,
        "remittances",
        "remittances_share",
        "russia",
        measure=REMITTANCE_MEASURE,
    ),
    Component(
        "wheat",
        N_("Wheat imports from Russia"),
        15,
        "wheat_imports",
        "import_share_from_russia",
        "wheat",
    ),
]
# Sole-supplier components: a cited event row rather than a share (value 1 = fully dependent).
SOLE = [
    ("nuclear", N_("Nuclear fuel (TVEL)"), 10, "energy_events", "tvel-contract-2022-q4"),
    ("rail", N_("Railway (RZD concession)"), 10, "rail_events", "concession-signed-2008"),
]
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


def latest_share(component: Component) -> pd.DataFrame:
    """The newest row (latest period end, then best confidence) for a share component."""
    frame = datasets.values(
        component.dataset, [component.indicator], [component.series], component.measure
    )
    if frame.empty:
        return frame
    frame = frame.assign(rank=frame["confidence"].map(CONFIDENCE_RANK))
    return frame.sort_values(["end", "rank"], ascending=[False, True]).head(1)


def _sole_supplier_row(dataset: str, row_id: str) -> pd.DataFrame:
    events = datasets.curated(dataset)
    return events if events.empty else events[events["row_id"] == row_id]


def components_table() -> pd.DataFrame:
    """One row per component: its normalised value and the cited row behind it."""
    rows = []
    for comp in COMPONENTS:
        row = latest_share(comp)
        if row.empty:
            continue
        r = row.iloc[0]
        rows.append(
            {
                "component": comp.id,
                "label": comp.label,
                "default_weight": comp.default_weight,
                "share": min(1.0, float(r["value"]) * comp.scale),
                "raw_value": float(r["value"]),
                "unit": r["unit"],
                "period": f"{r['period_start']}..{r['period_end']}",
                **{k: r[k] for k in datasets.PROVENANCE},
            }
        )
    for cid, label, weight, dataset, row_id in SOLE:
        row = _sole_supplier_row(dataset, row_id)
        if row.empty:
            continue
        r = row.iloc[0]
        rows.append(
            {
                "component": cid,
                "label": label,
                "default_weight": weight,
                "share": 1.0,
                "raw_value": 1.0,
                "unit": "sole supplier/operator",
                "period": r["date"],
                **{k: r[k] for k in datasets.PROVENANCE},
            }
        )
    return pd.DataFrame(rows)


def index_value(shares: pd.Series, weights: pd.Series) -> float:
    """100 × weighted mean; all-zero weights give NaN (no index without weights)."""
    total = float(weights.sum())
    if total <= 0:
        return float("nan")
    return 100.0 * float((shares * weights).sum()) / total


def sensitivity(
    table: pd.DataFrame, weights: pd.Series, draws: int = 400, seed: int = 7
) -> pd.DataFrame:
    """The index under other weights: leave-one-out, equal weights, and random draws.

    Random weights are Dirichlet(1,…,1) draws (every weighting equally likely); the seed is
    fixed so the view is reproducible.
    """
    shares = table.set_index("component")["share"]
    rows = [
        {"scenario": "your weights", "index": index_value(shares, weights)},
        {
            "scenario": "equal weights",
            "index": index_value(shares, pd.Series(1.0, index=shares.index)),
        },
    ]
    for comp in shares.index:
        rows.append(
            {
                "scenario": f"without {comp}",
                "index": index_value(shares.drop(comp), weights.drop(comp)),
            }
        )
    rng = np.random.default_rng(seed)
    for draw in rng.dirichlet(np.ones(len(shares)), size=draws):
        rows.append(
            {
                "scenario": "random weights",
                "index": index_value(shares, pd.Series(draw, index=shares.index)),
            }
        )
    return pd.DataFrame(rows)
