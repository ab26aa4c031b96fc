"""Alt text generated from a figure's data (dashboard/charts/alt_text.py): latest value, change and
period per series; category bars; marker timelines; maps; the event layer counted."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.alt_text import describe, values
from dashboard.figures.common import add_event_overlay


def spec(fig: go.Figure) -> dict:
    return fig.to_plotly_json()


def test_time_series_names_latest_value_change_and_period() -> None:
    fig = go.Figure(layout={"yaxis": {"title": {"text": "% of trade"}}})
    years = pd.to_datetime(["2019-12-31", "2022-12-31", "2024-12-31"])
    fig.add_scatter(x=years, y=[27.0, 35.5, 41.4], name="Russia")
    fig.add_scatter(x=years, y=[18.0, 9.0, 5.7], name="EU")
    text = describe(spec(fig))
    assert text == (
        "Latest: Russia 41.4 % of trade in 2024, up from 27 in 2019; "
        "EU 5.7 % of trade in 2024, down from 18 in 2019."
    )


def test_follows_the_data_not_a_fixed_string() -> None:
    fig = go.Figure()
    fig.add_scatter(x=pd.to_datetime(["2023-04-01", "2024-04-25"]), y=[165, 165], name="Russia")
    assert describe(spec(fig)) == (
        "Latest: Russia 165 on 25 Apr 2024, the same as 165 in Apr 2023."
    )
    fig.data[0].y = (165, 210)
    assert "Russia 210 on 25 Apr 2024, up from 165" in describe(spec(fig))


def test_typed_arrays_are_decoded() -> None:
    import numpy as np

    y = np.array([1.5, 2.5])
    fig = go.Figure(go.Scatter(x=pd.to_datetime(["2020-01-01", "2021-01-01"]), y=y, name="s"))
    encoded = fig.to_plotly_json()
    assert values(encoded["data"][0]["y"]) == [1.5, 2.5]
    assert describe(encoded).startswith("Latest: s 2.5 in 2021")


def test_categories_markers_and_maps() -> None:
    bars = go.Figure(go.Bar(x=[44.0, 1007.0], y=["Iran border", "Azerbaijan border"]))
    assert describe(spec(bars)) == "Azerbaijan border 1,007; Iran border 44."
    markers = go.Figure(
        go.Scatter(x=pd.to_datetime(["2010-04-01", "2026-02-14"]), y=["a", "b"], mode="markers")
    )
    assert (
        describe(spec(markers)) == "2 dated entries from 2010 to 2026, the latest on 14 Feb 2026."
    )
    geo = go.Figure(go.Scattergeo(lat=[40.1, 40.8, 39.5], lon=[44.5, 44.0, 45.2], name="bases"))
    assert describe(spec(geo)) == "A map of 3 marked places."
    assert describe(spec(go.Figure())) == ""


def test_event_layer_is_counted_not_described_as_a_series() -> None:
    fig = go.Figure()
    fig.add_scatter(x=pd.to_datetime(["2020-12-31", "2024-12-31"]), y=[1, 2], name="count")
    events = pd.DataFrame(
        {
            "when": pd.to_datetime(["2022-10-17", "2023-05-01"]),
            "category": ["closure", "reopening"],
            "title": ["closed", "reopened"],
            "dataset": ["rail_events", "rail_events"],
            "row_id": ["r1", "r2"],
        }
    )
    text = describe(spec(add_event_overlay(fig, events)), events)
    assert text == (
        "Latest: count 2 in 2024, up from 1 in 2020. "
        "2 events are marked along the top; the data table lists them."
    )
