"""Stale-if-error for embeds, chart images and KPI cards (issue 16): what a newsroom's page shows
while our store is down.

Every 200 these routes send is kept as the route's *last good copy* in the one cache
(`cache.last_good()`, shared across workers with REDIS_URL), keyed by the route and its
normalised query — chart or KPI, options, theme, language, width, host and the `version=` pins —
and not by data version, since versions cannot be read while the store is down. When the store
cannot be reached (`StoreUnavailable`) and a copy exists, it is served instead of the 503:

- status 200, `Cache-Control: no-store` (no one keeps it past the outage),
  `X-PP-Stale: store-unavailable`, `X-PP-Copy-From: <ISO time>` (when the copy was last known to
  be current) and `Warning: 110 - "Response is Stale"`;
- HTML (embeds, KPI cards) carries a visible note, in the reader's language: "Could not check for
  newer data; showing the copy from <time>." A frozen embed (`version=` pinned) cannot move, so
  its copy is served without the note (the headers still say the store was down).

Without a copy the route still answers 503 with `Retry-After` (`dashboard.web.failures`).
Bounded: `cache.LAST_GOOD_SLOTS` entries of at most `cache.LAST_GOOD_MAX_BYTES` each; a copy is
rewritten at most every `REWRITE_EVERY` seconds per worker while it is being served.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import wraps
from html import escape
from typing import cast

from flask import Flask, Response, request

from dashboard.charts.registry import CHARTS
from dashboard.charts.render import option_key
from dashboard.data import cache
from dashboard.data.door import StoreUnavailable
from dashboard.i18n import N_, day, gettext, parse_lang
from dashboard.web.embed import THEMES

log = logging.getLogger(__name__)
HEADER = "X-PP-Stale"
REASON = "store-unavailable"
COPY_FROM = "X-PP-Copy-From"
REWRITE_EVERY = 60  # seconds: how old "the copy from" can be while the store is up
NOTE = N_("Could not check for newer data; showing the copy from %(when)s.")
_KEEP_HEADERS = ("Access-Control-Allow-Origin", "Content-Disposition", "X-Data-Versions")
# The routes served stale (Flask endpoints, as `embed`, `embed_kpi` and `api_scenarios` name
# them): chart embeds and images, KPI cards, scenario embeds and images.
ENDPOINTS = (
    "embed_chart",
    "embed_svg",
    "embed_png",
    "embed_kpi",
    "embed_kpi_svg",
    "embed_scenario",
    "embed_scenario_svg",
    "embed_scenario_png",
)
_FIGURE = re.compile(r'<figure class="pp-embed[^"]*">')


def key(endpoint: str, view_args: Mapping[str, object]) -> str:
    """The copy's key: the route and its normalised query — a chart's options as it parses them
    (unknown parameters ignored) with theme, plain, static and width; otherwise every parameter
    — plus the language, the host (embeds carry absolute links) and the `version=` pins as
    written (they cannot be resolved while the store is down)."""
    args = request.args
    theme = args.get("theme", "light")
    flags = (
        theme if theme in THEMES else "light",
        args.get("plain") in ("1", "true"),
        args.get("static") in ("1", "true"),
        args.get("width", "800"),
    )
    chart = CHARTS.get(str(view_args.get("chart_id", "")))
    query: object
    if chart is not None:
        query = option_key(chart.parse(args))
    else:
        query = tuple(sorted((k, v) for k, v in args.items(multi=True) if k != "version"))
    pins = ",".join(sorted(p.strip() for p in args.get("version", "").split(",") if p.strip()))
    lang = parse_lang(args.get("lang"))
    parts = (sorted(view_args.items()), query, flags, lang, request.host_url, pins)
    return cache.key("last-good:" + endpoint, parts)


def _slot(copy_key: str) -> str:
    return f"slot:{int(copy_key.rpartition(':')[2][:12], 16) % cache.LAST_GOOD_SLOTS}"


def remember(copy_key: Callable[[], str], response: Response) -> None:
    """Keep a 200 as the last good copy (at most every REWRITE_EVERY s per worker and URL).
    The rate mark is the URL as asked, so a repeated request costs one lookup; the normalised
    key is worked out only when a copy is written."""
    if response.status_code != 200 or response.direct_passthrough:
        return
    environ = request.environ  # the raw strings: werkzeug's URL properties decode each time
    mark = "written:{}|{}?{}".format(
        environ.get("HTTP_HOST", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    )
    if cache.marks().get(mark):
        return
    body = response.get_data()
    if len(body) > cache.LAST_GOOD_MAX_BYTES:
        return
    headers = {h: response.headers[h] for h in _KEEP_HEADERS if h in response.headers}
    made = datetime.now(UTC).isoformat(timespec="seconds")
    normalised = copy_key()
    cache.last_good().set(
        _slot(normalised), (normalised, body, response.content_type, headers, made)
    )
    cache.marks().set(mark, True, timeout=REWRITE_EVERY)


def recall(copy_key: str) -> tuple[bytes, str, dict[str, str], datetime] | None:
    """The last good copy under this key: (body, content type, headers, when it was made)."""
    hit = cache.last_good().get(_slot(copy_key))
    if not isinstance(hit, tuple) or len(hit) != 5 or hit[0] != copy_key:
        return None  # none, or another key's copy in the same slot
    _key, body, content_type, headers, made = hit
    return body, content_type, dict(headers), datetime.fromisoformat(made)


def note_html(made: datetime, lang: str) -> str:
    when = f"{day(made, lang)} {made.astimezone(UTC):%H:%M} UTC"
    text = gettext(lang, NOTE) % {"when": when}
    return f'<p class="pp-stale pp-stale-note" role="status">{escape(text)}</p>'


def _with_note(page: str, note: str) -> str:
    """The note first inside the embed's figure (after <body> if there is none)."""
    found = _FIGURE.search(page)
    if found:
        return page[: found.end()] + note + page[found.end() :]
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + note, page, count=1)


