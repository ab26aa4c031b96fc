"""GDELT DOC 2.0 timelinevolraw: shape, pacing (fake clock), 429 text bodies, the fault list."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
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


# --- history accumulates: each 3-month window is merged into what the store holds ------------
def window_handler(start: date, days: int = 90, revised: dict[str, int] | None = None, note=""):  # type: ignore[no-untyped-def]
    """GDELT's timelinevolraw shape for `days` days from `start`; a day's count is its day of
    the month unless `revised` says otherwise."""

    def handler(path: str, query: dict) -> Reply:
        points = []
        for n in range(days):
            day = start + timedelta(days=n)
            value = (revised or {}).get(day.isoformat(), day.day)
            points.append(
                {
                    "date": f"{day:%Y%m%d}T000000Z",
                    "value": value,
                    "norm": 1000 + day.toordinal() % 500,
                }
            )
        body = {
            "query_details": {"title": query["query"][0], "date_resolution": "day", "note": note},
            "timeline": [{"series": "Article Count", "data": points}],
        }
        return Reply(json.dumps(body).encode(), content_type="application/json")

    return handler


def _days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def test_overlapping_windows_30_days_apart_keep_the_union(store, gd, make_http) -> None:
    start = date(2026, 6, 1)
    gd.route(PREFIX, window_handler(start))
    one = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert (one.outcome, one.rows, one.added, one.revised) == ("ok", 3 * 90, 3 * 90, 0)
    _, first = store.load("gdelt")
    stamp = first["first_seen"].iloc[0]
    assert first["first_seen"].eq(stamp).all() and first["revised_at"].isna().all()

    later = start + timedelta(days=30)
    overlap = (later + timedelta(days=10)).isoformat()  # in both windows, revised upstream
    gd.route(PREFIX, window_handler(later, revised={overlap: 999}))
    two = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert two.outcome == "ok", two.error
    assert (two.rows, two.added, two.revised) == (3 * 120, 3 * 30, 3)
    info, frame = store.load("gdelt")
    assert info.id == two.version and info.rows == 3 * 120
    for query_id in gdelt.QUERIES:
        rows = frame[frame["query_id"] == query_id].set_index("date")
        assert list(rows.index) == _days(start, later + timedelta(days=89))  # the union
        assert rows.loc[overlap, "articles"] == 999  # the newer window wins
        assert rows.loc[overlap, "first_seen"] == stamp and rows.loc[overlap, "revised_at"]
        assert rows.loc[start.isoformat(), "articles"] == 1  # older than the new window: kept
        assert pd.isna(rows.loc[start.isoformat(), "revised_at"])
        newest = (later + timedelta(days=89)).isoformat()
        assert rows.loc[newest, "first_seen"] == rows.loc[overlap, "revised_at"]  # this run
        assert pd.isna(rows.loc[newest, "revised_at"])


def test_a_small_window_merges_without_tripping_the_collapse_rule(store, gd, make_http) -> None:
    start = date(2026, 6, 1)
    gd.route(PREFIX, window_handler(start))
    assert refresh_source(store, gdelt.SOURCE, http_factory=make_http).outcome == "ok"
    # 5 days (15 rows against 270): a "sudden collapse" if it replaced the table; merged, it
    # adds the one new day and keeps the rest.
    tail = start + timedelta(days=86)
    gd.route(PREFIX, window_handler(tail, days=5))
    report = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert (report.outcome, report.rows, report.added, report.revised) == ("ok", 3 * 91, 3, 0)
    # The same data in new bytes: the merged table is unchanged, so no new version.
    gd.route(PREFIX, window_handler(tail, days=5, note="re-served"))
    again = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert (again.outcome, again.version) == ("unchanged", report.version)
    assert len(store.list_versions("gdelt")) == 2


def test_an_empty_window_is_still_refused(store, gd, make_http) -> None:
    gd.route(PREFIX, window_handler(date(2026, 6, 1)))
    before = (refresh_source(store, gdelt.SOURCE, http_factory=make_http), store.load("gdelt"))[1]
    gd.route(PREFIX, Reply(b"{}"))
    report = refresh_source(store, gdelt.SOURCE, http_factory=make_http)
    assert_failed_and_kept(store, "gdelt", report, before, "empty_result")
