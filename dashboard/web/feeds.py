"""Atom 1.0 feeds of the change log, built with feedgen: `/feeds/changes.atom` (everything) and
`/feeds/<topic>.atom` (`upper-lars`, `gas`, `security`, `euma`, `trade`, `sources`).

Entry ids are the record's stable URN, so a reader never sees an entry twice; the feed's
`updated` is its newest entry's time (not the time of the request), and responses are cached by
the change log's newest record with an ETag (`respond`), so a conditional GET answers 304.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape

from feedgen.feed import FeedGenerator
from flask import Flask, Response, request

from dashboard.charts import change_items, topics
from dashboard.web.responses import respond

ENTRIES = 50
MIME = "application/atom+xml"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)  # `updated` of a feed with no entries yet


def alternate_links(path: str) -> str:
    """The <link rel="alternate"> tags for a page's <head>: every change, and the page's topic."""
    links = [("changes", "Pressure Points: what changed")]
    page = path.strip("/").replace("-", "_") or "overview"
    topic = topics.PAGE_TOPIC.get(page)
    if topic:
        links.append((topic, f"Pressure Points: {topics.TITLES[topic]}"))
    if page in ("sources", "changes"):
        links.append(("sources", f"Pressure Points: {topics.TITLES['sources']}"))
    return "".join(
        f'<link rel="alternate" type="{MIME}" href="/feeds/{name}.atom" title="{escape(title)}">'
        for name, title in links
    )


def _feed(name: str, base: str) -> bytes:
    query = change_items.ChangeQuery(topic=None if name == "changes" else name, limit=ENTRIES)
    title = "What changed" if name == "changes" else topics.TITLES[name]
    feed = FeedGenerator()
    feed.id(f"urn:pressure-points:feed:{name}")
    feed.title(f"Pressure Points — {title}")
    feed.subtitle("Data revisions, new rows and source health of the Armenia dependency dashboard")
    feed.author({"name": "Pressure Points"})
    feed.link(href=f"{base}/feeds/{name}.atom", rel="self", type=MIME)
    page = "/changes" if name == "changes" else f"/changes?topic={name}"
    feed.link(href=f"{base}{page}", rel="alternate", type="text/html")
    feed.language("en")
    records = change_items.records(query)
    for record in reversed(records):  # feedgen lists the last added first
        item = change_items.item(record, base)
        entry = feed.add_entry()
        entry.id(f"urn:pressure-points:change:{record['id']}")
        entry.title(f"{item['source_title']}: {item['kind']}")
        entry.link(href=item["url"], rel="alternate", type="text/html")
        entry.updated(record["created_at"])
        entry.published(record["created_at"])
        entry.summary(item["summary"])
        for term in [item["kind"], *item["topics"]]:
            entry.category(term=term)
        lines = [item["summary"]]
        lines += [f"Chart: {c['url']}" for c in item["charts"]]
        lines += [f"Download ({k}): {u}" for k, u in item["downloads"].items()]
        entry.content("\n".join(lines), type="text")
    feed.updated(records[0]["created_at"] if records else EPOCH)
    body: bytes = feed.atom_str(pretty=True)
    return body


def feed(name: str) -> Response:
    """GET /feeds/<name>.atom; an unknown topic answers 404."""
    if name != "changes" and name not in topics.TOPICS:
        known = ", ".join(topics.TOPICS)
        return Response(
            json.dumps({"error": f"no feed {name[:40]!r}; feeds: changes, {known}"}),
            status=404,
            mimetype="application/json",
        )
    base = request.host_url.rstrip("/")

    def build() -> Response:
        response = Response(_feed(name, base), content_type=f"{MIME}; charset=utf-8")
        response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    response, _reads = respond("feed", (name, base), build)
    return response


def register(server: Flask) -> None:
    server.add_url_rule("/feeds/<name>.atom", "feed", feed, methods=["GET", "HEAD"])
