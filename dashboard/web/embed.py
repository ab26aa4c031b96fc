"""Newsroom embeds outside the Dash runtime: /embed/<chart> (HTML + plotly.js, or a static SVG)
and /embed/<chart>.svg|.png. Each response is cached under the versions it read, with an ETag
from that key; `?version=` pins a frozen read context.

Images are never drawn here: the renderer process (`dashboard.web.renderer`) draws them with
kaleido and stores them through the data door (`dashboard.web.images`); an image not drawn yet is
queued for it and answered with 503 and `Retry-After` (issue 15)."""

from __future__ import annotations

import json
import logging
from html import escape
from pathlib import Path

import plotly.io as pio
from flask import Flask, Response, request

from dashboard.charts.chart import Chart
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import Rendered, option_key, render
from dashboard.data import cache, door
from dashboard.data.door import Reads
from dashboard.data.freshness import of_render
from dashboard.figures.theme import dark_figure
from dashboard.i18n import N_, day, gettext, parse_lang
from dashboard.web import embed_static, images, replay
from dashboard.web.embed_static import STATIC
from dashboard.web.responses import respond
from dashboard.web.server import origin_key

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
LABELS = {  # the embed's chrome; the words are catalog messages (dashboard/locale)
    "source": N_("Source"),
    "as_of": N_("as of %(date)s"),  # a placeholder: Armenian puts the date first
    "data_to": N_("data to"),
    "full": N_("Full view"),
    "stale": N_("stale since %(date)s"),
}
THEMES = ("light", "dark", "auto")
pio.defaults.topojson = (  # type: ignore[attr-defined]  # plotly-stubs lack plotly.io.defaults
    HERE.parent / "assets" / "topojson"
).as_uri() + "/"  # kaleido (in the renderer) stays offline


class EmbedError(Exception):
    retry_after: int | None = None  # seconds, for a 503 that clears by itself

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status, self.parameter = status, parameter


def _flags() -> dict[str, object]:
    args = request.args
    theme = args.get("theme", "light")
    return {
        "theme": theme if theme in THEMES else "light",
        "lang": parse_lang(args.get("lang")),
        "plain": args.get("plain") in ("1", "true"),
        "static": args.get("static") in ("1", "true"),
    }


def pins() -> dict[str, int] | None:
    """`?version=12,15` -> the frozen versions to read (None when absent or empty, as in the
    API; else 400)."""
    raw = request.args.get("version", "").strip()
    if not raw:
        return None
    try:
        return door.parse_pins(raw)
    except ValueError as bad:
        raise EmbedError(400, str(bad), "version") from None


def check_pins(pinned: dict[str, int] | None, reads: Reads) -> None:
    """A pinned version of a source the output never read is a mistake in the URL: 400."""
    foreign = set(pinned or {}) - set(reads.sources())
    if foreign:
        raise EmbedError(
            400, f"version pins {sorted(foreign)}, which this embed does not read", "version"
        )


def figure_spec(rendered: Rendered, theme: str) -> dict:
    spec = json.loads(pio.to_json(rendered.spec, validate=False))
    spec["layout"] = {**spec.get("layout", {}), "height": rendered.chart.height, "autosize": True}
    if theme == "dark":  # `auto` is light here; embed.js darkens it for a dark-mode reader
        spec = dark_figure(spec)
    spec["config"] = {
        "responsive": True,
        "displaylogo": False,
        "displayModeBar": False,
        "topojsonURL": "/assets/topojson/",
    }
    return spec


