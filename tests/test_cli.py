"""`python -m data_sources` as a scheduled job runs it: real subprocesses, a real store,
fake upstreams on 127.0.0.1 (exit codes, status JSON, kill -9, overlap, secrets)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import wait_for
from tests.harness import HARNESSES
from tests.upstream import FakeUpstream, Reply

CONTRACT_KEYS = {"id", "ok", "version", "fetched_at", "rows", "sha256", "stale", "last_error"}
pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path: Path, upstream: FakeUpstream) -> dict[str, str]:
    for h in HARNESSES.values():
        h.serve(upstream)
    values = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'store.sqlite3'}",
        "HTTP_TIMEOUT": "0.5",
        "HTTP_BACKOFF_BASE": "0.01",
        "HTTP_MAX_RETRIES": "1",
        "COMTRADE_MIN_INTERVAL": "0",
        "REFRESH_LOCK_WAIT": "0.5",
    }
    for h in HARNESSES.values():
        values.update(h.env_vars(upstream.url))
        for name in h.unset:
            values.pop(name, None)
    values.pop("COMTRADE_API_KEY", None)
    return values


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data_sources", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).parent.parent,
    )


def status(env: dict[str, str]) -> dict[str, dict]:
    result = cli(env, "status", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all(set(r) >= CONTRACT_KEYS for r in rows)
    return {r["id"]: r for r in rows}


@pytest.mark.parametrize("source_id", list(HARNESSES))
def test_promotes_then_survives_a_broken_upstream(source_id, env, upstream) -> None:
    first = cli(env, "refresh", source_id)
    assert first.returncode == 0, first.stderr
    assert f"source={source_id} outcome=ok" in first.stdout
    good = status(env)[source_id]
    assert good["ok"] and good["rows"] > 0 and good["last_error"] is None

    upstream.route(
        HARNESSES[source_id].prefix, Reply(b"<html>down</html>", content_type="text/html")
    )
    broken = cli(env, "refresh", source_id)
    assert broken.returncode == 1
    after = status(env)[source_id]
    assert (after["version"], after["rows"], after["sha256"]) == (
        good["version"],
        good["rows"],
        good["sha256"],
    )
    assert after["ok"] is False and "HTML" in after["last_error"]
    assert "\n" not in after["last_error"]


def test_usage_errors_exit_2_and_touch_nothing(env, tmp_path) -> None:
    for args in (
        ["refresh", "nosuchsource"],
        ["refresh", "--frobnicate"],
        ["status", "-x"],
        ["refresh", "--every", "soon"],
        [],
    ):
        result = cli(env, *args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and "error:" in result.stderr
    assert not (tmp_path / "var").exists()


def test_bad_database_url_is_a_usage_error(env) -> None:
    result = cli({**env, "DATABASE_URL": "mysql://nope"}, "status")
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


def test_json_report(env) -> None:
    result = cli(env, "refresh", "worldbank", "imf_imts", "--json")
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["locked_by"] is None
    assert [s["id"] for s in report["sources"]] == ["worldbank", "imf_imts"]
    assert all(s["outcome"] == "ok" and s["sha256"] for s in report["sources"])
    again = json.loads(cli(env, "refresh", "worldbank", "--json").stdout)
    assert again["sources"][0]["outcome"] == "unchanged"


def _paused_refresh(env: dict[str, str], marker: Path) -> subprocess.Popen:
    """`refresh worldbank` through the real CLI, paused inside the promotion transaction
    (tests/paused_refresh.py injects the pause; it writes `marker` once there)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.paused_refresh", str(marker), "refresh", "worldbank"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )


def _new_upstream_bytes(upstream: FakeUpstream) -> None:
    from tests.conftest import fixture_bytes

    upstream.route(
        "/v2/",
        lambda p, q: Reply(
            fixture_bytes(f"worldbank_page{q['page'][0]}.json").replace(b"11.5", b"12.5")
        ),
    )


def test_kill_9_mid_promotion_keeps_the_old_version(env, upstream, tmp_path) -> None:
    assert cli(env, "refresh", "worldbank").returncode == 0
    before = status(env)["worldbank"]
    _new_upstream_bytes(upstream)
    marker = tmp_path / "in-promotion"
    proc = _paused_refresh(env, marker)
    try:
        assert wait_for(marker.exists, timeout=30), proc.stderr.read() if proc.poll() else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    after = status(env)["worldbank"]
    assert (after["version"], after["sha256"], after["rows"]) == (
        before["version"],
        before["sha256"],
        before["rows"],
    )
    retry = cli(env, "refresh", "worldbank")  # the dead holder's lock is taken over
    assert retry.returncode == 0 and "outcome=ok" in retry.stdout, retry.stderr
    assert status(env)["worldbank"]["version"] != before["version"]


def test_two_refreshes_at_once(env, upstream, tmp_path) -> None:
    marker = tmp_path / "in-promotion"
    proc = _paused_refresh(env, marker)
    try:
        assert wait_for(marker.exists, timeout=30)
        second = cli(env, "refresh", "worldbank")
        assert second.returncode == 0
        assert "another refresh is running" in second.stderr and "pid" in second.stderr
        assert "outcome=" not in second.stdout
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_api_key_never_reaches_logs_or_store(env, upstream, tmp_path) -> None:
    secret = "KEY-d3adb33f-never-print"
    calls = {"n": 0}

    def echo_then_fail(path, query):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return Reply(f'{{"statusCode": 500, "message": "bad key {secret}"}}'.encode(), status=500)

    upstream.route("/data/v1/get", echo_then_fail)
    result = cli({**env, "COMTRADE_API_KEY": secret}, "refresh", "comtrade", "--json")
    assert result.returncode == 1 and calls["n"] >= 1
    assert secret not in result.stdout + result.stderr
    assert "***" in result.stdout
    stored = b"".join(p.read_bytes() for p in (tmp_path / "var").glob("store.sqlite3*"))
    assert stored and secret.encode() not in stored
    assert secret not in json.dumps(status(env))


def test_sources_lists_the_registry(env) -> None:
    result = cli(env, "sources", "--json")
    rows = json.loads(result.stdout)
    ids = [r["id"] for r in rows]
    assert {"worldbank", "comtrade", "imf_imts", "gas_imports", "claims"} <= set(ids)
    assert all(r["licence"] and r["publisher"] for r in rows)
    assert next(r for r in rows if r["id"] == "comtrade")["needs_credentials"] == "optional"


@pytest.mark.postgres
def test_postgres_url_as_heroku_gives_it(env, postgres_url) -> None:
    heroku = postgres_url.replace("postgresql+psycopg://", "postgres://")
    pg_env = {**env, "DATABASE_URL": heroku}
    assert cli(pg_env, "refresh", "imf_imts").returncode == 0
    assert status(pg_env)["imf_imts"]["ok"] is True
