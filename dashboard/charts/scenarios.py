"""Shock scenarios: a registry of three levers Russia could pull, each with parameters whose
defaults come from cited curated rows (read through the data door) or are flagged assumptions,
the pure formulas of `scenario_math`, low/high bands from the cited ranges, and historical
reference points. The page, the API and the embeds all read SCENARIOS; results are cached per
(scenario, parameters, versions read) through `memo`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import scenario_math as sm
from dashboard.charts.chart import Chart
from dashboard.charts.options import Option, bounded_float
from dashboard.data import datasets
from dashboard.data.memo import memo
from dashboard.figures import scenarios as scenario_figures
from dashboard.i18n import N_


@dataclass(frozen=True)
class Row:
    """One cited curated row and the column a default takes from it."""

    dataset: str
    row_id: str
    column: str = "value"


@dataclass(frozen=True)
class Cited:
    """A value computed from cited rows: `compute(values in row order)`; `how` says how."""

    rows: tuple[Row, ...]
    compute: Callable[[list[float]], float] = lambda v: v[0]
    how: str = ""


Source = Cited | float  # a float is an assumption


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    unit: str
    minimum: float
    maximum: float
    step: float
    default: Source | Mapping[str, Source]  # a mapping: by the value of `depends_on`
    low: Source | None = None
    high: Source | None = None
    depends_on: str = ""
    note: str = ""


@dataclass(frozen=True)
class Choice:
    name: str
    label: str
    choices: tuple[str, ...]
    default: str
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Output:
    name: str
    label: str
    unit: str


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    description: str
    formula: str
    compute: Callable[..., Mapping[str, float | None]]
    params: tuple[Param, ...]
    outputs: tuple[Output, ...]
    sweep: str  # the parameter on the figure's x axis
    headline: str  # the output on its y axis
    choices: tuple[Choice, ...] = ()
    references: Callable[[Scenario, dict[str, float]], pd.DataFrame] | None = None
    sources: tuple[str, ...] = ()

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def output(self, name: str) -> Output:
        return next(o for o in self.outputs if o.name == name)


class ScenarioError(ValueError):
    """A parameter value the API refuses (400), naming the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


# --- reading cited rows ------------------------------------------------------------------------
def _row(ref: Row) -> pd.Series:
    table = datasets.curated(ref.dataset)
    found = table[table["row_id"] == ref.row_id] if not table.empty else table
    if found.empty:
        raise LookupError(f"{ref.dataset}#{ref.row_id} is not in the store")
    return found.iloc[0]


@dataclass
class Resolved:
    """A source resolved to a number, with what it rests on."""

    value: float
    assumption: bool
    refs: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    accessed: list[str] = field(default_factory=list)
    how: str = ""


def resolve(source: Source) -> Resolved:
    if not isinstance(source, Cited):
        return Resolved(float(source), True)
    rows = [_row(r) for r in source.rows]
    values = [float(row[r.column]) for row, r in zip(rows, source.rows, strict=True)]
    return Resolved(
        float(source.compute(values)),
        False,
        [
            f"{r.dataset}#{r.row_id}@{int(row['version'])}"
            for r, row in zip(source.rows, rows, strict=True)
        ],
        [str(row["source_url"]) for row in rows],
        [str(row["source_title"]) for row in rows],
        [str(row["accessed"]) for row in rows if str(row["accessed"])],
        source.how,
    )


