"""IMF International Trade in Goods (IMTS, formerly DOTS): Armenia's exports and imports by partner.

Publisher: International Monetary Fund, SDMX 3.0 API (keyless). Dataflow IMF.STA/IMTS:
https://data.imf.org/en/datasets/IMF.STA:IMTS
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pandas as pd
import pandera.pandas as pa

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.parsing import refuse_html, text_of
from data_sources.source import FetchContext, Source

log = logging.getLogger("data_sources.imf_imts")
COUNTRY = "ARM"
FIRST_YEAR = 2000
INDICATORS = {"XG_FOB_USD": "export", "MG_CIF_USD": "import"}
PARTNERS = {
    "RUS": "Russia",
    "GEO": "Georgia",
    "IRN": "Iran",
    "CHN": "China",
    "ARE": "United Arab Emirates",
    "G001": "World",
}
# The EU: IMF's own aggregate where it publishes one, else the sum of the 27 members. The
# aggregate's code in IMF's COUNTRY codelist is G998 "European Union (EU)" (the group codes are
# the legacy numeric area codes with a G: G001 World, G998 EU), per the codelist at
# https://api.imf.org/external/sdmx/3.0/structure/codelist/IMF/CL_COUNTRY/+ as read by
# third-party clients; not checked live here. It is asked for in a request of its own, so an
# unknown code (HTTP 400/404) only means "fall back to the member sum", and every EU27 row
# says in `note` which of the two it is.
EU_AGGREGATE = "G998"
NOTE_AGGREGATE = f"IMF EU aggregate ({EU_AGGREGATE}, European Union as IMF composes it)"
NOTE_SUM = "sum of the 27 EU member partners (IMF published no EU aggregate for this year)"
EU27 = [
    "AUT",
    "BEL",
    "BGR",
    "HRV",
    "CYP",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "IRL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
]
REQUIRED = ["COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD", "OBS_VALUE"]
ACCEPT = "application/vnd.sdmx.data+csv;version=2.0.0"


# Only years from FIRST_YEAR: SDMX 3.0 REST filters a component with `c[ID]=op:value`
# (https://github.com/sdmx-twg/sdmx-rest/blob/master/doc/data.md); `startPeriod` is reportedly
# ignored by this API (a third-party note). `tidy` filters the years again either way.
PARAMS = {"c[TIME_PERIOD]": f"ge:{FIRST_YEAR}"}


def data_url(base_url: str, partners: list[str] | None = None) -> str:
    """`+` joins codes within a dimension; version `+` means the latest (SDMX 3.0 REST)."""
    codes = "+".join(partners if partners is not None else [*PARTNERS, *EU27])
    return f"{base_url}/data/dataflow/IMF.STA/IMTS/+/{COUNTRY}.{'+'.join(INDICATORS)}.{codes}.A"


def fetch(ctx: FetchContext) -> list[RawResponse]:
    """The partners and EU members; then the EU aggregate alone, which may not exist."""
    headers = {"Accept": ACCEPT}
    parts = [ctx.http.get(data_url(ctx.base_url), params=PARAMS, headers=headers)]
    try:
        parts.append(
            ctx.http.get(data_url(ctx.base_url, [EU_AGGREGATE]), params=PARAMS, headers=headers)
        )
    except SourceError as err:
        # SDMX REST: 404 is "no results", 400/422 an unknown code; either way, sum the members.
        if err.status not in (400, 404, 422):
            raise
        log.info("no IMF EU aggregate (%s): EU27 is summed from its members", err)
    return parts


def _is_aggregate_part(raw: RawResponse) -> bool:
    return f".{EU_AGGREGATE}.A" in urlsplit(raw.url).path


def read_csv(raw: RawResponse) -> pd.DataFrame:
    """The SDMX-CSV body as strings; a missing dimension column is schema drift."""
    text = text_of(raw)
    refuse_html(raw, text)
    if not text.strip():
        return pd.DataFrame(columns=REQUIRED)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(
            "invalid_payload", f"unreadable CSV: {exc}".splitlines()[0], url=raw.url
        ) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SourceError("schema_drift", f"SDMX-CSV lacks columns {missing}", url=raw.url)
    return frame


COLUMNS = ["indicator", "flow", "partner", "period", "value_usd", "derived", "note", "source_url"]


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    """One row per flow, partner and year; plus an EU27 row: IMF's aggregate, else the sum of
    the members (`derived`), with `note` saying which."""
    frames, aggregates = [], []
    for raw in parts:
        frame = read_csv(raw)
        frame = frame[frame["OBS_VALUE"].str.strip() != ""]
        rows = pd.DataFrame(
            {
                "indicator": frame["INDICATOR"],
                "flow": frame["INDICATOR"].map(INDICATORS),
                "partner": frame["COUNTERPART_COUNTRY"].replace({"G001": "WLD"}),
                "period": frame["TIME_PERIOD"].str[:4],
                "value_usd": frame["OBS_VALUE"],
                "derived": False,
                "note": None,
                "source_url": raw.url,
            }
        )
        if _is_aggregate_part(raw):  # only the aggregate's own rows count from this answer
            aggregates.append(rows[rows["partner"] == EU_AGGREGATE])
        else:
            frames.append(rows[rows["partner"] != EU_AGGREGATE])
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = _years(pd.concat(frames, ignore_index=True))
    summed = _eu27(out)
    if aggregates:
        eu = _years(pd.concat(aggregates, ignore_index=True))
        eu = eu.assign(partner="EU27", note=NOTE_AGGREGATE)
        published = set(zip(eu["indicator"], eu["period"], strict=True))
        keep = [
            (i, p) not in published
            for i, p in zip(summed["indicator"], summed["period"], strict=True)
        ]
        summed = pd.concat([eu, summed[keep]], ignore_index=True)
    return pd.concat([out, summed], ignore_index=True)[COLUMNS]


def _years(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["period"] = pd.to_numeric(frame["period"], errors="coerce")
    frame["value_usd"] = pd.to_numeric(frame["value_usd"], errors="coerce")
    return frame[frame["period"] >= FIRST_YEAR]


def _eu27(frame: pd.DataFrame) -> pd.DataFrame:
    members = frame[frame["partner"].isin(EU27)]
    grouped = members.groupby(["indicator", "flow", "period"], as_index=False).agg(
        value_usd=("value_usd", "sum"), n=("partner", "nunique"), source_url=("source_url", "first")
    )
    grouped = grouped[grouped["n"] == len(EU27)]  # a partial sum would understate the EU
    return grouped.drop(columns="n").assign(partner="EU27", derived=True, note=NOTE_SUM)


SCHEMA = pa.DataFrameSchema(
    {
        "indicator": pa.Column(str, pa.Check.isin(list(INDICATORS))),
        "flow": pa.Column(str, pa.Check.isin(list(INDICATORS.values()))),
        "partner": pa.Column(str),
        "period": pa.Column(int, pa.Check.in_range(FIRST_YEAR, 2100), coerce=True),
        "value_usd": pa.Column(float, pa.Check.ge(0), coerce=True),
        "derived": pa.Column(bool, coerce=True),
        "note": pa.Column(str, nullable=True, coerce=True),
        "source_url": pa.Column(str),
    },
    strict=True,
    unique=["indicator", "partner", "period"],
    report_duplicates="exclude_first",
)

SOURCE = Source(
    id="imf_imts",
    title="IMF IMTS: Armenia's goods trade with Russia, Georgia, Iran, China, UAE, EU and World",
    publisher="International Monetary Fund",
    licence="IMF terms of use (free reuse with attribution)",
    landing_url="https://data.imf.org/en/datasets/IMF.STA:IMTS",
    cadence=timedelta(days=35),
    default_base_url="https://api.imf.org/external/sdmx/3.0",
    fetch=fetch,
    tidy=tidy,
    schema=SCHEMA,
    description="Annual exports (FOB) and imports (CIF) in US$ as reported by Armenia, by "
    "partner, from 2000; the EU27 row is IMF's EU aggregate where IMF publishes one, else the "
    "sum of its 27 members (`note` says which).",
    attribution="Source: IMF, International Trade in Goods (by partner country), IMTS",
)
