"""The versioned store on SQLite and PostgreSQL: promotion, reads, retention, the lock."""

from __future__ import annotations

import subprocess
import sys
import threading

import pandas as pd
import pytest

from data_sources.http import RawResponse
from data_sources.store import LockBusy, Store, now_utc, raw_parts


def _raw(body: bytes) -> RawResponse:
    return RawResponse(
        url="http://127.0.0.1/x?a=1",
        status=200,
        content_type="text/csv",
        body=body,
        fetched_at=now_utc(),
        params={"a": "1"},
    )


def _promote(store: Store, n: int, rows: int = 3) -> int:
    frame = pd.DataFrame(
        {"period": list(range(rows)), "value": [float(n)] * rows, "label": [f"v{n}"] * rows}
    )
    attempt = store.start_attempt("demo")
    return store.promote(
        "demo",
        attempt,
        [_raw(f"body {n}".encode())],
        frame,
        sha256=f"{n:064d}",
        table_sha256=f"t{n}",
        fingerprint="x",
        upstream_updated="2026-01-01",
    )


def test_promote_and_load_round_trip(store: Store) -> None:
    version = _promote(store, 1)
    info, frame = store.load("demo")
    assert info.id == version and info.rows == 3 and info.upstream_updated == "2026-01-01"
    assert frame["value"].tolist() == [1.0] * 3 and frame["label"].tolist() == ["v1"] * 3
    assert frame["period"].dtype.kind == "i"
    assert store.last_attempt("demo")["outcome"] == "ok"


def test_raw_bytes_and_provenance_are_kept(store: Store) -> None:
    _promote(store, 1)
    attempt = store.last_attempt("demo")["id"]
    (part,) = store.raw_parts_of(attempt)
    assert part["body"] == b"body 1" and part["size"] == 6
    assert part["url"] == "http://127.0.0.1/x?a=1" and part["params"] == '{"a": "1"}'
    assert part["sha256"] == _raw(b"body 1").sha256


def test_old_versions_stay_readable(store: Store) -> None:
    first = _promote(store, 1)
    second = _promote(store, 2)
    assert store.current_version("demo").id == second
    assert store.load("demo", first)[1]["value"].iloc[0] == 1.0


def test_prune_never_removes_the_current_version(store: Store) -> None:
    ids = [_promote(store, n) for n in range(1, 6)]
    assert store.prune("demo", keep=2) == 3
    assert [v.id for v in store.list_versions("demo")] == ids[-2:]
    assert store.current_version("demo").id == ids[-1]
    assert store.prune("demo", keep=0) == 0


def test_failed_promotion_leaves_nothing_behind(store: Store) -> None:
    first = _promote(store, 1)

    def explode() -> None:
        raise RuntimeError("disk full")

    attempt = store.start_attempt("demo")
    with pytest.raises(RuntimeError):
        store.promote(
            "demo",
            attempt,
            [_raw(b"new")],
            pd.DataFrame({"a": [1]}),
            sha256="s",
            table_sha256="t",
            fingerprint="f",
            upstream_updated=None,
            before_commit=explode,
        )
    assert store.current_version("demo").id == first
    assert [v.id for v in store.list_versions("demo")] == [first]
    assert store.raw_parts_of(attempt) == []


def test_readers_never_see_a_mix(store: Store) -> None:
    _promote(store, 0, rows=50)
    seen: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            info, frame = store.load("demo")
            labels = set(frame["label"])
            assert len(labels) == 1 and len(frame) == info.rows == 50
            seen.append(labels.pop())

    thread = threading.Thread(target=reader)
    thread.start()
    for n in range(1, 15):
        _promote(store, n, rows=50)
    stop.set()
    thread.join()
    assert len(set(seen)) >= 2  # the reader really ran across promotions


def test_lock_is_exclusive(store: Store) -> None:
    with (
        store.lock("refresh", wait=0),
        pytest.raises(LockBusy) as busy,
        store.lock("refresh", wait=0.3, sleep=lambda s: None),
    ):
        pass
    assert "pid" in str(busy.value)
    with store.lock("refresh", wait=0):  # released after use
        pass


def test_lock_of_a_dead_process_is_taken_over(store: Store) -> None:
    from data_sources.store import locks

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    import socket

    with store.engine.begin() as conn:
        conn.execute(
            locks.insert().values(
                name="refresh",
                holder="ghost",
                host=socket.gethostname(),
                pid=int(dead.stdout),
                acquired_at=now_utc(),
                expires_at=now_utc().replace(year=2100),
            )
        )
    with store.lock("refresh", wait=2):
        pass


def test_schema_creation_is_idempotent(store: Store) -> None:
    store.create_schema()
    store.create_schema()
    with store.engine.connect() as conn:
        assert conn.execute(raw_parts.select()).first() is None
