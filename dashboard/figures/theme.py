"""Colours and the base Plotly layout shared by every figure (Okabe–Ito, colour-blind safe)."""

from __future__ import annotations

import copy
import re
from typing import Any

import plotly.graph_objects as go

from dashboard.figures import fonts

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. https://jfly.uni-koeln.de/color/
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#777777",
}
SEQUENCE = [
    OKABE_ITO[k]
    for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "black", "yellow")
]

# Fixed colours for the actors that recur across charts, so Russia is always the same colour.
SERIES_COLOURS = {
    "russia": OKABE_ITO["vermillion"],
    "iran": OKABE_ITO["green"],
    "eu": OKABE_ITO["blue"],
    "eu27": OKABE_ITO["blue"],
    "eaeu": OKABE_ITO["orange"],
    "china": OKABE_ITO["purple"],
    "uae": OKABE_ITO["sky"],
    "georgia": OKABE_ITO["black"],
    "world": OKABE_ITO["grey"],
    "total": OKABE_ITO["grey"],
    "gas": OKABE_ITO["orange"],
    "nuclear": OKABE_ITO["purple"],
    "hydro": OKABE_ITO["blue"],
    "solar": OKABE_ITO["yellow"],
}
MARKERS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon"]
# The bundled Noto Sans (Latin, Cyrillic) and Noto Sans Armenian first (dashboard/figures/fonts.py):
# the same glyphs in the browser (pp.css's @font-face) and in static exports (fontconfig).
FONT = (
    "'Noto Sans', 'Noto Sans Armenian', system-ui, -apple-system, 'Segoe UI', Roboto, "
    "'Helvetica Neue', Arial, sans-serif"
)
fonts.use_bundled_fonts()  # before any kaleido export starts its Chromium


def colour_for(series: str, index: int = 0) -> str:
    return SERIES_COLOURS.get(series.lower(), SEQUENCE[index % len(SEQUENCE)])


def base_layout(**overrides: object) -> dict:
    """Layout every figure starts from: no title (the card carries it), responsive margins."""
    layout: dict = {
        "template": "plotly_white",
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        "hovermode": "closest",
        "colorway": SEQUENCE,
        "autosize": True,
    }
    layout.update(overrides)
    return layout


# ---- Never colour alone (WCAG 2.2 1.4.1 Use of Color) ---------------------------------------
# Each series of a chart differs by line dash and marker symbol as well as by colour; filled
# areas and bars by a pattern. `distinguish_series` applies this to every chart in one place
# (dashboard/charts/render.py calls it on each figure a chart's builder returns).
DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
PATTERNS = ("", "/", "\\", "x", ".", "-", "|", "+")
LINE_TYPES = ("scatter", "scattergl", "scattergeo")
FILLS = ("tonexty", "tozeroy", "tonextx", "tozerox", "tonext")


def _is_series_line(trace: Any) -> bool:
    """A named trace drawn as a visible line (not a zero-width band edge, not a decoration)."""
    if trace.type not in LINE_TYPES or not trace.name:
        return False
    if "lines" not in (trace.mode or "lines"):
        return False
    return trace.line.width is None or trace.line.width > 0


def _symbol(base: str, old: object) -> object:
    """`base`, or per point when the builder marks points (an `-open` symbol stays open)."""
    if isinstance(old, (list, tuple)):
        return [base + "-open" if str(s).endswith("-open") else base for s in old]
    return base


def series_style(trace: Any) -> tuple[str, object]:
    """What tells a line trace apart besides colour: (dash, marker symbol drawn or None)."""
    symbol = trace.marker.symbol if "markers" in (trace.mode or "lines") else None
    if isinstance(symbol, (list, tuple)):
        symbol = tuple(sorted(set(map(str, symbol))))
    return (trace.line.dash or "solid", symbol)


