"""Shared checks on upstream bodies: decode, refuse HTML, parse JSON; by shape, not status."""

from __future__ import annotations

import json
from typing import Any

from data_sources.errors import SourceError
from data_sources.http import RawResponse


def text_of(raw: RawResponse) -> str:
    """The body as text; the World Bank API sometimes starts with a UTF-8 BOM, so strip it.

    A quirk reported by third parties for api.worldbank.org; stripping a BOM is harmless anyway.
    """
    try:
        return raw.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("invalid_payload", "body is not UTF-8", url=raw.url) from None


def refuse_html(raw: RawResponse, text: str) -> None:
    """A 200 with an HTML page (captive portal, bot challenge, maintenance) is not data."""
    head = text.lstrip()[:200].lower()
    if "html" in raw.content_type.lower() or head.startswith(("<!doctype html", "<html")):
        raise SourceError(
            "invalid_payload", "got an HTML page instead of data", url=raw.url, status=raw.status
        )


def json_of(raw: RawResponse) -> Any:
    """Parse a JSON body; a cut or garbled body is an `invalid_payload` failure."""
    text = text_of(raw)
    refuse_html(raw, text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            "invalid_payload",
            f"invalid JSON at char {exc.pos}: {exc.msg}",
            url=raw.url,
            status=raw.status,
        ) from None