# --- reference points ---------------------------------------------------------------------------
def lars_closures(scenario: Scenario, values: dict[str, float]) -> pd.DataFrame:
    """Closures in the Upper Lars event log: their length where the log records an end date, the
    trucks reported queued, and what the formula gives for that length."""
    events = datasets.events(("upper_lars_events",), categories=("closure", "weather_closure"))
    rows = []
    for _, e in events.iterrows():
        days = None
        if isinstance(e.get("end_date"), str) and e["end_date"]:
            days = float((pd.Timestamp(e["end_date"]) - pd.Timestamp(e["date"])).days or 1)
        result = scenario.compute(**{**values, "closure_days": days}) if days else {}
        queued = e["value"] if e.get("unit") == "trucks" and pd.notna(e.get("value")) else None
        rows.append(
            {
                "kind": "reference",
                "name": e["row_id"],
                "label": f"{e['date']}: {e['title']}",
                "x": days,
                "value": result.get(scenario.headline),
                "reported": queued,
                "reported_unit": "trucks queued" if queued is not None else "",
                "source_url": e["source_url"],
                "source_title": e["source_title"],
                "derived_from": f"upper_lars_events#{e['row_id']}@{int(e['version'])}",
                "accessed": e["accessed"],
            }
        )
    return pd.DataFrame(rows)


def remittance_falls(scenario: Scenario, values: dict[str, float]) -> pd.DataFrame:
    """Past falls of transfers from Russia: the CBA's −50 % y/y in Q1 2024 and 2015 against
    2014 (computed from the CBA rows)."""
    q1 = _row(Row("remittances", "russia-change-2024-q1"))
    y14, y15 = _row(Row("remittances", "russia-2014")), _row(Row("remittances", "russia-2015"))
    fall15 = (1 - float(y15["value"]) / float(y14["value"])) * 100
    points = [
        (abs(float(q1["value"])), "Q1 2024 against Q1 2023 (CBA)", [q1]),
        (fall15, "2015 against 2014 (computed from the CBA totals)", [y14, y15]),
    ]
    rows = []
    for fall, label, cited in points:
        result = scenario.compute(**{**values, "fall_pct": fall})
        rows.append(
            {
                "kind": "reference",
                "name": "fall-" + "-".join(str(r["row_id"]) for r in cited),
                "label": f"{label}: −{fall:.0f} %",
                "x": round(fall, 1),
                "value": result.get(scenario.headline),
                "source_url": cited[0]["source_url"],
                "source_title": cited[0]["source_title"],
                "derived_from": ";".join(
                    f"remittances#{r['row_id']}@{int(r['version'])}" for r in cited
                ),
                "accessed": cited[0]["accessed"],
            }
        )
    return pd.DataFrame(rows)


# --- the registry -------------------------------------------------------------------------------
GAS, REM, LARS, TRADE = "gas_imports", "remittances", "upper_lars_throughput", "trade_partners"
PER_DAY = N_("million m³ a day")

