"""KPI embeds: one number per pressure point as a script-free HTML card or an SVG.

`?version=12,15` pins store versions (a frozen card, as for chart embeds); an id that is not a
stored version, or one of a dataset the KPI does not read, is a plain-text 400."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

import pandas as pd
from flask import Flask, Response, request

from dashboard.charts import kpis
from dashboard.charts.kpis import Kpi, KpiValue
from dashboard.data import door
from dashboard.data.door import Reads
from dashboard.data.freshness import of_render
from dashboard.figures.theme import FONT
from dashboard.i18n import gettext, parse_lang
from dashboard.web.embed_static import STATIC
from dashboard.web.responses import respond

THEMES = ("light", "dark", "auto")
_EMPTY = pd.DataFrame()


class _BadVersion(Exception):
    pass


def _pins() -> dict[str, int] | None:
    raw = request.args.get("version", "").strip()
    if not raw:  # empty means not pinned, as in the API
        return None
    try:
        return door.parse_pins(raw)
    except ValueError as bad:
        raise _BadVersion(str(bad)) from None


def _bad_version(message: str) -> Response:
    return Response(f"{message} (parameter: version)\n", status=400, mimetype="text/plain")


def _respond(kind: str, kpi: Kpi, build: Callable[[], Response]) -> Response:
    """The cached card, within the pinned versions if `?version=` is given."""
    try:
        pinned = _pins()
    except _BadVersion as bad:
        return _bad_version(str(bad))
    response, reads = respond(kind, _params(kpi), build, pinned, replayable=not kpi.daily)
    foreign = set(pinned or {}) - set(reads.sources())
    if foreign:
        return _bad_version(f"version pins {sorted(foreign)}, which this KPI does not read")
    return response


def _not_found(kpi_id: str, mimetype: str) -> Response:
    known = ", ".join(kpis.BY_ID)
    return Response(f"No KPI {escape(kpi_id)!s}. KPIs: {known}\n", status=404, mimetype=mimetype)


def _theme() -> str:
    theme = request.args.get("theme", "light")
    return theme if theme in THEMES else "light"


def _lang() -> str:
    return parse_lang(request.args.get("lang"))


def _params(kpi: Kpi) -> tuple:
    """A KPI card depends on the KPI, the theme, the language and, for daily KPIs, today's date."""
    return (kpi.id, _theme(), _lang(), date.today().isoformat() if kpi.daily else "")


def kpi_html(kpi_id: str) -> Response:
    kpi = kpis.BY_ID.get(kpi_id)
    if kpi is None:
        return _not_found(kpi_id, "text/plain")
    return _respond("kpi-html", kpi, lambda: _kpi_html(kpi))


def kpi_svg(kpi_id: str) -> Response:
    """A 360×150 card as SVG: for newsletters and CMSs that strip iframes."""
    kpi = kpis.BY_ID.get(kpi_id)
    if kpi is None:
        return _not_found(kpi_id, "text/plain")
    return _respond("kpi-svg", kpi, lambda: _kpi_svg(kpi))


def _inner_html(value: KpiValue | None, reads: Reads, lang: str = "en") -> str:
    if value is None:
        missing = gettext(lang, "No figure loaded yet.")
        return f'<div class="pp-kpi-value">—</div><p>{missing}</p>'
    stale = of_render(reads, _EMPTY).stale
    stale_word, source_word = gettext(lang, "stale"), gettext(lang, "Source")
    shown = value.number is not None and "%" not in value.value
    unit = escape(gettext(lang, value.unit)) if shown else ""  # "days" is a message
    return (
        f'<div class="pp-kpi-value">{escape(value.value)} <small>{unit}</small></div>'
        + (f'<div class="pp-kpi-change">{escape(value.change)}</div>' if value.change else "")
        + (f'<div class="pp-kpi-earlier">{escape(value.earlier)}</div>' if value.earlier else "")
        + f'<p class="pp-asof">{escape(value.period)} · {escape(value.as_of_in(lang))}'
        + (f' <span class="pp-stale">{stale_word}</span>' if stale else "")
        + "</p>"
        + f'<footer><span class="pp-origin">{escape(value.origin)}</span> · '
        + f'{source_word}: <a href="{escape(value.source_url)}" target="_blank" '
        f'rel="noopener">{escape(value.source_title)}</a></footer>'
    )


def _kpi_html(kpi: Kpi) -> Response:
    value, reads, _key = kpis.value_of(kpi)
    lang = _lang()
    title = gettext(lang, kpi.title)
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,">'  # no /favicon.ico request per card (issue 15)
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — Pressure Points</title>"
        f'<link rel="stylesheet" href="/embed/static/{STATIC["embed.css"]}"></head>'
        f'<body data-theme="{_theme()}"><figure class="pp-embed pp-kpi">'
        f"<h1>{escape(title)}</h1>{_inner_html(value, reads, lang)}</figure></body></html>"
    )
    response = Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _kpi_svg(kpi: Kpi) -> Response:
    value, _reads, _key = kpis.value_of(kpi)
    lang = _lang()
    title = gettext(lang, kpi.title)
    dark = _theme() == "dark"
    bg, fg, muted = ("#16181d", "#e8e8e8", "#b5b5b5") if dark else ("#ffffff", "#1d1d1d", "#555")
    lines = [(f"{value.value}" if value else "—", 34, 700, fg, 62)]
    if value and (value.change or value.earlier):
        lines.append(((value.change or value.earlier or "")[:60], 12, 400, fg, 86))
    if value:
        lines.append((f"{value.period} · {value.as_of_in(lang)}", 12, 400, muted, 108))
        lines.append((f"{value.origin} · {value.source_title}"[:70], 11, 400, muted, 130))
    text = "".join(
        f'<text x="14" y="{y}" font-size="{size}" font-weight="{weight}" fill="{colour}">'
        f"{escape(content)}</text>"
        for content, size, weight, colour, y in lines
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="360" height="150" viewBox="0 0 360 150" '
        f'role="img" aria-label="{escape(title)}" xml:lang="{_lang()}">'
        f'<rect width="360" height="150" rx="6" fill="{bg}" stroke="#ccc"/>'
        f'<g font-family="{escape(FONT)}">'  # the charts' fonts, where the reader has them
        f'<text x="14" y="26" font-size="14" font-weight="600" fill="{fg}">'
        f"{escape(title)}</text>{text}</g></svg>"
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def register(server: Flask) -> None:
    server.add_url_rule("/embed/kpi/<kpi_id>.svg", "embed_kpi_svg", kpi_svg)
    server.add_url_rule("/embed/kpi/<kpi_id>", "embed_kpi", kpi_html)
