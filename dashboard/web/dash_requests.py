"""Requests to the Dash side of the server, checked before Dash sees them:

- a callback request (`POST /_dash-update-component`) whose body is not a JSON object naming a
  registered server callback with inputs, state and outputs of the registered shape gets a
  400 JSON and one log line (Dash would log a traceback and answer 500);
- a page path no page is registered for answers 404 (the page shell, which shows the styled
  not-found page), not 200;
- a page request while the store is down answers the 503 "temporarily unavailable" page of
  `dashboard.web.failures`, never a blank page.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import dash
from flask import Response, request

from dashboard.data import door
from dashboard.web.failures import is_machine

log = logging.getLogger(__name__)
CALLBACK_PATH = "/_dash-update-component"
MAX_BODY = 1_000_000  # bytes; the largest real callback body is a few kilobytes
_WILDCARDS = ('["ALL"]', '["ALLSMALLER"]')
_NOT_PAGES = ("/assets/", "/_dash-", "/_favicon.ico", "/_reload-hash")


class BadCallback(ValueError):
    pass


def bad_request(message: str) -> Response:
    response = Response(json.dumps({"error": message}), status=400, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _dependency(item: object, spec: dict[str, Any], where: str) -> None:
    """One input/state/output entry: a {id, property} dict, or a list of them for a wildcard."""
    wildcard = any(w in str(spec.get("id", "")) for w in _WILDCARDS)
    entries = item if wildcard else [item]
    if not isinstance(entries, list):
        raise BadCallback(f"{where}: expected a list for a wildcard dependency")
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("property"), str):
            raise BadCallback(f"{where}: expected an object with 'id' and 'property'")
        if not isinstance(entry.get("id"), str | dict):
            raise BadCallback(f"{where}: 'id' must be a string or an object")


def _flat(indices: object) -> int:
    if isinstance(indices, int):
        return 1
    if isinstance(indices, dict):
        return sum(_flat(v) for v in indices.values())
    if isinstance(indices, list | tuple):
        return sum(_flat(v) for v in indices)
    return 0


def check_callback(body: object, callbacks: dict[str, dict[str, Any]]) -> None:
    """Raise `BadCallback` unless `body` matches a registered server-side callback's shape."""
    if not isinstance(body, dict):
        raise BadCallback("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        raise BadCallback("'output' must be a string")
    spec = callbacks.get(output)
    if spec is None or "callback" not in spec:
        raise BadCallback("no server callback has this output")
    inputs, state = body.get("inputs"), body.get("state", [])
    outputs, changed = body.get("outputs"), body.get("changedPropIds", [])
    if not isinstance(inputs, list) or not isinstance(state, list):
        raise BadCallback("'inputs' and 'state' must be lists")
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCallback("'changedPropIds' must be a list of strings")
    declared = [*spec.get("inputs", []), *spec.get("state", [])]
    if len(inputs) + len(state) != _flat(spec.get("inputs_state_indices", [])):
        raise BadCallback("wrong number of inputs and state for this callback")
    for item, dep in zip([*inputs, *state], declared, strict=False):
        _dependency(item, dep, "inputs")
    if spec.get("no_output"):
        return
    multi = output.startswith("..")
    if outputs is None or (multi and not isinstance(outputs, list)):
        raise BadCallback("'outputs' missing or not a list")
    declared_out = [
        {"id": part.rpartition(".")[0]} for part in output.strip(".").split("...")
    ]  # ids only: enough to tell wildcard outputs apart
    given = outputs if multi else [outputs]
    if len(given) != len(declared_out):
        raise BadCallback("wrong number of outputs for this callback")
    for item, dep in zip(given, declared_out, strict=True):
        _dependency(item, dep, "outputs")


def _callback_guard(app: dash.Dash) -> Response | None:
    if request.path != CALLBACK_PATH or request.method != "POST":
        return None
    if (request.content_length or 0) > MAX_BODY:
        return bad_request("callback body too large")
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
        check_callback(body, app.callback_map)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, BadCallback, deep nesting
        message = str(exc) if isinstance(exc, BadCallback) else "the body is not valid JSON"
        log.info("400 for a callback request: %s", message)
        return bad_request(f"not a valid callback request: {message}")
    return None


def _page_paths() -> tuple[set[str], bool]:
    """Paths of the registered pages (not the not-found page itself), and whether any page
    takes path variables (then every path may be a page)."""
    pages = [p for p in dash.page_registry.values() if not is_not_found_page(p)]
    paths = {str(p["path"]).strip("/") for p in pages}
    return paths, any(p.get("path_template") for p in pages)


def is_not_found_page(page: dict[str, Any]) -> bool:
    return str(page.get("module", "")).split(".")[-1] == "not_found_404"


def _is_page_request() -> bool:
    path = request.path
    return (
        request.method in ("GET", "HEAD")
        and not is_machine(path)
        and not path.startswith(_NOT_PAGES)
        and request.endpoint is not None  # an asset or Dash route would have its own endpoint
    )


def install(app: dash.Dash) -> None:
    """Add the callback guard, the page 404 and the page outage check to `app.server`."""
    server = app.server

    @server.before_request
    def guard() -> Response | None:
        bad = _callback_guard(app)
        if bad is not None or not _is_page_request():
            return bad
        paths, templated = _page_paths()
        if request.path.strip("/") not in paths and not templated:
            return None  # after_request turns the shell into a 404
        door.ping()  # StoreUnavailable -> the 503 page (dashboard.web.failures)
        return None

    @server.after_request
    def not_found(response: Response) -> Response:
        if response.status_code == 200 and _is_page_request():
            paths, templated = _page_paths()
            if request.path.strip("/") not in paths and not templated:
                response.status_code = 404
                response.headers["Cache-Control"] = "no-store"
        return response
