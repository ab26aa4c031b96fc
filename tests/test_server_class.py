"""`request.args` answers absent keys without building werkzeug's BadRequestKeyError, and
otherwise exactly as werkzeug's MultiDict does."""

from __future__ import annotations

import pytest
from werkzeug import exceptions
from werkzeug.datastructures import ImmutableMultiDict

from dashboard.web.server import QueryArgs

PAIRS = [("a", "1"), ("a", "2"), ("b", "x"), ("c", "")]
CASES = [
    (("a",), {}),
    (("zz",), {}),
    (("zz", "d"), {}),
    (("a",), {"type": int}),
    (("b", -1), {"type": int}),
    (("zz", 5), {"type": int}),
    (("c", "d"), {}),
]


@pytest.mark.parametrize(("args", "kwargs"), CASES)
def test_get_answers_as_werkzeug_does(args, kwargs) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = QueryArgs(PAIRS), ImmutableMultiDict(PAIRS)
    assert ours.get(*args, **kwargs) == theirs.get(*args, **kwargs)
    assert ours.getlist("a") == ["1", "2"]


def test_an_absent_key_builds_no_exception(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    built: list[object] = []
    original = exceptions.BadRequestKeyError.__init__

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(exceptions.BadRequestKeyError, "__init__", counting)
    ImmutableMultiDict(PAIRS).get("zz")
    assert len(built) == 1  # werkzeug's own get raises and catches one
    QueryArgs(PAIRS).get("zz")
    QueryArgs(PAIRS).get("version", "")
    assert len(built) == 1


def test_the_server_parses_queries_with_it() -> None:
    from flask import request

    from dashboard.app import server

    with server.test_request_context("/embed/kpi/x?theme=dark"):
        assert isinstance(request.args, QueryArgs)
        assert request.args.get("theme") == "dark" and request.args.get("lang") is None


def test_ensure_sync_decides_once_per_function(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dashboard.web import server as module

    asked: list[object] = []
    real = module.iscoroutinefunction

    def counting(func):  # type: ignore[no-untyped-def]
        asked.append(func)
        return real(func)

    monkeypatch.setattr(module, "iscoroutinefunction", counting)
    app = module.Server("probe")

    def view() -> str:
        return "ok"

    async def coroutine() -> str:
        return "ok"

    assert app.ensure_sync(view) is view and app.ensure_sync(view) is view
    assert asked == [view]  # asked once, then remembered
    wrapped = object()
    monkeypatch.setattr(app, "async_to_sync", lambda func: wrapped)
    assert app.ensure_sync(coroutine) is wrapped and app.ensure_sync(coroutine) is wrapped
    assert asked == [view, coroutine]


def test_the_dashboard_runs_on_it(seeded_db: str) -> None:
    from dashboard.app import server
    from dashboard.data import door
    from dashboard.web.server import Server
    from data_sources.store import Store

    assert isinstance(server, Server)
    door.set_store(Store(seeded_db))
    try:
        response = server.test_client().get("/embed/kpi/gas_russia_share?theme=dark&lang=hy")
    finally:
        door.set_store(None)
    assert response.status_code == 200
    assert 'lang="hy"' in response.get_data(as_text=True)
