"""The one HTTP client of every fetcher: timeouts, bounded retries, backoff, capped Retry-After."""

from __future__ import annotations

import hashlib
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from data_sources import config
from data_sources.errors import SourceError

if TYPE_CHECKING:  # imported on first use: a refresh of curated sources never sends a request
    import requests

log = logging.getLogger("data_sources.http")

USER_AGENT = (
    "PressurePoints/0.1 (+https://github.com/pressure-points/pressure-points; data refresh)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Query parameters whose values are secrets wherever they appear (redacted in logs and the store).
SECRET_PARAMS = frozenset(
    {
        "subscription-key",
        "api_key",
        "apikey",
        "key",
        "token",
        "access_token",
        "password",
        "client_secret",
    }
)
_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a credential so `redact` removes it from every message, URL and log line."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """`text` with every registered secret and every secret-named query value replaced by ***."""
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return re.sub(
        r"(?i)([?&](?:" + "|".join(re.escape(p) for p in SECRET_PARAMS) + r")=)[^&#\s]*",
        r"\1***",
        text,
    )


class RedactingFilter(logging.Filter):
    """Logging filter that runs every record's final message through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


@dataclass
class RawResponse:
    """One upstream response body with the provenance the store keeps beside it."""

    url: str  # full request URL, secrets removed
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    params: dict[str, str] = field(default_factory=dict)
    upstream_updated: str | None = None  # the upstream's own "last updated", when it gives one
    retry_after: str | None = None  # the Retry-After header, for the retry loop

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def size(self) -> int:
        return len(self.body)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# Comtrade's API gateway says "Rate limit is exceeded. Try again in 2 seconds." in a 429 body
# without a header: https://github.com/uncomtrade/comtradeapicall/issues/3
_TRY_AGAIN = re.compile(rb"[Tt]ry again in (\d+) seconds?")


class HttpClient:
    """GET with (connect, read) timeouts, retries on 429/5xx/connection errors, capped Retry-After.

    `sleep`, `rng` and `now` are injectable so tests run the backoff without real waiting.
    """

    def __init__(
        self,
        *,
        timeout: tuple[float, float] | None = None,
        max_retries: int | None = None,
        retry_after_max: float | None = None,
        backoff_base: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        session: requests.Session | None = None,
    ) -> None:
        self.timeout = timeout or config.http_timeout()
        self.max_retries = (
            config.env_int("HTTP_MAX_RETRIES") if max_retries is None else max_retries
        )
        self.retry_after_max = (
            config.env_float("HTTP_RETRY_AFTER_MAX") if retry_after_max is None else retry_after_max
        )
        self.backoff_base = (
            config.env_float("HTTP_BACKOFF_BASE") if backoff_base is None else backoff_base
        )
        self.sleep = sleep
        self.rng = rng
        self._session = session
        if session is not None:
            session.headers["User-Agent"] = USER_AGENT
        self.requests_made = 0
        self.retries = 0

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        extra_retry_statuses: Iterable[int] = (),
        min_delay: float = 0.0,
    ) -> RawResponse:
        """Fetch `url` whole, retrying what is worth retrying; raise `SourceError` otherwise."""
        return self._request("GET", url, params, None, headers, extra_retry_statuses, min_delay)

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        extra_retry_statuses: Iterable[int] = (),
        min_delay: float = 0.0,
    ) -> RawResponse:
        """POST a form like `get` fetches (the form is never logged or stored)."""
        return self._request("POST", url, None, data, headers, extra_retry_statuses, min_delay)

    @property
    def session(self) -> requests.Session:
        """The HTTP session, made (and `requests` imported, about 0.14 s) on first use."""
        if self._session is None:
            import requests

            self._session = requests.Session()
            self._session.headers["User-Agent"] = USER_AGENT
        return self._session

    def _request(  # get and post; `min_delay`: shortest wait before a retry (upstream pacing)
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        extra_retry_statuses: Iterable[int],
        min_delay: float,
    ) -> RawResponse:
        import requests

        retry_on = RETRY_STATUSES | frozenset(extra_retry_statuses)
        full_url = requests.Request(method, url, params=dict(params or {})).prepare().url or url
        shown_url = redact_url(full_url)
        form = dict(data) if data is not None else None
        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            try:
                response = self._send(full_url, headers, shown_url, (method, form))
            except SourceError as err:
                if last or not err.retryable:
                    raise
                self._wait(max(min_delay, self._backoff(attempt)), err)
                continue
            if 200 <= response.status < 300:
                return response
            status_err = _status_error(response, shown_url)
            if response.status not in retry_on or last:
                raise status_err
            delay = self._retry_delay(response, attempt, shown_url)
            self._wait(max(min_delay, delay), status_err)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        url: str,
        headers: Mapping[str, str] | None,
        shown_url: str,
        call: tuple[str, dict[str, str] | None] = ("GET", None),  # method, form
    ) -> RawResponse:
        import requests

        self.requests_made += 1
        method, form = call
        try:
            with self.session.request(
                method,
                url,
                headers=dict(headers or {}),
                data=form,
                timeout=self.timeout,
                stream=True,
                allow_redirects=True,
            ) as resp:
                body = resp.content
                declared = resp.headers.get("Content-Length")
                encoded = resp.headers.get("Content-Encoding", "identity") != "identity"
                if declared and declared.isdigit() and not encoded and int(declared) != len(body):
                    raise SourceError(
                        "truncated_body", f"got {len(body)} of {declared} bytes", url=shown_url
                    )
                return RawResponse(
                    url=shown_url,
                    status=resp.status_code,
                    content_type=resp.headers.get("Content-Type", ""),
                    body=body,
                    fetched_at=datetime.now(UTC),
                    params=_query(shown_url),
                    upstream_updated=resp.headers.get("Last-Modified"),
                    retry_after=resp.headers.get("Retry-After"),
                )
        except requests.exceptions.ConnectTimeout:
            raise SourceError(
                "connect_timeout", f"no connection within {self.timeout[0]:g} s", url=shown_url
            ) from None
        except requests.exceptions.ReadTimeout:
            raise SourceError(
                "read_timeout", f"no bytes for {self.timeout[1]:g} s", url=shown_url
            ) from None
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise SourceError(
                "truncated_body", f"body cut short ({_short(exc)})", url=shown_url
            ) from None
        except requests.exceptions.ConnectionError as exc:
            # A stall while reading a streamed body surfaces as ConnectionError(ReadTimeoutError).
            error_class = "read_timeout" if "timed out" in str(exc) else "connection_error"
            raise SourceError(
                error_class, f"connection failed ({_short(exc)})", url=shown_url
            ) from None
        except requests.exceptions.RequestException as exc:
            raise SourceError("connection_error", _short(exc), url=shown_url) from None

    def _retry_delay(self, response: RawResponse, attempt: int, shown_url: str) -> float:
        advertised = None
        if response.status in (429, 503):
            advertised = retry_after_seconds(response.retry_after)
            match = _TRY_AGAIN.search(response.body[:2000]) if advertised is None else None
            if match:
                advertised = float(match.group(1))
        if advertised is None:
            return self._backoff(attempt)
        if advertised > self.retry_after_max:
            raise SourceError(
                "rate_limited",
                f"upstream asks to wait {advertised:.0f} s, over the {self.retry_after_max:g} s "
                "cap (HTTP_RETRY_AFTER_MAX); try the next run",
                url=shown_url,
                status=response.status,
            )
        return advertised

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter on top: base·2^attempt + U(0, base)."""
        return min(60.0, self.backoff_base * 2**attempt + self.rng() * self.backoff_base)

    def _wait(self, delay: float, err: SourceError) -> None:
        self.retries += 1
        log.warning("retrying in %.1f s after %s: %s", delay, err.error_class, err)
        self.sleep(delay)


def redact_url(url: str) -> str:
    """`url` with secret query values removed (kept in the store and in messages)."""
    parts = urlsplit(url)
    query = [
        (k, "***" if k.lower() in SECRET_PARAMS else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return redact(urlunsplit(parts._replace(query=urlencode(query, safe=",;:+*"))))


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _short(exc: BaseException) -> str:
    return redact(str(exc).splitlines()[0][:200]) if str(exc) else type(exc).__name__


def _status_error(response: RawResponse, shown_url: str) -> SourceError:
    status = response.status
    snippet = redact(response.body[:160].decode("utf-8", "replace").replace("\n", " ").strip())
    if status == 401:
        return SourceError("auth_failed", "credentials refused", url=shown_url, status=status)
    if status == 403:
        return SourceError("access_denied", "access denied", url=shown_url, status=status)
    if status == 429:
        return SourceError("http_429", f"rate limited: {snippet}", url=shown_url, status=status)
    error_class = "http_5xx" if status >= 500 else "http_4xx"
    return SourceError(error_class, f"upstream answered: {snippet}", url=shown_url, status=status)
