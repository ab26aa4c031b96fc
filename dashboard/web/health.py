"""/healthz: overall ok plus per-source freshness, and each component the site depends on (the
store, the shared cache) with its latency, for uptime checks and operators.

- 200: the store answers. `ok` is false when a source's last refresh failed or was interrupted;
  `components.cache.ok` is false when Redis is down (the site still works, uncached).
- `components.renderer`: the image renderer's queue (`queued`, `oldest_wait_s`); `ok` is false,
  and so is the overall `ok`, when a request has waited longer than RENDERER_STALL_S: no renderer
  process is drawing (images then answer 503 "being rendered" for ever). The status stays 200:
  pages, embeds and the API still work.
- 503 (with Retry-After): the store does not answer; `components.store.error` says so and
  `sources` is empty.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from flask import Flask, Response

from dashboard.data import cache, door
from dashboard.data.door import StoreUnavailable

RENDERER_STALL_S = 600  # a queued image older than this: no renderer is drawing
KEYS = (
    "id",
    "ok",
    "state",
    "version",
    "fetched_at",
    "checked_at",
    "stale",
    "stale_since",
    "last_error",
)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _store() -> dict[str, object]:
    started = time.perf_counter()
    try:
        return {"ok": True, "latency_ms": _ms(door.ping())}
    except StoreUnavailable:
        return {
            "ok": False,
            "latency_ms": _ms(time.perf_counter() - started),
            "error": "unreachable",
        }


def _cache() -> dict[str, object]:
    """A read of the shared cache (Redis when REDIS_URL is set, else this process's memory)."""
    backend = cache.shared()
    started = time.perf_counter()
    try:
        backend.backend.get("healthz")
    except Exception:  # redis.exceptions.RedisError, socket errors: the site serves uncached
        return {
            "ok": False,
            "backend": backend.name,
            "latency_ms": _ms(time.perf_counter() - started),
            "error": "unreachable; serving uncached",
        }
    return {"ok": True, "backend": backend.name, "latency_ms": _ms(time.perf_counter() - started)}


def _renderer() -> dict[str, object]:
    """The renderer's queue: how many images readers asked for wait, and for how long."""
    queued, oldest = door.artifact_queue_state()
    waited = 0.0 if oldest is None else max(0.0, (datetime.now(UTC) - oldest).total_seconds())
    state: dict[str, object] = {
        "ok": waited <= RENDERER_STALL_S,
        "queued": queued,
        "oldest_wait_s": round(waited, 1),
    }
    if not state["ok"]:
        state["error"] = "queued images are not being drawn: is the renderer process running?"
    return state


def healthz() -> Response:
    """JSON: overall ok, per-source freshness, per-component health; 503 when the store is down."""
    components = {"store": _store(), "cache": _cache()}
    sources: list[dict] = []
    status = 200
    if components["store"]["ok"]:
        try:
            rows = list(door.statuses().values())
            sources = [{k: r[k] for k in KEYS} for r in rows]
            components["renderer"] = _renderer()
        except StoreUnavailable:  # it went down between the ping and this read
            components["store"] = {**components["store"], "ok": False, "error": "unreachable"}
    if not components["store"]["ok"]:
        status = 503
    ok = (
        status == 200
        and all(r["state"] in ("ok", "skipped") for r in sources)
        and bool(components.get("renderer", {}).get("ok", True))
    )
    body = {"ok": ok, "components": components, "sources": sources}
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = str(door.RETRY_AFTER)
    return response


def register(server: Flask) -> None:
    server.add_url_rule("/healthz", "healthz", healthz)
