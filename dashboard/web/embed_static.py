"""The embeds' static files (plotly.js bundles, embed.js, embed.css) under fingerprinted names,
served with a one-year immutable cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, send_file

HERE = Path(__file__).parent
_FILES = {
    "plotly-basic-4.1.1.min.js": HERE / "embed_static" / "plotly-basic-4.1.1.min.js",
    "plotly-geo-4.1.1.min.js": HERE.parent / "assets" / "vendor" / "plotly-geo-4.1.1.min.js",
    "embed.js": HERE / "embed_static" / "embed.js",
    "embed.css": HERE / "embed_static" / "embed.css",
}


def _fingerprint(name: str, path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    stem, _, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}"


STATIC = {name: _fingerprint(name, path) for name, path in _FILES.items()}
_BY_FINGERPRINT = {fp: _FILES[name] for name, fp in STATIC.items()}


def static_file(name: str) -> Response:
    path = _BY_FINGERPRINT.get(name)
    if path is None:
        return Response("not found\n", status=404, mimetype="text/plain")
    response = send_file(path, max_age=31_536_000, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def register(server: Flask) -> None:
    server.add_url_rule("/embed/static/<name>", "embed_static", static_file)
