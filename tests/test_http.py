"""The shared HTTP client: retry policy, Retry-After parsing and cap, redaction."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from data_sources.errors import SourceError
from data_sources.http import (
    RedactingFilter,
    redact,
    redact_url,
    register_secret,
    retry_after_seconds,
)
from tests.upstream import Reply


def test_retry_after_forms() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert (
        retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now)
        == 90
    )
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now=now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_grows_and_is_bounded(make_http, upstream, fake_sleep) -> None:
    upstream.route("/", Reply(b"no", status=500))
    with pytest.raises(SourceError) as err:
        make_http(max_retries=3).get(upstream.url + "/x")
    assert err.value.error_class == "http_5xx" and err.value.status == 500
    assert upstream.hits() == 4
    assert fake_sleep.calls == [1.5, 2.5, 4.5]  # base·2^n + jitter(0.5)·base


def test_other_4xx_are_not_retried(make_http, upstream, fake_sleep) -> None:
    upstream.route("/", Reply(b"missing", status=404))
    with pytest.raises(SourceError) as err:
        make_http().get(upstream.url + "/x")
    assert (err.value.error_class, upstream.hits(), fake_sleep.calls) == ("http_4xx", 1, [])


@pytest.mark.parametrize(("status", "error_class"), [(401, "auth_failed"), (403, "access_denied")])
def test_auth_errors_are_named_and_not_retried(status, error_class, make_http, upstream) -> None:
    upstream.route("/", Reply(b"denied", status=status))
    with pytest.raises(SourceError) as err:
        make_http().get(upstream.url + "/x")
    assert err.value.error_class == error_class and upstream.hits() == 1


def test_comtrade_style_429_body_sets_the_wait(make_http, upstream, fake_sleep) -> None:
    upstream.route(
        "/",
        [
            Reply(
                b'{"statusCode":429,"message":"Rate limit is exceeded. Try again in 2 seconds."}',
                status=429,
            ),
            Reply(b"{}"),
        ],
    )
    make_http().get(upstream.url + "/x")
    assert fake_sleep.calls == [2.0]


def test_retry_after_over_the_cap_fails_at_once(make_http, upstream, fake_sleep) -> None:
    upstream.route("/", Reply(b"", status=503, headers={"Retry-After": "3600"}))
    with pytest.raises(SourceError) as err:
        make_http(retry_after_max=120).get(upstream.url + "/x")
    assert err.value.error_class == "rate_limited" and "120" in str(err.value)
    assert fake_sleep.calls == [] and upstream.hits() == 1


def test_extra_retry_statuses(make_http, upstream) -> None:
    upstream.route("/", [Reply(b"throttled", status=400), Reply(b"[]")])
    assert make_http().get(upstream.url + "/x", extra_retry_statuses={400}).body == b"[]"


def test_user_agent_names_the_project(make_http, upstream) -> None:
    upstream.route("/", Reply(b"{}"))
    make_http().get(upstream.url + "/x")
    assert upstream.requests[0][2]["User-Agent"].startswith("PressurePoints/")


def test_secrets_are_redacted_everywhere(caplog) -> None:
    register_secret("hunter2-very-secret")
    assert "hunter2" not in redact("token hunter2-very-secret in text")
    assert redact_url("https://x.org/a?subscription-key=abc&b=1") == (
        "https://x.org/a?subscription-key=***&b=1"
    )
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.WARNING, logger="test.redact"):
        logger.warning("calling with %s", "hunter2-very-secret")
    assert "hunter2" not in caplog.text and "***" in caplog.text


def test_secret_query_values_never_reach_messages(make_http, upstream) -> None:
    upstream.route("/", Reply(b"bad", status=500))
    with pytest.raises(SourceError) as err:
        make_http(max_retries=0).get(upstream.url + "/x", params={"token": "abc123zz"})
    assert "abc123zz" not in str(err.value) and "token=***" in str(err.value)
