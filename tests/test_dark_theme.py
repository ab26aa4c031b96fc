"""The dark theme (WCAG 2.2 AA in both): the dark figure variant and its contrast, embeds with
`?theme=dark` (drawn dark, cached apart from light), the footer's Auto / Light / Dark switch kept
in localStorage only, set before the first paint, and the charts following it in the browser."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard.app import app
from dashboard.figures.theme import DARK, OKABE_ITO, dark_figure
from dashboard.pages._footer import footer
from tests.test_browser import Visit, wait_until
from tests.test_contrast import CSS, contrast


def test_dark_figure_darkens_every_axis_note_and_black_series() -> None:
    fig = go.Figure(
        [go.Scatter(name="Georgia", line={"color": "#000000"}, textfont={"color": "#555"})],
        layout={
            "yaxis2": {"title": {"text": "b"}},
            "annotations": [{"text": "n", "bgcolor": "rgba(255,255,255,0.85)", "font": {}}],
            "geo": {"showland": True},
        },
    ).to_plotly_json()
    before = json.dumps(fig, default=str)
    dark = dark_figure(fig)
    assert json.dumps(fig, default=str) == before  # a copy: the cached render is shared
    layout = dark["layout"]
    assert layout["paper_bgcolor"] == layout["plot_bgcolor"] == DARK["paper"]
    assert layout["font"]["color"] == DARK["text"]
    assert layout["yaxis2"]["gridcolor"] == layout["xaxis"]["gridcolor"] == DARK["grid"]
    assert layout["annotations"][0]["bgcolor"].startswith("rgba(22,24,29")
    assert layout["geo"]["landcolor"] == DARK["land"]
    assert dark["data"][0]["line"]["color"] == DARK["text"]
    assert dark["data"][0]["textfont"]["color"] == DARK["note"]


def test_dark_colours_pass_aa() -> None:
    """Text 4.5:1 on the dark paper (embeds, images) and on the app's dark chart background;
    series colours 3:1 (WCAG 1.4.11 non-text contrast) once black is lightened."""
    for text in ("text", "note"):
        assert contrast(DARK[text], DARK["paper"]) >= 4.5
    rule = re.search(r"\{([^}]*--pp-chart-bg[^}]*)\}", CSS)
    assert rule, "no chart colours for the dark theme in pp.css"
    app_dark = dict(re.findall(r"(--pp-[\w-]+):\s*(#[0-9a-fA-F]{6})", rule.group(1)))
    for name in ("--pp-chart-text", "--pp-chart-note", "--pp-chart-ink"):
        assert contrast(app_dark[name], app_dark["--pp-chart-bg"]) >= 4.5, name
    for name, colour in OKABE_ITO.items():
        if name != "black":
            assert contrast(colour, DARK["paper"]) >= 3, name
            assert contrast(colour, app_dark["--pp-chart-bg"]) >= 3, name
    assert ".navbar.bg-light" in CSS  # the navbar's light background has a dark-mode tint


@pytest.fixture
def client(dash_store):  # type: ignore[no-untyped-def]
    from dashboard.data import cache

    cache.local().clear()
    return app.server.test_client()


def _figure(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="pp-figure">(.*?)</script>', page)
    assert match, "no figure in the embed"
    return json.loads(match.group(1))


def test_embed_theme_dark_is_drawn_dark_and_cached_apart_from_light(client, monkeypatch) -> None:
    light = client.get("/embed/gas_border_price")
    dark = client.get("/embed/gas_border_price?theme=dark")
    assert light.status_code == dark.status_code == 200
    assert 'data-theme="light"' in light.get_data(as_text=True)  # light unless asked
    assert 'data-theme="dark"' in dark.get_data(as_text=True)
    assert _figure(dark.get_data(as_text=True))["layout"]["paper_bgcolor"] == DARK["paper"]
    assert "paper_bgcolor" not in _figure(light.get_data(as_text=True))["layout"]
    assert light.headers["ETag"] != dark.headers["ETag"]

    # Both are cached, each under its own key: asked again, neither is rebuilt or mixed up.
    from dashboard.web import embed

    monkeypatch.setattr(embed, "embed_html", lambda *a, **k: pytest.fail("rebuilt"))
    again = client.get("/embed/gas_border_price?theme=dark")
    assert again.data == dark.data and again.headers["ETag"] == dark.headers["ETag"]
    assert client.get("/embed/gas_border_price?theme=light").data == light.data


def test_theme_script_runs_in_head_once_and_the_footer_has_the_switch(client) -> None:
    page = client.get("/").get_data(as_text=True)
    head, body = page.split("</head>", 1)
    assert re.search(r'<script src="/assets/pp-theme\.js(\?[^"]*)?"></script>', head)
    assert "pp-theme.js" not in body
    assert "Set-Cookie" not in client.get("/").headers

    rendered = json.dumps(footer("ru"), cls=PlotlyJSONEncoder, ensure_ascii=False)
    for word in ("Цветовая тема", "Авто", "Светлая", "Тёмная"):
        assert word in rendered
    assert '"data-pp-theme": "dark"' in rendered and '"aria-pressed": "true"' in rendered


# --- in the browser ---------------------------------------------------------------------------
def _theme(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.get_attribute("html", "data-bs-theme"))


PLOT_TEXT = "#card-gas_border_price .js-plotly-plot .xtick text"


def _chart_colours(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => {
            const plot = document.querySelector("#card-gas_border_price .js-plotly-plot");
            const style = (sel, prop) => getComputedStyle(plot.querySelector(sel))[prop];
            return {tick: style(".xtick text", "fill"),
                    paper: style(".main-svg", "backgroundColor")};
        }"""
    )


