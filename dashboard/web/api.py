"""Public data API (/api/v1): charts, datasets and their rows with provenance.

Every route answers GET/HEAD with `Access-Control-Allow-Origin: *`, an ETag and Cache-Control,
answers OPTIONS preflights itself, sets no cookies, and gives JSON errors
(`{"error": ..., "parameter": ...}`): 400 for bad parameters, 404 for unknown (or non-public)
datasets. The OpenAPI 3.1 document is built in `dashboard.web.api_openapi`. Rows are read
through the data door and cached by the version read (`cache.memo`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable

from flask import Flask, Response, request

from dashboard.charts import change_items
from dashboard.charts.registry import CHARTS
from dashboard.data import door
from dashboard.data.door import StoreUnavailable
from dashboard.data.memo import memo
from dashboard.web import api_rows, compressed, replay
from dashboard.web.api_catalogue import PREFIX, chart_item, dataset_item, version_item
from dashboard.web.api_rows import ApiError, is_public
from dashboard.web.failures import unavailable_json
from dashboard.web.responses import respond
from data_sources import registry
from data_sources.source import Source

log = logging.getLogger(__name__)
LIST_MAX_AGE = 300
FROZEN_MAX_AGE = 31_536_000  # a pinned store version never changes
_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Disposition",
}
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, Accept",
    "Access-Control-Max-Age": "86400",
}


def error(status: int, message: str, parameter: str | None = None) -> Response:
    """A JSON error body; `parameter` names the offending query or path parameter."""
    payload: dict[str, object] = {"error": message}
    if parameter:
        payload["parameter"] = parameter
    response = Response(json.dumps(payload), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _api(view: Callable[..., Response]) -> Callable[..., Response]:
    """CORS, preflight, method check, JSON errors and no cookies around an API view."""

    @functools.wraps(view)
    def wrapped(**kwargs: str) -> Response:
        if request.method == "OPTIONS":
            response = Response(status=204)
            response.headers.remove("Content-Type")
            response.headers.update(_PREFLIGHT)
        elif request.method not in ("GET", "HEAD"):
            response = error(405, f"method {request.method} not allowed; use GET")
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
        elif repeated := next((k for k, v in request.args.lists() if len(v) > 1), None):
            # One value per parameter: a repeated one is ambiguous (the first used to win).
            name = repeated[:40]
            response = error(400, f"parameter {name!r} given more than once", name)
        else:
            try:
                response = view(**kwargs)
            except ApiError as exc:
                response = error(exc.status, exc.message, exc.parameter)
            except StoreUnavailable as exc:  # the store is down: 503, Retry-After
                response = unavailable_json(exc)
            except Exception:  # a bug must still answer in JSON, and be logged
                log.exception("API request %s failed", request.full_path)
                response = error(500, "internal error; it has been logged")
        response.headers.update(_CORS)
        response.headers.remove("Set-Cookie")
        return response

    return wrapped


def _tags() -> list[str]:
    """If-None-Match entity tags (strong and weak, unquoted) plus `*`; empty tags dropped."""
    header = request.if_none_match
    tags = [t for t in header.as_set(include_weak=True) if t]
    return ["*", *tags] if header.star_tag else tags


def _conditional(response: Response, tag: str, cache_control: str) -> Response:
    response.set_etag(tag)
    response.headers["Cache-Control"] = cache_control
    return response


def _json(payload: object, max_age: int = LIST_MAX_AGE) -> Response:
    """A JSON document with an ETag over its bytes; a matching If-None-Match gets 304."""
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    tag = hashlib.sha256(body).hexdigest()[:32]
    cache = f"public, max-age={max_age}"
    if api_rows.not_modified(_tags(), tag):
        return _conditional(Response(status=304), tag, cache)
    return _conditional(Response(body, mimetype="application/json"), tag, cache)


def _public_sources() -> list[Source]:
    return [s for s in registry.SOURCES if is_public(s)]


@_api
def index() -> Response:
    """Where the API's resources live."""
    return _json(
        {
            "charts": f"{PREFIX}/charts",
            "datasets": f"{PREFIX}/datasets",
            "changes": f"{PREFIX}/changes",
            "openapi": f"{PREFIX}/openapi.json",
        }
    )


@_api
def charts() -> Response:
    """GET /api/v1/charts: every chart in the registry with its options and links."""
    return _json([chart_item(c) for c in CHARTS.values()])


@_api
def datasets() -> Response:
    """GET /api/v1/datasets: every public source, its current version and freshness."""
    statuses = door.statuses()
    return _json([dataset_item(s, statuses.get(s.id)) for s in _public_sources()], max_age=60)


