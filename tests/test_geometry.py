"""Offline map outlines: the committed topojson files and the cropping code behind them."""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

import pytest

from data_sources.geometry import (
    CLIP_BOX,
    OUT_DIR,
    clip_line,
    clip_ring,
    crop_topology,
    decode_arc,
)

PLOTLY_OBJECTS = {"countries", "land", "coastlines", "ocean", "lakes", "rivers", "subunits"}


def load(res: int) -> dict[str, Any]:
    topo: dict[str, Any] = json.loads((OUT_DIR / f"world_{res}m.json").read_text("utf-8"))
    return topo


def refs_of(geom: dict[str, Any]) -> list[int]:
    """Every arc reference of a geometry, however deeply nested."""

    def walk(node: Any) -> list[int]:
        return [node] if isinstance(node, int) else list(chain.from_iterable(map(walk, node)))

    return walk(geom.get("arcs", []))


def rings(topo: dict[str, Any], geom: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The geometry's polygon rings in degrees."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = [decode_arc(a) for a in topo["arcs"]]
    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    out = []
    for ring in chain.from_iterable(polys):
        pts: list[tuple[int, int]] = []
        for r in ring:
            arc = arcs[r] if r >= 0 else arcs[~r][::-1]
            pts.extend(arc[1:] if pts else arc)
        out.append([(x * sx + tx, y * sy + ty) for x, y in pts])
    return out


def contains(topo: dict[str, Any], geom: dict[str, Any], lon: float, lat: float) -> bool:
    """Even-odd ray casting over all rings (fine away from the antimeridian)."""
    inside = False
    for ring in rings(topo, geom):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def countries(topo: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["id"]: g for g in topo["objects"]["countries"]["geometries"] if g.get("id")}


# --- the committed files ---------------------------------------------------------------------
@pytest.mark.parametrize("res", [50, 110])
def test_committed_file_is_topojson_plotly_can_use(res: int) -> None:
    path = OUT_DIR / f"world_{res}m.json"
    assert path.stat().st_size < 300_000
    topo = load(res)
    assert topo["type"] == "Topology"
    assert set(topo["transform"]) == {"scale", "translate"}
    assert set(topo["objects"]) == PLOTLY_OBJECTS
    used: set[int] = set()
    for name, obj in topo["objects"].items():
        assert obj["type"] == "GeometryCollection", name
        for geom in obj["geometries"]:
            assert geom["type"] in {"Polygon", "MultiPolygon", "LineString", "MultiLineString"}
            used.update(r if r >= 0 else ~r for r in refs_of(geom))
    assert used == set(range(len(topo["arcs"]))), "dangling or unused arcs"
    assert all(len(arc) >= 2 for arc in topo["arcs"])


@pytest.mark.parametrize("res", [50, 110])
def test_region_countries_are_there_with_iso3_ids(res: int) -> None:
    topo = load(res)
    ids = set(countries(topo))
    assert {"ARM", "GEO", "AZE", "IRN", "TUR", "RUS"} <= ids
    assert {"USA", "FRA", "CHN"}.isdisjoint(ids)
    assert countries(topo)["ARM"]["properties"]["ct"] == pytest.approx([44.9, 40.3], abs=0.2)


@pytest.mark.parametrize(
    ("iso3", "lon", "lat"),
    [
        ("ARM", 44.51, 40.18),  # Yerevan
        ("ARM", 46.40, 39.20),  # Kapan, Syunik
        ("GEO", 44.79, 41.72),  # Tbilisi
        ("AZE", 49.87, 40.41),  # Baku
        ("AZE", 45.41, 39.21),  # Nakhchivan city: the exclave must be Azerbaijan's
        ("TUR", 43.05, 40.60),  # Kars
        ("IRN", 46.29, 38.08),  # Tabriz
        ("RUS", 44.68, 43.02),  # Vladikavkaz
    ],
)
def test_cities_fall_in_their_country(iso3: str, lon: float, lat: float) -> None:
    topo = load(50)
    owners = [cid for cid, g in countries(topo).items() if contains(topo, g, lon, lat)]
    assert owners == [iso3]


def test_azerbaijan_keeps_nakhchivan_as_a_separate_part() -> None:
    aze = countries(load(50))["AZE"]
    assert aze["type"] == "MultiPolygon" and len(aze["arcs"]) >= 2


@pytest.mark.parametrize("res", [50, 110])
def test_every_coordinate_lies_in_the_region(res: int) -> None:
    topo = load(res)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    lon0, lat0, lon1, lat1 = CLIP_BOX
    for arc in topo["arcs"]:
        for x, y in decode_arc(arc):
            assert lon0 - sx <= x * sx + tx <= lon1 + sx
            assert lat0 - sy <= y * sy + ty <= lat1 + sy
    assert 30 <= lon0 < 38 and 52 < lon1 <= 60 and 30 <= lat0 < 36 and 45 < lat1 <= 50


def test_black_sea_and_caspian_are_ocean() -> None:
    topo = load(50)
    (ocean,) = topo["objects"]["ocean"]["geometries"]
    assert contains(topo, ocean, 35.0, 43.0)  # Black Sea
    assert contains(topo, ocean, 50.5, 42.0)  # Caspian
    assert not contains(topo, ocean, 44.5, 40.2)  # Yerevan


# --- the cropping code, on a hand-made topology (scale 1: grid units are degrees) -----------
def _arc(*points: tuple[int, int]) -> list[list[int]]:
    out, prev = [], (0, 0)
    for p in points:
        out.append([p[0] - prev[0], p[1] - prev[1]])
        prev = p
    return out


TOY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [0, 0]},
    "arcs": [
        _arc((2, 2), (2, 4), (4, 4), (4, 2), (2, 2)),  # 0: clockwise square inside the box
        _arc((8, 2), (8, 6), (14, 6), (14, 2), (8, 2)),  # 1: clockwise, sticks out east
        _arc((20, 20), (20, 22), (22, 22), (22, 20), (20, 20)),  # 2: outside the box
        _arc((5, 5), (12, 5), (12, 7), (5, 7), (5, 5)),  # 3: counter-clockwise "continent"
        _arc((0, 100), (360, 100), (360, 101), (0, 101), (0, 100)),  # 4: antimeridian sliver
        _arc((-5, 1), (15, 1)),  # 5: a river across the box
        _arc((1, 8), (3, 9)),  # 6: a river inside
        _arc((99, 99), (98, 98)),  # 7: never used
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "IN", "arcs": [[0]], "properties": {"ct": [3, 3]}},
                {"type": "Polygon", "id": "CUT", "arcs": [[1]]},
                {"type": "MultiPolygon", "id": "HALF", "arcs": [[[0]], [[2]]]},
                {"type": "Polygon", "id": "OUT", "arcs": [[2]]},
            ],
        },
        "ocean": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[4], [3]]},
            ],
        },
        "rivers": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "LineString", "arcs": [5]},
                {"type": "LineString", "arcs": [6]},
            ],
        },
        "subunits": {"type": "GeometryCollection", "geometries": []},
        "extra": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "LineString", "arcs": [7]},
            ],
        },
    },
}


