"""UN Comtrade: Armenia's goods trade by partner, and gas, wheat and nuclear-fuel flows by partner.

Publisher: United Nations Statistics Division. Keyless preview (at most 500 rows a call) by default;
the full API when COMTRADE_API_KEY is set. Endpoint names follow the official client
uncomtrade/comtradeapicall (src/comtradeapicall/PreviewGet.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pandera.pandas as pa

from data_sources import config
from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.parsing import json_of
from data_sources.source import FetchContext, Source

REPORTER = "51"  # Armenia, UN M49
FIRST_YEAR = 2015
PREVIEW_CAP = 500  # rows: a response of exactly this many is treated as truncated
COMMODITIES = {"271121": "gas", "1001": "wheat", "840130": "nuclear_fuel"}
FLOWS = {"M": "import", "X": "export"}
KEY_ENV = "COMTRADE_API_KEY"


def _years() -> list[str]:
    return [str(y) for y in range(FIRST_YEAR, datetime.now(UTC).year)]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def request_plan() -> list[dict[str, str]]:
    """The queries: totals by partner (one flow, two years a call) and three HS codes by partner.

    Sized so no call nears the preview's 500-row cap (Armenia reports ~150 partners a year).
    """
    common = {
        "reporterCode": REPORTER,
        "customsCode": "C00",
        "motCode": "0",
        "partner2Code": "0",
        "includeDesc": "true",
    }
    plan = [
        {**common, "cmdCode": "TOTAL", "flowCode": flow, "period": ",".join(years)}
        for flow in FLOWS
        for years in _chunks(_years(), 2)
    ]
    plan += [
        {**common, "cmdCode": ",".join(COMMODITIES), "flowCode": "M,X", "period": ",".join(years)}
        for years in _chunks(_years(), 4)
    ]
    return plan


def parse_body(raw: RawResponse) -> list[dict]:
    """The `data` rows; a non-empty `error` is a failure even with HTTP 200."""
    body = json_of(raw)
    if isinstance(body, dict) and "statusCode" in body and "data" not in body:
        # Azure API-Management envelope, e.g. {"statusCode": 401, "message": "Access denied..."}
        raise SourceError("upstream_error", f"Comtrade: {body.get('message', '')}", url=raw.url)
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise SourceError("invalid_payload", "expected an object with a data list", url=raw.url)
    if body.get("error"):
        raise SourceError("upstream_error", f"Comtrade error: {body['error']}", url=raw.url)
    return body["data"]


def fetch(ctx: FetchContext) -> list[RawResponse]:
    """Run the request plan, splitting any call that hits the row cap; all parts or an error."""
    key = ctx.credentials.get(KEY_ENV)
    if key:
        url, headers, cap = (
            f"{ctx.base_url}/data/v1/get/C/A/HS",
            {"Ocp-Apim-Subscription-Key": key},
            250_000,
        )
    else:
        url, headers, cap = f"{ctx.base_url}/public/v1/preview/C/A/HS", {}, PREVIEW_CAP
    interval = config.env_float("COMTRADE_MIN_INTERVAL")
    pending, parts, last = list(request_plan()), [], 0.0
    while pending:
        params = pending.pop(0)
        wait = interval - (time.monotonic() - last)
        if last and wait > 0:
            ctx.http.sleep(wait)  # the keyless API is rate limited; pace calls
        raw = ctx.http.get(url, params=params, headers=headers)
        last = time.monotonic()
        rows = parse_body(raw)
        if len(rows) >= cap:
            periods = params["period"].split(",")
            if len(periods) == 1:
                raise SourceError(
                    "truncated_result",
                    f"{len(rows)} rows = the {cap}-row cap for a single year; set COMTRADE_API_KEY",
                    url=raw.url,
                )
            half = len(periods) // 2
            pending[:0] = [
                {**params, "period": ",".join(periods[:half])},
                {**params, "period": ",".join(periods[half:])},
            ]
            continue
        parts.append(raw)
    return parts


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    """One row per commodity, flow, partner and year (customs total, all transport modes)."""
    records = []
    for raw in parts:
        for row in parse_body(raw):
            # Several customs/transport breakdowns can come back; only the totals (customsCode
            # C00, motCode 0: https://github.com/uncomtrade/comtradeapicall#readme) avoid double
            # counting.
            if (
                row.get("customsCode", "C00") != "C00"
                or int(row.get("motCode") or 0) != 0
                or int(row.get("partner2Code") or 0) != 0
            ):
                continue
            cmd = str(row.get("cmdCode"))
            flow = row.get("flowCode")
            records.append(
                {
                    "series": "total" if cmd == "TOTAL" else COMMODITIES.get(cmd, cmd),
                    "cmd_code": cmd,
                    "cmd_desc": row.get("cmdDesc"),
                    "flow": FLOWS.get(flow, flow) if isinstance(flow, str) else flow,
                    "partner_code": row.get("partnerCode"),
                    "partner_iso": row.get("partnerISO"),
                    "partner": row.get("partnerDesc"),
                    "period": row.get("refYear") or row.get("period"),
                    "value_usd": row.get("primaryValue"),
                    "net_weight_kg": row.get("netWgt"),
                    "qty": row.get("qty"),
                    "qty_unit": row.get("qtyUnitAbbr"),
                    "source_url": raw.url,
                }
            )
    columns = [
        "series",
        "cmd_code",
        "cmd_desc",
        "flow",
        "partner_code",
        "partner_iso",
        "partner",
        "period",
        "value_usd",
        "net_weight_kg",
        "qty",
        "qty_unit",
        "source_url",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


SCHEMA = pa.DataFrameSchema(
    {
        "series": pa.Column(str, pa.Check.isin(["total", *COMMODITIES.values()])),
        "cmd_code": pa.Column(str),
        "cmd_desc": pa.Column(str, nullable=True),
        "flow": pa.Column(str, pa.Check.isin(list(FLOWS.values()))),
        "partner_code": pa.Column(int, coerce=True),
        "partner_iso": pa.Column(str, nullable=True),
        "partner": pa.Column(str, nullable=True),
        "period": pa.Column(int, pa.Check.in_range(1990, 2100), coerce=True),
        "value_usd": pa.Column(float, pa.Check.ge(0), coerce=True),
        "net_weight_kg": pa.Column(float, nullable=True, coerce=True),
        "qty": pa.Column(float, nullable=True, coerce=True),
        "qty_unit": pa.Column(str, nullable=True),
        "source_url": pa.Column(str),
    },
    strict=True,
    unique=["cmd_code", "flow", "partner_code", "period"],
    report_duplicates="exclude_first",
)

SOURCE = Source(
    id="comtrade",
    title="UN Comtrade: Armenia's trade by partner; gas, wheat and nuclear fuel",
    publisher="United Nations Statistics Division",
    licence="UN Comtrade terms of use (free for non-commercial use with attribution)",
    landing_url="https://comtradeplus.un.org/",
    cadence=timedelta(days=35),
    default_base_url="https://comtradeapi.un.org",
    fetch=fetch,
    tidy=tidy,
    schema=SCHEMA,
    description="Armenia-reported annual imports and exports by partner (all goods), and by "
    "partner for HS 271121 natural gas, 1001 wheat and 840130 nuclear fuel elements.",
    attribution="Source: UN Comtrade Database, United Nations Statistics Division",
    credentials=(KEY_ENV,),
    credentials_required=False,
)
