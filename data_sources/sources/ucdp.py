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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any
from urllib.parse import urlsplit

import pandas as pd
import pandera.pandas as pa

from data_sources import config
from data_sources.errors import SourceError
from data_sources.history import BOOKKEEPING, history_columns
from data_sources.http import RawResponse
from data_sources.parsing import json_of, refuse_html
from data_sources.source import FetchContext, Source
from data_sources.urls import rebase_url

DEFAULT_BASE_URL = "https://ucdp.uu.se/downloads"
API_DEFAULT_BASE_URL = "https://ucdpapi.pcr.uu.se/api"  # UCDP_API_BASE_URL overrides it
TOKEN_ENV = "UCDP_TOKEN"  # noqa: S105 (the variable's name, not a secret)
COUNTRY_IDS = {371: "Armenia", 373: "Azerbaijan"}  # Gleditsch-Ward codes, as GED's country_id
# Releases are discovered, not listed. The public download page https://ucdp.uu.se/downloads/
# links the yearly GED as `ged/ged{YY}1-csv.zip` (GED YY.1: events up to the end of 20YY-1,
# out each June), monthly candidate files as `candidateged/GEDEvent_v{YY}_0_{M}.csv` (events
# of month M of 20YY) and consolidated candidates as `GEDEvent_v{YY}_01_{YY}_{MM}.csv`
# (months 1-MM). The page is not machine-readable, so each run requests the releases it knows
# (the seeds below and every file the current version was built from) and probes the next
# names (monthly YY.0.M+1, rolling over to the next year; the next yearly) until upstream
# answers 404. A 404 for a name never fetched means "not published yet"; a 404 for a file an
# earlier run fetched fails the source. A yearly release supersedes the candidates of the
# year it covers, which are then no longer requested.
SEED_YEARLY = 26  # GED 26.1 (1989-2025)
SEED_CONSOLIDATED = {26: 6}  # GEDEvent_v26_01_26_06: candidates January-June 2026
SEED_MONTHLY = (26, 7)  # GEDEvent_v26_0_7: the first monthly file after it
API_SEED_MONTHLY = (26, 1)  # the GED API serves every monthly version (26.0.1, 26.0.2, ...)
MAX_PROBES = 36  # new names tried per run at most (probing also stops at the current month)


@dataclass(frozen=True, order=True)
class Release:
    """One GED release: `rank` orders them by publication (a later one wins for an event id)."""

    rank: tuple[int, int, int]
    label: str  # 26.1, 26.0.1-6, 26.0.7
    path: str  # under the download base URL
    version: str  # the GED API's name for it (26.1, 26.0.7); "" for a consolidated file

    @property
    def year(self) -> int:
        """Two-digit year: of the events for a candidate, of the release for a yearly."""
        return self.rank[0] + 1 if self.is_yearly else self.rank[0]

    @property
    def is_yearly(self) -> bool:
        return self.rank[1] == 13

    @property
    def order(self) -> int:
        return self.rank[0] * 1000 + self.rank[1] * 10 + self.rank[2]


def yearly(yy: int) -> Release:
    return Release((yy - 1, 13, 0), f"{yy}.1", f"ged/ged{yy}1-csv.zip", f"{yy}.1")


def consolidated(yy: int, last_month: int) -> Release:
    path = f"candidateged/GEDEvent_v{yy}_01_{yy}_{last_month:02d}.csv"
    return Release((yy, last_month, 0), f"{yy}.0.1-{last_month}", path, "")


def monthly(yy: int, month: int) -> Release:
    path = f"candidateged/GEDEvent_v{yy}_0_{month}.csv"
    return Release((yy, month, 1), f"{yy}.0.{month}", path, f"{yy}.0.{month}")