def _script_json(value: object) -> str:
    """JSON safe inside <script type="application/json"> (no closing tag can be formed)."""
    text = json.dumps(value, default=str, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def stored_image(
    rendered: Rendered, fmt: str, theme: str, width: int, pinned: dict[str, int] | None
) -> bytes:
    """The image the renderer drew of this chart as rendered here; when there is none yet it is
    queued and `EmbedError` 503 (with Retry-After) says so. Never exports (issue 15)."""
    key = images.key_of(rendered, theme, fmt, width)
    body = images.stored(key)
    if body is not None:
        return body
    spec = images.spec_of(rendered.chart.id, request.args, fmt, width, theme, pinned)
    waiting = EmbedError(503, images.waiting_message(images.ask(key, spec)))
    waiting.retry_after = images.RETRY_AFTER
    raise waiting


def _page_url(chart: Chart) -> str:
    path = "/" if chart.page == "overview" else "/" + chart.page.replace("_", "-")
    return f"{request.host_url.rstrip('/')}{path}#card-{chart.id}"


def _asof_html(rendered: Rendered, labels: dict[str, str], lang: str) -> str:
    fresh = of_render(rendered.reads, rendered.frame, rendered.chart.date_columns, door.frozen())
    parts = []
    if fresh.data_to:
        parts.append(f"{labels['data_to']} {escape(day(fresh.data_to, lang))}")
    if fresh.as_of:
        parts.append(labels["as_of"] % {"date": escape(day(fresh.as_of, lang))})
    stale = "".join(
        f' <span class="pp-stale">{escape(s)}: '
        + labels["stale"] % {"date": escape(day(since, lang))}
        + "</span>"
        for s, since in fresh.stale
    )
    return " · ".join(parts) + stale


def cached_svg(chart: Chart, options: dict, flags: dict) -> bytes | None:
    """The chart's SVG as `/embed/<chart>.svg` (800 px wide, this theme and language) for the
    versions a read gets now, if the renderer has drawn it; else None (and it is queued, so a
    later view gets it). Never exports (issue 15).

    Looked up on every embed request, so the answer is kept in this process under what decides
    it — the chart, its options, theme and language, the promotion marker (`snapshot_token`) and
    the status snapshot (freshness badges are drawn into the image) — a found SVG until those
    move, a miss for `door.ARTIFACT_RECHECK_S` or until this process stores an image."""
    theme = str(flags["theme"])
    slot = cache.key("first-paint", chart.id, option_key(options), theme, flags["lang"])
    token = (door.snapshot_token(), door.artifact_writes())
    statuses = door.statuses()
    hit = cache.local().get(slot)
    if hit is not None and hit[0] == token and hit[1] is statuses:
        body = hit[2]
    else:
        rendered = render(chart, request.args)
        key = images.key_of(rendered, theme, "svg", images.DEFAULT_WIDTH)
        body = images.stored(key)
        if body is None:
            spec = images.spec_of(chart.id, request.args, "svg", images.DEFAULT_WIDTH, theme, None)
            images.ask(key, spec)
        timeout = 0 if body is not None else door.ARTIFACT_RECHECK_S  # 0: until evicted/moved
        cache.local().set(slot, (token, statuses, body), timeout=timeout)
    if body is None:
        replay.limit(door.ARTIFACT_RECHECK_S)  # look for the drawing again as soon
    return body


def _interactive(
    chart: Chart, rendered: Rendered, flags: dict, first_paint: bytes | None
) -> tuple[str, str]:
    """The chart's box and scripts. With a first paint (a cached SVG) the SVG is the box's
    content and comes before any script, the box keeps the chart's height, and embed.js loads
    plotly.js only on interaction or when the browser is idle, then draws in the same box.
    Without one, plotly.js loads at once (as before)."""
    lang = str(flags["lang"])
    label = escape(f"{gettext(lang, chart.title)}. {gettext(lang, chart.description)}")
    bundle = "plotly-geo-4.1.1.min.js" if chart.geo else "plotly-basic-4.1.1.min.js"
    spec = (
        f'<script type="application/json" id="pp-figure">'
        f"{_script_json(figure_spec(rendered, str(flags['theme'])))}</script>"
    )
    embed_js = f'<script src="/embed/static/{STATIC["embed.js"]}"></script>'
    if first_paint is None:
        body = f'<div id="pp-chart" role="img" aria-label="{label}"></div>{spec}'
        return body, f'<script src="/embed/static/{STATIC[bundle]}"></script>{embed_js}'
    body = (
        f'<div id="pp-chart" class="pp-first-paint" role="img" aria-label="{label}" '
        f'tabindex="0" style="height:{int(chart.height)}px" '
        f'data-plotly="/embed/static/{STATIC[bundle]}">{first_paint.decode("utf-8")}</div>{spec}'
    )
    return body, embed_js


def embed_html(
    chart: Chart,
    rendered: Rendered,
    flags: dict,
    svg: bytes | None,
    first_paint: bytes | None = None,
) -> str:
    """The embed page: a static SVG (`svg`, `?static=1`), or the interactive chart, painted
    first from `first_paint` (the cached SVG) when there is one."""
    lang = str(flags["lang"])
    labels = {name: gettext(lang, text) for name, text in LABELS.items()}
    title, description = gettext(lang, chart.title), gettext(lang, chart.description)
    sources = "; ".join(
        f'<a href="{escape(request.host_url)}sources#{escape(s)}" target="_blank" '
        f'rel="noopener">{escape(s)}</a>'
        for s in rendered.reads.present()
    )
    header = footer = ""
    if not flags["plain"]:
        header = (
            f"<header><h1>{escape(title)}</h1>"
            f'<p class="pp-asof">{_asof_html(rendered, labels, lang)}</p></header>'
        )
        footer = (
            f'<footer>{labels["source"]}: {sources} · <a href="{escape(_page_url(chart))}"'
            f' target="_blank" rel="noopener">{labels["full"]}</a></footer>'
        )
    label = escape(f"{title}. {description}")
    if svg is not None:
        body = f'<div role="img" aria-label="{label}">{svg.decode("utf-8")}</div>'
        scripts = ""
    else:
        body, scripts = _interactive(chart, rendered, flags, first_paint)
    oembed = f"{request.host_url}oembed?url={escape(request.url, quote=True)}"
    return (
        f'<!doctype html><html lang="{flags["lang"]}"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,">'  # no /favicon.ico request per embed (issue 15)
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — Pressure Points</title>"
        f'<link rel="stylesheet" href="/embed/static/{STATIC["embed.css"]}">'
        f'<link rel="alternate" type="application/json+oembed" href="{oembed}">'
        f'</head><body data-theme="{flags["theme"]}" data-chart="{escape(chart.id)}">'
        f'<figure class="pp-embed">{header}{body}{footer}</figure>{scripts}</body></html>'
    )


def _retry_after(response: Response, err: EmbedError) -> Response:
    if err.retry_after is not None:
        response.headers["Retry-After"] = str(err.retry_after)
        response.headers["Cache-Control"] = "no-store"
    return response


def _html_error(err: EmbedError) -> Response:
    again = ""  # a page that clears by itself reloads itself when it may have
    if err.retry_after is not None:
        again = f'<meta http-equiv="refresh" content="{int(err.retry_after)}">'
    return _retry_after(
        Response(
            f"<!doctype html><title>Error</title>{again}<p>{escape(str(err))}</p>",
            status=err.status,
            mimetype="text/html",
        ),
        err,
    )


def _chart_or_error(chart_id: str) -> Chart:
    chart = CHARTS.get(chart_id)
    if chart is None:
        raise EmbedError(404, f"No chart {chart_id!r}. Charts: {', '.join(sorted(CHARTS))}")
    return chart


def _embed_params(chart: Chart, options: dict, flags: dict, *extra: object) -> tuple:
    return (chart.id, option_key(options), tuple(sorted(flags.items())), origin_key(), extra)


def chart_embed(chart_id: str) -> Response:
    try:
        chart = _chart_or_error(chart_id)
        flags = _flags()
        pinned = pins()
        options = chart.parse(request.args)
        first = None if pinned or flags["static"] else cached_svg(chart, options, flags)

        def build() -> Response:
            rendered = render(chart, request.args)
            svg = None
            if flags["static"]:
                svg = stored_image(
                    rendered, "svg", str(flags["theme"]), images.DEFAULT_WIDTH, pinned
                )
            page = embed_html(chart, rendered, flags, svg, first)
            response = Response(page, mimetype="text/html")
            response.headers["Cache-Control"] = "public, max-age=300"
            return response

        params = _embed_params(chart, options, flags, first is not None)  # SVG first paint or not
        response, reads = respond("embed", params, build, pinned)
        check_pins(pinned, reads)
    except EmbedError as err:
        return _html_error(err)
    return response


def chart_image(chart_id: str, fmt: str) -> Response:
    try:
        chart = _chart_or_error(chart_id)
        width = request.args.get("width", "800")
        if not width.isdigit() or not 200 <= int(width) <= 2000:
            raise EmbedError(400, "width must be a whole number from 200 to 2000", "width")
        flags = _flags()
        pinned = pins()
        options = chart.parse(request.args)

        def build() -> Response:
            rendered = render(chart, request.args)
            image = stored_image(rendered, fmt, str(flags["theme"]), int(width), pinned)
            response = Response(image, mimetype="image/svg+xml" if fmt == "svg" else "image/png")
            response.headers["Cache-Control"] = "public, max-age=3600"
            return response

        params = _embed_params(chart, options, flags, fmt, int(width))
        response, reads = respond("image", params, build, pinned)
        check_pins(pinned, reads)
    except EmbedError as err:
        text = Response(str(err) + "\n", status=err.status, mimetype="text/plain")
        return _retry_after(text, err)
    return response


def register(server: Flask) -> None:
    embed_static.register(server)
    server.add_url_rule(
        "/embed/<chart_id>.svg",
        "embed_svg",
        lambda chart_id: chart_image(chart_id=chart_id, fmt="svg"),
    )
    server.add_url_rule(
        "/embed/<chart_id>.png",
        "embed_png",
        lambda chart_id: chart_image(chart_id=chart_id, fmt="png"),
    )
    server.add_url_rule("/embed/<chart_id>", "embed_chart", chart_embed)
