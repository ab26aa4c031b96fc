"""UCDP Georeferenced Event Dataset: organised-violence events in Armenia and Azerbaijan, from UCDP.

Publisher: Uppsala Conflict Data Program, CC BY 4.0. Keyless: the yearly GED and the monthly
candidate CSVs from https://ucdp.uu.se/downloads/ ; with UCDP_TOKEN the GED API instead
(token required since Feb 2026): https://ucdp.uu.se/apidocs/
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import IO

import pandas as pd
import pandera.pandas as pa

from data_sources import config
from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.parsing import json_of, refuse_html
from data_sources.source import FetchContext, Source
from data_sources.urls import rebase_url

DEFAULT_BASE_URL = "https://ucdp.uu.se/downloads"
API_DEFAULT_BASE_URL = "https://ucdpapi.pcr.uu.se/api"  # UCDP_API_BASE_URL overrides it
TOKEN_ENV = "UCDP_TOKEN"  # noqa: S105 (the variable's name, not a secret)
COUNTRY_IDS = {371: "Armenia", 373: "Azerbaijan"}  # Gleditsch-Ward codes, as GED's country_id
# Releases oldest first; an event id recurs when a later release revises it, and the newest
# wins. Yearly GED 26.1 (1989-2025), candidate Jan-Jun 2026 consolidated, then the monthly
# candidates (file names per research §1.3). Add each new monthly file at the end.
RELEASES: list[tuple[str, str]] = [
    ("26.1", "ged/ged261-csv.zip"),
    ("26.0.1-6", "candidateged/GEDEvent_v26_01_26_06.csv"),
    ("26.0.7", "candidateged/GEDEvent_v26_0_7.csv"),
    ("26.0.8", "candidateged/GEDEvent_v26_0_8.csv"),
]
# The same releases as GED API versions (yearly x.1, monthly candidates x.0.m).
API_VERSIONS = ["26.1", *(f"26.0.{m}" for m in range(1, 9))]
API_PAGE_SIZE = 1000  # the API's maximum
MAX_PAGES = 200
REQUIRED = [
    "id",
    "country_id",
    "date_start",
    "date_prec",
    "where_prec",
    "latitude",
    "longitude",
    "best",
]
INTS = ["id", "country_id", "date_prec", "where_prec", "best", "year", "type_of_violence"]
FLOATS = ["latitude", "longitude", "low", "high", "deaths_civilians"]
# Some candidate releases were published without a header row (a third-party reader notes
# Candidate 24.0.1); they are read with the codebook's column order (codebooks are linked from
# https://ucdp.uu.se/downloads/ beside each file).
GED_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,"
    "conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,"
    "side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,"
    "source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,"
    "priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,"
    "deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
)
GED_COLUMNS = GED_HEADER.split(",")


def ged_columns() -> list[str]:
    """The GED columns read: the schema's, under their GED names."""
    ours = [c for c in SCHEMA.columns if c not in ("release", "location", "source_url")]
    return [*ours, "where_description"]


def fetch(ctx: FetchContext) -> list[RawResponse]:
    token = ctx.credentials.get(TOKEN_ENV)
    if token:
        return _fetch_api(ctx, token)
    return [ctx.http.get(f"{ctx.base_url}/{path}") for _, path in RELEASES]


def _fetch_api(ctx: FetchContext, token: str) -> list[RawResponse]:
    """Every page of every version for 371 and 373, following `NextPageUrl`."""
    base = config.base_url("ucdp_api", API_DEFAULT_BASE_URL)  # UCDP_API_BASE_URL
    headers, parts = {"x-ucdp-access-token": token}, []
    for version in API_VERSIONS:
        url: str | None = f"{base}/gedevents/{version}"
        params: dict[str, str] | None = {
            "pagesize": str(API_PAGE_SIZE),
            "page": "0",
            "Country": ",".join(map(str, COUNTRY_IDS)),
        }
        seen: set[str] = set()
        while url:
            try:  # HTTP 400 after bursts of requests is throttling (research §1.3): retry it
                raw = ctx.http.get(url, params=params, headers=headers, extra_retry_statuses={400})
            except SourceError as err:
                if err.error_class == "auth_failed":
                    raise SourceError(
                        "auth_failed",
                        f"UCDP API refused the token ({TOKEN_ENV})",
                        url=err.url,
                        status=err.status,
                    ) from None
                raise
            parts.append(raw)
            envelope = api_envelope(raw)
            following = str(envelope.get("NextPageUrl") or "")
            if not following or raw.url in seen:
                break
            if len(seen) >= MAX_PAGES:
                raise SourceError("truncated_result", f"over {MAX_PAGES} pages", url=raw.url)
            seen.add(raw.url)
            # NextPageUrl is absolute; keep it on our API base so the token goes nowhere else.
            url, params = rebase_url(following, base, API_DEFAULT_BASE_URL), None
    return parts


