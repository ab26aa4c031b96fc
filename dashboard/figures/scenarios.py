"""Scenario figures (pure): the headline output over the swept parameter, its low/high band from
the cited ranges, the value in use, and historical reference points.

Frame: rows of `kind` input / output / curve / reference (see dashboard.charts.scenarios)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import empty_figure, safe_text
from dashboard.figures.maps import add_notes
from dashboard.figures.theme import OKABE_ITO, base_layout
from dashboard.i18n import N_, gettext


def fmt(value: object, unit: str = "") -> str:
    """A number for people: 1,050 trucks · 33.4 US$ m · 8.2 % of GDP; '—' for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    number = float(value)  # type: ignore[arg-type]
    if number.is_integer() or abs(number) >= 100:
        text = f"{number:,.0f}"
    elif abs(number) >= 1:
        text = f"{number:,.1f}"
    else:
        text = f"{number:.2f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}"


def outputs_note(outputs: pd.DataFrame, lang: str = "en") -> list[str]:
    """'Label: value unit (low–high)' for each output, in `lang`."""
    notes = []
    for _, r in outputs.iterrows():
        band = ""
        if not (pd.isna(r["low"]) and pd.isna(r["high"])) and (r["low"] != r["high"]):
            low = fmt(None if pd.isna(r["low"]) else r["low"])
            high = gettext(lang, "no limit") if pd.isna(r["high"]) else fmt(r["high"])
            band = " " + gettext(lang, "(range %(low)s to %(high)s)") % {"low": low, "high": high}
        value = (
            gettext(lang, "never (no shortfall)")
            if pd.isna(r["value"])
            else fmt(r["value"], gettext(lang, str(r["unit"])))
        )
        notes.append(f"{gettext(lang, str(r['label']))}: {value}{band}")
    return notes


def scenario_figure(frame: pd.DataFrame, sweep: str, headline: str, lang: str = "en") -> go.Figure:
    """The headline output against the swept parameter, with its band and the chosen value;
    labels, units and notes in `lang`."""
    if frame.empty or "kind" not in frame.columns:
        return empty_figure(
            gettext(lang, "The cited parameters of this scenario are not in the store yet")
        )
    inputs = frame[frame["kind"] == "input"].set_index("name")
    outputs = frame[frame["kind"] == "output"]
    curve = frame[frame["kind"] == "curve"].sort_values("x")
    refs = frame[(frame["kind"] == "reference") & frame["x"].notna()] if "x" in frame else frame[:0]
    top = float(curve["x"].max()) if not curve.empty else 0.0
    off_scale = refs[refs["x"].astype(float) > top]
    refs = refs[refs["x"].astype(float) <= top]
    out = outputs.set_index("name").loc[headline]
    x_unit = gettext(lang, str(inputs.loc[sweep, "unit"]))
    y_unit = gettext(lang, str(out["unit"]))
    x_label = f"{gettext(lang, str(inputs.loc[sweep, 'label']))} ({x_unit})"
    y_label = f"{gettext(lang, str(out['label']))} ({y_unit})"
    fig = go.Figure(
        layout=base_layout(
            xaxis={"title": {"text": safe_text(x_label)}, "rangemode": "tozero"},
            yaxis={"title": {"text": safe_text(y_label)}, "rangemode": "tozero"},
            margin={"l": 64, "r": 16, "t": 16, "b": 48},
            legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curve["x"],
            y=curve["low"],
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            name="low",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curve["x"],
            y=curve["high"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.15)",
            hoverinfo="skip",
            name=N_("range from the cited figures"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curve["x"],
            y=curve["value"],
            mode="lines",
            line={"color": OKABE_ITO["blue"], "width": 3},
            name=safe_text(gettext(lang, str(out["label"]))),
            hovertemplate=f"%{{x:,.1f}} {safe_text(inputs.loc[sweep, 'unit'])}: "
            f"%{{y:,.1f}} {safe_text(out['unit'])}<extra></extra>",
        )
    )
    x_now = float(str(inputs.loc[sweep, "value"]))
    y_now = out["value"]
    if pd.notna(y_now):
        fig.add_trace(
            go.Scatter(
                x=[x_now],
                y=[float(str(y_now))],
                mode="markers",
                marker={"size": 13, "color": OKABE_ITO["vermillion"], "symbol": "diamond"},
                name=N_("this scenario"),
                hovertext=[
                    f"{fmt(x_now, str(inputs.loc[sweep, 'unit']))}: {fmt(y_now, str(out['unit']))}"
                ],
                hoverinfo="text",
            )
        )
    if not refs.empty:
        fig.add_trace(
            go.Scatter(
                x=refs["x"].astype(float),
                y=refs["value"].astype(float),
                mode="markers",
                marker={"size": 10, "color": OKABE_ITO["black"], "symbol": "circle-open"},
                name=N_("past episodes (at today's parameters)"),
                hovertext=[safe_text(t) for t in refs["label"]],
                hoverinfo="text",
            )
        )
    notes = outputs_note(outputs, lang)
    if not off_scale.empty:
        example = str(off_scale["label"].iloc[0])  # "<date>: <event title>"
        if lang != "en":  # the title is cited English text; a plotly note cannot mark its language
            example = example.split(": ", 1)[0]
        notes.append(
            gettext(lang, "Off the scale: %(n)s past episode(s), e.g. %(example)s")
            % {
                "n": len(off_scale),
                "example": f"{example} ({float(off_scale['x'].iloc[0]):,.0f})",
            }
        )
    fig.update_xaxes(range=[0, top])
    add_notes(fig, notes, width=64)
    return fig
