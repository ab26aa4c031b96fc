"""The language travels with every link (issue 13): `hreflang` alternates in each page's <head>,
and the embed snippets, download links and oEmbed answers of a page read in Armenian or Russian
carry `lang=` (English ones do not)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import dash
import plotly.utils
import pytest

from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.i18n import gettext
from dashboard.pages._components import chart_card, download_links, embed_snippets_for
from dashboard.web.dash_requests import is_not_found_page

PAGE_PATHS = sorted(
    page["relative_path"] for page in dash.page_registry.values() if not is_not_found_page(page)
)


class HeadLinks(HTMLParser):
    """The attributes of every <link> in a page's <head>, entities decoded."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.in_head = True

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":
            self.in_head = False
        if tag == "link" and self.in_head:
            self.links.append({k: v or "" for k, v in attrs})


def alternates(html_text: str) -> dict[str, str]:
    parser = HeadLinks()
    parser.feed(html_text)
    return {
        link["hreflang"]: link["href"]
        for link in parser.links
        if link.get("rel") == "alternate" and "hreflang" in link
    }


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_lists_itself_in_each_language(path, dash_store) -> None:
    client = app.server.test_client()
    response = client.get(f"{path}?from=2015&lang=hy", base_url="https://pp.example.org")
    assert response.status_code == 200
    found = alternates(response.get_data(as_text=True))
    base = f"https://pp.example.org{path}"
    assert found == {
        "en": f"{base}?from=2015&lang=en",
        "hy": f"{base}?from=2015&lang=hy",
        "ru": f"{base}?from=2015&lang=ru",
        "x-default": f"{base}?from=2015",
    }


def test_alternates_of_a_bare_page_and_escaping(dash_store) -> None:
    client = app.server.test_client()
    bare = alternates(client.get("/energy").get_data(as_text=True))
    assert bare["x-default"] == "http://localhost/energy"
    assert bare["ru"] == "http://localhost/energy?lang=ru"
    hostile = client.get('/energy?q="><script>alert(1)</script>&lang=ru&lang=hy')
    text = hostile.get_data(as_text=True)
    assert "<script>alert(1)" not in text and '"><script>' not in text
    found = alternates(text)
    assert set(found) == {"en", "hy", "ru", "x-default"}
    for code in ("en", "hy", "ru"):  # every `lang=` replaced by the one of the alternate
        assert parse_qs(urlsplit(found[code]).query) == {
            "q": ['"><script>alert(1)</script>'],
            "lang": [code],
        }


