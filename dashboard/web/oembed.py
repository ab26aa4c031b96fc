"""oEmbed 1.0 (https://oembed.com/): JSON `rich` answers for our embed and page URLs, and the
discovery <link> every page carries."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from flask import Flask, Response, jsonify, request

from dashboard.charts import kpis
from dashboard.charts.chart import Chart
from dashboard.charts.embed_snippets import embed_height, iframe
from dashboard.charts.registry import CHARTS, for_page

PAGES = {
    "/": "overview",
    "/trade": "trade",
    "/energy": "energy",
    "/security": "security",
    "/upper-lars": "upper_lars",
    "/euma": "euma",
}


def _error(status: int, message: str, parameter: str | None = None) -> Response:
    response = jsonify({"error": message, **({"parameter": parameter} if parameter else {})})
    response.status_code = status
    return response


def _bounded(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 50 <= int(raw) <= 5000:
        raise ValueError(name)
    return int(raw)


def _target(url: str) -> tuple[str, Chart | None, str | None]:
    """(embed URL, chart, kpi id) for one of our URLs; raises LookupError otherwise."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else request.host_url.rstrip("/")
    if path.startswith("/embed/kpi/") and path.removeprefix("/embed/kpi/") in kpis.BY_ID:
        return f"{origin}{path}", None, path.removeprefix("/embed/kpi/")
    if path.startswith("/embed/") and path.removeprefix("/embed/") in CHARTS:
        query = f"?{parts.query}" if parts.query else ""
        return f"{origin}{path}{query}", CHARTS[path.removeprefix("/embed/")], None
    page = PAGES.get(path)
    charts = for_page(page) if page else []
    if charts:  # a page URL embeds its first chart
        chart = charts[0]
        options = parse_qs(parts.query)
        query = "&".join(
            f"{k}={quote(v[0])}"
            for k, v in options.items()
            if any(o.name == k for o in chart.options)
        )
        return f"{origin}/embed/{chart.id}" + (f"?{query}" if query else ""), chart, None
    raise LookupError(url)


def oembed() -> Response:
    url = request.args.get("url", "")
    if not url:
        return _error(400, "url is required", "url")
    if request.args.get("format", "json") != "json":
        return _error(501, "only format=json is supported", "format")
    try:
        maxwidth, maxheight = _bounded("maxwidth"), _bounded("maxheight")
    except ValueError as bad:
        return _error(400, f"{bad} must be a whole number from 50 to 5000", str(bad))
    host = urlsplit(url).netloc
    if host and host != request.host:
        return _error(404, f"not a Pressure Points URL: {url}", "url")
    try:
        embed, chart, kpi_id = _target(url)
    except LookupError:
        return _error(404, f"no embeddable chart at {url}", "url")
    if chart is not None:
        title, height = chart.title, embed_height(chart)
    else:
        title, height = kpis.BY_ID[str(kpi_id)].title, 170
    width = min(maxwidth or 640, 640)
    height = min(maxheight or height, height)
    return jsonify(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": "Pressure Points",
            "provider_url": request.host_url,
            "title": title,
            "width": width,
            "height": height,
            "cache_age": 3600,
            "html": iframe(embed, title, height),
        }
    )


def discovery_link() -> str:
    """The <link> that lets CMSs find our oEmbed endpoint for the page being served."""
    href = f"{request.host_url}oembed?url={quote(request.url, safe='')}&format=json"
    return (
        f'<link rel="alternate" type="application/json+oembed" href="{escape(href)}" '
        'title="Pressure Points oEmbed">'
    )


def register(server: Flask) -> None:
    server.add_url_rule("/oembed", "oembed", oembed)