SCENARIOS: dict[str, Scenario] = {
    s.id: s
    for s in (
        Scenario(
            id="upper_lars_closure",
            title="If Upper Lars closes: exports to Russia held up and trucks queued",
            description=N_(
                "Armenian exports to Russia delayed and Armenian trucks queued for a "
                "closure of the only road north, against closures in the event log."
            ),
            formula=N_(
                "exports delayed (US$ m) = closure days / 365 × road share × annual exports "
                "to Russia (US$ bn) × 1000; % of annual exports = closure days / 365 × road share; "
                "trucks queued = closure days × Armenian trucks a day"
            ),
            compute=sm.upper_lars_closure,
            params=(
                Param(
                    "closure_days",
                    N_("Closure"),
                    N_("days"),
                    1,
                    120,
                    1,
                    7.0,
                    note=N_(
                        "Assumption: a week, as long as the longer weather closures in the "
                        "event log; the 2006–2010 closure lasted 1,369 days."
                    ),
                ),
                Param(
                    "road_share_pct",
                    N_("Share of exports to Russia by road via Upper Lars"),
                    "%",
                    0,
                    100,
                    5,
                    50.0,
                    low=30.0,
                    high=80.0,
                    note=N_(
                        "Assumption: no cited split of Armenia–Russia trade by route was "
                        "found; gold and diamonds fly, some freight goes by ferry from Georgian "
                        "ports. The band is our guess, 30–80 %."
                    ),
                ),
                Param(
                    "exports_usd_bn",
                    N_("Annual exports to Russia"),
                    N_("US$ bn"),
                    0.5,
                    8,
                    0.1,
                    Cited(
                        (Row(TRADE, "exports-total-2023"), Row(TRADE, "ru-export-share-2023")),
                        lambda v: v[0] * v[1] / 100,
                        N_("2023 exports US$8.3bn × about 42 % to Russia"),
                    ),
                    low=Cited(
                        (Row(TRADE, "ru-exports-2024-jan-jul"),),
                        lambda v: v[0] * 12 / 7,
                        N_("Jan–Jul 2024 exports to Russia, annualised (× 12/7)"),
                    ),
                    high=Cited(
                        (Row(TRADE, "exports-total-2023"), Row(TRADE, "ru-export-share-2023")),
                        lambda v: v[0] * v[1] / 100,
                        N_("2023, as the default"),
                    ),
                ),
                Param(
                    "trucks_per_day",
                    N_("Armenian trucks through Upper Lars"),
                    N_("trucks a day"),
                    0,
                    600,
                    10,
                    Cited((Row(LARS, "armenian-trucks-per-day-2024"),)),
                    low=Cited((Row(LARS, "armenian-trucks-per-day-2024"),)),
                    high=Cited(
                        (
                            Row(LARS, "fcs-2023-trucks-per-day"),
                            Row(LARS, "armenian-share-trucks-2021"),
                        ),
                        lambda v: v[0] * v[1] / 100,
                        N_("about 25 % Armenian (2021) of about 1,200 trucks a day (2023)"),
                    ),
                ),
            ),
            outputs=(
                Output("exports_delayed_usd_m", N_("Exports to Russia held up"), N_("US$ m")),
                Output("exports_delayed_pct", N_("Share of a year's exports to Russia"), "%"),
                Output("trucks_queued", N_("Armenian trucks queued"), N_("trucks")),
            ),
            sweep="closure_days",
            headline="exports_delayed_usd_m",
            references=lars_closures,
            sources=("trade_partners", "upper_lars_throughput", "upper_lars_events"),
        ),
        Scenario(
            id="gas_interruption",
            title="If Russian gas stops: how long storage lasts and the demand left unmet",
            description=N_(
                "Days until the Abovyan storage runs dry and the gas and electricity "
                "left unmet when Russian supply stops, with Iran's pipeline as the only other "
                "source."
            ),
            formula=N_(
                "Iranian flow = contracted + ramp × (capacity − contracted); deficit = daily "
                "use − Iranian flow; storage lasts = storage / deficit; unmet = max(0, deficit × "
                "days − storage); electricity at risk = gas share of generation × unmet / (daily "
                "use × days)"
            ),
            compute=sm.gas_interruption,
            choices=(
                Choice(
                    "season",
                    N_("Season"),
                    ("winter", "summer", "year"),
                    "winter",
                    {
                        "winter": N_("winter (Jan–Mar)"),
                        "summer": N_("summer (May)"),
                        "year": N_("year average"),
                    },
                ),
            ),
            params=(
                Param(
                    "outage_days",
                    N_("Days without Russian gas"),
                    N_("days"),
                    1,
                    120,
                    1,
                    30.0,
                    note=N_("Assumption: a month."),
                ),
                Param(
                    "daily_use_mcm",
                    N_("Gas use"),
                    PER_DAY,
                    1,
                    15,
                    0.1,
                    {
                        "winter": Cited(
                            (Row(GAS, "consumption-q1-2014"),),
                            lambda v: v[0] / 90,
                            N_("674 million m³ in Jan–Mar 2014 / 90 days"),
                        ),
                        "summer": Cited((Row(GAS, "consumption-daily-2014-05"),)),
                        "year": Cited(
                            (Row(GAS, "consumption-avg-2021-2023"),),
                            lambda v: v[0] / 365,
                            N_("2021–23 yearly average / 365"),
                        ),
                    },
                    depends_on="season",
                    note=N_(
                        "Winter and summer rates are from 2014; use has grown since (the "
                        "2021–23 average is higher than the 2014 winter rate)."
                    ),
                ),
                Param(
                    "storage_mcm",
                    N_("Gas in Abovyan storage"),
                    N_("million m³"),
                    0,
                    200,
                    1,
                    Cited((Row(GAS, "abovyan-reserve-2024-25"),)),
                    low=Cited((Row(GAS, "abovyan-reserve-2024-25"),)),
                    high=Cited((Row(GAS, "abovyan-capacity-2010", "value_max"),)),
                ),
                Param(
                    "iran_contracted_mcm_day",
                    N_("Iranian gas under contract"),
                    PER_DAY,
                    0,
                    10,
                    0.1,
                    Cited(
                        (Row(GAS, "iran-2023"),),
                        lambda v: v[0] / 365,
                        N_("365 million m³ a year / 365"),
                    ),
                ),
                Param(
                    "iran_capacity_mcm_day",
                    N_("Iran–Armenia pipeline capacity"),
                    PER_DAY,
                    0,
                    15,
                    0.1,
                    Cited(
                        (Row(GAS, "iran-pipeline-capacity"),),
                        lambda v: v[0] / 365,
                        N_("2,300 million m³ a year / 365"),
                    ),
                    low=Cited(
                        (Row(GAS, "iran-pipeline-capacity"),),
                        lambda v: v[0] / 365,
                        N_("2,300 million m³ a year / 365"),
                    ),
                    high=Cited((Row(GAS, "iran-pipeline-capacity-daily-2009"),)),
                ),
                Param(
                    "iran_ramp_pct",
                    N_("Spare pipeline capacity Iran fills"),
                    "%",
                    0,
                    100,
                    5,
                    0.0,
                    note=N_(
                        "Assumption: none beyond the contract, since more Iranian gas "
                        "needs a new deal (and electricity to swap for it)."
                    ),
                ),
                Param(
                    "gas_share_elec_pct",
                    N_("Gas share of electricity generation"),
                    "%",
                    0,
                    100,
                    1,
                    Cited((Row("electricity_mix", "share-gas-2025"),)),
                    low=Cited((Row("electricity_mix", "share-gas-2025"),)),
                    high=Cited((Row("electricity_mix", "share-gas-2023"),)),
                ),
            ),
            outputs=(
                Output("storage_lasts_days", N_("Storage runs out after"), N_("days")),
                Output("unmet_demand_mcm", N_("Gas demand unmet"), N_("million m³")),
                Output("unmet_demand_pct", N_("Share of gas demand unmet"), "%"),
                Output("electricity_at_risk_pct", N_("Electricity generation at risk"), "%"),
                Output("iran_flow_mcm_day", N_("Gas from Iran"), PER_DAY),
                Output("deficit_mcm_day", N_("Daily shortfall"), PER_DAY),
            ),
            sweep="outage_days",
            headline="unmet_demand_mcm",
            sources=("gas_imports", "electricity_mix"),
        ),
        Scenario(
            id="remittance_shock",
            title="If transfers from Russia fall: the loss as a share of GDP",
            description=N_(
                "Money transfers from Russia lost when they fall by a given share, as a "
                "share of Armenia's GDP, under each cited measure of those transfers."
            ),
            formula=N_(
                "loss (% of GDP) = fall × transfers from Russia as % of GDP; loss (US$ bn) "
                "= loss × GDP / 100"
            ),
            compute=sm.remittance_shock,
            choices=(
                Choice(
                    "measure",
                    N_("Measure of transfers from Russia"),
                    ("bank_transfers", "bank_transfers_governor", "bank_transfers_net"),
                    "bank_transfers",
                    {
                        "bank_transfers": N_("CBA bank transfers, gross (hetq)"),
                        "bank_transfers_governor": N_("CBA bank transfers, gross (governor)"),
                        "bank_transfers_net": N_("CBA bank transfers, net of transfers to Russia"),
                    },
                ),
            ),
            params=(
                Param(
                    "fall_pct",
                    N_("Fall in transfers from Russia"),
                    "%",
                    0,
                    100,
                    5,
                    Cited(
                        (Row(REM, "russia-change-2024-q1"),),
                        lambda v: abs(v[0]),
                        N_("the CBA's −50 % year on year in Q1 2024"),
                    ),
                ),
                Param(
                    "russia_pct_gdp",
                    N_("Transfers from Russia"),
                    N_("% of GDP"),
                    0,
                    40,
                    0.1,
                    {
                        "bank_transfers": Cited(
                            (Row(REM, "russia-2023"), Row("economy", "gdp-2023")),
                            lambda v: v[0] / v[1] * 100,
                            N_("US$3.946bn (2023) / GDP US$24.2bn"),
                        ),
                        "bank_transfers_governor": Cited(
                            (Row(REM, "russia-2023-bm"), Row("economy", "gdp-2023")),
                            lambda v: v[0] / v[1] * 100,
                            N_("US$4.7bn (2023) / GDP US$24.2bn"),
                        ),
                        "bank_transfers_net": Cited(
                            (
                                Row(REM, "russia-2023"),
                                Row(REM, "outflow-russia-2023"),
                                Row("economy", "gdp-2023"),
                            ),
                            lambda v: (v[0] - v[1] / 1000) / v[2] * 100,
                            N_("(US$3.946bn − US$0.641bn sent to Russia) / GDP US$24.2bn"),
                        ),
                    },
                    low=Cited(
                        (
                            Row(REM, "russia-2023"),
                            Row(REM, "outflow-russia-2023"),
                            Row("economy", "gdp-2023"),
                        ),
                        lambda v: (v[0] - v[1] / 1000) / v[2] * 100,
                        N_("net measure"),
                    ),
                    high=Cited(
                        (Row(REM, "russia-2023-bm"), Row("economy", "gdp-2023")),
                        lambda v: v[0] / v[1] * 100,
                        N_("governor's gross figure"),
                    ),
                    depends_on="measure",
                    note=N_(
                        "Gross bank transfers include money passing through Armenia; the "
                        "net measure subtracts transfers sent to Russia. Remittances are income, "
                        "not output: the loss is what households would not receive, expressed "
                        "against GDP, not a GDP forecast."
                    ),
                ),
                Param(
                    "gdp_usd_bn",
                    N_("GDP (2023)"),
                    N_("US$ bn"),
                    5,
                    60,
                    0.1,
                    Cited((Row("economy", "gdp-2023"),)),
                ),
            ),
            outputs=(
                Output("gdp_share_loss_pct", N_("Transfers lost"), N_("% of GDP")),
                Output("transfers_lost_usd_bn", N_("Transfers lost"), N_("US$ bn")),
            ),
            sweep="fall_pct",
            headline="gdp_share_loss_pct",
            references=remittance_falls,
            sources=("remittances", "economy"),
        ),
    )
}


