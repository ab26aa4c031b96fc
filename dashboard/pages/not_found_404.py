"""The page any unknown path shows (Dash Pages uses a module named `not_found_404` for it);
the server answers it with status 404 (`dashboard.web.dash_requests`). Not in the navigation."""

from __future__ import annotations

import dash
from dash import html

dash.register_page(__name__, path="/404", name="Not found", title="Not found — Pressure Points")


def layout(**_query: object) -> html.Div:
    return html.Div(
        [
            html.H1("Page not found"),
            html.P(
                [
                    "There is no page at this address. Start from the ",
                    html.A("overview", href="/"),
                    " or see where every number comes from on ",
                    html.A("Sources", href="/sources"),
                    ".",
                ]
            ),
        ],
        className="pp-not-found py-4",
    )
