"""/sources: every source with publisher, licence, cadence, freshness, and the claims check."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.data import datasets
from dashboard.data.door import alert_deliveries, statuses
from data_sources import registry

dash.register_page(
    __name__,
    path="/sources",
    name="Sources",
    order=9,
    title="Sources — Pressure Points",
    description="Where every number comes from, and how fresh it is.",
)

VERDICT_COLOURS = {"confirmed": "success", "differs": "warning", "unverified": "secondary"}
# A refresh that stopped without finishing (kill -9, OOM, a lost dyno) is neither a failure of
# the source nor a success: its own colour, white text at 12:1 (WCAG AA needs 4.5:1).
INTERRUPTED_COLOUR = "#5a2d82"


def _when(iso: str | None) -> str:
    """`2026-12-03T07:55:00Z` -> `2026-12-03 07:55 UTC`."""
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else "an unknown time"


def _badge(row: dict) -> dbc.Badge:
    if row["state"] == "failed":
        return dbc.Badge("last refresh failed", color="danger")
    if row["state"] == "interrupted":
        return dbc.Badge(
            f"interrupted (started {_when(row.get('last_started_at'))})",
            color=INTERRUPTED_COLOUR,
            className="pp-interrupted",
            title="The last refresh stopped without finishing; the data shown is the last "
            "complete version.",
        )
    if row["state"] == "skipped":
        return dbc.Badge("skipped: no credentials", color="secondary")
    if row["stale"]:
        return dbc.Badge(
            f"stale since {(row['stale_since'] or '')[:10]}", color="warning", text_color="dark"
        )
    if row["version"] is None:
        return dbc.Badge("no data yet", color="secondary")
    return dbc.Badge("fresh", color="success")


def sources_table() -> html.Table:
    rows = statuses()
    head = [
        "Source",
        "Publisher",
        "Licence",
        "Cadence",
        "Last success",
        "Rows",
        "sha256",
        "Status",
        "Last error",
    ]
    body = []
    for source in registry.SOURCES:
        row = rows.get(source.id, {})
        cadence = f"{source.cadence.days} d" if source.cadence else "curated"
        body.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.A(
                                source.title, href=source.landing_url, rel="noopener noreferrer"
                            ),
                            html.Br(),
                            html.Code(source.id),
                        ],
                        id=source.id,
                    ),
                    html.Td(source.publisher),
                    html.Td(source.licence),
                    html.Td(cadence),
                    html.Td(row.get("checked_at") or "—"),
                    html.Td(row.get("rows") or "—"),
                    html.Td(
                        html.Code((row.get("sha256") or "")[:12]), title=row.get("sha256") or ""
                    ),
                    html.Td(_badge(row) if row else "—"),
                    html.Td(row.get("last_error") or ""),
                ]
            )
        )
    return html.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
        className="table table-sm pp-table",
        id="sources-table",
    )


def claims_table() -> html.Table | html.P:
    claims = datasets.curated("claims")
    if claims.empty:
        return html.P("The claims check has not been loaded yet.")
    body = []
    for _, row in claims.iterrows():
        evidence = [
            html.A(ref, href=f"/sources#{ref.split('#')[0]}", className="me-1")
            for ref in str(row["evidence"]).split(";")
            if ref.strip()
        ]
        body.append(
            html.Tr(
                [
                    html.Td(row["claim"]),
                    html.Td(dbc.Badge(row["verdict"], color=VERDICT_COLOURS.get(row["verdict"]))),
                    html.Td(row["explanation"]),
                    html.Td(
                        [
                            *evidence,
                            html.Br(),
                            html.A(
                                "main source", href=row["source_url"], rel="noopener noreferrer"
                            ),
                        ]
                    ),
                ]
            )
        )
    head = html.Thead(
        html.Tr([html.Th(h, scope="col") for h in ("Claim", "Verdict", "Why", "Evidence")])
    )
    return html.Table(
        [head, html.Tbody(body)], className="table table-sm pp-table", id="claims-table"
    )


def alerts_section() -> html.Div:
    """Webhook deliveries of alerts: counts, and those given up on (`failed`) with the error."""
    counts = alert_deliveries()
    failures = [
        html.Li(f"{f['title']} — {f['last_error']} after {f['attempts']} attempts")
        for f in counts["failures"]
    ]
    return html.Div(
        [
            html.H2("Alert deliveries", className="h4 mt-4", id="alerts"),
            html.P(
                [
                    f"{counts['receivers']} webhook receiver(s); {counts['alerts']} alerts "
                    f"raised; deliveries pending {counts['pending']}, delivered "
                    f"{counts['delivered']}, failed {counts['failed']}. Every change, with its "
                    "Atom feeds, is on ",
                    html.A("/changes", href="/changes"),
                    ".",
                ],
                className="mb-1",
            ),
            html.Ul(failures, className="small text-danger") if failures else None,
        ]
    )


def layout(**query: str) -> html.Div:
    fetched = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    return html.Div(
        [
            html.H1("Sources", className="h3"),
            html.P(
                [
                    "Every chart reads one or more of these sources. Curated datasets cite a "
                    "source on every row (open a chart's data table or download it to see "
                    f"them). Status read {fetched}."
                ]
            ),
            html.Div(sources_table(), className="table-responsive"),
            alerts_section(),
            html.H2("The article's claims, checked", className="h4 mt-4", id="claims"),
            html.Div(claims_table(), className="table-responsive"),
        ]
    )
