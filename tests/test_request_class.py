"""`request.args` answers absent keys without building werkzeug's BadRequestKeyError, and
otherwise exactly as werkzeug's MultiDict does."""

from __future__ import annotations

import pytest
from werkzeug import exceptions
from werkzeug.datastructures import ImmutableMultiDict

from dashboard.web.request_class import QueryArgs

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
