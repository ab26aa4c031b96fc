"""The language travels with every link (issue 13): `hreflang` alternates in each page's <head>,
and the embed snippets, download links and oEmbed answers of a page read in Armenian or Russian
carry `lang=` (English ones do not)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import dash
import pytest

from dashboard.app import app
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
