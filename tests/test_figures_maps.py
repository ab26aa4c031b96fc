"""Map figures (plotly geo on the app's own topojson): traces, view, precision, escaping."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import maps

ALLOWED_TRACES = {"scatter", "scattergeo", "choropleth"}  # the geo partial bundle


def points(**overrides: list) -> pd.DataFrame:
    rows = {
        "layer": ["clash", "clash", "euma_hub", "ucdp"],
        "name": ["Clash at Sotk", "Second report at Sotk", "FOB Goris", "Near Kapan"],
        "date": ["2023-09-01", "2023-09-01", None, "2024-02-13"],
        "lat": [40.2, 40.2, 39.51, 39.2],
        "lon": [45.86, 45.86, 46.34, 46.4],
        "coord_precision": ["town_centre", "town_centre", "town_centre", "exact"],
        "detail": ["4 killed", "3 killed", "", "best estimate: 4 deaths"],
        "reported_by": ["Armenian MFA", "Armenian MoD", None, "UCDP"],
        "source_title": ["Asbarez", "Azatutyun", "gazetteer", "UCDP GED"],
        "confidence": ["medium", "medium", "medium", "as published"],
    }
    rows.update(overrides)
    return pd.DataFrame(rows)


def geo_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if t.type == "scattergeo" and t.mode == "markers"]


def test_regional_geo_view_and_trace_types() -> None:
    fig = maps.points_map(points())
    assert {t.type for t in fig.data} <= ALLOWED_TRACES
    geo = fig.layout.geo
    assert tuple(geo.lonaxis.range) == (43.0, 47.5)
    assert tuple(geo.lataxis.range) == (38.5, 41.5)
    assert geo.resolution == 50
    assert geo.showcountries and geo.showland
    armenia = [t for t in fig.data if t.type == "choropleth"]
    assert armenia and list(armenia[0].locations) == ["ARM"]
    assert armenia[0].locationmode == "ISO-3"


def test_town_centre_points_are_marked_and_drawn_open() -> None:
    fig = maps.points_map(points())
    by_name = {t.name: t for t in geo_traces(fig)}
    clash = by_name["Curated clash or incident (town-centre point)"]
    assert clash.marker.symbol == "diamond-open"
    assert "town-centre point" in clash.hovertext[0]
    exact = by_name["UCDP GED event"]
    assert exact.marker.symbol == "circle"


def test_co_located_rows_share_one_marker_listing_both() -> None:
    fig = maps.points_map(points())
    clash = next(t for t in geo_traces(fig) if t.legendgroup == "clash")
    assert len(clash.lat) == 1
    assert "Clash at Sotk" in clash.hovertext[0] and "Second report" in clash.hovertext[0]
    assert "Armenian MoD" in clash.hovertext[0]


def test_untrusted_text_is_escaped() -> None:
    frame = points(
        name=["<script>alert(1)</script>", "$x$", "<b>bold</b>", "ok"],
        layer=["clash", "clash", "<img src=x>", "ucdp"],
    )
    fig = maps.points_map(frame)
    hover = " ".join(" ".join(t.hovertext or ()) for t in geo_traces(fig))
    assert "<script>" not in hover and "&lt;script&gt;alert(1)&lt;/script&gt;" in hover
    assert "\u200b$x$" in hover
    assert "&lt;b&gt;bold&lt;/b&gt;" in hover
    names = [t.name for t in fig.data if t.name]
    assert not any("<img" in n for n in names)
    assert any("&lt;img src=x&gt;" in n for n in names)


def test_rows_without_a_point_are_counted_not_drawn() -> None:
    frame = points(
        lat=[40.2, None, 39.51, 39.2],
        lon=[45.86, None, 46.34, 40.0],
        coord_precision=["town_centre", "", "town_centre", "country"],
    )
    fig = maps.points_map(frame, notes=["<UCDP> missing"])
    drawn = sum(len(t.lat) for t in geo_traces(fig))
    assert drawn == 2
    note = fig.layout.annotations[0].text.replace("<br>", " ")
    assert "1 curated clash or incident row;" in note and "1 ucdp ged event row" in note
    assert "&lt;UCDP&gt; missing" in note
    assert all(len(line) < 70 for line in fig.layout.annotations[0].text.split("<br>"))


def test_empty_frame_gives_an_empty_state() -> None:
    fig = maps.points_map(pd.DataFrame(), empty="Nothing <here>")
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text == "Nothing &lt;here&gt;"


def test_unknown_layers_and_order() -> None:
    frame = points(layer=["zeta", "zeta", "euma_hub", "ucdp"])
    fig = maps.points_map(frame, layers=("ucdp", "euma_hub"))
    groups = [t.legendgroup for t in geo_traces(fig)]
    assert groups == ["ucdp", "euma_hub", "zeta"]


def test_layer_names_notes_and_empty_text_in_the_page_language() -> None:
    """Issue 13: the legend name is one message per precision, so each language orders it;
    English stays as built; a note passed as a catalog message is translated, data is not."""
    english = {t.name for t in geo_traces(maps.points_map(points()))}
    assert "EUMA forward operating base (town-centre point)" in english
    russian = maps.points_map(
        points(lat=[40.2, 40.2, 39.51, None]),
        notes=[
            "EUMA does not publish base coordinates: each point is the town the base is "
            "named after."
        ],
        lang="ru",
    )
    names = {t.name for t in geo_traces(russian)}
    assert "Передовая база EUMA (центр города)" in names
    assert "Столкновение или инцидент (наш список) (центр города)" in names
    notes = " ".join(a.text for a in russian.layout.annotations)
    assert "EUMA не публикует координаты баз" in notes
    assert "Не на карте" in notes and "Событие UCDP GED: 1" in notes
    hover = " ".join(t.hovertext[0] for t in geo_traces(russian))
    assert "Clash at Sotk" in hover  # the row's own name is data: as cited
    empty = maps.points_map(points().iloc[:0], empty="No EUMA bases in the store yet", lang="hy")
    assert "EUMA-ի հենակետեր պահոցում դեռ չկան" in empty.layout.annotations[0].text
