"""Settings read from the environment, declared as data so the README can list them all."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from data_sources.errors import UsageError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: list[Setting] = [
    Setting(
        "DATABASE_URL",
        "sqlite:///var/pressure_points.sqlite3",
        "SQLAlchemy URL of the store; `postgres://` (as Heroku gives it) is accepted",
    ),
    Setting(
        "DATABASE_CONNECT_TIMEOUT",
        "3",
        "seconds to wait for a PostgreSQL connection before the request answers 503 (whole "
        "seconds, at least 2; 0 leaves the driver's default of 130 s)",
    ),
    Setting(
        "REDIS_URL", "", "shared response cache for multi-worker deploys; in-process when unset"
    ),
    Setting("HTTP_TIMEOUT", "10,60", "connect,read timeout in seconds (one number sets both)"),
    Setting(
        "HTTP_MAX_RETRIES", "3", "retries after the first attempt on 429/5xx/connection errors"
    ),
    Setting(
        "HTTP_RETRY_AFTER_MAX",
        "120",
        "longest Retry-After (s) honoured; a longer one fails the source for this run",
    ),
    Setting("HTTP_BACKOFF_BASE", "1.0", "first backoff delay in seconds (doubles each retry)"),
    Setting("COMTRADE_MIN_INTERVAL", "1.0", "seconds between UN Comtrade calls (keyless limits)"),
    Setting("GDELT_MIN_INTERVAL", "5.0", "seconds between GDELT calls (its stated limit)"),
    Setting("STORE_KEEP_VERSIONS", "50", "versions kept per source (0 = all); never the current"),
    Setting("REFRESH_LOCK_WAIT", "10", "seconds a refresh waits for another one to finish"),
    Setting(
        "REFRESH_SHRINK_LIMIT",
        "0.5",
        "refuse a new version with fewer rows than this share of the current one",
    ),
    Setting("EMBED_FRAME_ANCESTORS", "*", "who may iframe /embed/*"),
    Setting(
        "SITE_URL",
        "",
        "public address of the dashboard (e.g. https://pressure-points.example), for the links in "
        "alerts; relative links when unset",
    ),
    Setting(
        "ALERT_WEBHOOK_URLS",
        "",
        "comma-separated receivers of signed alert POSTs; unset: feeds only (never logged)",
    ),
    Setting(
        "ALERT_WEBHOOK_SECRET",
        "",
        "HMAC-SHA256 key of `X-Pressure-Points-Signature: sha256=<hex>`; required with URLs",
    ),
    Setting("ALERT_REVISION_THRESHOLD", "0.05", "relative revision that raises an alert"),
    Setting(
        "ALERT_RETRY_BASE",
        "30",
        "seconds before the first retry of a failed delivery (doubles, capped at 1 h)",
    ),
    Setting(
        "ALERT_MAX_ATTEMPTS",
        "10",
        "delivery attempts per alert and receiver before it is marked failed",
    ),
]


def env(name: str) -> str:
    """The value of a declared setting, or its default."""
    default = next(s.default for s in SETTINGS if s.name == name)
    return os.environ.get(name, "").strip() or default


def env_float(name: str) -> float:
    raw = env(name)
    try:
        return float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number") from None


def env_int(name: str) -> int:
    raw = env(name)
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a whole number") from None


def http_timeout() -> tuple[float, float]:
    raw = env("HTTP_TIMEOUT")
    try:
        parts = [float(p) for p in raw.split(",")]
    except ValueError:
        raise UsageError(f"HTTP_TIMEOUT={raw!r} is not 'connect,read' seconds") from None
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or min(parts) <= 0:
        raise UsageError(f"HTTP_TIMEOUT={raw!r} is not 'connect,read' seconds")
    return parts[0], parts[1]


def database_url() -> str:
    """The store URL: Heroku's `postgres://` rewritten for SQLAlchemy, SQLite's folder created."""
    url = env("DATABASE_URL")
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    elif not url.startswith(("sqlite", "postgresql+psycopg://")):
        raise UsageError(f"DATABASE_URL scheme not supported: {url.split(':', 1)[0]!r}")
    return url


def site_url() -> str:
    """SITE_URL without a trailing slash ('' when unset: links stay relative)."""
    return env("SITE_URL").rstrip("/")


def base_url(source_id: str, default: str) -> str:
    """`<ID>_BASE_URL` override for a source (mirrors, proxies, tests), without a trailing slash."""
    return (os.environ.get(f"{source_id.upper()}_BASE_URL", "").strip() or default).rstrip("/")