@pytest.mark.browser
def test_pages_follow_a_dark_system_preference_before_any_chart_is_drawn(
    live_url,
    browser,  # noqa: F811
) -> None:
    visit = Visit(browser, "about:blank", 1280)
    try:
        page = visit.page
        page.emulate_media(color_scheme="dark")
        page.goto(live_url + "/energy", wait_until="commit")
        page.wait_for_load_state("domcontentloaded")
        assert _theme(page) == "dark"  # set in <head>, before the body is painted
        page.locator(PLOT_TEXT).first.wait_for(timeout=30_000)
        colours = _chart_colours(page)
        assert colours["paper"] == "rgb(22, 24, 29)"
        assert colours["tick"] == "rgb(232, 232, 232)"
        pressed = page.locator('[data-pp-theme][aria-pressed="true"]')
        assert pressed.count() == 1 and pressed.get_attribute("data-pp-theme") == "auto"
        assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.browser
def test_the_switch_is_kept_in_local_storage_across_a_reload(live_url, browser) -> None:  # noqa: F811
    visit = Visit(browser, live_url + "/energy", 1280)  # the system prefers light
    try:
        page = visit.page
        assert _theme(page) == "light"
        page.locator('[data-pp-theme="dark"]').click()
        assert _theme(page) == "dark"
        assert page.evaluate("localStorage.getItem('pp-theme')") == "dark"
        assert page.locator('[data-pp-theme="dark"]').get_attribute("aria-pressed") == "true"
        assert visit.context.cookies() == []  # newsrooms: no cookies

        page.reload(wait_until="domcontentloaded")
        assert _theme(page) == "dark"  # before the footer exists: from localStorage, in <head>
        button = page.locator('[data-pp-theme="dark"]')
        button.wait_for(timeout=20_000)
        wait_until(lambda: button.get_attribute("aria-pressed") == "true")
        page.locator(PLOT_TEXT).first.wait_for(timeout=30_000)
        assert _chart_colours(page)["tick"] == "rgb(232, 232, 232)"

        page.locator('[data-pp-theme="auto"]').click()
        assert _theme(page) == "light"
        assert page.evaluate("localStorage.getItem('pp-theme')") is None
        assert _chart_colours(page)["tick"] != "rgb(232, 232, 232)"
        assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.browser
def test_an_embed_with_theme_dark_is_drawn_dark(live_url, browser) -> None:  # noqa: F811
    visit = Visit(browser, live_url + "/embed/gas_border_price?theme=dark", 800)
    try:
        page = visit.page
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        colours = page.evaluate(
            """() => ({body: getComputedStyle(document.body).backgroundColor,
                       paper: getComputedStyle(document.querySelector(".js-plotly-plot .main-svg"))
                              .backgroundColor})"""
        )
        assert colours == {"body": "rgb(22, 24, 29)", "paper": "rgb(22, 24, 29)"}
        assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.browser
def test_an_auto_embed_follows_a_dark_reader_on_every_axis(live_url, browser) -> None:  # noqa: F811
    visit = Visit(browser, "about:blank", 800)
    try:
        page = visit.page
        page.emulate_media(color_scheme="dark")
        visit.goto(live_url + "/embed/gas_imports_by_supplier?theme=auto")
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        layout = page.evaluate(
            """() => { const l = document.querySelector(".js-plotly-plot").layout;
                       return [l.paper_bgcolor, l.yaxis.gridcolor, l.yaxis2.gridcolor]; }"""
        )
        assert layout == [DARK["paper"], DARK["grid"], DARK["grid"]]
        assert visit.errors == []
    finally:
        visit.close()