_YEARLY = re.compile(r"/ged/ged(\d{2})1-csv\.zip$")
_CONSOLIDATED = re.compile(r"/GEDEvent_v(\d{2})_01_(\d{2})_(\d{2})\.csv$")
_MONTHLY = re.compile(r"/GEDEvent_v(\d{2})_0_(\d{1,2})\.csv$")
_API = re.compile(r"/gedevents/(\d{2})\.(?:(1)|0\.(\d{1,2}))$")


def release_of_url(url: str) -> Release | None:
    """The release a download or API URL names, or None."""
    path = urlsplit(url).path
    if match := _YEARLY.search(path):
        return yearly(int(match.group(1)))
    if match := _CONSOLIDATED.search(path):
        return consolidated(int(match.group(1)), int(match.group(3)))
    if match := _MONTHLY.search(path):
        return monthly(int(match.group(1)), int(match.group(2)))
    if match := _API.search(path):
        yy = int(match.group(1))
        return yearly(yy) if match.group(2) else monthly(yy, int(match.group(3)))
    return None


def today() -> date:
    """The current UTC date (tests replace it); no release is probed past it."""
    return datetime.now(UTC).date()


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
    ours = [c for c in _columns() if c not in ("release", "location", "source_url")]
    return [*ours, "where_description"]


def fetch(ctx: FetchContext) -> list[RawResponse]:
    token = ctx.credentials.get(TOKEN_ENV)
    if token:
        base = config.base_url("ucdp_api", API_DEFAULT_BASE_URL)  # UCDP_API_BASE_URL
        return discover(ctx, lambda release, probe: _api_pages(ctx, base, token, release, probe))
    return discover(ctx, lambda release, probe: _file(ctx, release, probe))


Getter = Callable[[Release, bool], list[RawResponse] | None]


def discover(ctx: FetchContext, get: Getter) -> list[RawResponse]:
    """The newest yearly release, then every candidate release after it, known and new.

    `get(release, probe)` returns its responses, or None when a probed name is not published.
    """
    api = ctx.credentials.get(TOKEN_ENV) is not None
    known = [r for r in map(release_of_url, ctx.previous_urls) if r is not None]
    newest = max([SEED_YEARLY, *(r.year for r in known if r.is_yearly)])
    probes, parts = 0, None
    while 2000 + newest + 1 <= today().year and probes < MAX_PROBES:  # GED YY.1 is out in 20YY
        probes += 1
        found = get(yearly(newest + 1), True)
        if found is None:
            break
        newest, parts = newest + 1, found
    parts = parts if parts is not None else get(yearly(newest), False) or []
    seeds = (
        [monthly(*API_SEED_MONTHLY)]
        if api
        else [*(consolidated(y, m) for y, m in SEED_CONSOLIDATED.items()), monthly(*SEED_MONTHLY)]
    )
    candidates = {
        r
        for r in [*seeds, *known]
        if not r.is_yearly and r.year >= newest and (r.version or not api)
    }
    covered = {(r.year, r.rank[1]) for r in candidates if not r.version}  # consolidated files
    candidates = {
        r
        for r in candidates
        if not r.version or not any(y == r.year and r.rank[1] <= m for y, m in covered)
    }
    for release in sorted(candidates):
        parts += get(release, False) or []
    last = max(candidates, default=None)
    step = _next_month(last.year, last.rank[1]) if last else (newest, 1)
    while probes < MAX_PROBES and (2000 + step[0], step[1]) <= (today().year, today().month):
        probes += 1
        found = get(monthly(*step), True)
        if found is None:
            break
        parts += found
        step = _next_month(*step)
    return parts


def _next_month(yy: int, month: int) -> tuple[int, int]:
    return (yy, month + 1) if month < 12 else (yy + 1, 1)


def _file(ctx: FetchContext, release: Release, probe: bool) -> list[RawResponse] | None:
    url = f"{ctx.base_url}/{release.path}"
    raw = ctx.get_published(url, release.path)
    if raw is None and not probe:
        raise SourceError(
            "http_4xx", f"{release.path}: a published UCDP release is missing", url=url, status=404
        )
    return None if raw is None else [raw]


