"""Colours and the base Plotly layout shared by every figure (Okabe–Ito, colour-blind safe)."""

from __future__ import annotations

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
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


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
