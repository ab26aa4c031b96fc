"""Issue 16: no input gives a 500, a clean 503 when the store is down (and recovery without a
restart), honest run state after a kill -9, one version across workers, 404 for unknown pages."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import app
from dashboard.charts import kpis
from dashboard.charts.registry import CHARTS
from dashboard.data import door
from dashboard.pages import _callback_bodies as callback_bodies
from data_sources import registry
from data_sources.status import source_status
from data_sources.store import Store, locks, now_utc
from tests.conftest import IN_CI, repromote, wait_for
from tests.pg_cluster import Cluster, pg_bin

ROOT = Path(__file__).resolve().parent.parent
CHART = "exposure_index" if "exposure_index" in CHARTS else next(iter(CHARTS))
KPI = next(iter(kpis.BY_ID))
BAD_VERSIONS = ["9" * 30, "abc", "-1", "0", "1,,x", "2147483648", "１２", "+1", "1_0"]


@pytest.fixture
def client(dash_store: Store):  # type: ignore[no-untyped-def]
    return app.server.test_client()


def _public_dataset(store: Store) -> str:
    current = store.current_versions()
    return next(s.id for s in registry.SOURCES if s.public and s.id != "acled" and s.id in current)


# --- 1. bad input: the same 400 everywhere, never a 500 ------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        f"/embed/{CHART}",
        f"/embed/{CHART}.svg",
        f"/download/{CHART}.csv",
        f"/download/{CHART}.json",
        f"/embed/kpi/{KPI}",
        f"/embed/kpi/{KPI}.svg",
    ],
)
@pytest.mark.parametrize("value", BAD_VERSIONS)
def test_a_bad_version_is_a_400_on_every_route(client, path: str, value: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, query_string={"version": value})
    assert response.status_code == 400, (path, value, response.get_data()[:200])
    body = response.get_data(as_text=True)
    if path.startswith("/download/"):
        assert response.get_json()["parameter"] == "version"
    else:
        assert "version" in body


def test_api_rows_answer_400_for_the_same_bad_versions(client, dash_store: Store) -> None:  # type: ignore[no-untyped-def]
    dataset = _public_dataset(dash_store)
    for value in BAD_VERSIONS:
        response = client.get(f"/api/v1/datasets/{dataset}.json", query_string={"version": value})
        assert response.status_code == 400, value
        assert response.get_json()["parameter"] == "version"


@pytest.mark.parametrize(
    "path", [f"/embed/{CHART}", f"/download/{CHART}.csv", f"/embed/kpi/{KPI}", "/api/v1/datasets"]
)
def test_an_empty_version_means_not_pinned_everywhere(client, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(path, query_string={"version": ""}).status_code == 200


def test_downloads_and_kpi_cards_honour_a_valid_frozen_version(client, dash_store: Store) -> None:  # type: ignore[no-untyped-def]
    current = client.get(f"/download/{CHART}.csv")
    assert current.status_code == 200
    pins = current.headers["X-Data-Versions"]  # gas_imports=12,...
    ids = ",".join(pair.split("=")[1] for pair in pins.split(","))
    frozen = client.get(f"/download/{CHART}.csv", query_string={"version": ids})
    assert frozen.status_code == 200
    assert frozen.headers["X-Data-Versions"] == pins
    read = {pair.split("=")[0] for pair in pins.split(",")}
    other = next(
        info.id for source, info in dash_store.current_versions().items() if source not in read
    )
    foreign = client.get(f"/download/{CHART}.csv", query_string={"version": str(other)})
    assert foreign.status_code == 400 and foreign.get_json()["parameter"] == "version"

    kpi = kpis.BY_ID[KPI]
    _value, reads, _key = kpis.value_of(kpi)
    kpi_ids = ",".join(str(v) for v in reads.versions().values())
    card = client.get(f"/embed/kpi/{KPI}", query_string={"version": kpi_ids})
    assert card.status_code == 200 and "pp-kpi-value" in card.get_data(as_text=True)
    assert client.get(f"/embed/kpi/{KPI}", query_string={"version": str(other)}).status_code == (
        400 if str(other) not in kpi_ids.split(",") else 200
    )


@pytest.mark.parametrize("header", ['""', 'W/""', '"", W/""', "garbage"])
def test_an_empty_entity_tag_is_not_a_500(client, dash_store: Store, header: str) -> None:  # type: ignore[no-untyped-def]
    dataset = _public_dataset(dash_store)
    for path in (
        "/api/v1/",
        "/api/v1/charts",
        "/api/v1/datasets",
        f"/api/v1/datasets/{dataset}",
        f"/api/v1/datasets/{dataset}.csv",
        "/api/v1/openapi.json",
        f"/download/{CHART}.csv",
        f"/embed/{CHART}",
    ):
        response = client.get(path, headers={"If-None-Match": header})
        assert response.status_code == 200, (path, header)


def test_csv_downloads_name_their_charset_once(client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):  # a miss, then a cached hit
        for method in (client.get, client.head):
            content_type = method(f"/download/{CHART}.csv").headers["Content-Type"]
            assert content_type.lower().count("charset") == 1, content_type
            assert content_type == "text/csv; charset=utf-8"


def _table_body(clicks: object) -> dict:
    return callback_bodies.fill_table(CHARTS[CHART].page, CHART, clicks, {})


@pytest.mark.parametrize("clicks", ["abc", 1.5, True, [], {}, None, 2**70])
def test_the_table_callback_takes_any_click_count(client, clicks: object) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/_dash-update-component", json=_table_body(clicks))
    assert response.status_code in (200, 204), response.get_data()[:300]


def test_an_open_table_fills(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/_dash-update-component", json=_table_body(1))
    assert response.status_code == 200
    assert "pp-tablebody" in response.get_data(as_text=True)


def _missing_outputs() -> dict:
    body = _table_body(1)
    del body["outputs"]
    return body


def _wrong_inputs() -> dict:
    body = _table_body(1)
    body["inputs"] = []
    return body


MALFORMED = {
    "null": b"null",
    "list": b"[]",
    "string": b'"x"',
    "not json": b"{nope",
    "unknown output": json.dumps({"output": "nope.children", "inputs": []}).encode(),
    "clientside output": json.dumps({"output": "_pages_dummy.children", "inputs": []}).encode(),
    "missing outputs": json.dumps(_missing_outputs()).encode(),
    "wrong inputs": json.dumps(_wrong_inputs()).encode(),
    "deep nesting": b"[" * 5000 + b"]" * 5000,
    "deep object": b'{"output":' + b"[" * 5000 + b"]" * 5000 + b"}",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_callback_body_is_a_400_with_one_log_line(
    client, caplog: pytest.LogCaptureFixture, name: str
) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/_dash-update-component", data=MALFORMED[name], content_type="application/json"
        )
    assert response.status_code == 400, response.get_data()[:300]
    assert response.get_json()["error"].startswith("not a valid callback request")
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert len([r for r in caplog.records if r.levelno >= logging.INFO]) <= 1


def test_unknown_pages_are_404_known_pages_200(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/no-such-page", "/trade/extra", "/404", "/favicon.ico"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "<html" in response.get_data(as_text=True)
    for path in ("/", "/trade", "/sources", "/trade?year=abc"):
        assert client.get(path).status_code == 200, path
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Not found" not in layout  # the not-found page is not in the navigation


# --- 2. property-based fuzzing: no 5xx, no unescaped reflection ------------------------------
MARK = "<pp-fuzz>"
PARAMS = [
    "version",
    "theme",
    "lang",
    "width",
    "from",
    "to",
    "limit",
    "offset",
    "format",
    "url",
    "maxwidth",
    "maxheight",
    "events",
    "year",
    "partner",
    "flow",
    "measure",
    "metric",
]
ROUTES = [
    "/embed/{chart}",
    "/download/{chart}.csv",
    "/download/{chart}.json",
    "/embed/kpi/{kpi}",
    "/embed/kpi/{kpi}.svg",
    "/oembed",
    "/api/v1/datasets/{dataset}.json",
    "/api/v1/datasets/{dataset}",
    "/{page}",
    "/{text}",
    "/embed/{text}",
    "/download/{text}.csv",
]
_values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from([MARK, "", "1", "0", "true", "9" * 30, "1e309", "NaN", "../x", "%00"]),
)


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    chart=st.sampled_from(sorted(CHARTS)),
    kpi=st.sampled_from(sorted(kpis.BY_ID)),
    page=st.sampled_from(["", "trade", "energy", "security", "upper-lars", "euma", "sources"]),
    # A path segment: no "/", and no "?" or "#" (they would start a query or fragment).
    text=st.text(min_size=1, max_size=30).filter(
        lambda t: not set(t) & {"/", "?", "#"} and t not in (".", "..")
    ),
    query=st.dictionaries(st.sampled_from(PARAMS), _values, max_size=4),
)
def test_fuzzed_routes_never_answer_5xx(
    client, dash_store: Store, route: str, chart: str, kpi: str, page: str, text: str, query: dict
) -> None:  # type: ignore[no-untyped-def]
    path = route.format(chart=chart, kpi=kpi, page=page, text=text, dataset="gas_imports")
    response = client.get(path, query_string=query)
    # The one deliberate 5xx: oEmbed's "501 Not Implemented" for a format other than json
    # (https://oembed.com/#section2.3), a JSON answer naming the parameter.
    spec_501 = path == "/oembed" and (query.get("format") or "json") != "json"
    if spec_501 and response.status_code == 501:
        assert response.get_json()["parameter"] == "format"
    else:
        assert response.status_code < 500, (path, query, response.get_data()[:300])
    if "html" in (response.content_type or ""):
        assert MARK not in response.get_data(as_text=True), (path, query)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        _json,
        st.fixed_dictionaries(
            {"output": st.sampled_from(sorted(app.callback_map) or ["x"])},
            optional={"inputs": _json, "outputs": _json, "state": _json, "changedPropIds": _json},
        ),
    )
)
def test_fuzzed_callback_bodies_never_answer_5xx(client, body: object) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code < 500, (body, response.get_data()[:300])


# --- 3. store down: 503 everywhere, recovery without a restart -------------------------------
def _probe_paths(dataset: str) -> dict[str, str]:
    return {
        "api rows": f"/api/v1/datasets/{dataset}.json",
        "api list": "/api/v1/datasets",
        "download": f"/download/{CHART}.csv?events=0",
        "embed": f"/embed/{CHART}?lang=ru",
        "kpi": f"/embed/kpi/{KPI}",
        "healthz": "/healthz",
    }


STALE_IF_ERROR = ("embed", "kpi")  # served before: their last good copy (test_stale_if_error)


def _assert_down(client, dataset: str, served: bool = False) -> None:  # type: ignore[no-untyped-def]
    for name, path in _probe_paths(dataset).items():
        response = client.get(path)
        if served and name in STALE_IF_ERROR:
            assert response.status_code == 200, (name, response.get_data()[:300])
            assert response.headers["X-PP-Stale"] == "store-unavailable"
            continue
        assert response.status_code == 503, (name, response.get_data()[:300])
        assert response.headers["Retry-After"] == str(door.RETRY_AFTER)
        assert response.content_type.startswith("application/json"), name
    health = client.get("/healthz").get_json()
    assert health["components"]["store"]["ok"] is False
    assert "latency_ms" in health["components"]["store"]
    page = client.get("/trade")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "temporarily unavailable" in page.get_data(as_text=True)
    callback = client.post("/_dash-update-component", json=_table_body(1))
    assert callback.status_code == 503 and callback.get_json()["error"]


def _assert_up(client, dataset: str) -> None:  # type: ignore[no-untyped-def]
    for name, path in _probe_paths(dataset).items():
        assert client.get(path).status_code == 200, name
    assert client.get("/healthz").get_json()["components"]["store"]["ok"] is True
    assert client.get("/trade").status_code == 200
    assert client.post("/_dash-update-component", json=_table_body(1)).status_code == 200


@pytest.fixture
def outage_cluster() -> Iterator[Cluster]:
    binaries = pg_bin()
    if binaries is None:
        message = "PostgreSQL server binaries not found (apt-get install postgresql)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster(binaries)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.mark.postgres
def test_postgres_stopped_gives_503_and_recovers_without_restart(
    outage_cluster: Cluster, seeded_db: str
) -> None:
    from data_sources.refresh import refresh
    from data_sources.sources import curated

    store = Store(outage_cluster.url)
    assert refresh(store, curated.SOURCES).exit_code == 0
    door.set_store(store)
    door.reset()
    client = app.server.test_client()
    dataset = _public_dataset(store)
    try:
        _assert_up(client, dataset)
        outage_cluster.stop()
        _assert_down(client, dataset, served=True)
        outage_cluster.start()
        assert wait_for(lambda: client.get("/healthz").status_code == 200, timeout=30)
        _assert_up(client, dataset)
    finally:
        door.set_store(None)
        door.reset()
        store.engine.dispose()


def test_an_unreachable_sqlite_store_gives_503(tmp_path: Path) -> None:
    door.set_store(Store(f"sqlite:///{tmp_path / 'missing' / 'store.sqlite3'}"))
    door.reset()
    client = app.server.test_client()
    try:
        _assert_down(client, "gas_imports")
    finally:
        door.set_store(None)
        door.reset()


# --- 4. honest run state after a kill -9 ------------------------------------------------------
HOLDER = """
import sys, time
from data_sources.store import Store
store = Store(sys.argv[1])
with store.lock("refresh", wait=5):
    store.start_attempt(sys.argv[2])
    print("started", flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
def test_a_killed_refresh_is_reported_interrupted_and_its_lease_taken_over(store: Store) -> None:
    source = registry.SOURCES[0]
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, store.url, source.id],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "started"
        assert source_status(store, source)["state"] == "running"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        status = source_status(store, source)
        assert status["state"] == "interrupted" and status["last_outcome"] == "interrupted"
        assert f"pid {holder.pid}" in status["last_error"] and "started" in status["last_error"]
        assert status["ok"] is False
        with store.lock("refresh", wait=2):  # the dead holder's lease is taken over at once
            pass
    finally:
        if holder.poll() is None:
            holder.kill()


