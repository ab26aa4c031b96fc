"""`memo`'s per-process fast path: a repeated hit skips re-deriving its key, but never outlives
what the key was derived from — a promotion, a pin, a failed refresh (the freshness badge)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import nullcontext
from pathlib import Path

import pytest

from dashboard.data import cache, door
from dashboard.data.memo import memo, peek
from data_sources.store import Store
from tests.test_store import _promote as promote

SOURCE = "gas_prices"  # any registered source: the door refuses unknown ids


def _promote(store: Store, n: int) -> int:
    return promote(store, n, rows=1, source_id=SOURCE)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.create_schema()
    door.set_store(store)
    yield store
    door.set_store(None)
    store.engine.dispose()


def test_hits_follow_promotions_pins_and_failures(store: Store) -> None:
    builds: list[float] = []

    def build() -> float:
        value = float(door.load(SOURCE).frame["value"].iloc[0])
        builds.append(value)
        return value

    def ask(pins: Mapping[str, int] | None = None) -> tuple[float, door.Reads, str]:
        token = door.begin_request()  # one snapshot per request, as the web layer does
        try:
            with door.reading(pins) if pins is not None else nullcontext():
                return memo("fast-path-test", ("p",), build)
        finally:
            door.end_request(token)

    v1 = _promote(store, 1)
    first, again = ask(), ask()
    assert builds == [1.0] and first[2] == again[2] and again[1].versions() == {SOURCE: v1}
    assert peek("fast-path-test", ("p",)) == 1.0

    v2 = _promote(store, 2)  # a promotion: the next request sees it, no TTL to wait for
    promoted = ask()
    assert builds == [1.0, 2.0] and promoted[0] == 2.0 and promoted[2] != first[2]
    assert promoted[1].versions() == {SOURCE: v2}

    frozen = ask({SOURCE: v1})  # a frozen read of the old version, keyed apart
    assert frozen[0] == 1.0 and frozen[1].versions() == {SOURCE: v1}
    assert frozen[2] not in (first[2], promoted[2])
    assert ask()[2] == promoted[2] and builds[-1] == 1.0  # the live hit is still the live one

    failed = store.start_attempt(SOURCE)  # a failed refresh changes the badge beside the data
    store.finish_attempt(failed, "failed", error="upstream 500")
    cache.local().clear()  # the status snapshot is re-read (it lives STATUS_TTL seconds)
    after_failure = ask()
    assert after_failure[0] == 2.0 and after_failure[2] != promoted[2]
