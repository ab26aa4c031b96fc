"""ACLED event data for Armenia and Azerbaijan from the ACLED API (myACLED account, OAuth).

Publisher: Armed Conflict Location & Event Data (ACLED). Only with ACLED_USERNAME and
ACLED_PASSWORD. Raw events stay inside the app (`public=False`): ACLED's terms forbid giving
others access to them, so public outputs get monthly aggregates (data_sources/incidents.py).
Auth and endpoints: https://apidocs.acleddata.com/get_started.html
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pandera.pandas as pa

from data_sources.errors import SourceError
from data_sources.http import RawResponse, register_secret
from data_sources.parsing import json_of
from data_sources.source import FetchContext, Source

USER_ENV, PASSWORD_ENV = "ACLED_USERNAME", "ACLED_PASSWORD"
COUNTRIES = ["Armenia", "Azerbaijan"]
PAGE_SIZE = 5000
MAX_PAGES = 100  # 500,000 events per country: far above what these two countries have
FIELDS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "timestamp",
]
COLUMNS = [*FIELDS, "source_url"]


def token(ctx: FetchContext) -> str:
    """A bearer token from the OAuth password grant; it is never returned as a part (stored).

    Form fields per ACLED's R client (acledR R/acled_auth.R):
    https://rdrr.io/cran/acledR/src/R/acled_auth.R
    """
    form = {
        "username": ctx.credentials[USER_ENV],
        "password": ctx.credentials[PASSWORD_ENV],
        "grant_type": "password",
        "client_id": "acled",
        "scope": "authenticated",
    }
    register_secret(form["password"])
    try:
        raw = ctx.http.post(f"{ctx.base_url}/oauth/token", data=form)
    except SourceError as err:
        if err.status in (400, 401):  # OAuth: invalid_grant comes back as 400
            raise SourceError(
                "auth_failed",
                f"ACLED refused {USER_ENV}/{PASSWORD_ENV}",
                url=err.url,
                status=err.status,
            ) from None
        raise
    body = json_of(raw)
    value = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(value, str) or not value:
        raise SourceError("auth_failed", "ACLED's token answer has no access_token", url=raw.url)
    register_secret(value)
    register_secret(
        body.get("refresh_token") if isinstance(body.get("refresh_token"), str) else None
    )
    return value


def page_rows(raw: RawResponse) -> list[dict]:
    """The `data` list of one read page; an envelope without success is an upstream error."""
    body = json_of(raw)
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        message = (body.get("error") or body.get("message")) if isinstance(body, dict) else None
        if message:
            raise SourceError("upstream_error", f"ACLED: {str(message)[:160]}", url=raw.url)
        raise SourceError("schema_drift", "expected an object with a data list", url=raw.url)
    if body.get("success") is False or int(body.get("status") or 200) != 200:
        raise SourceError(
            "upstream_error",
            f"ACLED status {body.get('status')}: "
            f"{str(body.get('error') or body.get('messages') or '')[:160]}",
            url=raw.url,
        )
    return body["data"]


def fetch(ctx: FetchContext) -> list[RawResponse]:
    """Every page for each country until an empty one.

    401 mid-paging means the token expired (ACLED tokens last about 24 h, research §1.1): get
    one new token, once per run, and ask for the same page again; a second 401 fails clearly.
    403 is `access_denied` (account without API access or terms not accepted), never retried.
    """
    bearer, renewed, parts = token(ctx), False, []
    for country in COUNTRIES:
        page = 1
        while page <= MAX_PAGES:
            params = {
                "_format": "json",
                "country": country,
                "fields": "|".join(FIELDS),
                "limit": str(PAGE_SIZE),
                "page": str(page),
            }
            try:
                raw = ctx.http.get(
                    f"{ctx.base_url}/api/acled/read",
                    params=params,
                    headers={"Authorization": f"Bearer {bearer}"},
                )
            except SourceError as err:
                if err.error_class == "auth_failed" and not renewed:
                    bearer, renewed = token(ctx), True
                    continue
                if err.error_class == "auth_failed":
                    raise SourceError(
                        "auth_failed",
                        "ACLED refused a freshly issued token",
                        url=err.url,
                        status=err.status,
                    ) from None
                if err.error_class == "access_denied":
                    raise SourceError(
                        "access_denied",
                        "ACLED denied access: does the account have API access and accepted terms?",
                        url=err.url,
                        status=err.status,
                    ) from None
                raise
            if not page_rows(raw):
                break
            parts.append(raw)
            page += 1
        else:
            raise SourceError("truncated_result", f"more than {MAX_PAGES} pages for {country}")
    return parts


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    """One row per ACLED event (internal only; see incidents.monthly for the public form)."""
    records = [
        {**{f: row.get(f) for f in FIELDS}, "source_url": raw.url}
        for raw in parts
        for row in page_rows(raw)
    ]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["event_date"] = frame["event_date"].astype("str").str[:10]
    return frame


def _text(nullable: bool = True) -> pa.Column:
    return pa.Column(str, nullable=nullable, coerce=True)


SCHEMA = pa.DataFrameSchema(
    {
        "event_id_cnty": _text(nullable=False),
        "event_date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "year": pa.Column(int, coerce=True),
        "time_precision": pa.Column(float, nullable=True, coerce=True),
        "disorder_type": _text(),
        "event_type": _text(nullable=False),
        "sub_event_type": _text(),
        "country": pa.Column(str, pa.Check.isin(COUNTRIES)),
        "admin1": _text(),
        "admin2": _text(),
        "location": _text(),
        "latitude": pa.Column(float, pa.Check.in_range(-90, 90), nullable=True, coerce=True),
        "longitude": pa.Column(float, pa.Check.in_range(-180, 180), nullable=True, coerce=True),
        "geo_precision": pa.Column(float, nullable=True, coerce=True),
        "fatalities": pa.Column(int, pa.Check.ge(0), coerce=True),
        "timestamp": pa.Column(float, nullable=True, coerce=True),
        "source_url": pa.Column(str),
    },
    strict=True,
    unique=["event_id_cnty"],
    report_duplicates="exclude_first",
)

SOURCE = Source(
    id="acled",
    title="ACLED events: Armenia and Azerbaijan (credentialed, internal)",
    publisher="Armed Conflict Location & Event Data (ACLED)",
    licence="ACLED Terms of Use: no redistribution of raw events; aggregates with attribution",
    landing_url="https://acleddata.com/",
    cadence=timedelta(days=8),  # ACLED publishes weekly
    default_base_url="https://acleddata.com",
    fetch=fetch,
    tidy=tidy,
    schema=SCHEMA,
    description="Event-level ACLED data for Armenia and Azerbaijan, kept internal; public "
    "charts and downloads use monthly aggregates only.",
    attribution="Source: Armed Conflict Location & Event Data (ACLED), www.acleddata.com; "
    "monthly aggregates of political-violence events, Armenia and Azerbaijan, "
    "accessed on the date shown with each version.",
    credentials=(USER_ENV, PASSWORD_ENV),
    credentials_required=True,
    public=False,
)
