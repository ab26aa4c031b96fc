"""Our Flask server class (`Server`) and its request class, each trimmed where a cached hit
spent time for nothing, and `origin_key()`: which site a request was made to, for cache keys,
without building the URL.

`Request`: query and form parameters in a mapping whose `get` looks before it leaps.

werkzeug's `MultiDict.get` reads `self[key]` and catches the `KeyError`; for an absent key that
error is a `BadRequestKeyError`, an `HTTPException` whose construction costs more than the whole
lookup. Our routes ask for several optional parameters on every request (`theme`, `lang`,
`version`, `plain`, `static`, …), almost all absent, so a cached embed paid for about a dozen of
those exceptions. Source: https://github.com/pallets/werkzeug/blob/main/src/werkzeug/datastructures/structures.py
(`TypeConversionDict.get`, `MultiDict.__getitem__`)."""

from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutinefunction
from typing import Any

from flask import Flask, request
from flask import Request as FlaskRequest
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


class Server(Flask):
    """Flask, with `ensure_sync` deciding once per function: Flask asks
    `inspect.iscoroutinefunction` of every hook and view on every request (eight per request
    here, about a tenth of a cached hit's time); the answer never changes for a function.
    Flask documents overriding it: https://flask.palletsprojects.com/en/stable/api/#flask.Flask.ensure_sync
    """

    request_class = Request

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain: dict[Callable[..., Any], bool] = {}  # function -> not a coroutine function

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        plain = self._plain.get(func)
        if plain is None:
            plain = self._plain[func] = not iscoroutinefunction(func)
        return func if plain else self.async_to_sync(func)


def origin_key() -> tuple[str, str, str]:
    """(scheme, host, script root) of this request: what `request.host_url` is made of, for
    cache keys of responses that carry absolute links. `host_url` itself re-encodes the URL on
    every access (werkzeug's `get_current_url`), a fifth of a cached embed's own time."""
    return request.scheme, request.host, request.root_path
