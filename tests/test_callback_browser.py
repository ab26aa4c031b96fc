"""Issue 15 in Chromium: one server round trip per control change — `update_charts` alone,
refilling the open data table in the same response (closed tables cost nothing)."""

from __future__ import annotations

import json

from tests.test_browser import Visit


def test_a_control_change_is_one_round_trip_that_refills_the_open_table(  # noqa: F811
    live_url,  # noqa: F811
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, live_url + "/energy", 1280)
    try:
        page = visit.page
        page.wait_for_selector(".js-plotly-plot")
        page.locator("details summary").first.click()
        page.wait_for_selector("details[open] table tbody tr")
        visit.settle()
        posts: list[dict] = []

        def on_request(request) -> None:  # type: ignore[no-untyped-def]
            if "/_dash-update-component" in request.url:
                posts.append(json.loads(request.post_data or "{}"))

        page.on("request", on_request)
        with page.expect_response(lambda r: "/_dash-update-component" in r.url) as answer:
            page.locator("#energy-controls input[type=checkbox]").first.click()
        text = answer.value.text()
        visit.settle()
        page.wait_for_timeout(500)  # a second callback, if any, would have been sent by now
        assert [p["output"].count("pp-graph") for p in posts] == [1], [p["output"] for p in posts]
        assert "pp-tablebody" in text, "the open table is refilled in the same response"
        assert page.locator("details[open] table tbody tr").count() > 0
        assert visit.errors == []
    finally:
        visit.close()