def test_a_holder_on_another_host_is_alive_only_while_its_lease_is(store: Store) -> None:
    source = registry.SOURCES[0]
    attempt = store.start_attempt(source.id)
    with store.engine.begin() as conn:
        from data_sources.store import attempts

        conn.execute(
            attempts.update().where(attempts.c.id == attempt).values(host="elsewhere", pid=4242)
        )
        conn.execute(
            locks.insert().values(
                name="refresh",
                holder="elsewhere:4242:1",
                host="elsewhere",
                pid=4242,
                acquired_at=now_utc(),
                expires_at=now_utc() + timedelta(seconds=60),
            )
        )
    assert source_status(store, source)["state"] == "running"
    with store.engine.begin() as conn:
        conn.execute(locks.update().values(expires_at=now_utc() - timedelta(seconds=1)))
    assert source_status(store, source)["state"] == "interrupted"


def test_a_held_lease_is_kept_alive_by_its_heartbeat(store: Store) -> None:
    ttl = timedelta(seconds=0.4)
    with store.lock("refresh", wait=0, ttl=ttl):
        time.sleep(1.2)  # three lease lengths: without a heartbeat it would have expired
        with store.engine.connect() as conn:
            expires = conn.execute(locks.select()).mappings().one()["expires_at"]
        from data_sources.store import _aware

        assert _aware(expires) > now_utc()


