"""The navbar every page carries (built by the app shell, dashboard/app.py): the brand, the page
links and the language switcher. Below Bootstrap's `lg` breakpoint (992 px) the links and the
switcher fold behind a "Menu" button, so long Armenian and Russian labels no longer lay the whole
nav out above the charts on a phone (issue 13); from `lg` up they are always shown.

The button is a real <button> with a translated name, `aria-expanded` and `aria-controls`; a
clientside callback (no server round trip, hashed into the CSP like the others) opens and closes
the collapse, closes it again when Dash Pages moves to another page, and keeps the language links
pointing at the page being read with its current controls (Dash rebuilds the navbar only on a
full load).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, clientside_callback, html

from dashboard.i18n import LANGS, NAMES, gettext

TOGGLER_ID = "pp-nav-toggler"
COLLAPSE_ID = "pp-nav-collapse"
BREAKPOINT = "lg"  # Bootstrap's `navbar-expand-lg`: folded below 992 px


def with_lang(path: str, query: str, lang: str) -> str:
    """`path?query` with `lang=` set to `lang` (the other parameters kept, in their order)."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    return f"{path}?{urlencode([*pairs, ('lang', lang)])}"


def hreflang_links(origin: str, path: str, query: str) -> str:
    """The `<link rel="alternate" hreflang>` tags of a page's <head>: the absolute URL of this
    page, with its other parameters, in each language, and `x-default` (no `lang=`: English,
    the language served when none is asked for). Search engines read them as described in
    https://developers.google.com/search/docs/specialty/international/localized-versions"""
    bare = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    base = origin.rstrip("/") + path
    hrefs = [(code, base + "?" + urlencode([*bare, ("lang", code)])) for code in LANGS]
    hrefs.append(("x-default", base + ("?" + urlencode(bare) if bare else "")))
    return "".join(
        f'<link rel="alternate" hreflang="{code}" href="{escape(href)}">' for code, href in hrefs
    )


def lang_link_id(code: Any) -> dict[str, Any]:
    return {"type": "pp-lang", "lang": code}


def language_switcher(path: str, query: str, lang: str) -> html.Div:
    """Links to this page, with its controls, in each language (full loads: the whole page
    changes language)."""
    spaced: list = []
    for code in LANGS:
        # aria-* pass through Dash html components but are not in their signatures
        current: dict[str, Any] = {"aria-current": "true" if code == lang else "false"}
        link = html.A(
            NAMES[code],
            href=with_lang(path, query, code),
            lang=code,
            hrefLang=code,
            id=lang_link_id(code),
            className="pp-lang" + (" fw-bold" if code == lang else ""),
            **current,
        )
        spaced += [" ", link] if spaced else [link]
    return html.Div(spaced, className="pp-langs small ms-lg-3", id="pp-langs")


def toggler(lang: str) -> html.Button:
    """The "Menu" button shown below `lg`: its visible text is its accessible name."""
    aria: dict[str, Any] = {"aria-expanded": "false", "aria-controls": COLLAPSE_ID}
    hidden: dict[str, Any] = {"aria-hidden": "true"}  # the label says it; the icon is decoration
    return html.Button(
        [
            html.Span(className="navbar-toggler-icon", **hidden),
            html.Span(gettext(lang, "Menu"), className="pp-menu-label"),
        ],
        id=TOGGLER_ID,
        type="button",
        className="navbar-toggler pp-nav-toggler",
        n_clicks=0,
        **aria,
    )


def navbar(path: str, query: str, lang: str, pages: list[tuple[str, str]]) -> dbc.Navbar:
    """The navbar of the page at `path?query` in `lang`; `pages` are (name, path) of the pages
    listed, the names being catalog messages."""
    suffix = "" if lang == "en" else f"?lang={lang}"
    links = [
        dbc.NavItem(dbc.NavLink(gettext(lang, name), href=href + suffix, active="exact"))
        for name, href in pages
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Pressure Points", href="/" + suffix),
                toggler(lang),
                dbc.Collapse(
                    [
                        dbc.Nav(links, className="flex-wrap me-auto", navbar=True),
                        language_switcher(path, query, lang),
                    ],
                    id=COLLAPSE_ID,
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="light",
        dark=False,
        expand=BREAKPOINT,
        className="mb-3 border-bottom",
        id="pp-nav",
    )


# The button opens and closes the menu; moving to another page closes it. Every trigger also
# points the language links at the page now shown with its current query (controls rewrite the
# address with replaceState, which Dash Pages does not see: their `pp-urlsync` output is an
# input here).
clientside_callback(
    """
    function(clicks, pathname, search, synced, isOpen, ids) {
        const triggered = window.dash_clientside.callback_context.triggered.map(t => t.prop_id);
        const pressed = triggered.indexOf("TOGGLER.n_clicks") !== -1;
        const moved = triggered.some(p => p.indexOf("_pages_location.") === 0);
        const open = pressed ? !isOpen : (moved ? false : isOpen);
        const params = new URLSearchParams(window.location.search);
        const hrefs = ids.map(function(id) {
            params.delete("lang");
            params.append("lang", id.lang);
            return window.location.pathname + "?" + params.toString();
        });
        return [open, open ? "true" : "false", hrefs];
    }
    """.replace("TOGGLER", TOGGLER_ID),
    Output(COLLAPSE_ID, "is_open"),
    Output(TOGGLER_ID, "aria-expanded"),
    Output(lang_link_id(ALL), "href"),
    Input(TOGGLER_ID, "n_clicks"),
    Input("_pages_location", "pathname"),
    Input("_pages_location", "search"),
    Input({"type": "pp-urlsync", "page": ALL}, "data"),
    State(COLLAPSE_ID, "is_open"),
    State(lang_link_id(ALL), "id"),
    prevent_initial_call=True,
)