def api_envelope(raw: RawResponse) -> dict:
    body = json_of(raw)
    if not isinstance(body, dict) or not isinstance(body.get("Result"), list):
        raise SourceError("schema_drift", "expected an object with a Result list", url=raw.url)
    return body


def _release_of(raw: RawResponse) -> tuple[int, str]:
    """(rank, label): a later release ranks higher and wins for a repeated event id."""
    match = re.search(r"/gedevents/([^/?]+)", raw.url)
    if match and match.group(1) in API_VERSIONS:
        return API_VERSIONS.index(match.group(1)), match.group(1)
    for rank, (label, path) in enumerate(RELEASES):
        if raw.url.split("?")[0].endswith(path):
            return rank, label
    raise SourceError("invalid_payload", "response matches no known UCDP release", url=raw.url)


def _open_csv(raw: RawResponse) -> Callable[[], IO[str]]:
    """A function opening the CSV as text; the yearly file is a zip holding one CSV."""
    refuse_html(raw, raw.body[:200].decode("utf-8", "replace"))
    if not raw.url.split("?")[0].endswith(".zip"):
        return lambda: io.TextIOWrapper(io.BytesIO(raw.body), "utf-8-sig", errors="replace")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw.body))
        names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise SourceError("invalid_payload", f"unreadable zip: {exc}", url=raw.url) from None
    if len(names) != 1:
        raise SourceError("schema_drift", f"expected one CSV in the zip, got {names}", url=raw.url)
    return lambda: io.TextIOWrapper(archive.open(names[0]), "utf-8-sig", errors="replace")


def read_csv(raw: RawResponse) -> pd.DataFrame:
    """Armenia and Azerbaijan events from one GED CSV, read in chunks (the yearly is global)."""
    opener = _open_csv(raw)
    try:
        with opener() as stream:
            header = next(csv.reader([stream.readline()]), [])
        names = None
        if not {"id", "date_start"} <= set(header):
            if len(header) != len(GED_COLUMNS):
                raise SourceError(
                    "schema_drift" if header else "invalid_payload",
                    f"CSV header lacks id/date_start: {header[:6]}",
                    url=raw.url,
                )
            names, header = GED_COLUMNS, GED_COLUMNS
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise SourceError("schema_drift", f"CSV lacks columns {missing}", url=raw.url)
        usecols = [c for c in ged_columns() if c in header]
        wanted = {str(k) for k in COUNTRY_IDS}
        with opener() as stream:
            chunks = pd.read_csv(
                stream,
                dtype=str,
                keep_default_na=False,
                usecols=usecols,
                names=names,
                header=None if names else 0,
                chunksize=50_000,
            )
            kept = [c[c["country_id"].str.strip().isin(wanted)] for c in chunks]
    except (pd.errors.ParserError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise SourceError(
            "invalid_payload", f"unreadable CSV: {exc}".splitlines()[0][:200], url=raw.url
        ) from None
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=usecols)


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(float("nan"), index=frame.index)
    text = frame[column].astype("str").str.strip()
    text = text.mask(text.isin(["", "NA"]))
    values = pd.to_numeric(text, errors="coerce")
    bad = text[values.isna() & text.notna()]
    if not bad.empty:
        raise SourceError("schema_drift", f"{column}: not a number ({bad.iloc[0]!r})")
    return values