# --- parsing -----------------------------------------------------------------------------------
def parse(scenario: Scenario, query: Mapping[str, object], strict: bool = True) -> dict[str, Any]:
    """Parameter overrides from a query: numbers within [minimum, maximum], choices from their
    list. Strict (the API): a bad value raises ScenarioError naming it; lenient (the page):
    a bad value is dropped, so the cited default applies. Unknown keys are ignored."""
    out: dict[str, Any] = {}
    for choice in scenario.choices:
        raw = query.get(choice.name)
        if raw is None or raw == "":
            continue
        if str(raw) in choice.choices:
            out[choice.name] = str(raw)
        elif strict:
            raise ScenarioError(choice.name, f"{choice.name} must be one of {list(choice.choices)}")
    for param in scenario.params:
        raw = query.get(param.name)
        if raw is None or raw == "":
            continue
        try:
            value = float(str(raw))
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not param.minimum <= value <= param.maximum:
            if strict:
                raise ScenarioError(
                    param.name,
                    f"{param.name} must be a number from {param.minimum:g} to {param.maximum:g}"
                    f" ({param.unit}); got {str(raw)[:40]!r}",
                )
            continue
        out[param.name] = value
    return out


# --- running -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    scenario: Scenario
    choices: dict[str, str]
    inputs: pd.DataFrame  # one row per parameter
    outputs: pd.DataFrame  # one row per output
    curve: pd.DataFrame  # the headline output over the sweep parameter
    references: pd.DataFrame

    def frame(self) -> pd.DataFrame:
        """Everything shown, one table (downloads, the data table)."""
        return pd.concat(
            [self.inputs, self.outputs, self.curve, self.references], ignore_index=True
        )


