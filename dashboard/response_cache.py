"""Whole-response cache for public GET routes whose output depends only on the URL and on the
store versions of some sources: embeds and images are rebuilt only when data changes. Entries
live in dashboard.shared_cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask import Response, request

from dashboard import data, shared_cache
from dashboard.freshness import statuses

_KEEP_HEADERS = ("Cache-Control", "Content-Disposition", "ETag", "Access-Control-Allow-Origin")


def cached(
    sources_of: Callable[..., Iterable[str]], vary: Callable[..., tuple] | None = None
) -> Callable:
    """Decorate a view; `sources_of(**view_args)` names the sources its output depends on and
    `vary(**view_args)` anything else it depends on (e.g. today's date)."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(**view_args: str) -> Response:
            rows = statuses()
            try:
                sources = tuple(sources_of(**view_args))
            except KeyError:
                sources = ()
            key = (
                "response",
                request.path,
                tuple(sorted(request.args.items(multi=True))),
                data.store().url,
                tuple(rows.get(s, {}).get("version") for s in sources),
                vary(**view_args) if vary else (),
            )
            hit = shared_cache.get_object(key)
            if hit is not None:
                body, mimetype, headers = hit  # type: ignore[misc]
                return Response(body, mimetype=mimetype, headers=headers)
            response = view(**view_args)
            if response.status_code == 200 and not response.direct_passthrough:
                kept = {h: response.headers[h] for h in _KEEP_HEADERS if h in response.headers}
                shared_cache.set_object(key, (response.get_data(), response.mimetype, kept))
            return response

        return wrapper

    return decorate


def clear() -> None:
    shared_cache.backend().clear()
