"""The fault list against every live source, driven by the one harness table (tests/harness.py):
after each fault the earlier version is still current, complete and readable; nothing
half-written. Then retries, Retry-After, no-op refreshes and isolation, also for every source."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
import requests
import responses

from data_sources.refresh import refresh, refresh_source
from data_sources.source import Source
from data_sources.sources import worldbank
from data_sources.status import source_status
from data_sources.store import Store, now_utc
from tests.faults import FAULTS, assert_failed_and_kept, assert_still_current
from tests.harness import HARNESSES, Harness
from tests.upstream import Reply

# The whole fault matrix (every fault × every live source, with real read timeouts) runs in
# `make test`; `make check` leaves it out to stay fast.
pytestmark = pytest.mark.slow

SOURCE_IDS = list(HARNESSES)
LIVE_SOURCES = {"worldbank", "comtrade", "imf_imts", "hdx_acled", "ucdp", "gdelt", "acled"}


def _fault_cases() -> list:  # type: ignore[type-arg]
    """(source, prefix, fault) for every row of the table, every fault prefix, every fault."""
    cases = []
    for h in HARNESSES.values():
        prefixes = (h.prefix, *h.fault_prefixes)
        for prefix in prefixes:
            for fault in [*FAULTS, *h.extra_faults]:
                where = f"@{prefix}" if len(prefixes) > 1 else ""
                cases.append(pytest.param(h.id, prefix, fault, id=f"{h.id}-{fault}{where}"))
    return cases


def test_the_table_covers_every_live_source() -> None:
    assert set(HARNESSES) == LIVE_SOURCES


@pytest.fixture(params=SOURCE_IDS)
def harness(request, upstream, monkeypatch) -> Harness:  # type: ignore[no-untyped-def]
    return _ready(HARNESSES[request.param], upstream, monkeypatch)


def _ready(h: Harness, upstream, monkeypatch) -> Harness:  # type: ignore[no-untyped-def]
    h.point_at(upstream, monkeypatch)
    h.serve(upstream)
    return h


def _promote_first(store: Store, h: Harness, make_http):  # type: ignore[no-untyped-def]
    report = refresh_source(store, h.source, http_factory=make_http)
    assert report.outcome == "ok", report.error
    return store.load(h.id)


@pytest.fixture
def promoted(store: Store, harness: Harness, make_http):  # type: ignore[no-untyped-def]
    """A store where the source already has a good version; returns (version, frame)."""
    return _promote_first(store, harness, make_http)


@pytest.mark.parametrize(("source_id", "prefix", "fault"), _fault_cases())
def test_fault_keeps_previous_version(
    source_id, prefix, fault, store, upstream, monkeypatch, make_http, fake_sleep
) -> None:
    h = _ready(HARNESSES[source_id], upstream, monkeypatch)
    before = _promote_first(store, h, make_http)
    reply, expected_class = {**FAULTS, **h.extra_faults}[fault]
    upstream.route(prefix, reply)
    report = refresh_source(store, h.source, http_factory=make_http)
    assert_failed_and_kept(store, source_id, report, before, expected_class)
    status = source_status(store, h.source)
    assert status["ok"] is False and status["version"] == before[0].id
    assert status["last_error"] == report.error
    assert all(s < 120 for s in fake_sleep.calls)  # never slept past the Retry-After cap


def test_5xx_once_then_success(store, harness, upstream, make_http, fake_sleep) -> None:
    good = harness.healthy
    calls = {"n": 0}

    def flaky(path, query):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return Reply(b"busy", status=502) if calls["n"] == 1 else good(path, query)

    upstream.route(harness.prefix, flaky)
    report = refresh_source(store, harness.source, http_factory=make_http)
    assert report.outcome == "ok", report.error
    assert report.retries == 1 and fake_sleep.calls == [1.5]  # base·2^0 + jitter 0.5·base


@pytest.mark.parametrize("header", ["seconds", "http_date"])
def test_429_retry_after_is_honoured(
    header, store, harness, upstream, make_http, fake_sleep
) -> None:
    value = (
        "7"
        if header == "seconds"
        else format_datetime(now_utc() + timedelta(seconds=30), usegmt=True)
    )
    good, calls = harness.healthy, {"n": 0}

    def limited(path, query):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(b"Too Many Requests", status=429, headers={"Retry-After": value})
        return good(path, query)

    upstream.route(harness.prefix, limited)
    report = refresh_source(store, harness.source, http_factory=make_http)
    assert report.outcome == "ok", report.error
    if header == "seconds":
        assert fake_sleep.calls[0] == 7
    else:
        assert 25 <= fake_sleep.calls[0] <= 31


def test_same_bytes_twice_make_no_new_version(store, harness, promoted, make_http) -> None:
    report = refresh_source(store, harness.source, http_factory=make_http)
    assert report.outcome == "unchanged"
    assert report.version == promoted[0].id
    assert_still_current(store, harness.source.id, promoted)


@responses.activate
def test_connect_timeout(store, make_http, monkeypatch) -> None:
    monkeypatch.setenv("WORLDBANK_BASE_URL", "http://127.0.0.1:9/v2")
    responses.add(
        responses.GET,
        "http://127.0.0.1:9/v2/country/ARM/indicator/" + ";".join(worldbank.INDICATORS),
        body=requests.exceptions.ConnectTimeout("connect timed out"),
    )
    report = refresh_source(store, worldbank.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error_class, report.requests) == ("failed", "connect_timeout", 4)
    assert store.current_version("worldbank") is None  # nothing half-written appeared


# --- World Bank specifics -----------------------------------------------------------------
WB = HARNESSES["worldbank"]


@pytest.fixture
def wb(upstream, monkeypatch):  # type: ignore[no-untyped-def]
    _ready(WB, upstream, monkeypatch)
    return upstream


def _wb_first(store, make_http):  # type: ignore[no-untyped-def]
    assert refresh_source(store, worldbank.SOURCE, http_factory=make_http).outcome == "ok"
    return store.load("worldbank")


def test_wb_error_body_with_200(store, wb, make_http) -> None:
    before = _wb_first(store, make_http)
    wb.route(
        WB.prefix,
        Reply(
            b'[{"message":[{"id":"120","key":"Invalid value","value":'
            b'"The provided parameter value is not valid"}]}]'
        ),
    )
    report = refresh_source(store, worldbank.SOURCE, http_factory=make_http)
    assert report.error_class == "upstream_error" and "120" in report.error
    assert_still_current(store, "worldbank", before)


def test_wb_empty_result_is_refused(store, wb, make_http) -> None:
    before = _wb_first(store, make_http)
    wb.route(WB.prefix, Reply(b'[{"page":0,"pages":0,"per_page":1000,"total":0},null]'))
    report = refresh_source(store, worldbank.SOURCE, http_factory=make_http)
    assert report.error_class == "empty_result"
    assert_still_current(store, "worldbank", before)


def test_wb_bom_is_accepted(store, wb, make_http) -> None:
    from tests.conftest import fixture_bytes

    wb.route(
        WB.prefix,
        lambda p, q: Reply(b"\xef\xbb\xbf" + fixture_bytes(f"worldbank_page{q['page'][0]}.json")),
    )
    assert refresh_source(store, worldbank.SOURCE, http_factory=make_http).outcome == "ok"


def test_wb_row_collapse_needs_allow_shrink(store, wb, make_http) -> None:
    before = _wb_first(store, make_http)
    one = (
        b'[{"page":1,"pages":1,"per_page":1000,"total":1,"lastupdated":"2026-11-01"},'
        b'[{"indicator":{"id":"NY.GDP.MKTP.CD","value":"GDP"},"country":{"id":"AM","value":'
        b'"Armenia"},"countryiso3code":"ARM","date":"2024","value":1,"unit":"",'
        b'"obs_status":"","decimal":0}]]'
    )
    wb.route(WB.prefix, Reply(one))
    report = refresh_source(store, worldbank.SOURCE, http_factory=make_http)
    assert report.error_class == "row_collapse" and "--allow-shrink" in report.error
    assert_still_current(store, "worldbank", before)
    forced = refresh_source(store, worldbank.SOURCE, http_factory=make_http, allow_shrink=True)
    assert forced.outcome == "ok" and forced.rows == 1


def test_wb_duplicate_rows_across_pages_fail(store, wb, make_http) -> None:
    from tests.conftest import fixture_bytes

    page1 = fixture_bytes("worldbank_page1.json")
    wb.route(WB.prefix, Reply(page1))  # page 2 repeats page 1: the pages shifted mid-fetch
    report = refresh_source(store, worldbank.SOURCE, http_factory=make_http)
    assert report.error_class == "schema_drift" and "duplicate" in report.error
    assert store.current_version("worldbank") is None


def test_wb_failing_middle_page_promotes_nothing(store, wb, make_http) -> None:
    from tests.conftest import fixture_bytes

    before = _wb_first(store, make_http)

    def three_pages(path, query):  # type: ignore[no-untyped-def]
        page = query["page"][0]
        if page == "2":
            return Reply(b"gateway", status=504)
        body = fixture_bytes("worldbank_page1.json").replace(b'"pages":2', b'"pages":3')
        return Reply(body.replace(b"11.5", b"12.5"))

    wb.route(WB.prefix, three_pages)
    report = refresh_source(store, worldbank.SOURCE, http_factory=make_http)
    assert report.error_class == "http_5xx"
    assert_still_current(store, "worldbank", before)


@pytest.mark.parametrize("drift", ["renamed", "missing", "retyped"])
def test_wb_schema_drift(drift, store, wb, make_http) -> None:
    from tests.conftest import fixture_bytes

    before = _wb_first(store, make_http)
    edits = {
        "renamed": (b'"countryiso3code"', b'"iso3"'),
        "missing": (b'"indicator":{"id":"BX.TRF.PWKR.DT.GD.ZS",', b'"indicator":{'),
        "retyped": (b'"value":11.5', b'"value":"11,5"'),
    }
    old, new = edits[drift]
    wb.route(
        WB.prefix,
        lambda p, q: Reply(fixture_bytes(f"worldbank_page{q['page'][0]}.json").replace(old, new)),
    )
    report = refresh_source(store, worldbank.SOURCE, http_factory=make_http)
    assert report.error_class == "schema_drift", report.error
    assert_still_current(store, "worldbank", before)


def test_one_source_failing_does_not_stop_the_others(
    store, upstream, monkeypatch, make_http
) -> None:
    for h in HARNESSES.values():
        _ready(h, upstream, monkeypatch)
    upstream.route(WB.prefix, Reply(b"down", status=500))
    sources = [h.source for h in HARNESSES.values()]
    run = refresh(store, sources, http_factory=make_http)
    outcomes = {r.id: r.outcome for r in run.sources}
    assert outcomes == {i: "failed" if i == "worldbank" else "ok" for i in LIVE_SOURCES}
    assert run.exit_code == 1


def test_missing_credentials_are_skipped_not_failed(store) -> None:
    # A source that cannot run without credentials (ACLED's shape), built here for the test.
    gated = Source(
        id="gated_test",
        title="t",
        publisher="t",
        licence="t",
        landing_url="t",
        cadence=None,
        default_base_url="http://127.0.0.1:9",
        fetch=lambda ctx: pytest.fail("must not fetch"),
        tidy=lambda parts: None,
        schema=worldbank.SCHEMA,
        credentials=("GATED_TEST_TOKEN",),
        credentials_required=True,
    )
    run = refresh(store, [gated])
    assert run.exit_code == 0
    assert run.sources[0].outcome == "skipped"
    assert "no credentials" in run.sources[0].error
    assert source_status(store, gated)["state"] == "skipped"
