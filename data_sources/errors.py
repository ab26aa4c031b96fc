"""One exception type for everything that can go wrong with a source, with a stable error class."""

from __future__ import annotations

# Error classes recorded with every failed attempt and shown by `status` (`last_error`).
RETRYABLE_CLASSES = {
    "connect_timeout",
    "read_timeout",
    "connection_error",
    "http_5xx",
    "http_429",
    "truncated_body",
}


class SourceError(Exception):
    """A source could not be refreshed this run; the previous version stays current.

    `error_class` is a short stable slug (`connect_timeout`, `http_5xx`, `upstream_error`,
    `invalid_payload`, `schema_drift`, `empty_result`, `row_collapse`, `rate_limited`,
    `auth_failed`, ...). `str(err)` is one line naming the problem, the URL and the status.
    """

    def __init__(
        self, error_class: str, message: str, *, url: str | None = None, status: int | None = None
    ) -> None:
        self.error_class = error_class
        self.url = url
        self.status = status
        parts = [message]
        if status is not None:
            parts.append(f"HTTP {status}")
        if url:
            parts.append(url)
        super().__init__(" — ".join(parts).replace("\n", " "))

    @property
    def retryable(self) -> bool:
        return self.error_class in RETRYABLE_CLASSES


class UsageError(Exception):
    """Bad command-line input or configuration: one-line message, exit code 2, nothing touched."""
