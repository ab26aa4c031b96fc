"""Every render knows what it read: for every chart with the event layer off and on, the
datasets recorded by the data door are exactly the datasets whose rows reach the figure (taken
from the rows themselves), at the versions the rows carry."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.data import datasets, door
from dashboard.data.datasets import EVENT_DATASETS, OVERLAY_DATASETS
from dashboard.figures.common import OVERLAY_CATEGORIES

WIDE = {"from": "1990", "to": str(datetime.date.today().year)}


def reached(frame: pd.DataFrame) -> dict[str, set[int]]:
    """dataset -> versions named by the rows (a cell may list several datasets with `;`)."""
    out: dict[str, set[int]] = {}
    if frame.empty:
        return out
    versions = frame["version"] if "version" in frame.columns else pd.Series(None, frame.index)
    names_column = frame.get("dataset", pd.Series(dtype=str)).dropna()
    for names, version in zip(names_column, versions[names_column.index], strict=True):
        for dataset in str(names).split(";"):
            found = out.setdefault(dataset, set())
            if pd.notna(version):
                found.update(int(v) for v in str(version).split(";") if v)
    # Derived rows cite what they were computed from: `dataset#row_id@version;…`.
    for cell in frame.get("derived_from", pd.Series(dtype=str)).dropna():
        for ref in filter(None, str(cell).split(";")):
            dataset, version = ref.partition("#")[0], ref.rpartition("@")[2]
            out.setdefault(dataset, set()).update({int(version)} if version else set())
    return out


@pytest.mark.parametrize("events", ["0", "1"])
@pytest.mark.parametrize("chart_id", sorted(CHARTS))
def test_recorded_reads_are_the_data_that_reach_the_figure(dash_store, chart_id, events) -> None:
    chart = CHARTS[chart_id]
    rendered = render(chart, {**WIDE, "events": events})
    seen = reached(rendered.frame)
    for dataset, versions in reached(rendered.events).items():
        seen.setdefault(dataset, set()).update(versions)
    recorded = rendered.reads.versions()
    assert set(recorded) == set(seen), (chart_id, sorted(recorded), sorted(seen))
    for dataset, versions in seen.items():
        assert versions <= {recorded[dataset]}, (chart_id, dataset, versions)
    if events == "1" and chart.has_events:
        assert set(OVERLAY_DATASETS) <= set(recorded), chart_id
    # Nothing is read that the chart does not declare (the API lists the declaration).
    assert set(rendered.reads.sources()) <= set(chart.declared_sources), chart_id


def test_a_cache_hit_replays_its_reads_into_the_enclosing_context(dash_store) -> None:
    chart = CHARTS["gas_border_price"]
    first = render(chart, {"events": "1"})
    with door.reading() as reads:
        again = render(chart, {"events": "1"})
    assert again.key == first.key
    assert reads.versions() == first.reads.versions() and "border_clashes" in reads.versions()


def test_a_frozen_context_reads_only_what_it_pins(dash_store) -> None:
    chart = CHARTS["gas_border_price"]
    live = render(chart, {"events": "1"})
    only_prices = {"gas_prices": live.reads.versions()["gas_prices"]}
    with door.reading(only_prices):
        frozen = render(chart, {"events": "1"})
    assert frozen.reads.versions() == only_prices
    assert frozen.events.empty and not frozen.frame.empty


def test_event_datasets_left_out_of_the_layer_hold_nothing_it_draws(dash_store) -> None:
    for dataset in set(EVENT_DATASETS) - set(OVERLAY_DATASETS):
        frame = datasets.events((dataset,))
        assert not frame.empty and not frame["category"].isin(OVERLAY_CATEGORIES).any(), dataset


def test_rows_not_re_read_say_so_in_tooltips_tables_and_downloads(dash_store) -> None:
    from dashboard.app import app

    client = app.server.test_client()
    found = 0
    for chart_id, chart in CHARTS.items():
        rendered = render(chart, WIDE)
        frame = rendered.frame
        if frame.empty or "verified" not in frame.columns:
            continue
        unchecked = frame[frame["verified"].astype(str) == "false"]
        if unchecked.empty:
            continue
        found += 1
        assert (unchecked["checked"] == "not re-checked").all(), chart_id
        assert (unchecked["accessed"].fillna("") == "").all(), chart_id
        if chart_id not in ("exposure_sensitivity",):
            assert "not re-checked" in str(rendered.spec["data"]), chart_id
        query = "&".join(f"{k}={v}" for k, v in WIDE.items())
        body = client.get(f"/download/{chart_id}.csv?{query}").get_data(as_text=True)
        assert "not re-checked" in body, chart_id
    assert found, "no chart draws a row that was not re-checked"


def test_remittance_figures_keep_to_one_measure(dash_store) -> None:
    from dashboard.charts import exposure, kpis

    value, reads, _key = kpis.value_of(kpis.BY_ID["remittances_russia_share"])
    rows = datasets.curated("remittances").set_index("row_id")
    assert value is not None and rows.loc[value.row_id, "measure"] == "bank_transfers"
    table = exposure.components_table().set_index("component")
    assert rows.loc[table.loc["remittances", "row_id"], "measure"] == "bank_transfers"
