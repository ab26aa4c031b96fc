"""IMF International Trade in Goods (IMTS, formerly DOTS): Armenia's exports and imports by partner.

Publisher: International Monetary Fund, SDMX 3.0 API (keyless). Dataflow IMF.STA/IMTS:
https://data.imf.org/en/datasets/IMF.STA:IMTS
"""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pandera.pandas as pa

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.parsing import refuse_html, text_of
from data_sources.source import FetchContext, Source

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
# The EU is summed from its 27 members: no EU counterpart code in the IMTS codelist was verified
# (https://data.imf.org/en/datasets/IMF.STA:IMTS), and a sum of members is transparent.
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


def data_url(base_url: str) -> str:
    """`+` joins codes within a dimension; version `+` means the latest (SDMX 3.0 REST)."""
    partners = "+".join([*PARTNERS, *EU27])
    return f"{base_url}/data/dataflow/IMF.STA/IMTS/+/{COUNTRY}.{'+'.join(INDICATORS)}.{partners}.A"


def fetch(ctx: FetchContext) -> list[RawResponse]:
    # startPeriod is reportedly ignored by this API (an unverified third-party note), so years
    # are filtered in `tidy`, which is correct whether or not the server honours it.
    return [ctx.http.get(data_url(ctx.base_url), headers={"Accept": ACCEPT})]


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


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    """One row per flow, partner and year; plus an EU27 row summed from the members."""
    frames = []
    for raw in parts:
        frame = read_csv(raw)
        frame = frame[frame["OBS_VALUE"].str.strip() != ""]
        frames.append(
            pd.DataFrame(
                {
                    "indicator": frame["INDICATOR"],
                    "flow": frame["INDICATOR"].map(INDICATORS),
                    "partner": frame["COUNTERPART_COUNTRY"].replace({"G001": "WLD"}),
                    "period": frame["TIME_PERIOD"].str[:4],
                    "value_usd": frame["OBS_VALUE"],
                    "derived": False,
                    "source_url": raw.url,
                }
            )
        )
    columns = ["indicator", "flow", "partner", "period", "value_usd", "derived", "source_url"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["period"] = pd.to_numeric(out["period"], errors="coerce")
    out["value_usd"] = pd.to_numeric(out["value_usd"], errors="coerce")
    out = out[out["period"] >= FIRST_YEAR]
    return pd.concat([out, _eu27(out)], ignore_index=True)[columns]


def _eu27(frame: pd.DataFrame) -> pd.DataFrame:
    members = frame[frame["partner"].isin(EU27)]
    grouped = members.groupby(["indicator", "flow", "period"], as_index=False).agg(
        value_usd=("value_usd", "sum"), n=("partner", "nunique"), source_url=("source_url", "first")
    )
    grouped = grouped[grouped["n"] == len(EU27)]  # a partial sum would understate the EU
    return grouped.drop(columns="n").assign(partner="EU27", derived=True)


SCHEMA = pa.DataFrameSchema(
    {
        "indicator": pa.Column(str, pa.Check.isin(list(INDICATORS))),
        "flow": pa.Column(str, pa.Check.isin(list(INDICATORS.values()))),
        "partner": pa.Column(str),
        "period": pa.Column(int, pa.Check.in_range(FIRST_YEAR, 2100), coerce=True),
        "value_usd": pa.Column(float, pa.Check.ge(0), coerce=True),
        "derived": pa.Column(bool, coerce=True),
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
    "partner; the EU27 row is the sum of its members.",
    attribution="Source: IMF, International Trade in Goods (by partner country), IMTS",
)
