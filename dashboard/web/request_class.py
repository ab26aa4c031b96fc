"""The request class of our Flask server: werkzeug's, with query and form parameters in a
mapping whose `get` looks before it leaps, and `origin_key()`: which site a request was made to,
for cache keys, without building the URL.

werkzeug's `MultiDict.get` reads `self[key]` and catches the `KeyError`; for an absent key that
error is a `BadRequestKeyError`, an `HTTPException` whose construction costs more than the whole
lookup. Our routes ask for several optional parameters on every request (`theme`, `lang`,
`version`, `plain`, `static`, …), almost all absent, so a cached embed paid for about a dozen of
those exceptions. Source: https://github.com/pallets/werkzeug/blob/main/src/werkzeug/datastructures/structures.py
(`TypeConversionDict.get`, `MultiDict.__getitem__`)."""

from __future__ import annotations

from typing import Any

from flask import Request as FlaskRequest
from flask import request
from werkzeug.datastructures import ImmutableMultiDict


class QueryArgs(ImmutableMultiDict[str, str]):
    """`request.args` / `request.form`: the same values, an absent key answered without an
    exception."""

    # One signature for werkzeug's four overloads (same behaviour):
    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]  # noqa: A002
        if key not in self:
            return default
        return super().get(key, default, type)


class Request(FlaskRequest):
    parameter_storage_class = QueryArgs


def origin_key() -> tuple[str, str, str]:
    """(scheme, host, script root) of this request: what `request.host_url` is made of, for
    cache keys of responses that carry absolute links. `host_url` itself re-encodes the URL on
    every access (werkzeug's `get_current_url`), a fifth of a cached embed's own time."""
    return request.scheme, request.host, request.root_path
