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


def _promote(store: Store, n: int, rows: int = 3, source_id: str = "demo") -> int:
    frame = pd.DataFrame(
        {"period": list(range(rows)), "value": [float(n)] * rows, "label": [f"v{n}"] * rows}
    )
    attempt = store.start_attempt(source_id)
    return store.promote(
        source_id,
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


AWKWARD_FLOATS = [
    6.709241,  # came back as 6.7092410000000005
    0.1 + 0.2,
    1 / 3,
    2**0.5,
    123456789.12345678,
    1e-300,
    2.2250738585072014e-308,  # the smallest normal float
    1.7976931348623157e308,  # the largest
    -0.0,
    1e22,
]


def test_floats_round_trip_exactly(store: Store) -> None:
    rows = len(AWKWARD_FLOATS)
    frame = pd.DataFrame(
        {
            "period": list(range(rows)),
            "value": AWKWARD_FLOATS,
            "share": pd.array([*AWKWARD_FLOATS[:-1], None], dtype="Float64"),
            "at": pd.date_range("2026-01-01 12:00:00.123456", periods=rows, freq="D"),
        }
    )
    attempt = store.start_attempt("demo")
    version = store.promote(
        "demo",
        attempt,
        [_raw(b"floats")],
        frame,
        sha256="f" * 64,
        table_sha256="t",
        fingerprint="x",
        upstream_updated=None,
    )
    loaded = store.load("demo", version)
    assert loaded is not None
    back = loaded[1]
    assert [repr(v) for v in back["value"].tolist()] == [repr(v) for v in AWKWARD_FLOATS]
    assert [repr(v) for v in back["share"][:-1].tolist()] == [repr(v) for v in AWKWARD_FLOATS[:-1]]
    assert pd.isna(back["share"].iloc[-1])
    assert back["at"].tolist() == frame["at"].tolist()


def test_a_float_the_store_could_not_read_back_is_refused(store: Store) -> None:
    attempt = store.start_attempt("demo")
    with pytest.raises(ValueError, match="subnormal"):
        store.promote(
            "demo",
            attempt,
            [_raw(b"tiny")],
            pd.DataFrame({"value": [5e-324]}),
            sha256="s",
            table_sha256="t",
            fingerprint="x",
            upstream_updated=None,
        )
    assert store.current_version("demo") is None


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
    """A reader thread loading while promotions flip `current` sees one whole version at a
    time: metadata and table of the same version, never an older one after a newer one.
    Failures in the thread are collected and asserted here (an assert in a thread is lost)."""
    label_of = {_promote(store, 0, rows=40): "v0"}
    seen: list[tuple[int, int, frozenset[str], frozenset[float], int]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                loaded = store.load("demo")
                assert loaded is not None
                info, frame = loaded
                labels, values = frozenset(frame["label"]), frozenset(frame["value"])
                seen.append((info.id, info.rows, labels, values, len(frame)))
        except BaseException as exc:  # re-raised in the test thread below
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    for n in range(1, 15):
        label_of[_promote(store, n, rows=40 + n)] = f"v{n}"
    stop.set()
    thread.join()
    assert errors == []
    ids = [version_id for version_id, *_ in seen]
    assert ids == sorted(ids), "a reader went back to an older version"
    for version_id, rows, labels, values, length in seen:
        n = int(label_of[version_id][1:])
        assert labels == {f"v{n}"} and values == {float(n)}, (version_id, labels, values)
        assert rows == length == 40 + n, (version_id, rows, length)
    assert len(set(ids)) >= 2  # the reader really ran across promotions


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
