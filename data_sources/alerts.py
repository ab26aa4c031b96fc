"""Alert rules, as data: what in a promotion (or a source's health turn) is worth telling
receivers about. Each rule reads the change (the diff of the new version against the previous
one) and returns alerts; the refresh writes them to the outbox in the promotion's transaction.

Rules (one line each in `RULES`; README "Alerts" lists them):
- `upper_lars_closure`: a new closure or reopening row in the Upper Lars event log;
- `border_clash`: a new row in the curated border clashes;
- `incident_spike`: a month whose incident count (per source) exceeds its trailing 12-month max;
- `euma_mandate`: a new EUMA mandate event;
- `revision`: a value revised by more than ALERT_REVISION_THRESHOLD (relative, default 5 %);
- `source_failing`, `source_stale`, `source_recovered`: health turns of any source.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from data_sources import config
from data_sources.changes import Diff
from data_sources.store_tables import alerts


@dataclass(frozen=True)
class Alert:
    """One alert before it is written: `key` makes it once only (one per fact, not per run)."""

    key: str
    rule: str
    source_id: str
    title: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Promotion:
    """What a data rule sees: the source, its diff, and the new table."""

    source_id: str
    diff: Diff
    table: pd.DataFrame
    threshold: float


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    sources: tuple[str, ...]  # () = every source
    fire: Callable[[Promotion], list[Alert]]


def _new_events(
    rule: str, categories: tuple[str, ...] | None, noun: str
) -> Callable[[Promotion], list[Alert]]:
    """A rule firing once per added event row (optionally of these categories)."""

    def fire(p: Promotion) -> list[Alert]:
        rows = p.diff.added_rows
        if p.diff.first or rows.empty or "id" not in rows.columns:
            return []  # the first load of a source is history, not news
        if categories is not None and "category" in rows.columns:
            rows = rows[rows["category"].isin(categories)]
        out = []
        for event in rows.to_dict("records"):
            what = event.get("category") or noun
            out.append(
                Alert(
                    f"{rule}:{p.source_id}:{event['id']}",
                    rule,
                    p.source_id,
                    f"{noun}: {event.get('title') or event['id']} ({what}, {event.get('date')})",
                    {
                        "row": str(event["id"]),
                        "date": event.get("date"),
                        "category": event.get("category"),
                    },
                )
            )
        return out

    return fire


# Incident sources: the date column (a day or a YYYY-MM month) and the count column (None: a row
# is one incident).
INCIDENT_COUNTS: dict[str, tuple[str, str | None]] = {
    "ucdp": ("date_start", None),
    "hdx_acled": ("period", "events"),
    "acled": ("event_date", None),
    "border_clashes": ("date", None),
}


def monthly_counts(source_id: str, table: pd.DataFrame) -> pd.Series:
    """Incidents per month (`YYYY-MM` index, sorted; months without any count 0)."""
    date_col, count_col = INCIDENT_COUNTS[source_id]
    if table.empty or date_col not in table.columns:
        return pd.Series(dtype=float)
    months = table[date_col].astype(str).str.slice(0, 7)
    counts = table[count_col] if count_col else pd.Series(1, index=table.index)
    per_month = counts.groupby(months).sum()
    every = pd.period_range(per_month.index.min(), per_month.index.max(), freq="M")
    return per_month.reindex([str(m) for m in every], fill_value=0)


def _spike(p: Promotion) -> list[Alert]:
    """A month the promotion touched whose count exceeds the max of the 12 months before it."""
    if p.diff.first:
        return []
    counts = monthly_counts(p.source_id, p.table)
    date_col = INCIDENT_COUNTS[p.source_id][0]
    touched = set()
    if not p.diff.added_rows.empty and date_col in p.diff.added_rows.columns:
        touched |= set(p.diff.added_rows[date_col].astype(str).str.slice(0, 7))
    if p.source_id == "hdx_acled":  # a revised month count changes the month too
        touched |= {r.key.split("/")[-1] for r in p.diff.revised if r.column == "events"}
    out = []
    for month in sorted(touched & set(counts.index)):
        position = list(counts.index).index(month)
        trailing = counts.iloc[max(0, position - 12) : position]
        if len(trailing) < 12 or counts[month] <= trailing.max():
            continue
        count = int(counts[month])
        out.append(
            Alert(
                f"incident_spike:{p.source_id}:{month}",
                "incident_spike",
                p.source_id,
                f"{month}: {count} incidents in {p.source_id}, above the previous 12 months' "
                f"maximum of {int(trailing.max())}",
                {"month": month, "count": count, "trailing_max": int(trailing.max())},
            )
        )
    return out


def _revision(p: Promotion) -> list[Alert]:
    """Values revised by more than the threshold: one alert per promotion, the biggest named."""
    big = [r for r in p.diff.revised if r.relative is not None and abs(r.relative) > p.threshold]
    if not big:
        return []
    big.sort(key=lambda r: -abs(r.relative or 0))
    title = f"{p.source_id}: {len(big)} value(s) revised by more than {p.threshold:.0%}: "
    return [
        Alert(
            f"revision:{p.source_id}:{big[0].key}:{big[0].column}:{big[0].old}:{big[0].new}",
            "revision",
            p.source_id,
            title + big[0].text(),
            {"threshold": p.threshold, "revisions": [r.as_item() for r in big[:20]]},
        )
    ]


RULES: list[Rule] = [
    Rule(
        "upper_lars_closure",
        "a new Upper Lars closure or reopening",
        ("upper_lars_events",),
        _new_events(
            "upper_lars_closure", ("closure", "weather_closure", "reopening"), "Upper Lars"
        ),
    ),
    Rule(
        "border_clash",
        "a new border clash",
        ("border_clashes",),
        _new_events("border_clash", None, "Border clash"),
    ),
    Rule(
        "incident_spike",
        "a month whose incident count exceeds its trailing 12-month maximum",
        tuple(INCIDENT_COUNTS),
        _spike,
    ),
    Rule(
        "euma_mandate",
        "a new EUMA mandate event",
        ("euma_timeline",),
        _new_events("euma_mandate", ("mandate",), "EUMA mandate"),
    ),
    Rule("revision", "a value revised by more than ALERT_REVISION_THRESHOLD", (), _revision),
]
HEALTH_RULES = {
    "failed": ("source_failing", "a source failing twice in a row"),
    "stale": ("source_stale", "a source going stale"),
    "recovered": ("source_recovered", "a source recovering after a failure"),
}


def evaluate(source_id: str, diff: Diff, table: pd.DataFrame) -> list[Alert]:
    """Every data rule that applies to this source, on this promotion."""
    promotion = Promotion(source_id, diff, table, config.env_float("ALERT_REVISION_THRESHOLD"))
    out: list[Alert] = []
    for rule in RULES:
        if not rule.sources or source_id in rule.sources:
            out.extend(rule.fire(promotion))
    return out


def write(
    conn: sa.Connection,
    alert: Alert,
    *,
    change_id: int | None,
    version_id: int | None,
    created_at: datetime,
    site_url: str,
) -> int | None:
    """Put an alert in the outbox once (its key); None when it was already there. The body is
    fixed here, so every receiver and every retry gets the same bytes."""
    if conn.execute(sa.select(alerts.c.id).where(alerts.c.key == alert.key)).scalar() is not None:
        return None
    result = conn.execute(
        alerts.insert().values(
            key=alert.key[:200],
            rule=alert.rule,
            source_id=alert.source_id,
            change_id=change_id,
            created_at=created_at,
            title=alert.title,
            body="",
        )
    )
    key = result.inserted_primary_key
    alert_id = int(key[0]) if key else 0
    link = f"{site_url}/changes?source={alert.source_id}"
    body = {
        "id": f"pp-alert-{alert_id}",
        "rule": alert.rule,
        "source": alert.source_id,
        "title": alert.title,
        "url": link + (f"#change-{change_id}" if change_id else ""),
        "created": created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "version": version_id,
        "change": change_id,
        "detail": alert.detail,
    }
    conn.execute(
        alerts.update()
        .where(alerts.c.id == alert_id)
        .values(body=json.dumps(body, ensure_ascii=False, sort_keys=True, default=str))
    )
    return alert_id
