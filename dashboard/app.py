"""The Dash application and its Flask server (`gunicorn dashboard.app:server`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask import request

from dashboard.i18n import gettext, parse_lang
from dashboard.pages import _callbacks  # callbacks register on import
from dashboard.pages._components import failure_banner
from dashboard.pages._footer import footer
from dashboard.pages._navbar import hreflang_links, navbar
from dashboard.web import bundles, callback_cache, compressed, dash_requests, headers, routes
from dashboard.web.dash_requests import is_not_found_page
from dashboard.web.feeds import alternate_links
from dashboard.web.oembed import discovery_link
from dashboard.web.server import Server


def page_address() -> tuple[str, str, str]:
    """(path, query string, language) of the page being served: `?lang=en|hy|ru`, anything
    else English.
    Dash builds the app layout in a separate `/_dash-layout` request without the page's query,
    so there they come from the Referer the browser sends (same origin: full URL, under our
    `strict-origin-when-cross-origin` policy)."""
    if request.path.endswith("/_dash-layout") and request.referrer:
        page = urlsplit(request.referrer)
        return page.path or "/", page.query, parse_lang(parse_qs(page.query).get("lang"))
    query = request.query_string.decode("latin-1")
    return request.path, query, parse_lang(request.args.get("lang"))


def page_language() -> str:
    return page_address()[2]


class PressurePointsDash(dash.Dash):
    """Dash with the oEmbed discovery <link> of the page being served in every index page, the
    page's language on <html> (Dash's default index has a bare `<html>`: WCAG 3.1.1), the
    `hreflang` alternates of the page in each language, and only the plotly.js bundle the page
    needs: none, basic or geo (`dashboard.web.bundles`)."""

    def interpolate_index(self, *args: Any, **kwargs: Any) -> str:
        kwargs["metas"] = kwargs.get("metas", "") + discovery_link() + alternate_links(request.path)
        kwargs["metas"] += hreflang_links(request.host_url, *page_address()[:2])
        kwargs["metas"] += bundles.meta_tag(request.path)
        kwargs["scripts"] = bundles.script_tag(request.path) + kwargs.get("scripts", "")
        index = super().interpolate_index(*args, **kwargs)
        return index.replace("<html>", f'<html lang="{page_language()}">', 1)


HERE = Path(__file__).parent

flask_server = Server(__name__)  # Flask, trimmed for cached hits (dashboard.web.server)
compressed.configure(flask_server)  # before Dash turns flask-compress on
app = PressurePointsDash(
    # The package's name, not this module's: Dash then imports the pages as
    # `dashboard.pages.<page>`, the same modules `from dashboard.pages import …` gives, instead of
    # second copies named `pages.<page>` that register every path twice (all requests then 500:
    # dash._validate.check_for_duplicate_pathnames).
    "dashboard",
    server=flask_server,  # type: ignore[arg-type]  # Dash documents a Flask instance here
    use_pages=True,
    pages_folder=str(HERE / "pages"),
    assets_folder=str(HERE / "assets"),
    assets_ignore=bundles.ASSETS_IGNORE,  # plotly.js per page, not on every page (issue 15)
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


def _nav() -> dbc.Navbar:
    path, query, lang = page_address()
    pages = [
        (page["name"], page["relative_path"])
        for page in dash.page_registry.values()
        if not is_not_found_page(page)
    ]
    return navbar(path, query, lang, pages)


def layout() -> html.Div:
    return html.Div(
        [
            html.A(
                gettext(page_language(), "Skip to content"),
                href="#pp-main",
                className="visually-hidden-focusable",
            ),
            _nav(),
            dbc.Container(
                [failure_banner(), html.Main(dash.page_container, id="pp-main")], fluid="lg"
            ),
            footer(page_language()),
        ]
    )


app.layout = layout
