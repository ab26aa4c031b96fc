"""ACLED API: OAuth password grant, paging until empty, 401/403, token expiry, no secret kept."""

from __future__ import annotations

import json
import logging

import pytest

from data_sources.incidents import build_incidents
from data_sources.refresh import refresh, refresh_source
from data_sources.sources import acled
from data_sources.status import source_status
from tests.conftest import fixture_bytes
from tests.incident_helpers import enable_post, store_dump
from tests.upstream import Reply

USER, PASSWORD = "analyst@example.org", "correct-horse-battery-staple-42"
TOKEN = json.loads(fixture_bytes("acled_token.json"))["access_token"]
REFRESH_TOKEN = json.loads(fixture_bytes("acled_token.json"))["refresh_token"]
EMPTY = json.dumps(
    {"status": 200, "success": True, "count": 0, "messages": [], "data": []}
).encode()


def read_handler(path: str, query: dict) -> Reply:
    if query["page"] != ["1"]:
        return Reply(EMPTY)
    body = json.loads(fixture_bytes("acled_read.json"))
    body["data"] = [r for r in body["data"] if r["country"] == query["country"][0]]
    body["count"] = len(body["data"])
    return Reply(json.dumps(body).encode())


@pytest.fixture
def forms(upstream):  # type: ignore[no-untyped-def]
    return enable_post(upstream)


@pytest.fixture
def api(upstream, forms, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ACLED_BASE_URL", upstream.url)
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    upstream.route("/oauth/token", Reply(fixture_bytes("acled_token.json")))
    upstream.route("/api/acled/read", read_handler)
    return upstream


def test_without_credentials_it_is_skipped(store, upstream, monkeypatch) -> None:
    monkeypatch.delenv("ACLED_USERNAME", raising=False)
    monkeypatch.delenv("ACLED_PASSWORD", raising=False)
    monkeypatch.setenv("ACLED_BASE_URL", upstream.url)
    run = refresh(store, [acled.SOURCE])
    assert run.exit_code == 0
    assert (run.sources[0].outcome, run.sources[0].error_class) == ("skipped", "no_credentials")
    assert "ACLED_USERNAME and ACLED_PASSWORD" in run.sources[0].error
    assert source_status(store, acled.SOURCE)["state"] == "skipped"
    assert upstream.requests == []


def test_password_grant_then_pages_until_empty(store, api, forms, make_http, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    report = refresh_source(store, acled.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    _, frame = store.load("acled")
    assert sorted(frame["event_id_cnty"]) == ["ARM3101", "ARM3102", "ARM3103", "AZE2201"]
    assert frame.set_index("event_id_cnty").loc["AZE2201", "fatalities"] == 2
    table = build_incidents({"acled": frame})  # from the stored version: months only
    assert sorted(table["events"]) == [1, 2] and table["location"].isna().all()
    assert forms == [
        {
            "username": [USER],
            "password": [PASSWORD],
            "grant_type": ["password"],
            "client_id": ["acled"],
            "scope": ["authenticated"],
        }
    ]
    reads = [
        (q["country"][0], q["page"][0], h["Authorization"])
        for p, q, h in api.requests
        if p == "/api/acled/read"
    ]
    assert reads == [
        ("Armenia", "1", f"Bearer {TOKEN}"),
        ("Armenia", "2", f"Bearer {TOKEN}"),
        ("Azerbaijan", "1", f"Bearer {TOKEN}"),
        ("Azerbaijan", "2", f"Bearer {TOKEN}"),
    ]
    dump = store_dump(store)
    for secret in (PASSWORD, TOKEN, REFRESH_TOKEN):
        assert secret not in dump and secret not in caplog.text
    assert acled.SOURCE.public is False


def test_403_is_access_denied_without_retry(store, api, make_http, fake_sleep) -> None:
    api.route("/api/acled/read", Reply(b"Access denied", status=403, content_type="text/plain"))
    report = refresh_source(store, acled.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error_class) == ("failed", "access_denied")
    assert "API access" in report.error
    assert api.hits("/api/acled/read") == 1 and fake_sleep.calls == []


def test_bad_password_is_auth_failed(store, api, make_http, fake_sleep) -> None:
    api.route(
        "/oauth/token",
        Reply(
            b'{"error": "invalid_grant", "error_description": "The '
            b'user credentials were incorrect."}',
            status=400,
        ),
    )
    report = refresh_source(store, acled.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error_class) == ("failed", "auth_failed")
    assert PASSWORD not in report.error and api.hits("/api/acled/read") == 0
    assert fake_sleep.calls == []


def test_token_expiry_mid_paging_renews_once(store, api, forms, make_http, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = iter(
        [
            fixture_bytes("acled_token.json"),
            fixture_bytes("acled_token.json").replace(b"4f9c", b"renewed-5e0d"),
        ]
    )
    api.route("/oauth/token", lambda p, q: Reply(next(tokens)))

    def expiring(path: str, query: dict) -> Reply:
        last = api.requests[-1][2]["Authorization"]
        if query["country"] == ["Azerbaijan"] and not last.endswith("renewed-5e0d"):
            return Reply(b'{"message": "Token expired"}', status=401)
        return read_handler(path, query)

    api.route("/api/acled/read", expiring)
    report = refresh_source(store, acled.SOURCE, http_factory=make_http)
    assert report.outcome == "ok", report.error
    assert len(forms) == 2 and report.rows == 4
    assert "renewed-5e0d" not in store_dump(store) and "renewed-5e0d" not in caplog.text


def test_token_refused_twice_fails_clearly(store, api, forms, make_http) -> None:
    api.route("/api/acled/read", Reply(b'{"message": "Unauthorized"}', status=401))
    report = refresh_source(store, acled.SOURCE, http_factory=make_http)
    assert (report.outcome, report.error_class) == ("failed", "auth_failed")
    assert "freshly issued token" in report.error
    assert len(forms) == 2 and api.hits("/api/acled/read") == 2
