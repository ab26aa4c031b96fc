"""The page footer: what the site is, a link to the sources, and the colour theme switch
(Auto / Light / Dark), for every page of the app (dashboard/app.py places it).

The switch is three toggle buttons (`aria-pressed`) run by dashboard/assets/pp-theme.js, not by
Dash callbacks: the choice is the reader's, kept in their browser's localStorage only (no cookie,
nothing sent to the server), and it must take effect before the first paint, before Dash has
drawn anything. `script_first` moves that asset into <head> for this reason.
"""

from __future__ import annotations

import re
from typing import Any

import dash_bootstrap_components as dbc
from dash import hooks, html

from dashboard.i18n import N_, gettext

THEME_SCRIPT = "pp-theme.js"
# Dash writes each asset as `<script src="/assets/pp-theme.js?m=<mtime>"></script>`.
_SCRIPT_TAG = re.compile(
    r'<script src="[^"]*/' + re.escape(THEME_SCRIPT) + r'(\?[^"]*)?"></script>'
)
CHOICES = (("auto", N_("Auto")), ("light", N_("Light")), ("dark", N_("Dark")))


@hooks.index()
def script_first(index: str) -> str:
    """The index page with the theme script moved from the end of <body> into <head>, so it sets
    `data-bs-theme` before the page is first painted (no white flash for dark readers). It stays
    a same-origin file: the Content-Security-Policy needs no new hash."""
    match = _SCRIPT_TAG.search(index)
    if match is None or "</head>" not in index:
        return index
    without = index[: match.start()] + index[match.end() :]
    return without.replace("</head>", match.group(0) + "</head>", 1)


def theme_switch(lang: str) -> html.Div:
    """Auto / Light / Dark as a labelled group of toggle buttons; pp-theme.js presses the one
    stored in the browser (Auto until the reader chooses)."""
    label = gettext(lang, "Colour theme")
    # aria-* and data-* pass through Dash html components but are not in their signatures.
    group: dict[str, Any] = {"aria-labelledby": "pp-theme-label"}

    def state(value: str) -> dict[str, Any]:
        return {"data-pp-theme": value, "aria-pressed": "true" if value == "auto" else "false"}

    return html.Div(
        [
            html.Span(label + ":", id="pp-theme-label", className="me-2"),
            html.Div(
                [
                    html.Button(
                        gettext(lang, text),
                        type="button",
                        className="btn btn-sm pp-theme-btn",
                        **state(value),
                    )
                    for value, text in CHOICES
                ],
                role="group",
                className="btn-group",
                **group,
            ),
        ],
        className="pp-theme d-flex align-items-center flex-wrap mt-2",
    )


def with_lang(href: str, lang: str) -> str:
    """A link to one of our pages that keeps the reader's language (`?lang=` unless English)."""
    return href if lang == "en" else f"{href}?lang={lang}"


def footer(lang: str) -> html.Footer:
    return html.Footer(
        dbc.Container(
            [
                html.Div(
                    [
                        gettext(
                            lang,
                            "Pressure Points: open data on Armenia's exposure to Russian "
                            "levers. Every number links to its source; see",
                        )
                        + " ",
                        html.A(gettext(lang, "Sources"), href=with_lang("/sources", lang)),
                        ".",
                    ]
                ),
                theme_switch(lang),
            ],
            fluid="lg",
        ),
        className="pp-footer small text-muted py-3 mt-4 border-top",
    )
