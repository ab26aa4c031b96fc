"""Maps: plotly geo (SVG) over the app's own regional topojson, points by layer.

Pure: a DataFrame of points in, a figure out. Every point says how precise it is: a town-centre
point (the town, not the facility or the firing position) is drawn with an open marker and
labelled as such in the legend and the hover; approximate points get an open marker with a dot.
Rows without a usable point are not drawn but counted in a note under the map.

Point frame columns: `layer`, `name`, `lat`, `lon`, `coord_precision`; optional `date`,
`detail`, `reported_by`, `source_title`, `confidence`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import add_note, empty_figure, provenance_text, safe_text
from dashboard.figures.theme import OKABE_ITO, SEQUENCE, base_layout
from dashboard.i18n import N_, gettext

LON_RANGE = (43.0, 47.5)  # Armenia and its borders; inside the topojson's clip box
LAT_RANGE = (38.5, 41.5)
MAPPABLE = ("exact", "approx", "town_centre")
PRECISION_NOTE = {
    "exact": "",
    "approx": " (approximate point)",
    "town_centre": " (town-centre point)",
}
PRECISION_HOVER = {
    "exact": "exact point",
    "approx": "approximate point",
    "town_centre": "town-centre point: the town, not the exact site",
}
# the legend name of a layer's points by precision, a whole message so each language orders it
PRECISION_NAME = {
    "exact": "%(layer)s",
    "approx": N_("%(layer)s (approximate point)"),
    "town_centre": N_("%(layer)s (town-centre point)"),
}
SYMBOL_SUFFIX = {"exact": "", "approx": "-open-dot", "town_centre": "-open"}
HOVER_LIMIT = 8  # items listed per marker; the rest are counted


@dataclass(frozen=True)
class Layer:
    label: str
    colour: str
    symbol: str
    size: int = 10


LAYERS: dict[str, Layer] = {
    "clash": Layer(N_("Curated clash or incident"), OKABE_ITO["vermillion"], "diamond", 12),
    "ucdp": Layer(N_("UCDP GED event"), OKABE_ITO["orange"], "circle", 8),
    "euma_hq": Layer(N_("EUMA headquarters"), OKABE_ITO["blue"], "star", 16),
    "euma_hub": Layer(N_("EUMA forward operating base"), OKABE_ITO["blue"], "square", 11),
    "russian_base": Layer(N_("Russian military base"), OKABE_ITO["purple"], "hexagon", 13),
    "border_crossing": Layer(N_("Border crossing"), OKABE_ITO["black"], "triangle-up", 11),
    "airport": Layer(N_("Airport"), OKABE_ITO["grey"], "cross", 11),
}
# Orientation labels (our own constant text, placed well inside each country).
COUNTRY_LABELS = (
    ("ARMENIA", 40.55, 44.35),
    ("AZERBAIJAN", 40.6, 47.05),
    ("GEORGIA", 41.42, 44.1),
    ("TÜRKIYE", 39.75, 43.3),
    ("IRAN", 38.65, 45.3),
    ("NAKHCHIVAN (AZ)", 39.32, 45.15),
)


def layer_style(layer: str, index: int = 0) -> Layer:
    return LAYERS.get(
        layer, Layer(layer.replace("_", " "), SEQUENCE[index % len(SEQUENCE)], "circle")
    )


def geo_settings(**overrides: object) -> dict:
    """The regional geo view: 50m outlines from /assets/topojson/, no tiles, no other host."""
    geo: dict = {
        "resolution": 50,
        "projection": {"type": "mercator"},
        "lonaxis": {"range": list(LON_RANGE)},
        "lataxis": {"range": list(LAT_RANGE)},
        "showcountries": True,
        "countrycolor": "#7a7a7a",
        "countrywidth": 0.8,
        "showland": True,
        "landcolor": "#f4f2ee",
        "showlakes": True,
        "lakecolor": "#d6e6f2",
        "showrivers": True,
        "rivercolor": "#d6e6f2",
        "showcoastlines": False,
        "showframe": True,
        "framecolor": "#cccccc",
        "bgcolor": "rgba(0,0,0,0)",
    }
    geo.update(overrides)
    return geo


def base_map(**geo_overrides: object) -> go.Figure:
    """An empty regional map: Armenia lightly filled (ISO-3 id), country labels."""
    fig = go.Figure(
        layout=base_layout(
            geo=geo_settings(**geo_overrides), margin={"l": 0, "r": 0, "t": 0, "b": 0}
        )
    )
    fig.add_trace(
        go.Choropleth(
            locations=["ARM"],
            z=[1],
            locationmode="ISO-3",
            showscale=False,
            hoverinfo="skip",
            colorscale=[[0, "#e6edf5"], [1, "#e6edf5"]],
            marker={"line": {"color": "#555", "width": 1.2}},
            name="Armenia",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scattergeo(
            lat=[lat for _, lat, _ in COUNTRY_LABELS],
            lon=[lon for _, _, lon in COUNTRY_LABELS],
            text=[safe_text(name) for name, _, _ in COUNTRY_LABELS],
            mode="text",
            textfont={"size": 11, "color": "#8a8a8a"},
            hoverinfo="skip",
            showlegend=False,
            name="labels",
        )
    )
    return fig


def _when(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    try:
        return f"{pd.Timestamp(value):%d %b %Y}"
    except (ValueError, TypeError):
        return safe_text(value)


def _item(row: pd.Series) -> str:
    parts = [f"<b>{safe_text(row.get('name'))}</b>"]
    when = _when(row.get("date"))
    if when:
        parts.append(when)
    for key in ("detail", "reported_by"):
        text = safe_text(row.get(key))
        if text:
            parts.append(text)
    source = safe_text(row.get("source_title"))
    if source:
        provenance = provenance_text(row)
        parts.append(f"{source}" + (f" · {provenance}" if provenance else ""))
    return "<br>".join(parts)


def _hover(group: pd.DataFrame, precision: str) -> str:
    items = [_item(row) for _, row in group.head(HOVER_LIMIT).iterrows()]
    more = len(group) - HOVER_LIMIT
    if more > 0:
        items.append(f"… and {more} more (see the data table)")
    lat, lon = float(group["lat"].iloc[0]), float(group["lon"].iloc[0])
    where = f"<i>{lat:.3f}° N, {lon:.3f}° E · {PRECISION_HOVER.get(precision, precision)}</i>"
    return "<br>―<br>".join(items) + "<br>" + where


def mappable(frame: pd.DataFrame) -> pd.Series:
    """Rows with a point we can honestly draw."""
    if frame.empty:
        return pd.Series(dtype=bool)
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    return lat.notna() & lon.notna() & frame["coord_precision"].isin(MAPPABLE)


def unmapped_note(frame: pd.DataFrame, lang: str = "en") -> str:
    """'Not on the map: …' for rows without a usable point, by layer."""
    if frame.empty:
        return ""
    left = frame[~mappable(frame)]
    if left.empty:
        return ""
    if lang != "en":
        counts = [
            gettext(lang, "%(layer)s: %(n)s")
            % {"layer": gettext(lang, layer_style(str(k)).label), "n": len(g)}
            for k, g in left.groupby("layer", sort=False)
        ]
        return gettext(
            lang, "Not on the map (no sourced point or only a country-level location): %(counts)s"
        ) % {"counts": "; ".join(counts)}
    counts = [
        f"{len(g)} {layer_style(str(k)).label.lower()} row{'s' * (len(g) != 1)}"
        for k, g in left.groupby("layer", sort=False)
    ]
    return "Not on the map (no sourced point or only a country-level location): " + "; ".join(
        counts
    )


def add_notes(fig: go.Figure, notes: Iterable[str], width: int = 56) -> go.Figure:
    """Notes above the plot, escaped and wrapped by hand (annotations do not wrap, and the
    page must work at 375 px)."""
    lines = [safe_text(part) for note in notes if note for part in textwrap.wrap(note, width)]
    if not lines:
        return fig
    add_note(
        fig, "<br>".join(lines), x=0, y=1, xanchor="left", yanchor="bottom", yshift=4, align="left"
    )
    fig.update_layout(margin={"t": 10 + 14 * len(lines)})
    return fig


def points_map(
    frame: pd.DataFrame,
    *,
    empty: str = "Nothing to map",
    notes: Iterable[str] = (),
    layers: Iterable[str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """One trace per layer and coordinate precision; co-located rows share one marker. `empty`,
    `notes` and the layer names are catalog messages, shown in `lang`."""
    if frame.empty:
        return empty_figure(gettext(lang, empty))
    fig = base_map()
    points = frame[mappable(frame)].copy()
    order = list(layers) if layers is not None else list(dict.fromkeys(points["layer"]))
    order += [k for k in dict.fromkeys(points["layer"]) if k not in order]
    for index, layer in enumerate(order):
        style = layer_style(str(layer), index)
        in_layer = points[points["layer"] == layer]
        for precision in MAPPABLE:
            chosen = in_layer[in_layer["coord_precision"] == precision]
            if chosen.empty:
                continue
            keys = [chosen["lat"].astype(float).round(4), chosen["lon"].astype(float).round(4)]
            groups = [g for _, g in chosen.groupby(keys, sort=True)]
            sizes = [style.size + min(8, 2 * (len(g) - 1)) for g in groups]
            fig.add_trace(
                go.Scattergeo(
                    lat=[float(g["lat"].iloc[0]) for g in groups],
                    lon=[float(g["lon"].iloc[0]) for g in groups],
                    mode="markers",
                    name=safe_text(
                        gettext(lang, PRECISION_NAME[precision])
                        % {"layer": gettext(lang, style.label)}
                    ),
                    legendgroup=str(layer),
                    marker={
                        "symbol": style.symbol + SYMBOL_SUFFIX[precision],
                        "size": sizes,
                        "color": style.colour,
                        "opacity": 0.9,
                        "line": {
                            "width": 2 if precision != "exact" else 1,
                            "color": style.colour if precision != "exact" else "#ffffff",
                        },
                    },
                    hovertext=[_hover(g, precision) for g in groups],
                    hoverinfo="text",
                )
            )
    add_notes(fig, [*(gettext(lang, n) for n in notes), unmapped_note(frame, lang)])
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0})
    return fig
