"""Whole-response cache for public GET routes whose output depends only on the URL and on the
store versions of some sources: embeds and API answers are rebuilt only when data changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps

from flask import Response, request

from dashboard import data
from dashboard.freshness import statuses

_CACHE: OrderedDict[tuple, tuple[bytes, int, str, dict[str, str]]] = OrderedDict()
_LOCK = threading.Lock()
_SIZE = 1024
_KEEP_HEADERS = ("Cache-Control", "Content-Disposition", "ETag", "Access-Control-Allow-Origin")


def cached(sources_of: Callable[..., Iterable[str]]) -> Callable:
    """Decorate a view; `sources_of(**view_args)` names the sources its output depends on."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(**view_args: str) -> Response:
            rows = statuses()
            try:
                sources = tuple(sources_of(**view_args))
            except KeyError:
                sources = ()
            key = (
                request.path,
                tuple(sorted(request.args.items(multi=True))),
                data.store().url,
                tuple(rows.get(s, {}).get("version") for s in sources),
            )
            with _LOCK:
                hit = _CACHE.get(key)
                if hit is not None:
                    _CACHE.move_to_end(key)
            if hit is not None:
                body, status, mimetype, headers = hit
                return Response(body, status=status, mimetype=mimetype, headers=headers)
            response = view(**view_args)
            if response.status_code == 200 and not response.direct_passthrough:
                kept = {h: response.headers[h] for h in _KEEP_HEADERS if h in response.headers}
                with _LOCK:
                    _CACHE[key] = (response.get_data(), 200, response.mimetype, kept)
                    while len(_CACHE) > _SIZE:
                        _CACHE.popitem(last=False)
            return response

        return wrapper

    return decorate


def clear() -> None:
    with _LOCK:
        _CACHE.clear()