def _frame(raw: RawResponse) -> pd.DataFrame:
    if raw.url.split("?")[0].endswith((".csv", ".zip")):
        return read_csv(raw)
    rows = api_envelope(raw)["Result"]
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=REQUIRED)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SourceError("schema_drift", f"API events lack fields {missing}", url=raw.url)
    return frame[pd.to_numeric(frame["country_id"], errors="coerce").isin(set(COUNTRY_IDS))]


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    """One row per event id; when releases disagree, the newest release's version is kept."""
    frames = []
    for raw in parts:
        rank, label = _release_of(raw)
        frame = _frame(raw)
        out = pd.DataFrame(index=frame.index)
        for column in INTS + FLOATS:
            out[column] = _numeric(frame, column)
        for column in ["country", "code_status", "conflict_name", "side_a", "side_b", "adm_1"]:
            out[column] = frame[column] if column in frame.columns else None
        out["location"] = frame.get("where_description")
        for column in ["date_start", "date_end"]:
            out[column] = (
                frame[column].astype("str").str.strip().str[:10]
                if column in frame.columns
                else None
            )
        frames.append(out.assign(release=label, rank=rank, source_url=raw.url))
    if not frames:
        return pd.DataFrame(columns=list(SCHEMA.columns))
    events = pd.concat(frames, ignore_index=True).sort_values("rank", kind="stable")
    events = events.drop_duplicates("id", keep="last").sort_values(["date_start", "id"])
    events["country"] = events["country"].fillna(events["country_id"].map(COUNTRY_IDS))
    return events[list(SCHEMA.columns)].reset_index(drop=True)


def _text(nullable: bool = True) -> pa.Column:
    return pa.Column(str, nullable=nullable, coerce=True)


SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(int, coerce=True),
        "release": pa.Column(str),
        "country_id": pa.Column(int, pa.Check.isin(list(COUNTRY_IDS)), coerce=True),
        "country": _text(nullable=False),
        "date_start": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "date_end": _text(),
        "date_prec": pa.Column(int, pa.Check.in_range(1, 5), coerce=True),
        "year": pa.Column(float, nullable=True, coerce=True),
        "adm_1": _text(),
        "location": _text(),
        "latitude": pa.Column(float, pa.Check.in_range(-90, 90), coerce=True),
        "longitude": pa.Column(float, pa.Check.in_range(-180, 180), coerce=True),
        "where_prec": pa.Column(int, pa.Check.in_range(1, 7), coerce=True),
        "code_status": _text(),
        "type_of_violence": pa.Column(float, nullable=True, coerce=True),
        "conflict_name": _text(),
        "side_a": _text(),
        "side_b": _text(),
        "best": pa.Column(int, pa.Check.ge(0), coerce=True),
        "low": pa.Column(float, nullable=True, coerce=True),
        "high": pa.Column(float, nullable=True, coerce=True),
        "deaths_civilians": pa.Column(float, nullable=True, coerce=True),
        "source_url": pa.Column(str),
    },
    strict=True,
    unique=["id"],
    report_duplicates="exclude_first",
)

SOURCE = Source(
    id="ucdp",
    title="UCDP GED: organised-violence events in Armenia and Azerbaijan",
    publisher="Uppsala Conflict Data Program (UCDP), Uppsala University",
    licence="CC BY 4.0",
    landing_url="https://ucdp.uu.se/downloads/",
    cadence=timedelta(days=40),  # candidate events monthly; the yearly GED each June
    default_base_url=DEFAULT_BASE_URL,
    fetch=fetch,
    tidy=tidy,
    schema=SCHEMA,
    description="Events of organised violence with at least one death (state-based, non-state, "
    "one-sided), each with where_prec/date_prec precision codes and, for candidate "
    "events, code_status; ids revised across releases keep the newest version.",
    attribution="Source: UCDP Georeferenced Event Dataset (GED) Global 26.1 and UCDP Candidate "
    "Events Dataset 26.0.x, Uppsala Conflict Data Program (CC BY 4.0). Sundberg & "
    "Melander (2013), Journal of Peace Research 50(4); Hegre et al. (2020), "
    "Research & Politics 7(2).",
    credentials=(TOKEN_ENV,),
    credentials_required=False,
)
