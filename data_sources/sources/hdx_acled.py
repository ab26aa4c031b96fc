"""ACLED monthly political-violence events and fatalities for Armenia and Azerbaijan, from HDX.

Publisher: ACLED (Armed Conflict Location & Event Data), republished weekly as aggregated XLSX on
the Humanitarian Data Exchange (OCHA), keyless via the CKAN API `package_show`:
https://docs.ckan.org/en/latest/api/index.html#ckan.logic.action.get.package_show
Governed by ACLED's Terms of Use and Attribution Policy: https://acleddata.com/terms-of-use/
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import zipfile
from datetime import date, timedelta
from urllib.parse import unquote, urlsplit

import pandas as pd
import pandera.pandas as pa

from data_sources.errors import SourceError
from data_sources.http import RawResponse
from data_sources.parsing import json_of, refuse_html
from data_sources.source import FetchContext, Source
from data_sources.urls import rebase_url

log = logging.getLogger("data_sources.hdx_acled")
DEFAULT_BASE_URL = "https://data.humdata.org"
# CKAN dataset slug -> country. The Armenia slug follows HDX's `<country>-acled-conflict-data`
# pattern; it was not seen verbatim (research §1.2), so a wrong one fails loudly, naming it.
SLUGS = {"armenia-acled-conflict-data": "Armenia", "azerbaijan-acled-conflict-data": "Azerbaijan"}
RESOURCE_MARK = "political_violence"  # the resource's URL changes weekly; its name does not
SHEET = "Data"
REQUIRED = ["Month", "Year", "Events", "Fatalities"]
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_AS_OF = re.compile(r"as-of-(\d{1,2})([a-z]{3})(\d{4})")
_MON = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
COLUMNS = ["country", "admin1", "period", "events", "fatalities", "upstream_updated", "source_url"]


def package_url(base_url: str) -> str:
    return f"{base_url}/api/3/action/package_show"


def package_resources(raw: RawResponse, slug: str) -> list[dict]:
    """The dataset's resources; CKAN's `success: false` means the slug names no dataset."""
    body = json_of(raw)
    if not isinstance(body, dict) or "success" not in body:
        raise SourceError("invalid_payload", "expected a CKAN action envelope", url=raw.url)
    if body["success"] is not True:
        found = body.get("error")
        error = found if isinstance(found, dict) else {}
        message = error.get("message") or "success: false"
        raise SourceError(
            "dataset_not_found",
            f"HDX has no dataset {slug!r} ({message}); check the slug in hdx_acled.SLUGS",
            url=raw.url,
        )
    resources = (body.get("result") or {}).get("resources")
    if not isinstance(resources, list):
        raise SourceError(
            "schema_drift", f"HDX dataset {slug!r}: result.resources is missing", url=raw.url
        )
    return resources


def pick_resource(resources: list[dict], slug: str, url: str) -> dict:
    """The political-violence XLSX, chosen by name (research §1.2: clients match the name)."""
    chosen = [
        r
        for r in resources
        if isinstance(r, dict) and r.get("url") and RESOURCE_MARK in str(r.get("name", "")).lower()
    ]
    chosen.sort(key=lambda r: str(r.get("format", "")).lower() != "xlsx")
    if not chosen:
        names = ", ".join(str(r.get("name")) for r in resources[:5] if isinstance(r, dict))
        raise SourceError(
            "resource_not_found",
            f"HDX dataset {slug!r} has no resource named "
            f"*{RESOURCE_MARK}* (renamed upstream?); it has: {names or 'none'}",
            url=url,
        )
    return chosen[0]


def as_of(url: str) -> str | None:
    """The "as of" date in the file name, e.g. `…_as-of-25nov2026.xlsx` -> `2026-11-25`."""
    match = _AS_OF.search(unquote(urlsplit(url).path).lower())
    if not match or match.group(2) not in _MON:
        return None
    try:
        return date(int(match.group(3)), _MON[match.group(2)], int(match.group(1))).isoformat()
    except ValueError:
        return None


def fetch(ctx: FetchContext) -> list[RawResponse]:
    """For each country: `package_show`, then its political-violence XLSX; all or an error."""
    parts: list[RawResponse] = []
    for slug, country in SLUGS.items():
        try:
            meta = ctx.http.get(package_url(ctx.base_url), params={"id": slug})
        except SourceError as err:
            if err.status == 404:  # CKAN: unknown id -> 404 with `success: false`
                raise SourceError(
                    "dataset_not_found",
                    f"HDX has no dataset {slug!r}; check the slug in hdx_acled.SLUGS",
                    url=err.url,
                    status=404,
                ) from None
            raise
        resource = pick_resource(package_resources(meta, slug), slug, meta.url)
        parts += [meta, _sheet(ctx, country, str(resource["url"]))]
    return parts


def _sheet(ctx: FetchContext, country: str, url: str) -> RawResponse:
    """The dated ("as-of") file the catalogue names, judged against the one fetched before.

    HDX republishes weekly under a new dated name. A catalogue naming an older file than an
    earlier run fetched is refused; a 404 for a file an earlier run fetched fails the source;
    a 404 for a new name (the catalogue ahead of its file) is not a failure: the file fetched
    before is read again until the new one is there.
    """
    if ctx.base_url != DEFAULT_BASE_URL:
        # The resource URL is absolute and names data.humdata.org; with HDX_ACLED_BASE_URL
        # pointing at a mirror or a test server, fetch the same path from there instead.
        url = rebase_url(url, ctx.base_url, DEFAULT_BASE_URL)
    name = _file_name(url)
    earlier = _previous_file(ctx, country)
    if earlier and (as_of(earlier) or "") > (as_of(url) or ""):
        raise SourceError(
            "stale_upstream",
            f"HDX names {name} (as of {as_of(url)}), older than {_file_name(earlier)} "
            f"fetched before (as of {as_of(earlier)})",
            url=url,
        )
    sheet = ctx.get_published(url, name)
    if sheet is None:
        if earlier is None:
            raise SourceError(
                "http_4xx", f"HDX names {name}, which is not there", url=url, status=404
            )
        log.info("%s not published yet; reading %s again", name, _file_name(earlier))
        if ctx.base_url != DEFAULT_BASE_URL:
            earlier = rebase_url(earlier, ctx.base_url, ctx.base_url)
        sheet = ctx.get_published(earlier, _file_name(earlier))
        if sheet is None:  # unreachable: a file fetched before is `release_gone` on 404
            raise SourceError("release_gone", f"{_file_name(earlier)} is gone", url=earlier)
        url = earlier
    sheet.upstream_updated = as_of(url) or sheet.upstream_updated
    return sheet


def _file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _previous_file(ctx: FetchContext, country: str) -> str | None:
    """The dated file for `country` behind the current version, if any."""
    found = [
        u
        for u in ctx.previous_urls
        if "/api/3/action/" not in u
        and as_of(u)
        and _file_name(u).lower().startswith(country.lower())
    ]
    return max(found, key=lambda u: as_of(u) or "", default=None)


def read_sheet(raw: RawResponse) -> pd.DataFrame:
    """The `Data` sheet as objects; not an XLSX = invalid payload, no such sheet = schema drift."""
    refuse_html(raw, raw.body[:200].decode("utf-8", "replace"))
    if not zipfile.is_zipfile(io.BytesIO(raw.body)):
        raise SourceError("invalid_payload", "not an XLSX file (no zip archive)", url=raw.url)
    try:
        book = pd.ExcelFile(io.BytesIO(raw.body), engine="openpyxl")
        if SHEET not in book.sheet_names:
            raise SourceError(
                "schema_drift",
                f"no sheet {SHEET!r} (sheets: {', '.join(map(str, book.sheet_names))})",
                url=raw.url,
            )
        frame = pd.read_excel(book, sheet_name=SHEET, dtype=object)
    except SourceError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise SourceError(
            "invalid_payload",
            f"unreadable XLSX: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:120] if str(exc) else ''}",
            url=raw.url,
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SourceError("schema_drift", f"sheet {SHEET!r} lacks columns {missing}", url=raw.url)
    return frame


def _country_of(raw: RawResponse) -> str | None:
    name = unquote(urlsplit(raw.url).path.rsplit("/", 1)[-1]).lower()
    return next((c for c in SLUGS.values() if name.startswith(c.lower())), None)


def _counts(frame: pd.DataFrame, column: str, raw: RawResponse) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame[column][values.isna() & frame[column].notna()]
    if not bad.empty:
        raise SourceError("schema_drift", f"{column}: not a number ({bad.iloc[0]!r})", url=raw.url)
    return values


def tidy_sheet(raw: RawResponse) -> pd.DataFrame:
    """One row per country, admin1 (when the file has it) and month."""
    frame = read_sheet(raw)
    # HDX files may carry an HXL hashtag row under the header (#date+year …):
    # https://hxlstandard.org/standard/1-1final/tagging/
    frame = frame[~frame["Year"].astype(str).str.startswith("#") & frame["Year"].notna()]
    months = frame["Month"].astype(str).str.strip().str.lower().map(MONTHS)
    years = _counts(frame, "Year", raw)
    period = [
        f"{int(y):04d}-{int(m):02d}" if pd.notna(m) and pd.notna(y) else None
        for y, m in zip(years, months, strict=True)
    ]
    country = frame["Country"] if "Country" in frame.columns else _country_of(raw)
    out = pd.DataFrame(
        {
            "country": country,
            "admin1": frame["Admin1"] if "Admin1" in frame.columns else None,
            "period": period,
            "events": _counts(frame, "Events", raw).fillna(0),
            "fatalities": _counts(frame, "Fatalities", raw).fillna(0),
        },
        index=frame.index,
    )
    keys = ["country", "admin1", "period"]
    out = out.groupby(keys, dropna=False, as_index=False)[["events", "fatalities"]].sum()
    return out.assign(upstream_updated=as_of(raw.url), source_url=raw.url)


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    sheets = [tidy_sheet(raw) for raw in parts if "/api/3/action/" not in raw.url]
    if not sheets:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(sheets, ignore_index=True)[COLUMNS]


SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(list(SLUGS.values()))),
        "admin1": pa.Column(str, nullable=True, coerce=True),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
        "events": pa.Column(int, pa.Check.ge(0), coerce=True),
        "fatalities": pa.Column(int, pa.Check.ge(0), coerce=True),
        "upstream_updated": pa.Column(str, nullable=True, coerce=True),
        "source_url": pa.Column(str),
    },
    strict=True,
    unique=["country", "admin1", "period"],
    report_duplicates="exclude_first",
)

ATTRIBUTION = (
    "Source: Armed Conflict Location & Event Data (ACLED), www.acleddata.com, aggregated data "
    "via the Humanitarian Data Exchange (data.humdata.org); political-violence events and "
    "fatalities by month for Armenia and Azerbaijan, as of the date shown with each version. "
    "Used under ACLED's Terms of Use and Attribution Policy "
    "(https://acleddata.com/terms-of-use/)."
)

SOURCE = Source(
    id="hdx_acled",
    title="ACLED on HDX: monthly political violence in Armenia and Azerbaijan",
    publisher="ACLED, via OCHA's Humanitarian Data Exchange",
    licence="ACLED Terms of Use and Attribution Policy (HDX: hdx-other); attribution required",
    landing_url="https://data.humdata.org/dataset/armenia-acled-conflict-data",
    cadence=timedelta(days=10),  # republished weekly
    default_base_url=DEFAULT_BASE_URL,
    fetch=fetch,
    tidy=tidy,
    schema=SCHEMA,
    description="Political-violence events (battles, explosions/remote violence, violence "
    "against civilians) and reported fatalities per month, by province where the "
    "file gives one; ACLED's own aggregates, republished weekly.",
    attribution=ATTRIBUTION,
)