@_api
def dataset(name: str) -> Response:
    """GET /api/v1/datasets/<id> (metadata and versions) or <id>.csv|.json (rows)."""
    dataset_id, dot, fmt = name.rpartition(".")
    if not dot:
        return _dataset_detail(api_rows.public_source(name))
    source = api_rows.public_source(dataset_id)
    return _rows(source, api_rows.parse_query(fmt, request.args))


def _dataset_detail(source: Source) -> Response:
    statuses = door.statuses()
    item = dataset_item(source, statuses.get(source.id))
    item["versions"] = [version_item(v) for v in door.list_versions(source.id)]
    return _json(item, max_age=60)


def _rows(source: Source, query: api_rows.Query) -> Response:
    if query.version is not None:
        info = door.version_info(source.id, query.version)
        if info is None:
            known = [v.id for v in door.list_versions(source.id)][-20:]
            raise ApiError(
                400,
                f"version {query.version} is not a stored version of {source.id}; "
                f"its versions: {known}",
                "version",
            )
        pins: dict[str, int] | None = {source.id: info.id}
        cache_control = f"public, max-age={FROZEN_MAX_AGE}, immutable"
    else:
        pins = None
        cache_control = f"public, max-age={LIST_MAX_AGE}"

    def build() -> tuple[bytes, str, int, str]:
        loaded = door.load(source.id)
        if loaded.version is None:
            raise ApiError(404, f"no version of {source.id} has been stored yet", "id")
        payload, mimetype = api_rows.body(source, loaded.version, loaded.frame, query)
        return payload, mimetype, loaded.version.id, api_rows.etag(source.id, loaded.version, query)

    with door.reading(pins):
        built, _reads, _key = memo("api-rows", (source.id, query), build)
    payload, mimetype, version_id, tag = built
    if api_rows.not_modified(_tags(), tag):
        return _conditional(Response(status=304), tag, cache_control)
    response = Response(payload, content_type=mimetype)
    compressed.mark(tag)  # the rows of one version and query: compress them once
    replay.allow()  # the same request answers the same bytes until the versions move
    name = f"pressure-points_{source.id}_v{version_id}.{query.fmt}"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return _conditional(response, tag, cache_control)


@_api
def changes() -> Response:
    """GET /api/v1/changes?since=&source=&topic=&kind=&limit=: change records, newest first."""
    try:
        query = change_items.parse(request.args)
    except change_items.BadParameter as exc:
        raise ApiError(400, str(exc), exc.parameter) from None
    base = request.host_url.rstrip("/")

    def build() -> Response:
        items = [change_items.item(r, base) for r in change_items.records(query)]
        body = json.dumps(items, ensure_ascii=False, default=str)
        response = Response(body, mimetype="application/json")
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    response, _reads = respond("api-changes", (query, base), build)
    return response


@_api
def openapi() -> Response:
    """GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API."""
    from dashboard.web.api_openapi import document

    return _json(document([s.id for s in _public_sources()]))


@_api
def not_found(rest: str) -> Response:
    """Anything else under /api/v1: a JSON 404 rather than the Dash page shell."""
    raise ApiError(404, f"no such API resource: {PREFIX}/{rest[:80]}; see {PREFIX}/openapi.json")


def _unrouted() -> Response | None:
    """Paths under /api/v1 that no API rule matched (`//`, newlines): JSON 404, not Dash's shell."""
    path = request.path
    if path != PREFIX and not path.startswith(PREFIX + "/"):
        return None
    if request.routing_exception is None and (request.endpoint or "").startswith("api_"):
        return None
    return not_found(rest=path[len(PREFIX) + 1 :])


def register(server: Flask) -> None:
    """Add the /api/v1 routes to the Flask server."""
    routes: list[tuple[str, str, Callable[..., Response]]] = [
        (f"{PREFIX}/", "api_index", index),
        (f"{PREFIX}/charts", "api_charts", charts),
        (f"{PREFIX}/datasets", "api_datasets", datasets),
        (f"{PREFIX}/datasets/<name>", "api_dataset", dataset),
        (f"{PREFIX}/changes", "api_changes", changes),
        (f"{PREFIX}/openapi.json", "api_openapi", openapi),
        (f"{PREFIX}/<path:rest>", "api_not_found", not_found),
    ]
    server.before_request(_unrouted)
    add_routes(server, routes)


def add_routes(server: Flask, routes: list[tuple[str, str, Callable[..., Response]]]) -> None:
    """API rules: every method reaches the view (which answers 405 itself), no automatic
    OPTIONS, no slash redirects."""
    for rule, endpoint, view in routes:
        server.add_url_rule(
            rule,
            endpoint,
            view,
            methods=_METHODS,
            provide_automatic_options=False,
            strict_slashes=False,
            merge_slashes=False,  # `//` gets a JSON 404, not an HTML redirect
        )