def _points(topo: dict[str, Any], ref: int) -> list[tuple[int, int]]:
    arc = decode_arc(topo["arcs"][ref if ref >= 0 else ~ref])
    return arc if ref >= 0 else arc[::-1]


def _canon(ring: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A closed ring started at its smallest point (same direction), for comparisons."""
    assert ring[0] == ring[-1], "ring not closed"
    open_ring = ring[:-1]
    i = open_ring.index(min(open_ring))
    rotated = open_ring[i:] + open_ring[:i]
    return rotated + rotated[:1]


def test_crop_keeps_inside_drops_outside_and_clips_the_rest() -> None:
    out = crop_topology(TOY, (0, 0, 10, 10))
    assert set(out["objects"]) == {"countries", "ocean", "rivers", "subunits"}
    assert out["bbox"] == [0, 0, 10, 10] and out["transform"] == TOY["transform"]
    geoms = {g["id"]: g for g in out["objects"]["countries"]["geometries"]}
    assert set(geoms) == {"IN", "CUT", "HALF"}
    assert geoms["IN"]["properties"] == {"ct": [3, 3]}
    # IN and HALF share one untouched arc; HALF lost its outside part and became a Polygon.
    assert geoms["IN"]["arcs"] == [[0]] and geoms["HALF"] == {
        "type": "Polygon",
        "arcs": [[0]],
        "id": "HALF",
    }
    assert _points(out, 0) == decode_arc(TOY["arcs"][0])
    (cut_ring,) = geoms["CUT"]["arcs"]
    assert _canon(_points(out, cut_ring[0])) == [(8, 2), (8, 6), (10, 6), (10, 2), (8, 2)]


def test_crop_bounds_an_all_counter_clockwise_polygon_by_the_box() -> None:
    out = crop_topology(TOY, (0, 0, 10, 10))
    (ocean,) = out["objects"]["ocean"]["geometries"]
    (outer,), (hole,) = ocean["arcs"]  # the antimeridian sliver is ignored
    # The box, clockwise, with a vertex every degree along its top and bottom.
    top = [(x, 10) for x in range(11)]
    bottom = [(x, 0) for x in range(10, -1, -1)]
    assert _canon(_points(out, outer)) == [(0, 0), *top, *bottom]
    assert _canon(_points(out, hole)) == [(5, 5), (10, 5), (10, 7), (5, 7), (5, 5)]


def test_crop_clips_lines() -> None:
    out = crop_topology(TOY, (0, 0, 10, 10))
    lines = [[_points(out, r) for r in g["arcs"]] for g in out["objects"]["rivers"]["geometries"]]
    assert lines == [[[(0, 1), (10, 1)]], [[(1, 8), (3, 9)]]]
    assert len(out["arcs"]) == 6  # shared square, CUT, ocean box and hole, two rivers


def test_clip_line_splits_a_line_that_leaves_and_comes_back() -> None:
    line = [(1, 1), (1, 20), (5, 20), (5, 1)]
    assert clip_line(line, (0, 0, 10, 10)) == [[(1, 1), (1, 10)], [(5, 10), (5, 1)]]
    assert clip_line([(20, 0), (30, 5)], (0, 0, 10, 10)) == []


def test_clip_ring_densifies_cut_parallels_and_drops_slivers() -> None:
    ring = [(-5, -5), (-5, 5), (15, 5), (15, -5), (-5, -5)]  # clockwise, wider than the box
    assert _canon(clip_ring(ring, (0, 0, 10, 10), step_x=4)) == [
        (0, 0),
        (0, 5),
        (10, 5),
        (10, 0),
        (7, 0),
        (3, 0),
        (0, 0),
    ]
    assert _canon(clip_ring(ring, (0, 0, 10, 10))) == [(0, 0), (0, 5), (10, 5), (10, 0), (0, 0)]
    assert clip_ring([(20, 0), (30, 0), (30, 5), (20, 0)], (0, 0, 10, 10)) == []
    assert clip_ring([(0, 0), (5, 0), (10, 0), (0, 0)], (0, 0, 10, 10)) == []  # no area
