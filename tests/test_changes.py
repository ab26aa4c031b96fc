"""The change log and the alert rules: records per promotion (added / revised / removed), health
turns (failed / stale / recovered), each rule firing on the change it names; both engines."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from data_sources import alerts, changes
from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.refresh import refresh
from data_sources.source import Source
from data_sources.sources import curated, hdx_acled
from data_sources.store import Store
from data_sources.store_tables import alerts as alerts_table
from data_sources.store_tables import attempts, current


def _csv_source(dataset_id: str, body: dict[str, bytes]) -> Source:
    """The curated source `dataset_id`, fetching whatever `body["csv"]` holds now."""

    def fetch(ctx: object) -> list[RawResponse]:
        if isinstance(body["csv"], Exception):
            raise body["csv"]
        return [
            RawResponse(
                url=f"http://127.0.0.1/{dataset_id}.csv",
                status=200,
                content_type="text/csv",
                body=body["csv"],
                fetched_at=datetime.now(UTC),
            )
        ]

    return dataclasses.replace(curated.curated_source(dataset_id), fetch=fetch)


def _frame(dataset_id: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(curated.csv_bytes(dataset_id)), dtype=str, keep_default_na=False)


def _bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _alerts(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(alerts_table).order_by(alerts_table.c.id)).mappings()
        return [dict(r) for r in rows]


def test_a_revision_is_recorded_with_old_new_and_relative_change(store: Store) -> None:
    frame = _frame("gas_imports")
    body = {"csv": _bytes(frame)}
    source = _csv_source("gas_imports", body)
    assert refresh(store, [source]).exit_code == 0
    first = changes.list_changes(store)
    assert [(c["kind"], c["rows"]) for c in first] == [("added", len(frame))]
    assert first[0]["summary"].startswith(f"first version: {len(frame)} rows")

    changed = frame.copy()
    old_value = float(changed.loc[0, "value"])
    changed.loc[0, "value"] = str(old_value * 0.9)
    added = changed.iloc[[1]].assign(id="test-new-row")
    removed_id = changed.loc[2, "id"]
    changed = pd.concat([changed.drop(index=2), added], ignore_index=True)
    body["csv"] = _bytes(changed)
    run = refresh(store, [source])
    assert run.sources[0].outcome == "ok"
    version = run.sources[0].version
    records = {c["kind"]: c for c in changes.list_changes(store) if c["version_id"] == version}
    assert set(records) == {"added", "revised", "removed"}
    assert records["added"]["detail"] == ["test-new-row"]
    assert records["removed"]["detail"] == [removed_id]
    item = records["revised"]["detail"][0]
    assert item["key"] == frame.loc[0, "id"] and item["column"] == "value"
    assert item["old"] == old_value and item["new"] == pytest.approx(old_value * 0.9)
    assert item["relative"] == pytest.approx(-0.1)
    assert "(-10.0%)" in records["revised"]["summary"]

    # Recomputable from the stored versions alone.
    again = changes.diff_versions(store, "gas_imports", version, source.change_key)
    assert again.added == ["test-new-row"] and again.removed == [removed_id]
    assert [r.as_item() for r in again.revised] == records["revised"]["detail"]

    # The revision alert (10 % > the 5 % default) went into the outbox with the version.
    (alert,) = [a for a in _alerts(store) if a["rule"] == "revision"]
    payload = json.loads(alert["body"])
    assert payload["source"] == "gas_imports" and payload["version"] == version
    assert payload["change"] == records["revised"]["id"]
    assert {"id", "rule", "source", "title", "url", "created"} <= set(payload)


def test_a_small_revision_raises_no_alert(store: Store, monkeypatch) -> None:
    frame = _frame("gas_imports")
    body = {"csv": _bytes(frame)}
    source = _csv_source("gas_imports", body)
    refresh(store, [source])
    frame.loc[0, "value"] = str(float(frame.loc[0, "value"]) * 1.04)
    body["csv"] = _bytes(frame)
    refresh(store, [source])
    assert [c["kind"] for c in changes.list_changes(store)] == ["revised", "added"]
    assert _alerts(store) == []
    monkeypatch.setenv("ALERT_REVISION_THRESHOLD", "0.01")
    frame.loc[0, "value"] = str(float(frame.loc[0, "value"]) * 1.04)
    body["csv"] = _bytes(frame)
    refresh(store, [source])
    assert [a["rule"] for a in _alerts(store)] == ["revision"]


def test_unchanged_data_makes_no_record(store: Store) -> None:
    source = _csv_source("gas_prices", {"csv": curated.csv_bytes("gas_prices")})
    refresh(store, [source])
    refresh(store, [source])
    assert len(changes.list_changes(store)) == 1


@pytest.mark.parametrize(
    ("dataset_id", "category", "rule"),
    [
        ("upper_lars_events", "closure", "upper_lars_closure"),
        ("upper_lars_events", "reopening", "upper_lars_closure"),
        ("border_clashes", "clash", "border_clash"),
        ("euma_timeline", "mandate", "euma_mandate"),
    ],
)
def test_a_new_event_fires_its_rule_once(
    store: Store, dataset_id: str, category: str, rule: str
) -> None:
    frame = _frame(dataset_id)
    body = {"csv": _bytes(frame)}
    source = _csv_source(dataset_id, body)
    refresh(store, [source])
    assert _alerts(store) == []  # the first load is history, not news
    row = frame.iloc[[-1]].assign(id="test-event", category=category, title="Test event")
    body["csv"] = _bytes(pd.concat([frame, row], ignore_index=True))
    refresh(store, [source])
    fired = [a for a in _alerts(store) if a["rule"] == rule]
    assert len(fired) == 1 and "Test event" in fired[0]["title"]
    # Removed and added back: the same fact, no second alert.
    body["csv"] = _bytes(frame)
    refresh(store, [source], allow_shrink=True)
    body["csv"] = _bytes(pd.concat([frame, row], ignore_index=True))
    refresh(store, [source])
    assert len([a for a in _alerts(store) if a["rule"] == rule]) == 1


def test_an_upper_lars_queue_is_not_a_closure(store: Store) -> None:
    frame = _frame("upper_lars_events")
    body = {"csv": _bytes(frame)}
    source = _csv_source("upper_lars_events", body)
    refresh(store, [source])
    row = frame.iloc[[-1]].assign(id="test-queue", category="queue")
    body["csv"] = _bytes(pd.concat([frame, row], ignore_index=True))
    refresh(store, [source])
    assert [c["kind"] for c in changes.list_changes(store)][0] == "added"
    assert _alerts(store) == []


def _months(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": "Armenia",
            "admin1": "Tavush",
            "period": list(counts),
            "events": list(counts.values()),
            "fatalities": 0,
            "upstream_updated": None,
            "source_url": "http://127.0.0.1/x",
        }
    )


def test_incident_spike_fires_above_the_trailing_12_month_maximum() -> None:
    history = {f"2024-{m:02d}": 3 for m in range(1, 13)}
    old = _months(history)
    for count, fires in ((4, True), (3, False)):
        new = _months({**history, "2025-01": count})
        diff = changes.diff_tables(old, new, hdx_acled.SOURCE.change_key)
        fired = alerts.evaluate("hdx_acled", diff, new)
        assert [a.rule for a in fired] == (["incident_spike"] if fires else [])
    # Fewer than 12 months before it: no baseline, no alert.
    short = _months({"2024-12": 1})
    new = _months({"2024-12": 1, "2025-01": 9})
    assert alerts.evaluate("hdx_acled", changes.diff_tables(short, new, ("period",)), new) == []


def test_a_revised_month_count_can_spike() -> None:
    history = {f"2024-{m:02d}": 3 for m in range(1, 13)}
    old = _months({**history, "2025-01": 2})
    new = _months({**history, "2025-01": 7})
    diff = changes.diff_tables(old, new, hdx_acled.SOURCE.change_key)
    fired = {a.rule: a for a in alerts.evaluate("hdx_acled", diff, new)}
    assert set(fired) == {"incident_spike", "revision"}  # 2 → 7 is also a +250 % revision
    alert = fired["incident_spike"]
    assert alert.detail == {"month": "2025-01", "count": 7, "trailing_max": 3}


def _health(store: Store) -> list[tuple[str, str]]:
    return [
        (c["kind"], c["summary"])
        for c in reversed(changes.list_changes(store, kinds=changes.HEALTH_KINDS))
    ]


def test_failing_twice_alerts_once_and_recovery_alerts(store: Store) -> None:
    body: dict = {"csv": curated.csv_bytes("wheat_imports")}
    source = _csv_source("wheat_imports", body)
    refresh(store, [source])
    body["csv"] = SourceError("http_error", "upstream answered 500")
    refresh(store, [source])
    assert [a["rule"] for a in _alerts(store)] == []  # once is noise
    assert [k for k, _ in _health(store)] == ["failed"]
    refresh(store, [source])
    refresh(store, [source])
    assert [a["rule"] for a in _alerts(store)] == ["source_failing"]
    body["csv"] = curated.csv_bytes("wheat_imports")
    refresh(store, [source])
    assert [a["rule"] for a in _alerts(store)] == ["source_failing", "source_recovered"]
    assert [k for k, _ in _health(store)] == ["failed", "failed", "recovered"]
    assert "500" in _health(store)[0][1]


def test_one_failure_then_success_records_recovery_without_alert(store: Store) -> None:
    body: dict = {"csv": curated.csv_bytes("wheat_imports")}
    source = _csv_source("wheat_imports", body)
    refresh(store, [source])
    body["csv"] = SourceError("http_error", "upstream answered 502")
    refresh(store, [source])
    body["csv"] = curated.csv_bytes("wheat_imports")
    refresh(store, [source])
    assert [k for k, _ in _health(store)] == ["failed", "recovered"]
    assert _alerts(store) == []


def test_going_stale_is_recorded_once_and_alerts(store: Store) -> None:
    body: dict = {"csv": curated.csv_bytes("wheat_imports")}
    source = dataclasses.replace(_csv_source("wheat_imports", body), cadence=timedelta(days=1))
    refresh(store, [source])
    assert _health(store) == []
    with store.engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(days=3)
        conn.execute(current.update().values(checked_at=old))
    body["csv"] = SourceError("http_error", "down")
    refresh(store, [source])
    refresh(store, [source])
    kinds = [k for k, _ in _health(store)]
    assert kinds.count("stale") == 1
    assert "source_stale" in [a["rule"] for a in _alerts(store)]
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar() == 3


def test_every_rule_has_a_test() -> None:
    tested = {"upper_lars_closure", "border_clash", "incident_spike", "euma_mandate", "revision"}
    assert {r.id for r in alerts.RULES} == tested
    assert {r for r, _ in alerts.HEALTH_RULES.values()} == {
        "source_failing",
        "source_stale",
        "source_recovered",
    }
