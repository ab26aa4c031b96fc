"""The store's rendered artifacts and their queue (data_sources/artifacts.py), on SQLite and
PostgreSQL: bytes by key, a deduplicated queue bounded in length and served oldest first, and
pruning that keeps the current set plus a bounded number of others."""

from __future__ import annotations

from data_sources import artifacts
from data_sources.store import Store


def test_artifacts_are_stored_by_key_and_replaced(store: Store) -> None:
    assert artifacts.get(store, "image:a") is None
    artifacts.put(store, "image:a", "image/png", b"\x89PNG first")
    artifacts.put(store, "image:a", "image/png", b"\x89PNG second")
    assert artifacts.get(store, "image:a") == ("image/png", b"\x89PNG second")
    assert artifacts.has(store, ["image:a", "image:b"]) == {"image:a"}


def test_the_queue_is_deduplicated_bounded_and_oldest_first(store: Store) -> None:
    assert artifacts.request(store, "k1", '{"n":1}', limit=2)
    assert artifacts.request(store, "k2", '{"n":2}', limit=2)
    assert artifacts.request(store, "k1", '{"n":1}', limit=2)  # already queued: keeps its place
    assert not artifacts.request(store, "k3", '{"n":3}', limit=2)  # full: refused
    assert not artifacts.request(store, "k4", "x" * (artifacts.SPEC_MAX + 1))  # too long
    assert artifacts.queued(store) == [("k1", '{"n":1}'), ("k2", '{"n":2}')]
    artifacts.put(store, "k1", "image/svg+xml", b"<svg/>")  # drawn: leaves the queue
    assert artifacts.queued(store) == [("k2", '{"n":2}')]
    artifacts.unqueue(store, "k2")
    assert artifacts.queued(store) == []
    assert artifacts.request(store, "k3", '{"n":3}', limit=2)  # room again


def test_prune_keeps_the_current_set_and_the_newest_others(store: Store) -> None:
    for n in range(6):
        artifacts.put(store, f"image:{n}", "image/svg+xml", b"<svg/>")
    assert artifacts.prune(store, ["image:0", "image:1"], others=2) == 2
    assert artifacts.has(store, [f"image:{n}" for n in range(6)]) == {
        "image:0",
        "image:1",
        "image:4",
        "image:5",
    }
