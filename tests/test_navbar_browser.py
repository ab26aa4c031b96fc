"""The navbar on narrow screens (issue 13): at 375 px the page links and languages fold behind a
"Menu" button that opens them (then reachable with Tab) and says so with aria-expanded; at
1280 px they show without it. Real Chromium, the fixtures of tests/conftest.py."""

from __future__ import annotations

import pytest

from tests.test_browser import Visit, wait_until

pytestmark = pytest.mark.browser

FOCUSED = """() => {
    const el = document.activeElement;
    return el ? (el.getAttribute("href") || el.id || el.tagName) : null;
}"""


def nav_links(page):  # type: ignore[no-untyped-def]
    return page.locator("#pp-nav .nav-link")


def test_narrow_screen_folds_the_nav_behind_a_menu_button(live_url, browser) -> None:
    visit = Visit(browser, live_url + "/trade?lang=hy", 375)
    try:
        page = visit.page
        page.locator(".js-plotly-plot").first.wait_for(timeout=20_000)
        toggler = page.locator("#pp-nav-toggler")
        assert toggler.is_visible()
        assert toggler.inner_text().strip() == "Ընտրացանկ"  # its name, in the page's language
        assert toggler.get_attribute("aria-expanded") == "false"
        assert toggler.get_attribute("aria-controls") == "pp-nav-collapse"
        box = toggler.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24
        links = nav_links(page)
        assert links.count() >= 7
        assert not any(links.nth(i).is_visible() for i in range(links.count()))
        assert not page.locator("#pp-langs").is_visible()
        # The charts start right under a one-line navbar, not below the whole list of links.
        nav_box = page.locator("#pp-nav").bounding_box()
        assert nav_box is not None and nav_box["height"] < 90
        # Keyboard: Tab to the button, Enter opens the menu, the next Tab lands on the first link.
        toggler.focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
        assert outline != "none" or shadow != "none"  # a visible focus indicator
        page.keyboard.press("Enter")
        wait_until(lambda: toggler.get_attribute("aria-expanded") == "true")
        wait_until(lambda: all(links.nth(i).is_visible() for i in range(links.count())))
        assert page.locator("#pp-langs").is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == "/?lang=hy"  # the first page link (Overview)
        # Pressing the button again folds the menu.
        toggler.click()
        wait_until(lambda: toggler.get_attribute("aria-expanded") == "false")
        wait_until(lambda: not links.first.is_visible())
        # Moving to another page with the menu open closes it, and the language links follow.
        toggler.click()
        wait_until(lambda: links.first.is_visible())
        page.locator("#pp-nav .nav-link[href='/energy?lang=hy']").click()
        wait_until(lambda: page.evaluate("location.pathname") == "/energy")
        wait_until(lambda: toggler.get_attribute("aria-expanded") == "false")
        russian = page.locator("#pp-langs a[hreflang=ru]")
        wait_until(lambda: (russian.get_attribute("href") or "").startswith("/energy?"))
        assert "lang=ru" in (russian.get_attribute("href") or "")
        assert visit.errors == []
    finally:
        visit.close()


def test_wide_screen_shows_the_nav_without_a_button(live_url, browser) -> None:
    visit = Visit(browser, live_url + "/trade", 1280)
    try:
        page = visit.page
        page.locator("#pp-nav .nav-link").first.wait_for(timeout=20_000)
        assert not page.locator("#pp-nav-toggler").is_visible()
        links = nav_links(page)
        assert all(links.nth(i).is_visible() for i in range(links.count()))
        assert page.locator("#pp-langs").is_visible()
        assert visit.errors == []
    finally:
        visit.close()