# --- 5. one version across workers ------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _version_served(base: str, dataset: str) -> str:
    response = requests.get(f"{base}/api/v1/datasets/{dataset}.json?limit=1", timeout=30)
    assert response.status_code == 200
    return response.headers["Content-Disposition"].rsplit("_v", 1)[1].split(".")[0]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def worker_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    from data_sources.refresh import refresh
    from data_sources.sources import curated

    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'workers.sqlite3'}")
    else:
        from tests.conftest import _fresh_pg

        store = _fresh_pg(request.getfixturevalue("postgres_url"))
    assert refresh(store, curated.SOURCES).exit_code == 0
    yield store
    store.engine.dispose()


@pytest.mark.services
def test_two_workers_agree_right_after_a_promotion(worker_store: Store) -> None:
    store = worker_store
    dataset = _public_dataset(store)
    env = {**os.environ, "DATABASE_URL": store.url, "REDIS_URL": ""}
    ports = [_free_port(), _free_port()]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "1",
                "-b",
                f"127.0.0.1:{port}",
                "dashboard.app:server",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            assert wait_for(lambda b=base: _ready(b), timeout=120), "worker did not start"
        for _round in range(3):
            before = {_version_served(b, dataset) for b in bases}  # both warm, same version
            assert len(before) == 1
            new = repromote(store, dataset)
            served = [_version_served(b, dataset) for b in bases]  # within ms of the promotion
            assert served == [str(new), str(new)], (before, served)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)


def _ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False
