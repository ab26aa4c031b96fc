"""Whole responses cached by what they read: `respond` builds a response once per (route, its
normalised parameters, the versions it read), sends an ETag derived from that key and answers a
matching If-None-Match with 304."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext

from flask import Response, request

from dashboard.data import door
from dashboard.data.door import CHANGE_LOG, Reads
from dashboard.data.memo import memo
from dashboard.web import compressed, replay

_KEEP_HEADERS = (
    "Cache-Control",
    "Content-Disposition",
    "Access-Control-Allow-Origin",
    "X-Data-Versions",
)


def etag_of(key: str) -> str:
    """A strong entity tag (unquoted) for a cache key."""
    return key.rpartition(":")[2][:32]


def not_modified(tag: str) -> bool:
    """If-None-Match names this tag (weak or strong, with or without a `:gzip` suffix) or `*`.
    An empty or unparsable header matches nothing."""
    if not request.environ.get("HTTP_IF_NONE_MATCH"):
        return False  # most requests: skip werkzeug's parsing
    header = request.if_none_match
    if header.star_tag:
        return True
    return any(
        t and t.split(":", 1)[0] == tag for t in header.as_set(include_weak=True) if t is not None
    )


def respond(
    kind: str,
    params: object,
    build: Callable[[], Response],
    pins: Mapping[str, int] | None = None,
    replayable: bool = True,
) -> tuple[Response, Reads]:
    """The response of `build()` (a 200), cached under the versions it read; within `pins` a
    frozen read context. Exceptions from `build` propagate and nothing is cached.
    `replayable=False`: the answer also depends on something `dashboard.web.replay` does not
    watch (a daily KPI's day, as its route computes it), so it is never replayed."""

    def built() -> tuple[bytes, str, dict[str, str]]:
        response = build()
        kept = {h: response.headers[h] for h in _KEEP_HEADERS if h in response.headers}
        return response.get_data(), response.content_type, kept

    context = door.reading(pins) if pins is not None else nullcontext()
    with context:
        (body, content_type, headers), reads, key = memo(kind, params, built)
    tag = etag_of(key)
    if not_modified(tag):
        response = Response(status=304)
        response.headers.remove("Content-Type")
        for name in ("Cache-Control", "Access-Control-Allow-Origin"):
            if name in headers:
                response.headers[name] = headers[name]
    else:  # the kept headers are distinct names: one extend, no per-name replace
        response = Response(body, content_type=content_type, headers=headers)
        compressed.mark(tag)  # the same tag, the same bytes: compress them once
        if replayable and CHANGE_LOG not in reads:  # the change log's head is not in its token
            replay.allow()
    response.headers["ETag"] = f'"{tag}"'  # strong; tags are hex digits (set_etag quotes too)
    return response, reads