def hrefs_in(component: object) -> list[str]:
    """Every href and textarea value in a Dash component tree (as its JSON)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props", node)
            for key in ("href", "value"):
                if isinstance(props.get(key), str):
                    found.append(props[key])
            for value in props.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder)))
    return found


@pytest.mark.parametrize("lang", ["hy", "ru"])
def test_snippets_and_downloads_of_a_page_in_armenian_or_russian_carry_lang(
    lang, dash_store
) -> None:
    chart = CHARTS["gas_border_price"]
    rendered = render(chart, {"from": "2015", "lang": lang})
    codes = embed_snippets_for(rendered)
    assert set(codes) == {"iframe", "resize", "frozen", "png", "svg"}
    for kind, code in codes.items():
        assert f"lang={lang}" in code, kind
        assert "from=2015" in code, kind
    assert f'title="{gettext(lang, chart.title)}"' in codes["iframe"]  # the iframe's name too
    links = [a.href for a in download_links(chart, rendered.options, lang) if hasattr(a, "href")]
    assert len(links) == 2 and all(f"lang={lang}" in href for href in links)
    # The card the page draws (first load) carries them too.
    card = hrefs_in(chart_card(rendered))
    assert any(
        h.startswith("/download/gas_border_price.csv?") and f"lang={lang}" in h for h in card
    )
    assert any(h.startswith("<iframe") and f"lang={lang}" in h for h in card)
    # And the download answers in that language: title, description, Content-Language.
    client = app.server.test_client()
    json_href = next(h for h in links if ".json?" in h)
    answer = client.get(json_href)
    assert answer.status_code == 200 and answer.headers["Content-Language"] == lang
    document = answer.get_json()
    assert document["lang"] == lang and document["title"] == gettext(lang, chart.title)
    assert document["title"] != chart.title
    english = client.get(json_href.replace(f"&lang={lang}", ""))
    assert english.get_json()["title"] == chart.title
    assert english.headers["ETag"] != answer.headers["ETag"]  # cached apart


def test_snippets_and_downloads_in_english_have_no_lang(dash_store) -> None:
    chart = CHARTS["gas_border_price"]
    for query in ({}, {"lang": "en"}, {"lang": "xx"}):
        rendered = render(chart, query)
        for kind, code in embed_snippets_for(rendered).items():
            assert "lang=" not in code, (query, kind)
        for link in download_links(chart, rendered.options, rendered.lang):
            assert "lang=" not in getattr(link, "href", ""), query


def oembed(client, url: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/oembed", query_string={"url": url})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_oembed_carries_the_language_of_the_url(dash_store) -> None:
    client = app.server.test_client()
    page = oembed(client, "http://localhost/energy?from=2015&lang=hy")
    assert "/embed/gas_imports_by_supplier?from=2015&amp;lang=hy" in page["html"]
    assert page["title"] == gettext("hy", CHARTS["gas_imports_by_supplier"].title)
    embed = oembed(client, "http://localhost/embed/electricity_mix?lang=ru")
    assert "/embed/electricity_mix?lang=ru" in embed["html"]
    kpi = oembed(client, "http://localhost/embed/kpi/upper_lars_status?lang=ru")
    assert "/embed/kpi/upper_lars_status?lang=ru" in kpi["html"]
    assert kpi["title"] == "Пункт пропуска Верхний Ларс"
    for url in (
        "http://localhost/energy?from=2015",
        "http://localhost/energy?lang=en",
        "http://localhost/energy?lang=xx",
        "http://localhost/embed/kpi/upper_lars_status",
    ):
        answer = oembed(client, url)
        assert "lang=" not in answer["html"], url
    # The discovery <link> of a Russian page points at the Russian page.
    text = client.get("/energy?lang=ru").get_data(as_text=True)
    discovery = next(
        link["href"] for link in _head_links(text) if link.get("type") == "application/json+oembed"
    )
    target = parse_qs(urlsplit(discovery).query)["url"][0]
    assert parse_qs(urlsplit(target).query)["lang"] == ["ru"]
    assert "lang=ru" in oembed(client, target)["html"]


def _head_links(text: str) -> list[dict[str, str]]:
    parser = HeadLinks()
    parser.feed(text)
    return parser.links


@pytest.mark.browser
def test_page_in_armenian_keeps_lang_in_downloads_and_snippets_after_a_control_change(
    live_url, browser
) -> None:
    """The first load draws the links; a control change refreshes them through the page's
    callback: both carry `lang=hy`."""
    from tests.test_browser import Visit, wait_until

    visit = Visit(browser, live_url + "/energy?lang=hy", 1280)
    try:
        page = visit.page
        page.locator(".js-plotly-plot").first.wait_for(timeout=20_000)
        visit.settle()
        link = page.locator("#card-gas_border_price a[href*='/download/gas_border_price.csv']")
        assert "lang=hy" in (link.get_attribute("href") or "")
        snippet = page.locator("#card-gas_border_price textarea").first
        assert "lang=hy" in snippet.input_value()
        from_input = page.locator("#energy-controls input[type=number]").first
        from_input.fill("2012")
        from_input.press("Enter")
        from_input.press("Tab")
        wait_until(lambda: "from=2012" in (link.get_attribute("href") or ""), timeout=30)
        assert "lang=hy" in (link.get_attribute("href") or "")
        wait_until(lambda: "from=2012" in snippet.input_value(), timeout=30)
        assert "lang=hy" in snippet.input_value()
        assert visit.errors == []
    finally:
        visit.close()