def _default_source(param: Param, choices: Mapping[str, str]) -> Source:
    if isinstance(param.default, Mapping):
        return param.default[choices[param.depends_on]]
    return param.default


def _build(
    scenario: Scenario, overrides: dict[str, Any]
) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    choices = {c.name: str(overrides.get(c.name, c.default)) for c in scenario.choices}
    rows, values, ranges = [], {}, {}
    for param in scenario.params:
        default = resolve(_default_source(param, choices))
        low = resolve(param.low) if param.low is not None else None
        high = resolve(param.high) if param.high is not None else None
        value = float(overrides.get(param.name, default.value))
        values[param.name] = value
        if low is not None and high is not None:
            ranges[param.name] = (min(low.value, high.value), max(low.value, high.value))
        cited = [r for r in (default, low, high) if r is not None and not r.assumption]
        rows.append(
            {
                "kind": "input",
                "name": param.name,
                "label": param.label,
                "value": round(value, 4),
                "unit": param.unit,
                "default": round(default.value, 4),
                "low": round(low.value, 4) if low else None,
                "high": round(high.value, 4) if high else None,
                "assumption": default.assumption,
                "overridden": param.name in overrides,
                "source_url": default.urls[0] if default.urls else None,
                "source_title": "; ".join(dict.fromkeys(default.titles)) or None,
                "derived_from": ";".join(dict.fromkeys(r for c in cited for r in c.refs)),
                "accessed": "; ".join(dict.fromkeys(default.accessed)) or None,
                "how": default.how,
                "note": param.note,
            }
        )
    result = scenario.compute(**values)
    bands = sm.band(scenario.compute, values, ranges)
    outputs = []
    for output in scenario.outputs:
        got = result.get(output.name)
        lowest, highest = bands.get(output.name, (got, got))
        outputs.append(
            {
                "kind": "output",
                "name": output.name,
                "label": output.label,
                "value": None if got is None else round(float(got), 4),
                "unit": output.unit,
                "low": None if lowest is None else round(float(lowest), 4),
                "high": None if highest is None else round(float(highest), 4),
            }
        )
    sweep = scenario.param(scenario.sweep)
    top = max(sweep.maximum, values[scenario.sweep])
    grid = sorted({*(sweep.minimum + i * (top - sweep.minimum) / 60 for i in range(61))})
    curve = []
    for x in grid:
        at = {**values, scenario.sweep: x}
        y = scenario.compute(**at).get(scenario.headline)
        lo, hi = sm.band(scenario.compute, at, ranges).get(scenario.headline, (y, y))
        curve.append(
            {
                "kind": "curve",
                "name": scenario.headline,
                "x": round(x, 4),
                "value": y,
                "low": lo,
                "high": hi,
            }
        )
    references = scenario.references(scenario, values) if scenario.references else pd.DataFrame()
    return choices, pd.DataFrame(rows), pd.DataFrame(outputs), pd.DataFrame(curve), references


