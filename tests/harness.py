"""The one fault-harness table: per live source, where its fake upstream lives, what a healthy
answer looks like (recorded upstream shapes, our own small values), where faults are injected,
and its own extra bad bodies. tests/test_faults.py runs the fault list over every row;
tests/test_cli.py runs the CLI over every row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from data_sources.source import Source
from data_sources.sources import acled, comtrade, gdelt, hdx_acled, imf_imts, ucdp, worldbank
from tests import test_acled, test_gdelt, test_hdx_acled, test_ucdp
from tests.conftest import fixture_bytes
from tests.incident_helpers import enable_post
from tests.test_comtrade import comtrade_handler
from tests.upstream import FakeUpstream, Handler, Reply


def worldbank_handler(path: str, query: dict) -> Reply:
    return Reply(fixture_bytes(f"worldbank_page{query['page'][0]}.json"))


def imf_handler(path: str, query: dict) -> Reply:
    return Reply(fixture_bytes("imf_imts.csv"), content_type="application/vnd.sdmx.data+csv")


@dataclass
class Harness:
    source: Source
    prefix: str  # path prefix of the data request: faults are injected here
    base_suffix: str  # appended to the fake server URL for <ID>_BASE_URL
    healthy: Handler
    other_routes: Mapping[str, Handler | Reply] = field(default_factory=dict)  # catalogue, token
    fault_prefixes: tuple[str, ...] = ()  # further prefixes that get every fault too
    env: Mapping[str, str] = field(default_factory=dict)  # credentials, pacing
    unset: tuple[str, ...] = ()  # variables that would switch the source to another mode
    post: bool = False  # the source POSTs (an OAuth token)
    extra_faults: Mapping[str, tuple[Reply, str | None]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.source.id

    def env_vars(self, upstream_url: str) -> dict[str, str]:
        return {f"{self.id.upper()}_BASE_URL": upstream_url + self.base_suffix, **self.env}

    def point_at(self, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch) -> None:
        for name, value in self.env_vars(upstream.url).items():
            monkeypatch.setenv(name, value)
        for name in self.unset:
            monkeypatch.delenv(name, raising=False)

    def serve(self, upstream: FakeUpstream) -> None:
        """Route every path of this source to its healthy answer."""
        if self.post:
            enable_post(upstream)
        for prefix, handler in self.other_routes.items():
            upstream.route(prefix, handler)
        upstream.route(self.prefix, self.healthy)


PACING_OFF = {"COMTRADE_MIN_INTERVAL": "0", "GDELT_MIN_INTERVAL": "0"}

HARNESSES = {
    h.id: h
    for h in [
        Harness(worldbank.SOURCE, "/v2/", "/v2", worldbank_handler),
        Harness(comtrade.SOURCE, "/public/v1/preview", "", comtrade_handler, env=PACING_OFF),
        Harness(imf_imts.SOURCE, "/sdmx/", "/sdmx", imf_handler),
        Harness(
            hdx_acled.SOURCE,
            test_hdx_acled.API,
            "",
            test_hdx_acled.package_handler,
            other_routes={test_hdx_acled.DOWNLOAD: test_hdx_acled.sheet_handler()},
            fault_prefixes=(test_hdx_acled.DOWNLOAD,),
        ),
        Harness(
            ucdp.SOURCE,
            "/downloads/",
            "/downloads",
            test_ucdp.downloads_handler(),
            unset=("UCDP_TOKEN",),
        ),
        Harness(
            gdelt.SOURCE, test_gdelt.PREFIX, "/api/v2", test_gdelt.gdelt_handler, env=PACING_OFF
        ),
        Harness(
            acled.SOURCE,
            "/api/acled/read",
            "",
            test_acled.read_handler,
            other_routes={"/oauth/token": Reply(fixture_bytes("acled_token.json"))},
            env={"ACLED_USERNAME": test_acled.USER, "ACLED_PASSWORD": test_acled.PASSWORD},
            post=True,
            extra_faults={
                "acled_no_data_key": (
                    Reply(json.dumps({"status": 200, "success": True, "rows": []}).encode()),
                    "schema_drift",
                ),
                "acled_empty_pages": (Reply(test_acled.EMPTY), "empty_result"),
            },
        ),
    ]
}
