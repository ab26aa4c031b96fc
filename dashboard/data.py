"""The dashboard's only door to data: the store's current (or a pinned) version of each source,
cached per version id so a new promotion is picked up and nothing is read twice."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType

import pandas as pd

from data_sources import registry
from data_sources.status import all_status
from data_sources.store import Store, VersionInfo

_lock = threading.Lock()
_store: Store | None = None
# Source versions pinned for the current request (frozen embeds: ?version=...).
_pinned: contextvars.ContextVar[Mapping[str, int]] = contextvars.ContextVar(
    "pinned", default=MappingProxyType({})
)


def store() -> Store:
    """The process-wide store (DATABASE_URL), created on first use."""
    global _store
    with _lock:
        if _store is None:
            _store = Store()
            _store.create_schema()
        return _store


def set_store(new: Store | None) -> None:
    """Point the dashboard at another store (tests, benchmarks)."""
    global _store
    with _lock:
        _store = new
    _load_version.cache_clear()


@dataclass(frozen=True)
class Dataset:
    """A source's table with the version it came from (for "as of" and provenance)."""

    source_id: str
    version: VersionInfo | None
    frame: pd.DataFrame

    @property
    def fetched_at(self) -> datetime | None:
        return self.version.fetched_at if self.version else None


@lru_cache(maxsize=256)
def _load_version(url: str, source_id: str, version_id: int) -> tuple[VersionInfo, pd.DataFrame]:
    loaded = store().load(source_id, version_id)
    if loaded is None:
        raise KeyError(f"{source_id} has no version {version_id}")
    return loaded


@contextmanager
def pinned(versions: Mapping[str, int]) -> Iterator[None]:
    """Within the block, `load` serves these versions instead of the current ones."""
    token = _pinned.set(dict(versions))
    try:
        yield
    finally:
        _pinned.reset(token)


def pinned_versions() -> Mapping[str, int]:
    return _pinned.get()


def resolve_versions(version_ids: list[int]) -> dict[str, int]:
    """Map store version ids (one global sequence) to their sources; unknown ids raise KeyError."""
    found: dict[str, int] = {}
    for version_id in version_ids:
        info = store().version_by_id(version_id)
        if info is None:
            raise KeyError(version_id)
        found[info.source_id] = info.id
    return found


def load(source_id: str, version_id: int | None = None) -> Dataset:
    """The current (or pinned) version; an empty frame when the source has none yet."""
    registry.get(source_id)  # unknown ids raise KeyError
    version_id = version_id or _pinned.get().get(source_id)
    s = store()
    info = s.version(source_id, version_id) if version_id else s.current_version(source_id)
    if info is None:
        return Dataset(source_id, None, pd.DataFrame())
    _, frame = _load_version(s.url, source_id, info.id)
    return Dataset(source_id, info, frame.copy())


def statuses() -> list[dict]:
    return all_status(store(), registry.SOURCES)
