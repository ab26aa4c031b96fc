"""Compressed bodies of cached responses are kept per (algorithm, path, entity tag) and are the
compression of exactly the body served uncompressed; other responses are not kept."""

from __future__ import annotations

import gzip

from dashboard import app
from dashboard.data import cache

EMBED = "/embed/gas_border_price?events=1"


def test_a_cached_body_is_compressed_once_and_stays_right(dash_store) -> None:  # type: ignore[no-untyped-def]
    client = app.server.test_client()
    plain = client.get(EMBED)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    cache.compressed().clear()
    first = client.get(EMBED, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.data) == plain.data
    tag = plain.headers["ETag"].strip('"')
    key = f"gzip;/embed/gas_border_price|{tag}"
    kept = cache.compressed().get(key)
    assert kept == first.data  # kept under the body's tag
    again = client.get(EMBED, headers={"Accept-Encoding": "gzip"})
    assert again.data == first.data and gzip.decompress(again.data) == plain.data
    assert again.headers["ETag"] == first.headers["ETag"] == f'"{tag}:gzip"'


def test_pages_and_errors_are_not_kept(dash_store) -> None:  # type: ignore[no-untyped-def]
    client = app.server.test_client()
    cache.compressed().clear()
    page = client.get("/energy", headers={"Accept-Encoding": "gzip"})
    bad = client.get("/embed/gas_border_price?version=abc", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and bad.status_code == 400
    backend = cache.compressed().backend
    assert len(backend._cache) == 0  # type: ignore[attr-defined]


def test_api_rows_are_compressed_once(dash_store) -> None:  # type: ignore[no-untyped-def]
    client = app.server.test_client()
    route = "/api/v1/datasets/gas_prices.json"
    plain = client.get(route)
    cache.compressed().clear()
    first = client.get(route, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(first.data) == plain.data
    kept = cache.compressed().get(f"gzip;{route}|{plain.headers['ETag'].strip(chr(34))}")
    assert kept == first.data
