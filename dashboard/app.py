"""The Dash application and its Flask server (`gunicorn dashboard.app:server`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask import request

from dashboard.i18n import LANGS, NAMES, gettext, parse_lang
from dashboard.pages import _callbacks  # callbacks register on import
from dashboard.pages._components import failure_banner
from dashboard.web import callback_cache, dash_requests, headers, routes
from dashboard.web.dash_requests import is_not_found_page
from dashboard.web.feeds import alternate_links
from dashboard.web.oembed import discovery_link


def page_address() -> tuple[str, str]:
    """(path, language) of the page being served: `?lang=en|hy|ru`, anything else English.
    Dash builds the app layout in a separate `/_dash-layout` request without the page's query,
    so there they come from the Referer the browser sends (same origin: full URL, under our
    `strict-origin-when-cross-origin` policy)."""
    if request.path.endswith("/_dash-layout") and request.referrer:
        page = urlsplit(request.referrer)
        return page.path or "/", parse_lang(parse_qs(page.query).get("lang"))
    return request.path, parse_lang(request.args.get("lang"))


def page_language() -> str:
    return page_address()[1]


class PressurePointsDash(dash.Dash):
    """Dash with the oEmbed discovery <link> of the page being served in every index page, and
    the page's language on <html> (Dash's default index has a bare `<html>`: WCAG 3.1.1)."""

    def interpolate_index(self, *args: Any, **kwargs: Any) -> str:
        kwargs["metas"] = kwargs.get("metas", "") + discovery_link() + alternate_links(request.path)
        index = super().interpolate_index(*args, **kwargs)
        return index.replace("<html>", f'<html lang="{page_language()}">', 1)


HERE = Path(__file__).parent

app = PressurePointsDash(
    __name__,
    use_pages=True,
    pages_folder=str(HERE / "pages"),
    assets_folder=str(HERE / "assets"),
    title="Pressure Points — Armenia's exposure to Russian levers",
    update_title=None,  # type: ignore[arg-type]  # Dash documents None (no "Updating..."), annotates str
    serve_locally=True,
    compress=True,
    suppress_callback_exceptions=True,
    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
)
server = app.server
routes.register(server)
headers.install(app)
dash_requests.install(app)
callback_cache.install(app, _callbacks.CACHED_OUTPUT_TYPES, _callbacks.CACHED_PAGE_PATHS)


def _language_switcher(lang: str) -> html.Div:
    """Links to this page in each language (full loads: the whole page changes language)."""
    path = page_address()[0]
    spaced: list = []
    for code in LANGS:
        # aria-* pass through Dash html components but are not in their signatures
        current: dict[str, Any] = {"aria-current": "true" if code == lang else "false"}
        link = html.A(
            NAMES[code],
            href=f"{path}?lang={code}",
            lang=code,
            hrefLang=code,
            className="pp-lang" + (" fw-bold" if code == lang else ""),
            **current,
        )
        spaced += [" ", link] if spaced else [link]
    return html.Div(spaced, className="pp-langs small ms-lg-3", id="pp-langs")


def _nav() -> dbc.Navbar:
    lang = page_language()
    suffix = "" if lang == "en" else f"?lang={lang}"
    links = [
        dbc.NavItem(
            dbc.NavLink(
                gettext(lang, page["name"]), href=page["relative_path"] + suffix, active="exact"
            )
        )
        for page in dash.page_registry.values()
        if not is_not_found_page(page)
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Pressure Points", href="/"),
                dbc.Nav(links, className="flex-wrap", navbar=True),
                _language_switcher(lang),
            ],
            fluid=True,
        ),
        color="light",
        dark=False,
        className="mb-3 border-bottom",
        id="pp-nav",
    )


def layout() -> html.Div:
    return html.Div(
        [
            html.A("Skip to content", href="#pp-main", className="visually-hidden-focusable"),
            _nav(),
            dbc.Container(
                [failure_banner(), html.Main(dash.page_container, id="pp-main")], fluid="lg"
            ),
            html.Footer(
                dbc.Container(
                    [
                        "Pressure Points: open data on Armenia's exposure to Russian "
                        "levers. Every number links to its source; see ",
                        html.A("Sources", href="/sources"),
                        ".",
                    ],
                    fluid="lg",
                ),
                className="pp-footer small text-muted py-3 mt-4 border-top",
            ),
        ]
    )


app.layout = layout
