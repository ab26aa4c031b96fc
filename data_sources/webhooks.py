"""Signed webhook delivery of the alert outbox (`python -m data_sources alerts deliver`).

Each alert goes to every receiver in ALERT_WEBHOOK_URLS as an HTTP POST of its stored JSON body,
signed with `X-Pressure-Points-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (key
ALERT_WEBHOOK_SECRET) and carrying `X-Pressure-Points-Delivery: <key>`, the same on every retry
so a receiver can drop a repeat. A delivery row is claimed with a conditional UPDATE before its
POST, so two deliverers at once never send it twice. A 2xx marks it delivered (never resent);
anything else leaves it pending, due again after ALERT_RETRY_BASE seconds doubling to 1 h, until
ALERT_MAX_ATTEMPTS attempts mark it failed. Receivers are stored as a hash of their URL: URLs and
the secret never reach the store, logs, pages or the API.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from data_sources import config
from data_sources.errors import UsageError
from data_sources.http import register_secret
from data_sources.store import Store, _aware, now_utc
from data_sources.store_tables import alerts, deliveries

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Pressure-Points-Signature"
DELIVERY_HEADER = "X-Pressure-Points-Delivery"
BACKOFF_CAP = 3600.0  # seconds: the longest wait between two attempts
MAX_AGE = timedelta(days=7)  # a receiver added later gets the alerts of the last 7 days
CLAIM = timedelta(minutes=2)  # a claim outlives a deliverer killed mid-POST by at most this
TIMEOUT = (5.0, 10.0)  # connect, read seconds of one POST
STATUSES = ("pending", "delivered", "failed")

Post = Callable[[str, bytes, dict[str, str]], int]  # (url, body, headers) -> HTTP status


@dataclass(frozen=True)
class Receiver:
    url: str

    @property
    def id(self) -> str:
        """What the store keeps of a receiver: a hash of its URL."""
        return hashlib.sha256(self.url.encode()).hexdigest()[:16]


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    errors: list[str] = field(default_factory=list)


def receivers() -> list[Receiver]:
    """ALERT_WEBHOOK_URLS as receivers (each registered for redaction from every message)."""
    urls = [u.strip() for u in config.env("ALERT_WEBHOOK_URLS").split(",") if u.strip()]
    for url in urls:
        register_secret(url)
        if not url.startswith(("http://", "https://")):
            raise UsageError("ALERT_WEBHOOK_URLS: every receiver must be an http(s) URL")
    return [Receiver(u) for u in urls]


def check_config() -> None:
    """UsageError when receivers are set without a secret, or one is not an http(s) URL."""
    if receivers() and not secret():
        raise UsageError("ALERT_WEBHOOK_SECRET must be set when ALERT_WEBHOOK_URLS is")


def secret() -> bytes:
    value = config.env("ALERT_WEBHOOK_SECRET")
    register_secret(value)
    return value.encode()


def sign(body: bytes, key: bytes) -> str:
    """The signature header's value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def backoff(attempts: int, base: float) -> float:
    """Seconds before the next attempt after `attempts` failed ones: base, 2·base, … ≤ 1 h."""
    return min(base * 2 ** max(0, attempts - 1), BACKOFF_CAP)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    import requests  # on first delivery: a refresh with nothing to deliver never imports it

    response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT)
    return response.status_code


def _describe(exc: Exception) -> str:
    """A failure in words that never include the receiver's URL."""
    import requests

    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def _enqueue(store: Store, targets: list[Receiver], now: datetime) -> None:
    """A pending delivery row for every recent alert and receiver that has none yet (a second
    deliverer enqueuing the same rows at once makes the unique constraint refuse: read again)."""
    for _ in range(3):
        try:
            _enqueue_once(store, targets, now)
            return
        except sa.exc.IntegrityError:
            continue


def _enqueue_once(store: Store, targets: list[Receiver], now: datetime) -> None:
    with store.engine.begin() as conn:
        recent = conn.execute(
            sa.select(alerts.c.id).where(alerts.c.created_at >= now - MAX_AGE)
        ).scalars()
        recent_ids = list(recent)
        for receiver in targets:
            have = set(
                conn.execute(
                    sa.select(deliveries.c.alert_id).where(deliveries.c.receiver == receiver.id)
                ).scalars()
            )
            rows = [
                dict(
                    alert_id=a,
                    receiver=receiver.id,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                )
                for a in recent_ids
                if a not in have
            ]
            if rows:
                conn.execute(deliveries.insert(), rows)