def run(scenario: Scenario, overrides: Mapping[str, Any] | None = None) -> Result:
    """The scenario for these overrides, cached per (overrides, versions read): the cache holds
    plain tables (a scenario's formulas are code, not cached values)."""
    given = dict(overrides or {})
    key = (scenario.id, tuple(sorted((k, repr(v)) for k, v in given.items())))
    built, _reads, _key = memo("scenario", key, lambda: _build(scenario, given))
    return Result(scenario, *built)


def as_json(result: Result) -> dict[str, Any]:
    """The API document: inputs (name, value, unit, and source_url or assumption: true),
    outputs (name, value, unit, low, high) and the formula."""
    scenario = result.scenario

    def clean(value: Any) -> Any:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        return value

    inputs = []
    for choice in scenario.choices:
        inputs.append(
            {
                "name": choice.name,
                "value": result.choices[choice.name],
                "unit": "choice",
                "label": choice.label,
                "choices": list(choice.choices),
                "assumption": False,
                "selects": "the cited defaults of the parameters that depend on it",
            }
        )
    for row in result.inputs.to_dict("records"):
        item: dict[str, Any] = {
            "name": row["name"],
            "label": row["label"],
            "value": clean(row["value"]),
            "unit": row["unit"],
            "default": clean(row["default"]),
            "low": clean(row["low"]),
            "high": clean(row["high"]),
            "overridden": bool(row["overridden"]),
        }
        if row["assumption"]:
            item["assumption"] = True
        else:
            item["source_url"] = row["source_url"]
            item["source_title"] = row["source_title"]
            item["derived_from"] = row["derived_from"]
            item["accessed"] = row["accessed"]
            if row["how"]:
                item["computed_as"] = row["how"]
        if row["note"]:
            item["note"] = row["note"]
        inputs.append(item)
    outputs = [
        {k: clean(row[k]) for k in ("name", "label", "value", "unit", "low", "high")}
        for row in result.outputs.to_dict("records")
    ]
    references = [
        {k: clean(v) for k, v in row.items() if k != "kind"}
        for row in result.references.to_dict("records")
    ]
    return {
        "id": scenario.id,
        "title": scenario.title,
        "description": scenario.description,
        "formula": scenario.formula,
        "inputs": inputs,
        "outputs": outputs,
        "references": references,
    }


