"""The page any unknown path shows (Dash Pages uses a module named `not_found_404` for it);
the server answers it with status 404 (`dashboard.web.dash_requests`). Not in the navigation."""

from __future__ import annotations

import dash
from dash import html

from dashboard.i18n import gettext, parse_lang
from dashboard.pages._footer import with_lang

dash.register_page(__name__, path="/404", name="Not found", title="Not found — Pressure Points")


def layout(**query: object) -> html.Div:
    lang = parse_lang(query.get("lang"))
    return html.Div(
        [
            html.H1(gettext(lang, "Page not found")),
            html.P(
                [
                    gettext(lang, "There is no page at this address. Start from the") + " ",
                    html.A(gettext(lang, "overview"), href=with_lang("/", lang)),
                    " " + gettext(lang, "or see where every number comes from on") + " ",
                    html.A(gettext(lang, "Sources"), href=with_lang("/sources", lang)),
                    ".",
                ]
            ),
        ],
        className="pp-not-found py-4",
    )