def _claim(store: Store, delivery_id: int, now: datetime) -> bool:
    """Take one due delivery for this process; False when another deliverer has it."""
    with store.engine.begin() as conn:
        taken = conn.execute(
            deliveries.update()
            .where(
                deliveries.c.id == delivery_id,
                deliveries.c.status == "pending",
                deliveries.c.next_attempt_at <= now,
                sa.or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < now),
            )
            .values(claimed_until=now + CLAIM)
        )
        return taken.rowcount == 1


def deliver(
    store: Store,
    *,
    post: Post = _post,
    now: Callable[[], datetime] = now_utc,
) -> DeliveryReport:
    """Send every due delivery once; returns what happened (nothing when no URLs are set)."""
    report = DeliveryReport()
    targets = receivers()
    if not targets:
        return report
    key = secret()
    if not key:
        raise UsageError("ALERT_WEBHOOK_SECRET must be set when ALERT_WEBHOOK_URLS is")
    base = config.env_float("ALERT_RETRY_BASE")
    most = config.env_int("ALERT_MAX_ATTEMPTS")
    store.create_schema()
    _enqueue(store, targets, now())
    by_id = {r.id: r for r in targets}
    due = (
        sa.select(deliveries.c.id, deliveries.c.receiver, deliveries.c.attempts, alerts.c.body)
        .join(alerts, alerts.c.id == deliveries.c.alert_id)
        .where(
            deliveries.c.status == "pending",
            deliveries.c.next_attempt_at <= now(),
            deliveries.c.receiver.in_(list(by_id)),
        )
        .order_by(deliveries.c.id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(due).all()
    for delivery_id, receiver_id, attempts, body_text in rows:
        if not _claim(store, delivery_id, now()):
            continue
        body = body_text.encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "pressure-points-alerts/1",
            SIGNATURE_HEADER: sign(body, key),
            DELIVERY_HEADER: f"{delivery_id}-{receiver_id}",
        }
        try:
            status = post(by_id[receiver_id].url, body, headers)
            problem = None if 200 <= status < 300 else f"HTTP {status}"
        except Exception as exc:  # a receiver's failure must not stop the others
            problem = _describe(exc)
        _finish(store, delivery_id, attempts + 1, problem, base, most, now(), report)
    return report


def _finish(
    store: Store,
    delivery_id: int,
    attempts: int,
    problem: str | None,
    base: float,
    most: int,
    when: datetime,
    report: DeliveryReport,
) -> None:
    values: dict[str, object] = {"attempts": attempts, "claimed_until": None}
    if problem is None:
        values.update(status="delivered", delivered_at=when, last_error=None)
        report.sent += 1
    elif attempts >= most:
        values.update(status="failed", last_error=problem)
        report.failed += 1
        report.errors.append(problem)
    else:
        due = when + timedelta(seconds=backoff(attempts, base))
        values.update(next_attempt_at=due, last_error=problem)
        report.retrying += 1
        report.errors.append(problem)
    with store.engine.begin() as conn:
        conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(**values))
    if problem:
        log.warning("alert delivery %d attempt %d: %s", delivery_id, attempts, problem)


def _receiver_count() -> int:
    try:
        return len(receivers())
    except UsageError:  # a malformed setting is reported by the CLI, not by a page
        return 0


def status(store: Store) -> dict[str, object]:
    """`alerts status --json`: outbox counts (pending, delivered, failed), alerts, receivers."""
    store.create_schema()
    with store.engine.connect() as conn:
        grouped = sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
        counts: dict[str, int] = {str(s): int(n) for s, n in conn.execute(grouped).all()}
        total = conn.execute(sa.select(sa.func.count()).select_from(alerts)).scalar() or 0
        oldest = conn.execute(
            sa.select(sa.func.min(deliveries.c.next_attempt_at)).where(
                deliveries.c.status == "pending"
            )
        ).scalar()
        failed = conn.execute(
            sa.select(alerts.c.title, deliveries.c.last_error, deliveries.c.attempts)
            .join(alerts, alerts.c.id == deliveries.c.alert_id)
            .where(deliveries.c.status == "failed")
            .order_by(deliveries.c.id.desc())
            .limit(20)
        ).all()
    next_due = _aware(oldest)
    return {
        **{s: int(counts.get(s, 0)) for s in STATUSES},
        "alerts": int(total),
        "receivers": _receiver_count(),
        "next_attempt_at": next_due.isoformat(timespec="seconds") if next_due else None,
        "failures": [{"title": t, "last_error": e, "attempts": n} for t, e, n in failed],
    }
