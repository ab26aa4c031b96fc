"""oEmbed 1.0 (https://oembed.com/): JSON `rich` answers for our embed and page URLs, and the
discovery <link> every page carries. The language of the URL (`lang=hy|ru`) carries into the
embed in the answer's `html`, and its title is in that language."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from flask import Flask, Response, jsonify, request

from dashboard.charts import kpis
from dashboard.charts.chart import Chart
from dashboard.charts.embed_snippets import embed_height, iframe
from dashboard.charts.registry import CHARTS, for_page
from dashboard.i18n import DEFAULT, gettext, parse_lang

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


def _target(url: str) -> tuple[str, Chart | None, str | None, str]:
    """(embed URL, chart, kpi id, language) for one of our URLs; raises LookupError otherwise.
    The URL's `lang=hy|ru` goes into the embed URL (English adds nothing)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else request.host_url.rstrip("/")
    options = parse_qs(parts.query)
    lang = parse_lang(options.get("lang"))
    in_lang = "" if lang == DEFAULT else f"lang={lang}"
    if path.startswith("/embed/kpi/") and path.removeprefix("/embed/kpi/") in kpis.BY_ID:
        kpi_id = path.removeprefix("/embed/kpi/")
        return f"{origin}{path}" + (f"?{in_lang}" if in_lang else ""), None, kpi_id, lang
    if path.startswith("/embed/") and path.removeprefix("/embed/") in CHARTS:
        query = f"?{parts.query}" if parts.query else ""
        return f"{origin}{path}{query}", CHARTS[path.removeprefix("/embed/")], None, lang
    page = PAGES.get(path)
    charts = for_page(page) if page else []
    if charts:  # a page URL embeds its first chart
        chart = charts[0]
        kept = [
            f"{k}={quote(v[0])}"
            for k, v in options.items()
            if any(o.name == k for o in chart.options)
        ]
        query = "&".join(kept + ([in_lang] if in_lang else []))
        return f"{origin}/embed/{chart.id}" + (f"?{query}" if query else ""), chart, None, lang
    raise LookupError(url)


def oembed() -> Response:
    url = request.args.get("url", "")
    if not url:
        return _error(400, "url is required", "url")
    # oEmbed answers 501 for a format it cannot produce (https://oembed.com/#section2.3);
    # an empty `format=` means the default, as an empty parameter does on every route.
    if (request.args.get("format") or "json") != "json":
        return _error(501, "only format=json is supported", "format")
    try:
        maxwidth, maxheight = _bounded("maxwidth"), _bounded("maxheight")
    except ValueError as bad:
        return _error(400, f"{bad} must be a whole number from 50 to 5000", str(bad))
    host = urlsplit(url).netloc
    if host and host != request.host:
        return _error(404, f"not a Pressure Points URL: {url}", "url")
    try:
        embed, chart, kpi_id, lang = _target(url)
    except LookupError:
        return _error(404, f"no embeddable chart at {url}", "url")
    if chart is not None:
        title, height = gettext(lang, chart.title), embed_height(chart)
    else:
        title, height = gettext(lang, kpis.BY_ID[str(kpi_id)].title), 170
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
