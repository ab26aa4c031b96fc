"""World Bank World Development Indicators (API v2) for Armenia: remittances, trade, energy imports.

Publisher: The World Bank, CC BY 4.0. Docs:
https://datahelpdesk.worldbank.org/knowledgebase/articles/898581-api-basic-call-structure
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pandera.pandas as pa

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.parsing import json_of
from data_sources.source import FetchContext, Source

COUNTRY = "ARM"
FIRST_YEAR = 2000
# code -> unit shown beside every value
INDICATORS: dict[str, str] = {
    "BX.TRF.PWKR.DT.GD.ZS": "percent of GDP",
    "BX.TRF.PWKR.CD.DT": "current USD",
    "EG.IMP.CONS.ZS": "percent of energy use",
    "TM.VAL.FUEL.ZS.UN": "percent of merchandise imports",
    "TM.VAL.FOOD.ZS.UN": "percent of merchandise imports",
    "NE.TRD.GNFS.ZS": "percent of GDP",
    "TM.VAL.MRCH.CD.WT": "current USD",
    "TX.VAL.MRCH.CD.WT": "current USD",
    "NY.GDP.MKTP.CD": "current USD",
}
PER_PAGE = 1000


def _url(ctx: FetchContext) -> str:
    return f"{ctx.base_url}/country/{COUNTRY}/indicator/{';'.join(INDICATORS)}"


def _params(page: int) -> dict[str, str]:
    # A multi-indicator call needs the source id, here 2 (WDI), else error 120:
    # https://datahelpdesk.worldbank.org/knowledgebase/articles/898581-api-basic-call-structure
    # (Multiple Indicators) and https://datahelpdesk.worldbank.org/knowledgebase/articles/898620
    year = datetime.now(UTC).year
    return {
        "source": "2",
        "format": "json",
        "date": f"{FIRST_YEAR}:{year}",
        "per_page": str(PER_PAGE),
        "page": str(page),
    }


def parse_page(raw: RawResponse) -> tuple[dict, list[dict]]:
    """Header and rows of one page, judged by the body's shape, not the HTTP status.

    The API answers bad requests with HTTP 200 and `[{"message": [...]}]`, and an empty query with
    `[{..., "total": 0}, null]`: https://datahelpdesk.worldbank.org/knowledgebase/articles/898620
    """
    body = json_of(raw)
    if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
        messages = body[0]["message"] or [{}]
        first = messages[0] if isinstance(messages, list) else {}
        raise SourceError(
            "upstream_error",
            f"World Bank error {first.get('id', '?')}: "
            f"{first.get('key', '')} {first.get('value', '')}".strip(),
            url=raw.url,
        )
    if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
        raise SourceError("invalid_payload", "expected [header, rows]", url=raw.url)
    header, rows = body
    if rows is None:
        return header, []
    if not isinstance(rows, list) or "pages" not in header:
        raise SourceError(
            "invalid_payload", "rows are not a list or header lacks pages", url=raw.url
        )
    return header, rows


def fetch(ctx: FetchContext) -> list[RawResponse]:
    """Every page of the multi-indicator query; all pages or an error (never a partial set)."""
    # The API throttles with HTTP 400 at times; one or two retries fix it (research §1.5).
    first = ctx.http.get(_url(ctx), params=_params(1), extra_retry_statuses={400})
    header, _ = parse_page(first)
    pages = int(header.get("pages") or 0)
    parts = [first]
    for page in range(2, pages + 1):
        raw = ctx.http.get(_url(ctx), params=_params(page), extra_retry_statuses={400})
        later, _ = parse_page(raw)
        if int(later.get("pages") or 0) != pages:
            raise SourceError(
                "pagination_drift",
                f"page count changed from {pages} to {later.get('pages')} mid-fetch",
                url=raw.url,
            )
        parts.append(raw)
    return parts


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    """One row per indicator and year with a value; nulls (no observation) are dropped."""
    records = []
    for raw in parts:
        header, rows = parse_page(raw)
        for row in rows:
            if row.get("value") is None:
                continue
            code = (row.get("indicator") or {}).get("id")
            known_unit = INDICATORS.get(code) if isinstance(code, str) else None
            records.append(
                {
                    "indicator": code,
                    "indicator_name": (row.get("indicator") or {}).get("value"),
                    "country": row.get("countryiso3code"),
                    "period": row.get("date"),
                    "value": row.get("value"),
                    "unit": known_unit or row.get("unit") or "",
                    "source_url": raw.url,
                    "upstream_updated": header.get("lastupdated"),
                }
            )
    columns = [
        "indicator",
        "indicator_name",
        "country",
        "period",
        "value",
        "unit",
        "source_url",
        "upstream_updated",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


SCHEMA = pa.DataFrameSchema(
    {
        "indicator": pa.Column(str, pa.Check.isin(list(INDICATORS))),
        "indicator_name": pa.Column(str),
        "country": pa.Column(str, pa.Check.eq(COUNTRY)),
        "period": pa.Column(int, pa.Check.in_range(1960, 2100), coerce=True),
        "value": pa.Column(float, coerce=True),
        "unit": pa.Column(str),
        "source_url": pa.Column(str),
        "upstream_updated": pa.Column(str, nullable=True),
    },
    strict=True,
    unique=["indicator", "country", "period"],
    report_duplicates="exclude_first",
)

SOURCE = Source(
    id="worldbank",
    title="World Development Indicators: Armenia",
    publisher="The World Bank",
    licence="CC BY 4.0",
    landing_url="https://databank.worldbank.org/source/world-development-indicators",
    cadence=timedelta(days=35),
    default_base_url="https://api.worldbank.org/v2",
    fetch=fetch,
    tidy=tidy,
    schema=SCHEMA,
    description="Remittances, merchandise trade, fuel and food import shares, energy import "
    "dependence and GDP for Armenia, 2000 to the latest year.",
    attribution="Source: World Bank, World Development Indicators (CC BY 4.0)",
)
