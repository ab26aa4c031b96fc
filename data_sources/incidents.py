"""One incidents table across ACLED (HDX aggregates or API), UCDP GED, with per-source caveats.

Pure: tidy frames in, one frame out. Sources count different things (see COVERAGE), so rows are
never summed across sources; a chart shows them side by side. GDELT is news volume, not
incidents, and is left out on purpose. ACLED API events are aggregated to months here, so this
table is safe to publish (ACLED terms: https://acleddata.com/terms-of-use/).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

COLUMNS = [
    "source",
    "period",
    "date",
    "country",
    "admin1",
    "location",
    "lat",
    "lon",
    "precision",
    "events",
    "fatalities",
    "source_ref",
]
# ACLED's "political violence" (what the HDX files count): these event types, or the
# `disorder_type` that names it (mob violence is "Political violence; Demonstrations").
POLITICAL_VIOLENCE = {"Battles", "Explosions/Remote violence", "Violence against civilians"}

COVERAGE: dict[str, dict[str, str]] = {
    "hdx_acled": {
        "counts": "ACLED political-violence events (battles, explosions/remote violence, "
        "violence against civilians) and reported fatalities, per month and province.",
        "lag": "Republished weekly on HDX; the latest month is partial until it closes.",
        "caveat": "ACLED's own aggregates; fatalities are conservative reported figures.",
    },
    "acled": {
        "counts": "The same ACLED political-violence events, aggregated here to months from "
        "the credentialed API; raw events are never published.",
        "lag": "Weekly ACLED releases; about a week behind.",
        "caveat": "Only when ACLED credentials are set; otherwise the HDX aggregates stand in.",
    },
    "ucdp": {
        "counts": "Organised-violence events with at least one death (GED definition), one row "
        "per event with best-estimate deaths.",
        "lag": "Candidate events monthly, about a month behind; the yearly GED each June.",
        "caveat": "where_prec 6-7 is a country-level location, not a place; candidate events "
        "with code_status other than Clear may still be revised or dropped.",
    },
    "gdelt": {
        "counts": "Online news articles matching fixed queries per day (news attention).",
        "lag": "Within hours.",
        "caveat": "Not incidents: one clash can make hundreds of articles, and quiet areas none. "
        "Not in the incidents table.",
    },
}


def monthly_acled(events: pd.DataFrame) -> pd.DataFrame:
    """ACLED events -> political-violence events and fatalities per country, admin1 and month."""
    if events.empty:
        return pd.DataFrame(columns=COLUMNS)
    disorder = events["disorder_type"].astype("str").fillna("")
    violent = disorder.str.contains("Political violence", regex=False) | (
        disorder.eq("") & events["event_type"].isin(POLITICAL_VIOLENCE)
    )
    chosen = events[violent].assign(period=events["event_date"].astype("str").str[:7])
    grouped = chosen.groupby(["country", "admin1", "period"], dropna=False, as_index=False).agg(
        events=("event_date", "size"), fatalities=("fatalities", "sum")
    )
    return grouped.assign(
        source="acled",
        date=None,
        location=None,
        lat=float("nan"),
        lon=float("nan"),
        precision=grouped["admin1"].map(
            lambda a: "month; country" if pd.isna(a) else "month; admin1"
        ),
        source_ref="ACLED API, monthly aggregate",
    )[COLUMNS]


def _hdx(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": "hdx_acled",
            "period": frame["period"],
            "date": None,
            "country": frame["country"],
            "admin1": frame["admin1"],
            "location": None,
            "lat": float("nan"),
            "lon": float("nan"),
            "precision": frame["admin1"].map(
                lambda a: "month; country" if pd.isna(a) else "month; admin1"
            ),
            "events": frame["events"],
            "fatalities": frame["fatalities"],
            "source_ref": "ACLED via HDX, as of " + frame["upstream_updated"].fillna("?"),
        }
    )[COLUMNS]


def _ucdp(frame: pd.DataFrame) -> pd.DataFrame:
    precision = (
        "where_prec="
        + frame["where_prec"].astype("str")
        + "; date_prec="
        + frame["date_prec"].astype("str")
        + "; code_status="
        + frame["code_status"].fillna("n/a").astype("str")
    )
    return pd.DataFrame(
        {
            "source": "ucdp",
            "period": frame["date_start"].str[:7],
            "date": frame["date_start"],
            "country": frame["country"],
            "admin1": frame["adm_1"],
            "location": frame["location"],
            "lat": frame["latitude"],
            "lon": frame["longitude"],
            "precision": precision,
            "events": 1,
            "fatalities": frame["best"],
            "source_ref": "UCDP GED "
            + frame["release"].astype("str")
            + " id "
            + frame["id"].astype("str"),
        }
    )[COLUMNS]


def build_incidents(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The cross-source incidents table from the tidy frames by source id (others are ignored)."""
    builders = {"hdx_acled": _hdx, "acled": monthly_acled, "ucdp": _ucdp}
    pieces = [
        build(frames[sid])
        for sid, build in builders.items()
        if sid in frames and frames[sid] is not None and not frames[sid].empty
    ]
    if not pieces:
        return pd.DataFrame(columns=COLUMNS)
    table = pd.concat(pieces, ignore_index=True)
    table["events"] = table["events"].astype("int64")
    table["fatalities"] = pd.to_numeric(table["fatalities"]).fillna(0).astype("int64")
    table["lat"] = pd.to_numeric(table["lat"]).astype("float64")
    table["lon"] = pd.to_numeric(table["lon"]).astype("float64")
    return table.sort_values(
        ["source", "period", "country", "date"], na_position="first", kind="stable"
    ).reset_index(drop=True)
