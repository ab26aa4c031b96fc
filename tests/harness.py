"""Per-source wiring for the fault tests: where each source's fake upstream lives and what
a healthy answer looks like (recorded upstream shapes, our own small values)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from data_sources.source import Source
from data_sources.sources import comtrade, imf_imts, worldbank
from tests.conftest import fixture_bytes
from tests.test_comtrade import comtrade_handler
from tests.upstream import FakeUpstream, Reply


def worldbank_handler(path: str, query: dict) -> Reply:
    return Reply(fixture_bytes(f"worldbank_page{query['page'][0]}.json"))


def imf_handler(path: str, query: dict) -> Reply:
    return Reply(fixture_bytes("imf_imts.csv"), content_type="application/vnd.sdmx.data+csv")


@dataclass
class Harness:
    source: Source
    prefix: str  # path prefix the fetcher requests
    base_suffix: str  # appended to the fake server URL for <ID>_BASE_URL
    healthy: object

    def point_at(self, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(f"{self.source.id.upper()}_BASE_URL", upstream.url + self.base_suffix)
        monkeypatch.setenv("COMTRADE_MIN_INTERVAL", "0")


HARNESSES = {
    "worldbank": Harness(worldbank.SOURCE, "/v2/", "/v2", worldbank_handler),
    "comtrade": Harness(comtrade.SOURCE, "/public/v1/preview", "", comtrade_handler),
    "imf_imts": Harness(imf_imts.SOURCE, "/sdmx/", "/sdmx", imf_handler),
}
