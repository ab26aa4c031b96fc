"""Signed webhook delivery from the outbox, against a real HTTP receiver on 127.0.0.1: the
signature, retries with backoff after refused / 500 / timeout, exactly-once delivery, two
deliverers at once, a refresh killed between promotion and delivery; both engines."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from data_sources import webhooks
from data_sources.__main__ import main
from data_sources.refresh import refresh
from data_sources.store import Store
from tests.incident_helpers import store_dump
from tests.test_changes import _bytes, _csv_source, _frame

SECRET = "test-webhook-secret-7f3a"
ROOT = Path(__file__).parent.parent


class Receiver:
    """A webhook receiver: records every POST (headers, raw body) and answers from `plan`
    (a status code, or "stall" to sleep past the client's timeout); the last entry repeats."""

    def __init__(self, port: int = 0, plan: list[int | str] | None = None) -> None:
        self.posts: list[tuple[dict[str, str], bytes, int | str]] = []
        self.plan = list(plan or [200])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = receiver.plan.pop(0) if len(receiver.plan) > 1 else receiver.plan[0]
                receiver.posts.append((dict(self.headers), body, answer))
                if answer == "stall":
                    time.sleep(1.0)
                    answer = 200
                self.send_response(int(answer))
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)  # status reports whole seconds

    def __call__(self) -> datetime:
        return self.now


def _raise_alert(store: Store) -> None:
    """Two versions of gas_imports, the second revising a value by 10 %: one revision alert."""
    frame = _frame("gas_imports")
    body = {"csv": _bytes(frame)}
    source = _csv_source("gas_imports", body)
    refresh(store, [source])
    frame.loc[0, "value"] = str(float(frame.loc[0, "value"]) * 1.1)
    body["csv"] = _bytes(frame)
    refresh(store, [source])


@pytest.fixture
def configured(monkeypatch):  # type: ignore[no-untyped-def]
    def configure(*urls: str) -> None:
        monkeypatch.setenv("ALERT_WEBHOOK_URLS", ",".join(urls))
        monkeypatch.setenv("ALERT_WEBHOOK_SECRET", SECRET)

    monkeypatch.setattr(webhooks, "TIMEOUT", (0.5, 0.5))
    return configure


def test_delivery_is_signed_and_carries_the_alert(store: Store, configured) -> None:
    receiver = Receiver()
    configured(receiver.url)
    _raise_alert(store)
    report = webhooks.deliver(store)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    ((headers, body, _),) = receiver.posts
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Pressure-Points-Signature"] == expected
    assert headers["X-Pressure-Points-Delivery"]
    payload = json.loads(body)
    assert {"id", "rule", "source", "title", "url", "created"} <= set(payload)
    assert payload["rule"] == "revision" and payload["source"] == "gas_imports"
    datetime.fromisoformat(payload["created"].replace("Z", "+00:00"))
    assert webhooks.deliver(store).sent == 0 and len(receiver.posts) == 1  # never resent
    counts = webhooks.status(store)
    assert (counts["pending"], counts["delivered"], counts["failed"]) == (0, 1, 0)
    receiver.close()


def test_receiver_down_then_up_is_delivered_exactly_once(store: Store, configured) -> None:
    port = _free_port()
    configured(f"http://127.0.0.1:{port}/hook")
    _raise_alert(store)
    clock = Clock()
    first = webhooks.deliver(store, now=clock)  # connection refused
    assert (first.sent, first.retrying) == (0, 1) and first.errors == ["connection failed"]
    assert webhooks.deliver(store, now=clock).retrying == 0  # not due yet: nothing sent
    receiver = Receiver(port, plan=[500, "stall", 200])
    waits = []
    for _ in range(3):
        pending = webhooks.status(store)
        due = datetime.fromisoformat(str(pending["next_attempt_at"]))
        waits.append(round((due - clock.now).total_seconds()))
        clock.now = due.astimezone(UTC) + timedelta(seconds=1)
        webhooks.deliver(store, now=clock)
    assert waits == [30, 60, 120]  # ALERT_RETRY_BASE, doubling
    answers = [a for _, _, a in receiver.posts]
    assert answers == [500, "stall", 200]
    deliveries = {h["X-Pressure-Points-Delivery"] for h, _, _ in receiver.posts}
    assert len(deliveries) == 1  # the idempotency key is stable across retries
    clock.now += timedelta(hours=5)
    webhooks.deliver(store, now=clock)
    assert len(receiver.posts) == 3
    assert webhooks.status(store)["delivered"] == 1
    receiver.close()


def test_backoff_doubles_to_a_one_hour_cap() -> None:
    assert [webhooks.backoff(n, 30) for n in (1, 2, 3, 4, 7, 8, 20)] == [
        30,
        60,
        120,
        240,
        1920,
        3600,
        3600,
    ]


