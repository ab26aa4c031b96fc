"""/changes: what changed in the data, newest first — rows added, removed, values revised (old →
new), and source failures, staleness and recoveries — filtered by `source`, `topic`, `kind` and
`since` in the URL; each entry links to the charts it affects and to both versions' downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.charts import change_items, topics
from dashboard.charts.registry import CHARTS
from dashboard.i18n import N_, gettext, parse_lang
from dashboard.pages._footer import with_lang

dash.register_page(
    __name__,
    path="/changes",
    name="Changes",
    order=8,
    title="What changed — Pressure Points",
    description="Every revision, new row and source failure, newest first, with Atom feeds.",
)

KIND_COLOURS = {
    "added": "success",
    "revised": "warning",
    "removed": "secondary",
    "failed": "danger",
    "stale": "warning",
    "recovered": "info",
}
KIND_LABELS = {
    "added": N_("added"),
    "revised": N_("revised"),
    "removed": N_("removed"),
    "failed": N_("failed"),
    "stale": N_("stale"),
    "recovered": N_("recovered"),
}
REVISIONS_SHOWN = 10


def _aria(attributes: dict[str, str]) -> dict[str, Any]:
    """ARIA attributes as keyword arguments (Dash accepts them; its stubs do not list them)."""
    return dict(attributes)


def _filters(query: change_items.ChangeQuery, lang: str) -> html.Nav:
    suffix = "" if lang == "en" else f"&lang={lang}"
    links: list[Any] = [
        html.A(gettext(lang, "All"), href=with_lang("/changes", lang), className="me-3")
    ]
    for topic, title in topics.TITLES.items():
        current = query.topic == topic
        links.append(
            html.A(
                gettext(lang, title),
                href=f"/changes?{urlencode({'topic': topic})}{suffix}",
                className="me-3" + (" fw-bold" if current else ""),
                **_aria({"aria-current": "page"} if current else {}),
            )
        )
    feed = f"/feeds/{query.topic or 'changes'}.atom"
    links.append(html.A(gettext(lang, "Atom feed"), href=feed, className="ms-auto"))
    label = gettext(lang, "Filter changes")
    return html.Nav(links, className="d-flex flex-wrap mb-3", **_aria({"aria-label": label}))


def _revisions(detail: list[Any], lang: str) -> html.Table | None:
    items = [d for d in detail if isinstance(d, dict) and "column" in d][:REVISIONS_SHOWN]
    if not items:
        return None
    rows = []
    for d in items:
        relative = "" if d.get("relative") is None else f"{d['relative']:+.1%}"
        rows.append(
            html.Tr(
                [
                    html.Td(str(d["key"])),
                    html.Td(str(d["column"])),
                    html.Td(str(d["old"])),
                    html.Td(str(d["new"])),
                    html.Td(relative),
                ]
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(gettext(lang, h), scope="col")
                for h in (N_("row"), N_("column"), N_("was"), N_("now"), N_("change"))
            ]
        )
    )
    return html.Table([head, html.Tbody(rows)], className="table table-sm small mb-2")


def _entry(item: dict[str, Any], lang: str) -> html.Article:
    """One change. The source title and the summary are stored with the change (the same text
    goes to the Atom feeds and the API) in English: marked `lang="en"`, not translated here."""
    links: list[Any] = []
    for chart in item["charts"][:8]:
        title = gettext(lang, CHARTS[chart["id"]].title) if chart["id"] in CHARTS else chart["id"]
        links += [html.A(title, href=chart["url"]), " · "]
    for name, url in item["downloads"].items():
        label = N_("this version (CSV)") if name == "version" else N_("previous version (CSV)")
        links += [html.A(gettext(lang, label), href=url), " · "]
    return html.Article(
        [
            html.H2(
                [
                    dbc.Badge(
                        gettext(lang, KIND_LABELS.get(item["kind"], item["kind"])),
                        color=KIND_COLOURS.get(item["kind"], "secondary"),
                        className="me-2",
                    ),
                    html.A(
                        item["source_title"],
                        href=f"/changes?{urlencode({'source': item['source']})}",
                        lang="en",
                    ),
                ],
                className="h6 mb-1",
            ),
            html.Div(
                [
                    html.Time(
                        item["published"][:16].replace("T", " ") + " UTC",
                        dateTime=item["published"],
                    ),
                    f" · {gettext(lang, 'version')} {item['version']}" if item["version"] else "",
                ],
                className="small text-muted",
            ),
            html.P(item["summary"], className="mb-1", lang="en"),
            _revisions(item["detail"], lang) if item["kind"] == "revised" else None,
            html.P(links[:-1], className="small mb-0") if links else None,
        ],
        id=f"change-{item['id']}",
        className="pp-change border-bottom py-2",
    )


def layout(**query: str) -> html.Div:
    """The change log; unknown or bad filter values fall back to showing everything."""
    note = None
    lang = parse_lang(query.get("lang"))
    try:
        parsed = change_items.parse({k: v for k, v in query.items() if isinstance(v, str)})
    except change_items.BadParameter as exc:
        parsed = change_items.ChangeQuery()
        note = dbc.Alert(f"{exc} — showing every change.", color="warning")
    items = [change_items.item(r) for r in change_items.records(parsed)]
    body: list[Any] = [_entry(i, lang) for i in items] or [
        html.P(gettext(lang, "No changes recorded yet."))
    ]
    return html.Div(
        [
            html.H1(gettext(lang, "What changed"), className="h3"),
            html.P(
                gettext(
                    lang,
                    "Each new version of a dataset is compared with the one before it, row by "
                    "row: rows added, rows removed, and values revised (old → new). Failures, "
                    "staleness and recoveries of the sources are listed too.",
                ),
                className="text-muted",
            ),
            note,
            _filters(parsed, lang),
            html.Div(body, id="changes-list"),
        ]
    )
