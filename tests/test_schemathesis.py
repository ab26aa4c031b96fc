"""Issue 16 (item 2): property-based fuzzing of the public API from its own OpenAPI document.

Schemathesis loads `/api/v1/openapi.json` from the Flask app in-process (WSGI: no socket, the
network guard stays on) against a store seeded with the bundled curated data, generates requests
for every operation (the document itself included), positive and negative, and runs every
built-in check on each answer: no 5xx, status codes, content types and headers as documented,
bodies valid against their schemas, bad input rejected and good input accepted, 405 for
undocumented methods. A check of ours adds: no unescaped reflection of the input in HTML. The
stateful phase runs on the links Schemathesis infers (the document declares none).

Conditional requests: every operation declares `If-None-Match` (a free string), so the generated
cases send junk entity tags; `test_every_get_revalidates_with_its_own_etag` replays each 200's own
ETag (→ 304) and empty, weak, `*`, lists and junk tags (→ never a 5xx).

Budget: `PP_SCHEMATHESIS_EXAMPLES` examples per operation and generation mode, and for the
stateful phase (default 50: the file takes about 25 s on a busy 2-core machine; 400 took 140 s);
`make fuzz-long` runs it with 1000.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.errors import NoLinksFound
from schemathesis.generation.modes import GenerationMode

from dashboard.app import app
from dashboard.web import api_openapi
from data_sources.store import Store

EXAMPLES = int(os.environ.get("PP_SCHEMATHESIS_EXAMPLES", "50"))
MARK = "<pp-fuzz>"
# The WSGI transport hands checks the raw bytes: ask for them uncompressed (compression has its
# own tests in tests/test_compressed.py).
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def api_schema(dash_store: Store) -> Iterator[Any]:
    """The API's own document, read through the app (its dataset enum is the seeded store's)."""
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app.server)


# Every operation of the document (the paths do not depend on the store; the `id` enum does).
_DOC = api_openapi.document(["_"])
OPERATIONS = sorted(_DOC["paths"])
# Negative data needs something to violate: operations whose only parameter is If-None-Match
# (any string is a valid entity-tag list to the document) have none, so Hypothesis could only
# report "Unsatisfiable" for them; they are fuzzed with positive data (junk tags included).
NEGATABLE = [
    path
    for path in OPERATIONS
    if any("name" in p for p in _DOC["paths"][path]["get"]["parameters"])
]
ROWS = "/api/v1/datasets/{id}.{format}"
INTEGERS = {
    p["name"]
    for item in _DOC["paths"].values()
    for p in item["get"]["parameters"]
    if p.get("schema", {}).get("type") == "integer"
}


def _pinner(store: Store) -> Any:
    """Valid data for the rows operation beyond what JSON Schema can say, as its descriptions
    state: `version` is "a stored version id of this dataset" (which ids exist is state the
    document cannot enumerate: drawn from the store, dropped for a dataset with none; a
    well-formed id that is not stored is a 400 naming `version`, tested in tests/test_api.py),
    and `to` is "not before `from`" (a cross-parameter rule: the pair is ordered). Integers are
    sent as digits."""
    stored = {
        source: [info.id for info in store.list_versions(source)]
        for source in store.current_versions()
    }

    def pin(case: Any) -> Any:
        for name, value in (case.query or {}).items():
            # JSON Schema counts 7.0 as an integer, and Schemathesis sends it as "7.0"; a client
            # sends an integer as digits (the API answers "7.0" with a 400 naming the parameter).
            if name in INTEGERS and isinstance(value, float) and value.is_integer():
                case.query[name] = int(value)
        if case.operation.path != ROWS or not case.query:
            return case
        empty = [name for name, value in case.query.items() if value == ""]  # absent
        if "version" in case.query and "version" not in empty:
            ids = stored.get(case.path_parameters["id"])
            if ids:
                case.query["version"] = ids[int(case.query["version"]) % len(ids)]
            else:
                del case.query["version"]
        if "from" in case.query and "to" in case.query and not {"from", "to"} & set(empty):
            low, high = sorted((int(case.query["from"]), int(case.query["to"])))
            case.query["from"], case.query["to"] = low, high
        return case

    return pin


def no_unescaped_reflection(ctx: Any, response: Any, case: Any) -> bool | None:
    """An HTML answer must not carry any generated value containing markup verbatim."""
    # Schemathesis' Response keeps headers with lowercase keys and list values.
    content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])
    if "html" not in content_type[0]:
        return None
    body = response.text
    values: list[str] = []
    for part in (case.query, case.path_parameters, case.headers):
        for value in (part or {}).values():
            values.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    for value in values:
        if any(ch in value for ch in "<>\"'") and len(value) > 1:
            assert value not in body, f"unescaped reflection of {value!r} in HTML"
    return None


# `schemathesis.pytest.from_fixture(...).parametrize()` needs pytest's private `Node._nodeid`,
# gone in the pinned pytest 9: one test per operation and generation mode drives the same
# Hypothesis strategies (`APIOperation.as_strategy`) itself.
@pytest.mark.parametrize(
    ("path", "mode"),
    [(p, GenerationMode.POSITIVE) for p in OPERATIONS]
    + [(p, GenerationMode.NEGATIVE) for p in NEGATABLE],
)
def test_api_conforms_to_its_openapi_document(
    api_schema: Any, dash_store: Store, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path]["GET"]
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = strategy.map(_pinner(dash_store))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        # Every built-in check the installed Schemathesis enables by default (not_a_server_error,
        # status_code_conformance, content_type_conformance, response_headers_conformance,
        # response_schema_conformance, negative_data_rejection, positive_data_acceptance,
        # missing_required_header, unsupported_method, ...) and our reflection check.
        case.call_and_validate(headers=IDENTITY, additional_checks=[no_unescaped_reflection])

    fuzz()


def test_the_reflection_check_catches_markup_in_html(api_schema: Any) -> None:
    """The check is not vacuous: an HTML answer echoing a value with markup fails it, the same
    answer escaped passes, and JSON is not its business."""
    from schemathesis.core.transport import Response

    case = api_schema["/api/v1/changes"]["GET"].Case(query={"since": MARK})

    def answer(body: str, content_type: str) -> Response:
        import requests

        request = requests.Request("GET", "http://localhost/api/v1/changes").prepare()
        return Response(
            status_code=400,
            headers={"content-type": [content_type]},
            content=body.encode(),
            request=request,
            elapsed=0.0,
            verify=False,
        )

    with pytest.raises(AssertionError, match="unescaped reflection"):
        no_unescaped_reflection(None, answer(f"<p>{MARK}</p>", "text/html; charset=utf-8"), case)
    no_unescaped_reflection(None, answer(f"<p>{html.escape(MARK)}</p>", "text/html"), case)
    no_unescaped_reflection(None, answer(f'{{"error": "{MARK}"}}', "application/json"), case)


def test_the_document_is_one_of_the_fuzzed_operations(api_schema: Any) -> None:
    # Schemathesis leaves the schema's own URL out of `get_all_operations`; the parametrized
    # test above takes every path of the document, so the document itself is fuzzed too.
    assert set(OPERATIONS) == set(api_schema.raw_schema["paths"])
    assert "/api/v1/openapi.json" in OPERATIONS
    assert api_schema["/api/v1/openapi.json"]["GET"].path == "/api/v1/openapi.json"


def test_stateful_phase(api_schema: Any, dash_store: Store) -> None:
    """Schemathesis' stateful phase: sequences of calls that feed one answer's values into the
    next request along links. The document declares no OpenAPI links (the API is read-only);
    Schemathesis infers them from the schemas (e.g. a dataset `id` listed by /api/v1/datasets
    → /api/v1/datasets/{id}), and this runs the resulting state machine with every check."""
    declared = [
        code
        for item in api_schema.raw_schema["paths"].values()
        for operation in item.values()
        for code, response in operation.get("responses", {}).items()
        if "links" in response
    ]
    assert not declared
    try:
        machine = api_schema.as_state_machine()
    except NoLinksFound:  # nothing inferred: nothing stateful to run
        pytest.fail("Schemathesis inferred no links between the API's operations")

    pin = _pinner(dash_store)

    class Machine(machine):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            if case.meta is None or "negative" not in str(case.meta.generation.mode).lower():
                pin(case)
            super().before_call(case)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": IDENTITY}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            kwargs.pop("additional_checks", None)
            super().validate_response(
                response, case, additional_checks=[no_unescaped_reflection], **kwargs
            )

    Machine.run(
        settings=settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            stateful_step_count=6,
        )
    )


# --- conditional requests: the API's own entity tags, and junk ----------------------------
JUNK_TAGS = [
    '""',
    'W/""',
    "*",
    'W/"x"',
    '"x"',
    "garbage",
    ",",
    ", ,",
    '"unterminated',
    'W/"a", "b", *',
    '"' + "9" * 300 + '"',
    MARK,
]


def _concrete_urls(doc: dict[str, Any]) -> list[str]:
    """One URL per GET operation, path parameters filled with each of their enum values."""
    urls: list[str] = []
    for path, item in doc["paths"].items():
        params = [
            p for p in item["get"].get("parameters", []) if p.get("in") == "path" and "name" in p
        ]
        combos: list[dict[str, str]] = [{}]
        for param in params:
            combos = [
                {**combo, param["name"]: str(value)}
                for combo in combos
                for value in param["schema"]["enum"]
            ]
        for combo in combos:
            url = path
            for name, value in combo.items():
                url = url.replace("{" + name + "}", quote(value, safe=""))
            urls.append(url)
    return urls


def test_every_get_revalidates_with_its_own_etag(dash_store: Store) -> None:
    client = app.server.test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    urls = _concrete_urls(doc)
    assert len(urls) >= len(doc["paths"])
    revalidated = 0
    for url in urls:
        first = client.get(url)
        assert first.status_code < 500, url
        for tag in JUNK_TAGS:
            junk = client.get(url, headers={"If-None-Match": tag})
            assert junk.status_code < 500, (url, tag, junk.get_data()[:200])
            if "html" in (junk.content_type or ""):
                assert html.escape(tag) == tag or tag not in junk.get_data(as_text=True)
        if first.status_code != 200:
            continue
        etag = first.headers.get("ETag")
        assert etag, f"{url} answers 200 without an ETag"
        for header in (etag, f"W/{etag}" if not etag.startswith("W/") else etag[2:], "*"):
            again = client.get(url, headers={"If-None-Match": header})
            assert again.status_code == 304, (url, header)
            assert again.headers.get("ETag") == etag
            assert not again.get_data()
        listed = client.get(url, headers={"If-None-Match": f'"nope", {etag}'})
        assert listed.status_code == 304, (url, "list")
        # a tag the API never gave: the full answer, same tag
        other = client.get(url, headers={"If-None-Match": '"pp-not-a-tag"'})
        assert other.status_code == 200 and other.headers.get("ETag") == etag, url
        revalidated += 1
    assert revalidated >= len(doc["paths"])


# --- what the fuzz found, pinned as plain examples ------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["/api/v1/changes?limit=&limit=5", "/api/v1/datasets/gas_imports.json?from=2015&from=2016"],
)
def test_a_repeated_parameter_is_a_400_naming_it(dash_store: Store, url: str) -> None:
    # `limit=&limit=junk` used to be read as "no limit" (the first value won, the rest unseen).
    response = app.server.test_client().get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.get_json()["parameter"] == name


def test_every_scenario_checks_every_documented_parameter(dash_store: Store) -> None:
    # daily_use_mcm is gas_interruption's (1..15); the document lists it on every scenario, so
    # remittance_shock used to accept 1e308 for it silently.
    client = app.server.test_client()
    bad = client.get("/api/v1/scenarios/remittance_shock?daily_use_mcm=1e308")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "daily_use_mcm"
    fine = client.get("/api/v1/scenarios/remittance_shock?daily_use_mcm=3")
    assert fine.status_code == 200
    assert fine.get_json() == client.get("/api/v1/scenarios/remittance_shock").get_json()


def test_an_empty_query_value_is_documented_as_absent(dash_store: Store) -> None:
    doc = app.server.test_client().get("/api/v1/openapi.json").get_json()
    query = [
        p
        for item in doc["paths"].values()
        for p in item["get"]["parameters"]
        if p.get("in") == "query"
    ]
    assert query and all(p.get("allowEmptyValue") is True for p in query)
    client = app.server.test_client()
    assert client.get("/api/v1/changes?limit=&kind=&since=").status_code == 200
