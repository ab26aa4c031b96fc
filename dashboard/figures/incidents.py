"""Incident counts over time, one line per source (pure: DataFrame in, figure out).

Frame columns: `source`, `label`, `period_start`, `period_end`, `events`, `fatalities`, `counts`
(what the source counts and its caveat). Sources are never added together.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import empty_figure, safe_text
from dashboard.figures.maps import add_notes
from dashboard.figures.theme import MARKERS, OKABE_ITO, base_layout
from dashboard.i18n import N_, gettext

LIVE_INCIDENTS = ("hdx_acled", "acled", "ucdp")
CURATED = "border_clashes"
LABELS = {
    "hdx_acled": N_("ACLED via HDX (political-violence events)"),
    "acled": N_("ACLED API (monthly aggregates)"),
    "ucdp": N_("UCDP GED (deadly organised-violence events)"),
    CURATED: N_("Curated notable incidents (not a full count)"),
}
COLOURS = {
    "hdx_acled": OKABE_ITO["blue"],
    "acled": OKABE_ITO["sky"],
    "ucdp": OKABE_ITO["orange"],
    CURATED: OKABE_ITO["vermillion"],
}


def missing_note(frame: pd.DataFrame, lang: str = "en") -> str:
    present = set(frame["source"]) if not frame.empty else set()
    missing = [gettext(lang, LABELS[s]).split(" (")[0] for s in LIVE_INCIDENTS if s not in present]
    if not missing:
        return ""
    note = gettext(lang, "Not in the store for this view: %(sources)s.") % {
        "sources": ", ".join(missing)  # database names, kept as written in every language
    }
    if CURATED in present:
        note += " " + gettext(
            lang, "Showing our curated list of notable incidents per year (not a full count)."
        )
    return note


def incident_counts(frame: pd.DataFrame, options: dict | None = None) -> go.Figure:
    """One step line per source; counts from different sources are never added together."""
    lang = str((options or {}).get("lang", "en"))
    if frame.empty:
        return empty_figure(
            gettext(
                lang,
                "No incident counts yet: the live sources (ACLED via HDX, ACLED "
                "API, UCDP GED) have no data in the store and no curated "
                "incidents fall in this period.",
            )
        )
    fig = go.Figure(
        layout=base_layout(
            yaxis={"title": {"text": N_("count per period")}, "rangemode": "tozero"},
            xaxis={"type": "date"},
            showlegend=True,
        )
    )
    for index, (source_id, group) in enumerate(frame.groupby("source", sort=False)):
        group = group.sort_values("period_start")
        hover = [
            f"<b>{safe_text(r['label'])}</b><br>{safe_text(r['period_start'])} to "
            f"{safe_text(r['period_end'])}: {int(r['events']):,} "
            f"{'incidents' if source_id == CURATED else 'events'}"
            + (f", {int(r['fatalities']):,} fatalities" if pd.notna(r["fatalities"]) else "")
            + f"<br><i>{safe_text(r['counts'])}</i>"
            for _, r in group.iterrows()
        ]
        xs = [*pd.to_datetime(group["period_start"]), pd.to_datetime(group["period_end"]).max()]
        ys = [*group["events"], group["events"].iloc[-1]]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                line_shape="hv",
                name=safe_text(group["label"].iloc[0]),
                line={"color": COLOURS.get(str(source_id), OKABE_ITO["grey"]), "width": 2.5},
                marker={"symbol": MARKERS[index % len(MARKERS)], "size": [6] * len(group) + [0]},
                hovertext=[*hover, hover[-1]],
                hoverinfo="text",
            )
        )
    add_notes(fig, [missing_note(frame, lang)])
    return fig