# the choices as the radio buttons show them (the query value), as catalog messages
CHOICE_WORDS = {
    "winter": N_("winter"),
    "summer": N_("summer"),
    "year": N_("year"),
    "bank_transfers": N_("bank_transfers"),
    "bank_transfers_governor": N_("bank_transfers_governor"),
    "bank_transfers_net": N_("bank_transfers_net"),
}


# --- charts: one per scenario, on /scenarios and behind /embed/scenario/<id> -------------------
def options_of(scenario: Scenario) -> tuple[Option, ...]:
    """URL-settable controls: a slider per parameter (empty: the cited default), a radio per
    choice. Bad values fall back to the default, as on every page; the API is strict instead."""
    return tuple(
        Option(
            c.name,
            c.default,
            choices=c.choices,
            label=c.label,
            choice_labels=tuple((k, CHOICE_WORDS.get(k, k)) for k in c.choices),
        )
        for c in scenario.choices
    ) + tuple(
        Option(
            p.name,
            None,
            parse=bounded_float(p.minimum, p.maximum),
            label=f"{p.label} ({p.unit})",
            widget="range",
            minimum=p.minimum,
            maximum=p.maximum,
            step=p.step,
        )
        for p in scenario.params
    )


def chart_id(scenario_id: str) -> str:
    return f"scenario_{scenario_id}"


def _chart(scenario: Scenario) -> Chart:
    def data(options: dict) -> pd.DataFrame:
        overrides = {k: v for k, v in options.items() if v is not None}
        return run(scenario, overrides).frame()

    def figure(frame: pd.DataFrame, options: dict) -> go.Figure:
        return scenario_figures.scenario_figure(
            frame, scenario.sweep, scenario.headline, str(options.get("lang", "en"))
        )

    return Chart(
        id=chart_id(scenario.id),
        page="scenarios",
        title=scenario.title,
        description=scenario.description,
        sources=scenario.sources,
        data=data,
        figure=figure,
        options=options_of(scenario),
        caveat=N_(
            "Formula: %(formula)s. A scenario, not a forecast: the band spans the cited low and "
            "high of each ranged parameter."
        ),
        caveat_args={"formula": scenario.formula},
        date_columns=(),
    )


CHARTS = [_chart(s) for s in SCENARIOS.values()]
