"""The image renderer as a monitor and an operator see it: `/healthz` reports its queue and turns
`ok` false when queued images wait too long (no renderer running), and the renderer child of
`python -m dashboard` does not outlive a killed parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dashboard.app import app
from dashboard.data import door
from dashboard.web import health
from data_sources.store import Store
from data_sources.store_tables import artifact_queue


def _health() -> tuple[int, dict]:
    response = app.server.test_client().get("/healthz")
    return response.status_code, response.get_json()


def test_healthz_reports_the_renderer_queue(dash_store: Store) -> None:
    status, body = _health()
    assert status == 200
    assert body["components"]["renderer"] == {"ok": True, "queued": 0, "oldest_wait_s": 0.0}

    assert door.request_artifact("chart-a", '{"chart": "a"}')
    assert door.request_artifact("chart-b", '{"chart": "b"}')
    status, body = _health()
    renderer = body["components"]["renderer"]
    assert status == 200 and renderer["ok"] and renderer["queued"] == 2
    assert 0 <= renderer["oldest_wait_s"] < health.RENDERER_STALL_S


def test_a_stalled_renderer_turns_healthz_ok_false_but_not_503(dash_store: Store) -> None:
    assert door.request_artifact("chart-a", '{"chart": "a"}')
    long_ago = datetime.now(UTC) - timedelta(seconds=health.RENDERER_STALL_S + 60)
    with dash_store.engine.begin() as conn:
        conn.execute(sa.update(artifact_queue).values(requested_at=long_ago))
    status, body = _health()
    renderer = body["components"]["renderer"]
    assert status == 200  # pages, embeds and the API still work
    assert renderer["ok"] is False and "renderer process" in renderer["error"]
    assert renderer["oldest_wait_s"] >= health.RENDERER_STALL_S + 60
    assert body["ok"] is False


PARENT = """
import subprocess, sys, time
from dashboard.__main__ import _die_with_parent
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                         preexec_fn=_die_with_parent)
print(child.pid, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"  # a zombie has already died
    except FileNotFoundError:
        return False


def test_the_renderer_child_dies_with_a_killed_parent() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)  # no atexit, no signal handler runs
    parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