def test_gives_up_after_max_attempts(store: Store, configured, monkeypatch) -> None:
    receiver = Receiver(plan=[503])
    configured(receiver.url)
    monkeypatch.setenv("ALERT_MAX_ATTEMPTS", "3")
    _raise_alert(store)
    clock = Clock()
    for _ in range(5):
        webhooks.deliver(store, now=clock)
        clock.now += timedelta(hours=2)
    assert len(receiver.posts) == 3
    counts = webhooks.status(store)
    assert (counts["pending"], counts["failed"]) == (0, 1)
    assert counts["failures"][0]["last_error"] == "HTTP 503"
    receiver.close()


def test_two_deliverers_at_once_send_each_alert_once(store: Store, configured) -> None:
    receiver = Receiver(plan=["stall"])
    configured(receiver.url)
    frame = _frame("upper_lars_events")
    body = {"csv": _bytes(frame)}
    source = _csv_source("upper_lars_events", body)
    refresh(store, [source])
    new = [
        frame.iloc[[-1]].assign(id=f"test-closure-{n}", category="closure", title=f"closure {n}")
        for n in range(4)
    ]
    body["csv"] = _bytes(pd.concat([frame, *new], ignore_index=True))
    refresh(store, [source])
    other = Store(store.url)
    errors: list[BaseException] = []

    def run(s: Store) -> None:
        try:
            webhooks.deliver(s, post=_slow_post)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in (store, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    keys = [h["X-Pressure-Points-Delivery"] for h, _, _ in receiver.posts]
    assert len(keys) == 4 and len(set(keys)) == 4
    assert webhooks.status(store)["delivered"] == 4
    other.engine.dispose()
    receiver.close()


def _slow_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """The real POST (the receiver stalls 1 s), so the two deliverers overlap."""
    import requests

    return requests.post(url, data=body, headers=headers, timeout=(2, 5)).status_code


def _cli_env(store: Store, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": store.url,
        "ALERT_WEBHOOK_URLS": url,
        "ALERT_WEBHOOK_SECRET": SECRET,
    }


def test_a_refresh_killed_before_delivery_delivers_on_the_next_run(store: Store) -> None:
    """`refresh` is killed (SIGKILL) after promotion, before delivery: the alert is in the
    outbox with its data and `alerts deliver` sends it."""
    receiver = Receiver()
    edited = _frame("gas_imports")
    edited.loc[0, "value"] = str(float(edited.loc[0, "value"]) * 2)
    refresh(store, [_csv_source("gas_imports", {"csv": _bytes(edited)})])
    env = _cli_env(store, receiver.url)
    script = (
        "import os, signal, data_sources.webhooks as w\n"
        "w.deliver = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from data_sources.__main__ import main\n"
        "main(['refresh', 'gas_imports'])\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert killed.returncode == -9
    assert receiver.posts == []
    assert webhooks.status(store)["alerts"] == 1
    done = subprocess.run(
        [sys.executable, "-m", "data_sources", "alerts", "deliver"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(receiver.posts) == 1
    shown = subprocess.run(
        [sys.executable, "-m", "data_sources", "alerts", "status", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    counts = json.loads(shown.stdout)
    assert (counts["pending"], counts["delivered"], counts["failed"]) == (0, 1, 0)
    for output in (killed.stdout.decode(), killed.stderr.decode(), done.stderr, shown.stdout):
        assert receiver.url not in output and SECRET not in output
    dump = store_dump(store)
    assert receiver.url not in dump and SECRET not in dump
    receiver.close()


def test_receivers_without_a_secret_is_a_usage_error(monkeypatch, sqlite_url) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALERT_WEBHOOK_URLS", "http://127.0.0.1:9/hook")
    monkeypatch.delenv("ALERT_WEBHOOK_SECRET", raising=False)
    assert main(["alerts", "deliver"]) == 2
    assert main(["refresh", "gas_imports"]) == 2
    monkeypatch.setenv("ALERT_WEBHOOK_URLS", "ftp://127.0.0.1/x")
    monkeypatch.setenv("ALERT_WEBHOOK_SECRET", SECRET)
    assert main(["alerts", "status"]) == 2


def test_no_receivers_means_feeds_only(store: Store, monkeypatch) -> None:
    monkeypatch.delenv("ALERT_WEBHOOK_URLS", raising=False)
    _raise_alert(store)
    assert webhooks.deliver(store) == webhooks.DeliveryReport()
    counts = webhooks.status(store)
    assert counts["alerts"] == 1 and counts["pending"] == 0 and counts["receivers"] == 0


def test_failed_deliveries_show_on_the_sources_page(store: Store, configured, monkeypatch) -> None:
    from dashboard.app import app  # noqa: F401  (pages register with the app)
    from dashboard.data import door

    page = sys.modules["dashboard.pages.sources"]  # the module Dash registered

    receiver = Receiver(plan=[500])
    configured(receiver.url)
    monkeypatch.setenv("ALERT_MAX_ATTEMPTS", "1")
    _raise_alert(store)
    webhooks.deliver(store)
    door.set_store(store)
    try:
        shown = str(page.alerts_section())
    finally:
        door.set_store(None)
    assert "failed 1" in shown and "HTTP 500" in shown and "after 1 attempts" in shown
    assert receiver.url not in shown and SECRET not in shown
    receiver.close()
