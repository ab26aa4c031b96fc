"""Issue 16: an unreachable PostgreSQL costs a request a few seconds and a 503, never a hung
worker (`DATABASE_CONNECT_TIMEOUT`, passed to the driver as `connect_timeout`)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from dashboard.app import app
from dashboard.data import door
from data_sources.store import Store, _connect_args

BOUND = 15.0  # seconds: generous; the timeout is 2 s and the kernel refuses a closed port at once


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that completes the TCP handshake (the kernel's backlog) but never answers: what a
    PostgreSQL behind a dead NAT or a hung host looks like. Without a connect timeout the driver
    waits for its answer for minutes."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


def _pg(port: int) -> str:
    return f"postgresql+psycopg://pp:pp@127.0.0.1:{port}/pp"


def test_postgres_connections_get_a_short_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_CONNECT_TIMEOUT", raising=False)
    assert _connect_args(_pg(5432)) == {"connect_timeout": 3}
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "7.5")
    assert _connect_args(_pg(5432)) == {"connect_timeout": 8}
    assert _connect_args(_pg(5432) + "?connect_timeout=20") == {}  # the URL's own value wins
    assert _connect_args("sqlite:///x.sqlite3") == {}
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "0")
    assert _connect_args(_pg(5432)) == {}


@pytest.mark.parametrize("kind", ["closed port", "silent server"])
def test_an_unreachable_postgres_gives_a_fast_503(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "2")
    port = _free_port() if kind == "closed port" else request.getfixturevalue("silent_server")
    store = Store(_pg(port))
    door.set_store(store)
    door.reset()
    client = app.server.test_client()
    try:
        for path in ("/healthz", "/embed/kpi/gas_russia_share", "/api/v1/datasets"):
            started = time.monotonic()
            response = client.get(path)
            elapsed = time.monotonic() - started
            assert response.status_code == 503, (path, response.get_data()[:200])
            assert response.headers["Retry-After"] == str(door.RETRY_AFTER)
            assert elapsed < BOUND, (kind, path, elapsed)
    finally:
        door.set_store(None)
        door.reset()
        store.engine.dispose()
