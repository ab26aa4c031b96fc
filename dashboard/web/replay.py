"""Around every request: the data door's request scope, and the replay of a cached answer.

Scope: every read of one request shares one snapshot of current versions (`door.begin_request`),
so a request never mixes two promotions and every worker serves a promotion from the first
request that starts after it commits.

Replay: a route whose whole answer is a function of the request and of the versions current
now (a cached embed, KPI card, chart image or API read: `dashboard.web.responses.respond`)
calls `allow()`. Its final bytes — after every hook, header and compression — are then kept in
this process (`cache.replay()`, bounded by entries and bytes) under the raw request (method,
path, query, host, scheme and the headers content negotiation reads) with what they were
derived from: the promotion marker (`door.snapshot_token`), the status snapshot (freshness
badges, renewed every `door.STATUS_TTL` s), the images this process has stored (an embed's
first paint), the day and the embed framing setting. An identical request while all of those are
unchanged is answered with those bytes without entering Flask; anything else — a promotion, a
new status snapshot, a conditional request, a store outage (the marker query raises, and the
full path serves the last good copy or a 503) — goes the full way. An answer given a `limit()`
(an embed whose first paint is not drawn yet) is replayed for at most that long.

This is a WSGI middleware, Flask's documented pattern:
https://flask.palletsprojects.com/en/stable/api/#flask.Flask.wsgi_app
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import request

from dashboard.data import cache, door
from data_sources import config

_ALLOW = "pp.replay"  # environ key: (token, status snapshot) when the answer may be replayed
_LIMIT = "pp.replay.limit"  # environ key: the longest it may be replayed, in seconds
# Request headers an answer may depend on (content negotiation); part of the key.
_VARY = ("HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE")
_NOT_KEPT = ("X-PP-Stale", "Set-Cookie")  # a stale copy or a cookie is never replayed


@dataclass(frozen=True)
class _Kept:
    token: tuple[object, ...]
    statuses: object  # the status snapshot it was made under (compared by identity)
    until: float  # time.monotonic() after which it is not replayed
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def allow() -> None:
    """This request's answer may be replayed. Called right after the answer was built (or
    found), so what it was derived from is taken now, not after the hooks have run."""
    with contextlib.suppress(door.StoreUnavailable):  # the store just went: keep nothing
        request.environ[_ALLOW] = (_token(), door.statuses())


def limit(seconds: float) -> None:
    """If this request's answer is replayed, then for at most `seconds`."""
    environ = request.environ
    environ[_LIMIT] = min(environ.get(_LIMIT, seconds), seconds)


def _key(environ: dict[str, Any]) -> str:
    parts = [
        environ.get("wsgi.url_scheme", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        *(environ.get(name, "") for name in _VARY),
    ]
    return "replay:" + "\x1f".join(parts)


def _token() -> tuple[object, ...]:
    return (
        door.snapshot_token(),
        door.artifact_writes(),
        date.today(),
        config.env("EMBED_FRAME_ANCESTORS"),
    )


def _replayable(environ: dict[str, Any]) -> bool:
    return environ.get("REQUEST_METHOD") == "GET" and not (
        environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_IF_MODIFIED_SINCE")
        or environ.get("HTTP_RANGE")
    )  # fmt: skip


def _serve_kept(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes] | None:
    kept = cache.replay().get(_key(environ))
    if not isinstance(kept, _Kept) or time.monotonic() > kept.until:
        return None
    if kept.token != _token() or kept.statuses is not door.statuses():
        return None
    start_response(kept.status, list(kept.headers))
    return [kept.body]


def _keep(
    environ: dict[str, Any], status: str, headers: list[tuple[str, str]], body: bytes
) -> None:
    if not environ.get(_ALLOW) or not status.startswith("200 "):
        return
    names = {name.lower() for name, _ in headers}
    if any(name.lower() in names for name in _NOT_KEPT):
        return
    if any(n.lower() == "cache-control" and "no-store" in v for n, v in headers):
        return
    until = time.monotonic() + environ.get(_LIMIT, float("inf"))
    token, statuses = environ[_ALLOW]
    kept = _Kept(token, statuses, until, status, list(headers), body)
    cache.replay().set(_key(environ), kept)


def wrap(wsgi_app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """`wsgi_app` inside a request scope, with replay of allowed answers (see the module)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        scope = door.begin_request()
        try:
            if not _replayable(environ):
                return wsgi_app(environ, start_response)
            try:
                served = _serve_kept(environ, start_response)
            except door.StoreUnavailable:
                served = None  # the full path answers an outage (last good copy or 503)
            if served is not None:
                return served
            captured: list[Any] = []

            def capture(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
                captured[:] = [status, headers]
                return start_response(status, headers, *exc)

            result = wsgi_app(environ, capture)
            if not environ.get(_ALLOW) or not captured:
                return result
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            _keep(environ, captured[0], captured[1], body)
            return [body]
        finally:
            door.end_request(scope)

    return app
