"""The Dash application and its Flask server (`gunicorn dashboard.app:server`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask import request

from dashboard.pages import _callbacks  # callbacks register on import
from dashboard.pages._components import failure_banner
from dashboard.web import callback_cache, dash_requests, headers, routes
from dashboard.web.dash_requests import is_not_found_page
from dashboard.web.feeds import alternate_links
from dashboard.web.oembed import discovery_link

PAGE_LANGUAGE = "en"  # the pages are written in English; issue 13 makes this follow `?lang=`


class PressurePointsDash(dash.Dash):
    """Dash with the oEmbed discovery <link> of the page being served in every index page, and
    the page's language on <html> (Dash's default index has a bare `<html>`: WCAG 3.1.1)."""

    def interpolate_index(self, *args: Any, **kwargs: Any) -> str:
        kwargs["metas"] = kwargs.get("metas", "") + discovery_link() + alternate_links(request.path)
        index = super().interpolate_index(*args, **kwargs)
        return index.replace("<html>", f'<html lang="{PAGE_LANGUAGE}">', 1)


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
callback_cache.install(app, _callbacks.CACHED_OUTPUT_TYPES)


def _nav() -> dbc.Navbar:
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
        if not is_not_found_page(page)
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Pressure Points", href="/"),
                dbc.Nav(links, className="flex-wrap", navbar=True),
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
