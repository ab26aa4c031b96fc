"""Compressed bodies of cached responses, kept: flask-compress (Dash's `compress=True`)
compressed every cached embed, KPI card and API answer again on every request — a third of a
cached hit's time. `respond` marks a body it served from the cache with its entity tag; the
compressed bytes are then kept per (algorithm, path, tag) in `cache.compressed()`. Anything
unmarked (pages, callbacks, errors, stale copies) is compressed as before and not kept.

flask-compress's cache hooks: https://github.com/colour-science/flask-compress#options
(`COMPRESS_CACHE_BACKEND`, `COMPRESS_CACHE_KEY`; its key is `"<algorithm>;<our key>"`)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, g

from dashboard.data import cache

_UNKEPT = ""  # our key for a body that is not kept: flask-compress's key then ends with ";"


def mark(tag: str) -> None:
    """The body of this request's response is the one cached under entity tag `tag`."""
    g.pp_compress_tag = tag


def _key(request: Request) -> str:
    tag = g.get("pp_compress_tag")
    return f"{request.path}|{tag}" if tag else _UNKEPT


class _Kept:
    """flask-compress's cache backend (get/set): `cache.compressed()`, marked bodies only."""

    def get(self, key: str) -> Any:
        return None if key.endswith(";") else cache.compressed().get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            cache.compressed().set(key, value)


def configure(server: Flask) -> None:
    """Before Dash enables compression on `server` (flask-compress reads these at init)."""
    server.config["COMPRESS_CACHE_BACKEND"] = _Kept
    server.config["COMPRESS_CACHE_KEY"] = _key
