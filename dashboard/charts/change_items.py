"""Change records as the API, the feeds and the /changes page show them: filters parsed from a
query (each bad value named), and one item per record with its links (affected charts, both
versions' downloads). Records are read through the data door (`door.changes`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from dashboard.charts import topics
from dashboard.data import door
from data_sources import registry
from data_sources.changes import KINDS

LIMIT_DEFAULT, LIMIT_MAX = 100, 500


class BadParameter(ValueError):
    """A query value that cannot be used; `parameter` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class ChangeQuery:
    since: datetime | None = None
    source: str | None = None
    topic: str | None = None
    kind: str | None = None
    limit: int = LIMIT_DEFAULT


def _since(raw: str) -> datetime:
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(
            "since", f"since {raw[:40]!r}: use an ISO date or time, e.g. 2025-01-31"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse(args: Mapping[str, str]) -> ChangeQuery:
    """Filters from a query string; `BadParameter` names the first bad one."""
    since = _since(args["since"]) if args.get("since") else None
    source = args.get("source") or None
    if source is not None and source not in registry.BY_ID:
        raise BadParameter("source", f"unknown source {source[:40]!r}; see /api/v1/datasets")
    topic = args.get("topic") or None
    if topic is not None and topic not in topics.TOPICS:
        raise BadParameter(
            "topic", f"unknown topic {topic[:40]!r}; one of {', '.join(topics.TOPICS)}"
        )
    kind = args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadParameter("kind", f"unknown kind {kind[:40]!r}; one of {', '.join(KINDS)}")
    raw_limit = args.get("limit") or str(LIMIT_DEFAULT)
    if not raw_limit.isascii() or not raw_limit.isdigit() or not 1 <= int(raw_limit) <= LIMIT_MAX:
        raise BadParameter("limit", f"limit must be a whole number from 1 to {LIMIT_MAX}")
    return ChangeQuery(since, source, topic, kind, int(raw_limit))


def records(query: ChangeQuery) -> list[dict[str, Any]]:
    """The matching records, newest first (read through the door, so the read is recorded)."""
    sources: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    if query.topic:
        sources = topics.sources_of(query.topic)
        kinds = topics.kinds_of(query.topic)
    if query.source:
        sources = tuple(s for s in (sources or (query.source,)) if s == query.source)
    if query.kind:
        kinds = tuple(k for k in (kinds or (query.kind,)) if k == query.kind)
    return door.changes(since=query.since, sources=sources, kinds=kinds, limit=query.limit)


def page_path(page: str) -> str:
    return "/" if page == "overview" else "/" + page.replace("_", "-")


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def item(record: dict[str, Any], base: str = "") -> dict[str, Any]:
    """One record as the API returns it; `base` is the site's address ('' for relative links)."""
    source = registry.get(record["source_id"])
    version, previous = record["version_id"], record["previous_version_id"]
    charts = []
    for chart in topics.charts_of(source.id):
        query = {"events": "1"} if chart.has_events and source.id not in chart.sources else {}
        suffix = f"?{urlencode(query)}" if query else ""
        charts.append(
            {"id": chart.id, "url": f"{base}{page_path(chart.page)}{suffix}#card-{chart.id}"}
        )
    downloads = {}
    if source.public:
        for name, v in (("version", version), ("previous", previous)):
            if v is not None:
                downloads[name] = f"{base}/api/v1/datasets/{source.id}.csv?version={v}"
    detail = record["detail"] if source.public else []
    return {
        "id": record["id"],
        "source": source.id,
        "source_title": source.title,
        "version": version,
        "previous_version": previous,
        "published": iso(record["created_at"]),
        "kind": record["kind"],
        "count": record["rows"],
        "summary": record["summary"],
        "topics": topics.topics_of(source.id, record["kind"]),
        "url": f"{base}/changes?{urlencode({'source': source.id})}#change-{record['id']}",
        "charts": charts,
        "downloads": downloads,
        "detail": detail[:50],
    }
