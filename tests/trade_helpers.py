"""Stores for the trade chart tests: the curated CSVs, plus faked live IMF IMTS and UN Comtrade
tables promoted as if a refresh had fetched them."""

from __future__ import annotations

import pandas as pd

from data_sources.http import RawResponse
from data_sources.refresh import refresh
from data_sources.sources import curated, imf_imts
from data_sources.store import Store, now_utc

IMF_HEADER = "STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,"
IMF_HEADER += "TIME_PERIOD,OBS_VALUE\n"


def imf_csv() -> bytes:
    flows = {"G001": (4e9, 6e9), "RUS": (1.2e9, 2.8e9), "CHN": (0.2e9, 1.3e9), "ARE": (1e9, None)}
    flows |= {code: (0.02e9, 0.03e9) for code in imf_imts.EU27}
    lines = []
    for code, pair in flows.items():
        for indicator, value in zip(imf_imts.INDICATORS, pair, strict=True):
            if value is not None:
                lines.append(
                    f"dataflow,IMF.STA:IMTS(1.0.0),I,ARM,{indicator},{code},A,2022,{value}"
                )
    return (IMF_HEADER + "\n".join(lines) + "\n").encode()


def promote(store: Store, source_id: str, frame: pd.DataFrame) -> None:
    raw = RawResponse("http://127.0.0.1/x", 200, "text/csv", b"x", now_utc())
    hashes = {"sha256": "0" * 64, "table_sha256": "0" * 64, "fingerprint": "test"}
    store.promote(
        source_id, store.start_attempt(source_id), [raw], frame, **hashes, upstream_updated=None
    )


def comtrade_frame() -> pd.DataFrame:
    rows = pd.DataFrame({"flow": ["export", "import"], "value_usd": [1.5e9, 3.0e9]})
    return rows.assign(
        series="total",
        cmd_code="TOTAL",
        cmd_desc="All",
        partner_code=643,
        partner_iso="RUS",
        partner="Russia",
        period=2022,
        net_weight_kg=None,
        qty=None,
        qty_unit=None,
        source_url="http://127.0.0.1/c",
    )


def seeded_store(path: str, *, live: bool) -> Store:
    """The curated CSVs refreshed into a SQLite store; with `live`, also faked IMF IMTS (2022:
    Russia 40 % of trade, China 15 %, EU27 13.5 %, UAE exports only) and UN Comtrade (2022:
    Russia US$1.5bn exports, US$3bn imports)."""
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    refresh(store, curated.SOURCES)
    if live:
        raw = RawResponse("http://127.0.0.1/sdmx", 200, "text/csv", imf_csv(), now_utc())
        promote(store, "imf_imts", imf_imts.tidy([raw]))
        promote(store, "comtrade", comtrade_frame())
    return store
