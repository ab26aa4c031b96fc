"""GDELT DOC 2.0 news-attention signal: daily article counts for Armenia border, Upper Lars, EUMA.

Publisher: The GDELT Project, keyless. News volume, not events: a count of monitored online news
articles matching a query each day (`timelinevolraw`), with GDELT's total for that day (`norm`).
API: https://blog.gdeltproject.org/gdelt-doc-2-0-api-debuts/
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import pandera.pandas as pa

from data_sources import config
from data_sources.errors import SourceError
from data_sources.history import history_columns
from data_sources.http import RawResponse
from data_sources.parsing import json_of, refuse_html, text_of
from data_sources.source import FetchContext, Source

# Fixed queries (DOC 2.0 syntax: words are ANDed, "…" is a phrase, OR only inside parentheses).
QUERIES: dict[str, str] = {
    "armenia_azerbaijan_border": "Armenia Azerbaijan border",
    "upper_lars": '("Upper Lars" OR "Verkhny Lars")',
    "euma": 'Armenia (EUMA OR "EU mission")',
}
# The DOC API searches a rolling 3-month window (research §1.4); over a week it buckets by day.
TIMESPAN = "3months"
MIN_INTERVAL = 5.0  # seconds between calls: GDELT's 429 body asks for one every 5 s


def min_interval() -> float:
    """GDELT_MIN_INTERVAL (default 5 s); lower it only for a mirror or a local test server."""
    return config.env_float("GDELT_MIN_INTERVAL")


clock: Callable[[], float] = time.monotonic  # tests replace it with a fake clock
COLUMNS = ["query_id", "query", "date", "articles", "all_articles", "source_url"]


def params_for(query: str) -> dict[str, str]:
    return {"query": query, "mode": "timelinevolraw", "format": "json", "timespan": TIMESPAN}


def fetch(ctx: FetchContext) -> list[RawResponse]:
    """One call per query, GDELT_MIN_INTERVAL apart, retries included (HttpClient min_delay).

    A 429 comes with a plain-text body and no Retry-After; it is retried within the cap like
    any 429: https://github.com/koala73/worldmonitor/issues/5843
    """
    parts: list[RawResponse] = []
    last: float | None = None
    interval = min_interval()
    for query in QUERIES.values():
        for attempt in range(ctx.http.max_retries + 1):
            if last is not None:
                wait = interval - (clock() - last)
                if wait > 0:
                    ctx.http.sleep(wait)
            raw = ctx.http.get(
                f"{ctx.base_url}/doc/doc", params=params_for(query), min_delay=interval
            )
            last = clock()
            try:
                timeline(raw)  # a text or broken answer fails the fetch now, not later
            except SourceError as err:
                # The rate-limit notice also comes with HTTP 200: retry it like a 429.
                if err.error_class != "rate_limited" or attempt == ctx.http.max_retries:
                    raise
                ctx.http.retries += 1
                continue
            parts.append(raw)
            break
    return parts


def timeline(raw: RawResponse) -> list[dict]:
    """The `Article Count` data points: [{"date": "20261101T000000Z", "value": 3, "norm": …}].

    Shape: {"query_details": {…}, "timeline": [{"series": "Article Count", "data": […]}]}.
    Errors are plain text labelled text/html, sometimes with HTTP 200 (a rate-limit notice,
    "keyword too short"), so text is judged before the HTML check:
    https://github.com/alex9smith/gdelt-doc-api/pull/20 . An empty object: nothing matched.
    """
    text = text_of(raw)
    head = text.lstrip()[:1]
    if head and head not in "{[<":
        snippet = " ".join(text.split())[:160]
        error_class = "rate_limited" if "limit requests" in text.lower() else "upstream_error"
        raise SourceError(error_class, f"GDELT answered with text: {snippet}", url=raw.url)
    refuse_html(raw, text)
    body = json_of(raw)
    if body == {}:
        return []
    if not isinstance(body, dict) or not isinstance(body.get("timeline"), list):
        raise SourceError("schema_drift", "expected an object with a timeline list", url=raw.url)
    points: list[dict] = []
    for series in body["timeline"]:
        data = series.get("data") if isinstance(series, dict) else None
        if not isinstance(data, list):
            raise SourceError("schema_drift", "timeline series without a data list", url=raw.url)
        points += data
    return points


def tidy(parts: list[RawResponse]) -> pd.DataFrame:
    """One row per query and day: matching articles and all articles GDELT saw that day."""
    by_query = {q: k for k, q in QUERIES.items()}
    records = []
    for raw in parts:
        query = raw.params.get("query", "")
        for point in timeline(raw):
            if not isinstance(point, dict):
                raise SourceError("schema_drift", "timeline point is not an object", url=raw.url)
            stamp = str(point.get("date", ""))
            records.append(
                {
                    "query_id": by_query.get(query, query),
                    "query": query,
                    "date": f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if len(stamp) >= 8 else None,
                    "articles": point.get("value"),
                    "all_articles": point.get("norm"),
                    "source_url": raw.url,
                }
            )
    return pd.DataFrame.from_records(records, columns=COLUMNS)


SCHEMA = pa.DataFrameSchema(
    {
        "query_id": pa.Column(str, pa.Check.isin(list(QUERIES))),
        "query": pa.Column(str),
        "date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "articles": pa.Column(int, pa.Check.ge(0), coerce=True),
        "all_articles": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
        "source_url": pa.Column(str),
        **history_columns(),
    },
    strict=True,
    unique=["query_id", "date"],
    report_duplicates="exclude_first",
)

SOURCE = Source(
    id="gdelt",
    title="GDELT news attention: Armenia–Azerbaijan border, Upper Lars, EUMA",
    publisher="The GDELT Project",
    licence="GDELT terms: free and open for any use, with citation and a link to gdeltproject.org",
    landing_url="https://www.gdeltproject.org/",
    cadence=timedelta(days=1),  # GDELT updates every 15 minutes; the signal is read daily
    default_base_url="https://api.gdeltproject.org/api/v2",
    fetch=fetch,
    tidy=tidy,
    schema=SCHEMA,
    # The API only looks back 3 months, so each refresh is merged into the stored history
    # (newest count wins per query and day: today's partial count is revised the next day).
    history_key=("query_id", "date"),
    description="Daily count of online news articles matching three fixed queries, fetched as a "
    "rolling 3-month window (DOC 2.0 timelinevolraw) and accumulated across refreshes, "
    "with GDELT's daily total to normalise. A measure of media attention, not of incidents.",
    attribution="Source: The GDELT Project (gdeltproject.org), DOC 2.0 API, article counts; "
    "news volume, not verified events.",
)