def _api_pages(
    ctx: FetchContext, base: str, token: str, release: Release, probe: bool
) -> list[RawResponse] | None:
    """Every page of one GED API version for 371 and 373, following `NextPageUrl`."""
    headers = {"x-ucdp-access-token": token}
    parts: list[RawResponse] = []
    url: str | None = f"{base}/gedevents/{release.version}"
    params: dict[str, str] | None = {
        "pagesize": str(API_PAGE_SIZE),
        "page": "0",
        "Country": ",".join(map(str, COUNTRY_IDS)),
    }
    seen: set[str] = set()
    while url:
        try:  # HTTP 400 after bursts of requests is throttling (research §1.3): retry it
            options: dict[str, Any] = {
                "params": params,
                "headers": headers,
                "extra_retry_statuses": {400},
            }
            raw = (
                ctx.get_published(url, f"gedevents/{release.version}", **options)
                if not parts
                else ctx.http.get(url, **options)
            )
        except SourceError as err:
            if err.error_class == "auth_failed":
                raise SourceError(
                    "auth_failed",
                    f"UCDP API refused the token ({TOKEN_ENV})",
                    url=err.url,
                    status=err.status,
                ) from None
            raise
        if raw is None:  # 404: an unknown version (research §1.3)
            if probe:
                return None
            raise SourceError(
                "http_4xx", f"UCDP API has no version {release.version}", url=url, status=404
            )
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


def _release_of(raw: RawResponse) -> Release:
    """The release a response belongs to: a later one wins for a repeated event id."""
    release = release_of_url(raw.url)
    if release is None:
        raise SourceError("invalid_payload", "response matches no known UCDP release", url=raw.url)
    return release


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
        release = _release_of(raw)
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
        frames.append(out.assign(release=release.label, rank=release.order, source_url=raw.url))
    if not frames:
        return pd.DataFrame(columns=_columns())
    events = pd.concat(frames, ignore_index=True).sort_values("rank", kind="stable")
    events = events.drop_duplicates("id", keep="last").sort_values(["date_start", "id"])
    events["country"] = events["country"].fillna(events["country_id"].map(COUNTRY_IDS))
    return events[_columns()].reset_index(drop=True)


def _columns() -> list[str]:
    """The columns `tidy` returns: the schema's, without the history bookkeeping."""
    return [c for c in SCHEMA.columns if c not in BOOKKEEPING]


def release_of_label(label: str) -> Release | None:
    """The release a `release` value names (26.1, 26.0.1-6, 26.0.7), or None."""
    if match := re.fullmatch(r"(\d{2})\.1", label):
        return yearly(int(match.group(1)))
    if match := re.fullmatch(r"(\d{2})\.0\.1-(\d{1,2})", label):
        return consolidated(int(match.group(1)), int(match.group(2)))
    if match := re.fullmatch(r"(\d{2})\.0\.(\d{1,2})", label):
        return monthly(int(match.group(1)), int(match.group(2)))
    return None


def superseded(history: pd.DataFrame, new: pd.DataFrame) -> pd.Series:
    """History rows from releases older than the newest yearly release just fetched: that
    release re-publishes every event up to its year, so an id it no longer has was dropped
    (candidate events that were not confirmed, events recoded under a new id)."""
    releases = [release_of_label(str(label)) for label in new["release"].unique()]
    yearlies = [r for r in releases if r is not None and r.is_yearly]
    if not yearlies or history.empty:
        return pd.Series(False, index=history.index)
    newest = max(yearlies).order
    order = history["release"].map(
        lambda label: getattr(release_of_label(str(label)), "order", newest)
    )
    return order < newest


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
        **history_columns(),
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
    # Candidate files are a moving window (monthly files, later consolidated): each refresh is
    # merged into the stored events by id, newest release winning, revisions recorded.
    history_key=("id",),
    history_sort=("date_start", "id"),
    history_retire=superseded,
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
