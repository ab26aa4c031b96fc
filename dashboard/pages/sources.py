"""/sources: every source with publisher, licence, cadence, freshness, and the claims check."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.data import datasets
from dashboard.data.door import alert_deliveries, statuses
from dashboard.i18n import N_, gettext, parse_lang
from dashboard.pages._footer import with_lang
from data_sources import registry

dash.register_page(
    __name__,
    path="/sources",
    name="Sources",
    order=9,
    title="Sources — Pressure Points",
    description="Where every number comes from, and how fresh it is.",
)

# The verdicts are words of ours (a label per claim), the claims and explanations cited text.
VERDICT_LABELS = {
    "confirmed": N_("confirmed"),
    "differs": N_("differs"),
    "unverified": N_("unverified"),
}
VERDICT_COLOURS = {"confirmed": "success", "differs": "warning", "unverified": "secondary"}
# A refresh that stopped without finishing (kill -9, OOM, a lost dyno) is neither a failure of
# the source nor a success: its own colour, white text at 12:1 (WCAG AA needs 4.5:1).
INTERRUPTED_COLOUR = "#5a2d82"


def _when(iso: str | None, lang: str = "en") -> str:
    """`2026-12-03T07:55:00Z` -> `2026-12-03 07:55 UTC`."""
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else gettext(lang, "an unknown time")


def _badge(row: dict, lang: str = "en") -> dbc.Badge:
    _ = lambda message: gettext(lang, message)  # noqa: E731
    if row["state"] == "failed":
        return dbc.Badge(_("last refresh failed"), color="danger")
    if row["state"] == "interrupted":
        started = _when(row.get("last_started_at"), lang)
        return dbc.Badge(
            _("interrupted (started %(when)s)") % {"when": started},
            color=INTERRUPTED_COLOUR,
            className="pp-interrupted",
            title=_(
                "The last refresh stopped without finishing; the data shown is the last "
                "complete version."
            ),
        )
    if row["state"] == "skipped":
        return dbc.Badge(_("skipped: no credentials"), color="secondary")
    if row["stale"]:
        since = (row["stale_since"] or "")[:10]
        return dbc.Badge(
            _("stale since %(date)s") % {"date": since}, color="warning", text_color="dark"
        )
    if row["version"] is None:
        return dbc.Badge(_("no data yet"), color="secondary")
    return dbc.Badge(_("fresh"), color="success")


def sources_table(lang: str = "en") -> html.Table:
    """Every source. Its title, publisher, licence and last error are cited or stored text in
    English (`lang="en"`, never translated); headers, cadence and status are ours."""
    rows = statuses()
    head = [
        N_("Source"),
        N_("Publisher"),
        N_("Licence"),
        N_("Cadence"),
        N_("Last success"),
        N_("Rows"),
        "sha256",
        N_("Status"),
        N_("Last error"),
    ]
    body = []
    for source in registry.SOURCES:
        row = rows.get(source.id, {})
        cadence = (
            gettext(lang, "%(days)s d") % {"days": source.cadence.days}
            if source.cadence
            else gettext(lang, "curated")
        )
        body.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.A(
                                source.title,
                                href=source.landing_url,
                                rel="noopener noreferrer",
                                lang="en",
                            ),
                            html.Br(),
                            # an identifier, not words in any language (BCP 47 `zxx`)
                            html.Code(source.id, lang="zxx"),
                        ],
                        id=source.id,
                    ),
                    html.Td(source.publisher, lang="en"),
                    html.Td(source.licence, lang="en"),
                    html.Td(cadence),
                    html.Td(row.get("checked_at") or "—"),
                    html.Td(row.get("rows") or "—"),
                    html.Td(
                        html.Code((row.get("sha256") or "")[:12]), title=row.get("sha256") or ""
                    ),
                    html.Td(_badge(row, lang) if row else "—"),
                    html.Td(row.get("last_error") or "", lang="en"),
                ]
            )
        )
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(gettext(lang, h), scope="col") for h in head])),
            html.Tbody(body),
        ],
        className="table table-sm pp-table",
        id="sources-table",
    )


def claims_table(lang: str = "en") -> html.Table | html.P:
    """The article's claims and our explanations are curated data in English (`lang="en"`);
    the verdict labels and headers are ours."""
    claims = datasets.curated("claims")
    if claims.empty:
        return html.P(gettext(lang, "The claims check has not been loaded yet."))
    body = []
    for _, row in claims.iterrows():
        evidence = [
            # a dataset#row identifier, not words in any language (BCP 47 `zxx`)
            html.A(ref, href=f"/sources#{ref.split('#')[0]}", className="me-1", lang="zxx")
            for ref in str(row["evidence"]).split(";")
            if ref.strip()
        ]
        body.append(
            html.Tr(
                [
                    html.Td(row["claim"], lang="en"),
                    html.Td(
                        dbc.Badge(
                            gettext(lang, VERDICT_LABELS.get(row["verdict"], row["verdict"])),
                            color=VERDICT_COLOURS.get(row["verdict"]),
                        )
                    ),
                    html.Td(row["explanation"], lang="en"),
                    html.Td(
                        [
                            *evidence,
                            html.Br(),
                            html.A(
                                gettext(lang, "main source"),
                                href=row["source_url"],
                                rel="noopener noreferrer",
                            ),
                        ]
                    ),
                ]
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(gettext(lang, h), scope="col")
                for h in (N_("Claim"), N_("Verdict"), N_("Why"), N_("Evidence"))
            ]
        )
    )
    return html.Table(
        [head, html.Tbody(body)], className="table table-sm pp-table", id="claims-table"
    )


def alerts_section(lang: str = "en") -> html.Div:
    """Webhook deliveries of alerts: counts, and those given up on (`failed`) with the error
    (the alert's title and the receiver's error are stored text, `lang="en"`)."""
    counts = alert_deliveries()
    failures = [
        html.Li(
            [
                html.Span(f"{f['title']} — {f['last_error']}", lang="en"),
                " " + gettext(lang, "after %(n)s attempts") % {"n": f["attempts"]},
            ]
        )
        for f in counts["failures"]
    ]
    summary = gettext(
        lang,
        "%(receivers)s webhook receiver(s); %(alerts)s alerts raised; deliveries pending "
        "%(pending)s, delivered %(delivered)s, failed %(failed)s. Every change, with its "
        "Atom feeds, is on",
    ) % {k: counts[k] for k in ("receivers", "alerts", "pending", "delivered", "failed")}
    return html.Div(
        [
            html.H2(gettext(lang, "Alert deliveries"), className="h4 mt-4", id="alerts"),
            html.P(
                [summary + " ", html.A("/changes", href=with_lang("/changes", lang)), "."],
                className="mb-1",
            ),
            html.Ul(failures, className="small text-danger") if failures else None,
        ]
    )


def layout(**query: str) -> html.Div:
    lang = parse_lang(query.get("lang"))
    fetched = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    intro = gettext(
        lang,
        "Every chart reads one or more of these sources. Curated datasets cite a source on "
        "every row (open a chart's data table or download it to see them). Status read "
        "%(when)s.",
    )
    return html.Div(
        [
            html.H1(gettext(lang, "Sources"), className="h3"),
            html.P([intro % {"when": fetched}]),
            html.Div(sources_table(lang), className="table-responsive"),
            alerts_section(lang),
            html.H2(
                gettext(lang, "The article's claims, checked"), className="h4 mt-4", id="claims"
            ),
            html.Div(claims_table(lang), className="table-responsive"),
        ]
    )
