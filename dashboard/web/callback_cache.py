"""Cached Dash callbacks: a callback request whose body and data versions were seen before is
answered from the shared cache with the bytes Dash sent the first time — no figure rebuild, no
plotly validation, no JSON encoding.

Dash answers every callback at one route (`POST /_dash-update-component`); `install` wraps that
view. Only callbacks named by the caller are cached: those with outputs of the given component
types (`pages._callbacks.CACHED_OUTPUT_TYPES`) and Dash Pages' routing callback for the given
paths (the chart pages, `pages._callbacks.CACHED_PAGE_PATHS`). Their output must be a function
of the request body, the host (embed snippets carry absolute URLs), the language, the day (daily
KPIs) and the datasets read through the door, which is what the key is made of
(`dashboard.data.memo`: a promotion changes the key; nothing is invalidated by hand).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
from flask import Response, request

from dashboard.data.memo import memo
from dashboard.web.server import origin_key

CALLBACK_PATH = "/_dash-update-component"
ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."  # Dash Pages' page callback


class _NotCacheable(Exception):
    """Dash answered something other than a 200 (204 PreventUpdate, a 4xx): pass it on as is."""

    def __init__(self, response: Any) -> None:
        super().__init__("not cacheable")
        self.response = response


def language_hint() -> object:
    """The `?lang=` of the callback request or of the page it came from (the Referer): callbacks
    may answer in the page's language, so it is part of the key (issue 13)."""
    page = parse_qs(urlsplit(request.referrer or "").query).get("lang")
    return [request.args.get("lang"), page]


def cache_params(body: dict[str, Any], host: object, lang: object = None) -> str:
    """The normalised request: output, inputs, state and output ids (not `changedPropIds`: the
    cached callbacks do not look at which input fired), the host, the language hint and the day."""
    return json.dumps(
        [
            host,
            lang,
            date.today().isoformat(),  # daily KPIs on the overview (charts.kpis.value_of)
            body.get("output"),
            body.get("inputs"),
            body.get("state"),
            body.get("outputs"),
        ],
        sort_keys=True,
        separators=(",", ":"),
    )


def is_cached(body: dict[str, Any], types: Iterable[str], paths: Collection[str]) -> bool:
    """Whether a callback request is one of the cached ones: an output of one of `types`, or
    page routing to one of `paths`."""
    output = body.get("output")
    if not isinstance(output, str):
        return False
    if output == ROUTING_OUTPUT:
        inputs = body.get("inputs")
        first = inputs[0] if isinstance(inputs, list) and inputs else None
        return isinstance(first, dict) and first.get("value") in paths
    return any(f'"type":"{t}"' in output for t in types)


def install(
    app: dash.Dash, types: Iterable[str], paths: Collection[str] = ()
) -> Callable[..., Any]:
    """Wrap Dash's callback route so callbacks with outputs of `types`, and page routing to
    `paths`, are cached; returns the original view (tests)."""
    server = app.server
    endpoint = next(r.endpoint for r in server.url_map.iter_rules() if r.rule == CALLBACK_PATH)
    original = server.view_functions[endpoint]
    kinds, pages = tuple(types), frozenset(paths)

    def dispatch(*args: Any, **kwargs: Any) -> Any:
        body = request.get_json(silent=True, cache=True)
        if not isinstance(body, dict) or not is_cached(body, kinds, pages):
            return original(*args, **kwargs)

        def build() -> bytes:
            response = original(*args, **kwargs)
            if getattr(response, "status_code", 200) != 200 or not isinstance(response, Response):
                raise _NotCacheable(response)
            return response.get_data()

        try:
            params = cache_params(body, origin_key(), language_hint())
            data, _reads, _key = memo("callback", params, build)
        except _NotCacheable as exc:
            return exc.response
        return Response(data, mimetype="application/json")

    server.view_functions[endpoint] = dispatch
    return original
