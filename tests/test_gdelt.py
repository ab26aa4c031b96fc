"""GDELT DOC 2.0 timelinevolraw: shape, pacing (fake clock), 429 text bodies, the fault list."""

from __future__ import annotations

import json

import pytest

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.refresh import refresh_source
from data_sources.sources import gdelt
from data_sources.store import now_utc
from tests.conftest import fixture_bytes
from tests.incident_helpers import FakeClock, assert_failed_and_kept
from tests.upstream import Reply

PREFIX = "/api/v2/doc/doc"
LIMIT_TEXT = (
    b"Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com "
    b"for larger queries."
)


def gdelt_handler(path: str, query: dict) -> Reply:
    body = json.loads(fixture_bytes("gdelt_timelinevolraw.json"))
    body["query_details"]["title"] = query["query"][0]
    return Reply(json.dumps(body).encode(), content_type="application/json; charset=utf-8")


@pytest.fixture
def gd(upstream, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GDELT_BASE_URL", upstream.url + "/api/v2")
    upstream.route(PREFIX, gdelt_handler)
    return upstream


@pytest.fixture
def first(store, gd, make_http):  # type: ignore[no-untyped-def]
    report = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    return store.load("gdelt")


def _raw(body: bytes, status: int = 200) -> RawResponse:
    return RawResponse(
        url="http://127.0.0.1/api/v2/doc/doc?query=x",
        status=status,
        content_type="application/json",
        body=body,
        fetched_at=now_utc(),
        params={"query": gdelt.QUERIES["upper_lars"]},
    )


def test_promotes_one_row_per_query_and_day(first, gd) -> None:
    info, frame = first
    assert info.rows == 3 * 4 and set(frame["query_id"]) == set(gdelt.QUERIES)
    border = frame[frame["query_id"] == "armenia_azerbaijan_border"].set_index("date")
    assert border.loc["2026-11-25", "articles"] == 31
    assert border.loc["2026-11-25", "all_articles"] == 160377
    asked = [q for _, q, _ in gd.requests]
    assert [q["query"][0] for q in asked] == list(gdelt.QUERIES.values())
    assert all(
        q["mode"] == ["timelinevolraw"]
        and q["format"] == ["json"]
        and q["timespan"] == [gdelt.TIMESPAN]
        for q in asked
    )
    assert all(h.get("User-Agent", "").startswith("PressurePoints/") for _, _, h in gd.requests)


def test_calls_are_paced_five_seconds_apart(store, gd, make_http, monkeypatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(gdelt, "clock", clock)
    seen: list[float] = []
    gd.route(PREFIX, lambda p, q: (seen.append(clock()), gdelt_handler(p, q))[1])
    report = refresh_source(store, gdelt.SOURCE, http_factory=lambda: make_http(sleep=clock.sleep))
    assert report.outcome == "ok", report.error
    assert [b - a for a, b in zip(seen, seen[1:], strict=False)] == [5.0, 5.0]
    assert clock.calls == [5.0, 5.0]  # the fake clock moved; nothing really slept


def test_429_text_body_is_retried_no_faster_than_the_pace(
    store, gd, make_http, monkeypatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(gdelt, "clock", clock)
    seen: list[float] = []
    replies = iter([Reply(LIMIT_TEXT, status=429, content_type="text/plain")])

    def handler(path: str, query: dict) -> Reply:
        seen.append(clock())
        return next(replies, None) or gdelt_handler(path, query)

    gd.route(PREFIX, handler)
    report = refresh_source(store, gdelt.SOURCE, http_factory=lambda: make_http(sleep=clock.sleep))
    assert report.outcome == "ok", report.error
    assert report.retries == 1 and len(seen) == 4
    assert all(b - a >= 5.0 for a, b in zip(seen, seen[1:], strict=False))


def test_rate_limit_text_with_200_is_retried(store, gd, make_http) -> None:
    # GDELT labels its plain-text notices text/html (alex9smith/gdelt-doc-api PR #20)
    replies = iter([Reply(LIMIT_TEXT, content_type="text/html; charset=utf-8")])
    gd.route(PREFIX, lambda p, q: next(replies, None) or gdelt_handler(p, q))
    report = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    assert report.retries == 1


def test_persistent_429_fails_and_keeps_last_good(store, first, gd, make_http, fake_sleep) -> None:
    gd.route(PREFIX, Reply(LIMIT_TEXT, status=429, content_type="text/plain"))
    report = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "gdelt", report, first, "http_429")
    assert "limit requests" in report.error
    assert all(s >= gdelt.MIN_INTERVAL for s in fake_sleep.calls[-3:])


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            b'{"query_details": {}, "timeline": [{"series": "Article Count", "data": [{"date": '
            b'"20261124T000000Z", "value": 1, "norm": 5}',
            "invalid_payload",
        ),  # cut JSON
        (b'{"query_details": {}, "timeseries": []}', "schema_drift"),  # renamed key
        (
            fixture_bytes("gdelt_timelinevolraw.json").replace(b'"value": 31', b'"value": "n/a"'),
            "schema_drift",
        ),  # retyped value
        (b"{}", "empty_result"),  # nothing matched any query
        (b"Your search contained a keyword that was too short.", "upstream_error"),
    ],
)
def test_bad_bodies_fail_clearly(body, expected, store, first, gd, make_http) -> None:
    text_error = not body.startswith(b"{")  # GDELT's text errors are labelled text/html
    gd.route(PREFIX, Reply(body, content_type="text/html" if text_error else "application/json"))
    report = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "gdelt", report, first, expected)


def test_timeline_shape() -> None:
    points = gdelt.timeline(_raw(fixture_bytes("gdelt_timelinevolraw.json")))
    assert points[0] == {"date": "20261124T000000Z", "value": 12, "norm": 151201}
    with pytest.raises(SourceError) as err:
        gdelt.timeline(_raw(LIMIT_TEXT))
    assert err.value.error_class == "rate_limited"
    frame = gdelt.tidy([_raw(fixture_bytes("gdelt_timelinevolraw.json"))])
    assert set(frame["query_id"]) == {"upper_lars"} and frame["date"].iloc[0] == "2026-11-24"
