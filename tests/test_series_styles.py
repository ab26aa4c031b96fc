"""Never colour alone (WCAG 2.2 1.4.1): in every chart of the registry, as rendered with its
default options, line series differ by dash and/or marker symbol, stacked areas and bars in a
group or stack by a pattern (or a direct label), not by colour only."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.figures.theme import distinguish_series, series_style


def line_series(fig: go.Figure) -> dict[tuple[str, str], set[tuple[str, object]]]:
    """Each named, visible line series -> the (dash, drawn marker symbol) of its traces."""
    out: dict[tuple[str, str], set[tuple[str, object]]] = {}
    for trace in fig.data:
        if trace.type not in ("scatter", "scattergl", "scattergeo") or not trace.name:
            continue
        if "lines" not in (trace.mode or "lines") or trace.line.width == 0:
            continue
        out.setdefault((trace.legendgroup or "", trace.name), set()).add(series_style(trace))
    return out


def assert_told_apart(fig: go.Figure) -> None:
    series = line_series(fig)
    for key, styles in series.items():
        assert len(styles) == 1, f"{key} drawn in several styles: {styles}"
    styles = [next(iter(s)) for s in series.values()]
    assert len(set(styles)) == len(styles), f"series share a style: {series}"
    filled = [
        t
        for t in fig.data
        if t.type == "scatter" and t.name and (t.stackgroup or t.fill in ("tonexty", "tozeroy"))
        if t.line.width != 0
    ]
    shapes = [t.fillpattern.shape or "" for t in filled]
    assert len(set(shapes)) == len(shapes), f"filled areas share a pattern: {shapes}"
    bars = [t for t in fig.data if t.type == "bar"]
    if len(bars) >= 2:
        unlabelled = [t.marker.pattern.shape or "" for t in bars if t.text is None]
        assert len(set(unlabelled)) == len(unlabelled), f"bars share a pattern: {unlabelled}"


@pytest.mark.parametrize("chart_id", sorted(CHARTS))
def test_every_chart_tells_its_series_apart_without_colour(chart_id, dash_store) -> None:
    fig = render(CHARTS[chart_id], {}).figure
    assert_told_apart(fig)


def test_multi_series_charts_are_covered(dash_store) -> None:
    """The test above is not vacuous: the seed draws several multi-series line charts."""
    multi = [
        chart_id
        for chart_id, chart in CHARTS.items()
        if len(line_series(render(chart, {}).figure)) >= 2
    ]
    assert {"gas_border_price", "electricity_mix", "euma_patrols", "trade_partner_shares"} <= set(
        multi
    )


def test_styles_follow_the_series_across_panels_and_keep_a_builders_own_dashes() -> None:
    fig = go.Figure()
    for panel in ("y", "y2"):
        for name in ("Russia", "Iran"):
            fig.add_trace(go.Scatter(name=name, legendgroup=name, mode="lines", yaxis=panel))
    distinguish_series(fig)
    assert [t.line.dash for t in fig.data] == ["solid", "dash", "solid", "dash"]
    assert [t.marker.symbol for t in fig.data] == ["circle", "square", "circle", "square"]
    assert_told_apart(fig)

    # Dotted means "curated" here: kept; live and curated Russia share a symbol, partners differ.
    fig = go.Figure(
        [
            go.Scatter(name="Russia", legendgroup="live", mode="lines+markers"),
            go.Scatter(name="EU", legendgroup="live", mode="lines+markers"),
            go.Scatter(name="Russia", legendgroup="curated", mode="lines", line_dash="dot"),
            go.Scatter(
                name="EU",
                legendgroup="curated",
                mode="lines+markers",
                marker_symbol=["circle-open"],
            ),
        ]
    )
    distinguish_series(fig)
    assert [t.line.dash for t in fig.data] == [None, None, "dot", None]
    assert fig.data[2].mode == "lines"  # (dot, no marker) is already its own
    assert list(fig.data[3].marker.symbol) == ["square-open"]
    assert_told_apart(fig)

    # Two dotted lines without markers would differ by colour only: markers are switched on.
    fig = go.Figure([go.Scatter(name=n, mode="lines", line_dash="dot") for n in ("EU", "China")])
    distinguish_series(fig)
    assert [t.mode for t in fig.data] == ["lines+markers", "lines+markers"]
    assert_told_apart(fig)


def test_stacked_areas_and_bars_get_patterns() -> None:
    areas = go.Figure(
        [go.Scatter(name=n, stackgroup="one", mode="lines") for n in ("Gas", "Nuclear", "Hydro")]
    )
    distinguish_series(areas)
    assert [t.fillpattern.shape for t in areas.data] == ["", "/", "\\"]
    bars = go.Figure(
        [go.Bar(name="Russia", y=[1]), go.Bar(name="EU", y=[2]), go.Bar(name="China", y=[3])],
        layout={"barmode": "stack"},
    )
    distinguish_series(bars)
    assert [t.marker.pattern.shape for t in bars.data] == ["", "/", "\\"]
    assert_told_apart(bars)
    labelled = go.Figure([go.Bar(name="a", text=["a"]), go.Bar(name="b", text=["b"])])
    distinguish_series(labelled)
    assert [t.marker.pattern.shape for t in labelled.data] == [None, None]


def test_decorations_and_bands_are_left_alone() -> None:
    fig = go.Figure(
        [
            go.Scatter(mode="lines", line_width=2),  # an unnamed stem
            go.Scatter(name="spread", mode="lines", line_width=0, fill="toself"),
            go.Scatter(name="events", mode="markers"),
            go.Scatter(name="only", mode="lines"),
        ]
    )
    distinguish_series(fig)
    assert all(t.line.dash is None for t in fig.data)
    assert fig.data[2].marker.symbol is None