def distinguish_series(fig: go.Figure) -> go.Figure:
    """Give every line series of `fig` its own marker symbol and dash, and every filled area or
    bar series in a group/stack its own pattern; returns `fig`, styled in place.

    A series is a named, visible line trace, keyed by (legend group, name): the segments of one
    series and its copies in small multiples share a style. Symbols follow the name (live and
    curated "Russia" share one), dashes the series. Where a builder already uses dashes for a
    meaning of its own ("dotted: quoted by Armstat", "dashed: right axis"), those are kept and the
    symbols tell the series apart. If (dash, symbol) still repeats, markers are switched on.
    """
    traces: list[Any] = list(fig.data)
    lines = [t for t in traces if _is_series_line(t)]
    keys = list(dict.fromkeys((t.legendgroup or "", t.name) for t in lines))
    names = list(dict.fromkeys(t.name for t in lines))
    if len(keys) >= 2:
        own_dashes = any(t.line.dash not in (None, "solid") for t in lines)
        for trace in lines:
            key = keys.index((trace.legendgroup or "", trace.name))
            base = MARKERS[names.index(trace.name) % len(MARKERS)]
            trace.marker.symbol = _symbol(base, trace.marker.symbol)
            if not own_dashes:
                trace.line.dash = DASHES[key % len(DASHES)]
            if trace.type == "scatter" and (trace.stackgroup or trace.fill in FILLS):
                trace.fillpattern = {"shape": PATTERNS[key % len(PATTERNS)]}
        styles = {(t.legendgroup or "", t.name): series_style(t) for t in lines}
        if len(set(styles.values())) < len(styles):
            for trace in lines:
                if "markers" not in (trace.mode or "lines"):
                    trace.mode = (trace.mode or "lines") + "+markers"
    bars = [t for t in traces if t.type == "bar" and t.name]
    if len(bars) >= 2 and fig.layout.barmode in (None, "group", "stack", "relative", "overlay"):
        bar_names = list(dict.fromkeys(t.name for t in bars))
        for trace in bars:
            if trace.text is None and trace.texttemplate is None:
                shape = PATTERNS[bar_names.index(trace.name) % len(PATTERNS)]
                trace.marker.pattern.shape = shape
    return fig


# ---- Dark variant ------------------------------------------------------------------------------
# Embeds with `?theme=dark` and their SVG/PNG images are drawn with these (server-side, below);
# the app's pages draw the same kind of colours with CSS on Bootstrap's dark body
# (dashboard/assets/pp.css, "Dark theme"), and embed.js with `?theme=auto`. Text on the paper is
# at least 4.5:1 (tests/test_contrast.py); lines and markers keep their Okabe–Ito colours (each
# at least 3:1 on the paper, WCAG 1.4.11) except black, drawn as the text colour.
DARK = {
    "paper": "#16181d",
    "text": "#e8e8e8",
    "note": "#c3c6c9",
    "grid": "#33363d",
    "zero": "#5a5f68",
    "land": "#2a2d34",
}
_DARK_INKS = {"#000", "#000000", "black", "#222", "#333", "#555", "#777", "#777777"}
_AXIS = re.compile(r"^[xy]axis\d*$")


def _light_ink(value: object) -> object:
    """Dark greys and black, which vanish on the dark paper, as the dark theme's text colour."""
    if isinstance(value, str) and value.lower() in _DARK_INKS:
        return DARK["text"] if value.lower() in ("#000", "#000000", "black") else DARK["note"]
    return value


def dark_figure(spec: dict) -> dict:
    """A copy of a plotly figure (JSON) in the dark variant: paper and plot area, text, every
    axis's gridlines, legend and note backgrounds, maps' land; black series and grey labels
    lightened. `spec` is not changed."""
    out = copy.deepcopy(spec)
    layout = out.setdefault("layout", {})
    layout.update(paper_bgcolor=DARK["paper"], plot_bgcolor=DARK["paper"])
    layout["font"] = {**layout.get("font", {}), "color": DARK["text"]}
    for name in {"xaxis", "yaxis", *(k for k in layout if _AXIS.match(k))}:
        layout[name] = {
            **layout.get(name, {}),
            "gridcolor": DARK["grid"],
            "zerolinecolor": DARK["zero"],
        }
    layout["legend"] = {**layout.get("legend", {}), "bgcolor": "rgba(0,0,0,0)"}
    for note in layout.get("annotations", []):
        if "bgcolor" in note:
            note["bgcolor"] = "rgba(22,24,29,0.85)"
        if isinstance(note.get("font"), dict):
            note["font"]["color"] = _light_ink(note["font"].get("color")) or DARK["text"]
    for name in [k for k in layout if k.startswith("geo")]:
        layout[name] = {**layout[name], "bgcolor": DARK["paper"], "landcolor": DARK["land"]}
    for trace in out.get("data", []):
        for part in ("line", "marker", "textfont"):
            if isinstance(trace.get(part), dict) and "color" in trace[part]:
                trace[part]["color"] = _light_ink(trace[part]["color"])
    return out