def stale_response(copy_key: str, lang: str) -> Response | None:
    """The last good copy as a stale 200, or None when there is none."""
    copy = recall(copy_key)
    if copy is None:
        return None
    body, content_type, headers, made = copy
    frozen = bool(request.args.get("version", "").strip())
    if content_type.startswith("text/html") and not frozen:
        body = _with_note(body.decode("utf-8"), note_html(made, lang)).encode("utf-8")
    response = Response(body, status=200, content_type=content_type)
    response.headers.update(headers)
    response.headers["Cache-Control"] = "no-store"
    response.headers[HEADER] = REASON
    response.headers[COPY_FROM] = made.isoformat().replace("+00:00", "Z")
    response.headers["Warning"] = '110 - "Response is Stale"'
    return response


def serve(copy_key: Callable[[], str], produce: Callable[[], Response]) -> Response:
    """`produce()`, kept as the last good copy when it is a 200; when the store is down, the last
    good copy instead (or the `StoreUnavailable` goes on to become a 503). `copy_key` is called
    only when a copy is written or wanted."""
    try:
        response = produce()
    except StoreUnavailable:
        stale = stale_response(copy_key(), parse_lang(request.args.get("lang")))
        if stale is None:
            raise
        log.info("store down: served the last good copy of %s", request.path)
        return stale
    remember(copy_key, response)
    return response


def _guarded(endpoint: str, view: Callable[..., Response]) -> Callable[..., Response]:
    @wraps(view)
    def guarded(**view_args: object) -> Response:
        return serve(lambda: key(endpoint, view_args), lambda: view(**view_args))

    return guarded


def install(server: Flask) -> None:
    """Serve every embed, image and KPI card route through `serve` (after they are registered)."""
    for endpoint in ENDPOINTS:
        view = cast("Callable[..., Response]", server.view_functions[endpoint])
        server.view_functions[endpoint] = _guarded(endpoint, view)
