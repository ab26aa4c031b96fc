"""Shared helpers for the incident-source tests (HDX ACLED, UCDP, GDELT, ACLED)."""

from __future__ import annotations

import gzip
from urllib.parse import parse_qs

from data_sources.store import Store, metadata
from tests.faults import FAULTS, assert_failed_and_kept
from tests.upstream import FakeUpstream

__all__ = ["FAULTS", "FakeClock", "assert_failed_and_kept", "enable_post", "store_dump"]


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.calls: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.now += seconds


def store_dump(store: Store) -> str:
    """Every value in every table of the store as text (gzip bodies opened), to search for
    secrets."""
    chunks: list[str] = []
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(table.select()):
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        data = bytes(value)
                        if data[:2] == b"\x1f\x8b":
                            data = gzip.decompress(data)
                        chunks.append(data.decode("utf-8", "replace"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


def enable_post(upstream: FakeUpstream) -> list[dict[str, list[str]]]:
    """Let `upstream` answer POSTs too (dispatched like GETs); returns the list of posted forms."""
    forms: list[dict[str, list[str]]] = []
    base = upstream.server.RequestHandlerClass

    class WithPost(base):  # type: ignore[misc, valid-type]
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            forms.append(parse_qs(self.rfile.read(length).decode()))
            self.do_GET()

    upstream.server.RequestHandlerClass = WithPost  # type: ignore[misc]
    return forms
