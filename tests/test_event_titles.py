"""Translated event titles (issue 13 item 2): the event datasets carry optional `title_hy` and
`title_ru` columns, written by a person and otherwise empty (never machine-translated); the
dashboard shows the title in the reader's language where a row has one, else the English title,
in the event layer's hover text, the chart's own rows and the downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pandas as pd
import pytest

from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.data import cache, datasets, door
from data_sources.curated_schema import COLUMNS, TRANSLATED_TITLES, row_errors, table_errors
from data_sources.refresh import refresh
from data_sources.sources import curated
from data_sources.store import Store

# A title written for this test only, in a temporary store: never shown as data.
TEST_TITLE_HY = "Փորձնական վերնագիր (թեստ)"
DATASET = "upper_lars_events"


def _event_datasets() -> list[str]:
    return [d for d, kind in curated.KINDS.items() if kind == "events"]


def test_every_event_dataset_has_the_translated_title_columns() -> None:
    assert COLUMNS["events"][5:8] == ["title", "title_hy", "title_ru"]
    assert set(TRANSLATED_TITLES.values()) == {"title_hy", "title_ru"}
    for dataset_id in _event_datasets():
        frame = pd.read_csv(
            io.BytesIO(curated.csv_bytes(dataset_id)), dtype=str, keep_default_na=False
        )
        assert table_errors("events", frame) == [], dataset_id


def test_a_translated_title_is_in_its_own_script() -> None:
    rows = list(csv.DictReader(io.StringIO(curated.csv_bytes(DATASET).decode("utf-8"))))
    row = rows[0]
    assert row_errors("events", {**row, "title_hy": TEST_TITLE_HY}) == []
    assert row_errors("events", {**row, "title_ru": "Закрытие Верхнего Ларса"}) == []
    assert row_errors("events", {**row, "title_hy": row["title"]}) == [
        "title_hy has no Armenian letter"
    ]
    assert row_errors("events", {**row, "title_ru": TEST_TITLE_HY}) == [
        "title_ru has no Cyrillic letter"
    ]


def test_titles_in_falls_back_to_english_and_keeps_it() -> None:
    frame = pd.DataFrame(
        {"title": ["Closed", "Open"], "title_hy": [TEST_TITLE_HY, ""], "title_ru": ["", ""]}
    )
    hy = datasets.titles_in(frame, "hy")
    assert list(hy.columns) == ["title", "title_en"]
    assert hy["title"].tolist() == [TEST_TITLE_HY, "Open"]
    assert hy["title_en"].tolist() == ["Closed", "Open"]
    ru = datasets.titles_in(frame, "ru")
    assert ru["title"].tolist() == ["Closed", "Open"] == ru["title_en"].tolist()
    assert list(datasets.titles_in(frame, "en").columns) == ["title"]
    values = pd.DataFrame({"value": [1.0]})
    assert datasets.titles_in(values, "hy") is values


@pytest.fixture
def translated_store(tmp_path, monkeypatch) -> Iterator[tuple[Store, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """A fresh store whose upper_lars_events has one row with a title_hy (and none in Russian):
    the most recent event the shared event layer draws. Yields the store and that row."""
    original = curated.csv_bytes(DATASET).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(original)))
    overlaid = [r for r in rows if r["category"] in ("closure", "weather_closure", "queue")]
    row = max(overlaid, key=lambda r: r["date"])
    row["title_hy"] = TEST_TITLE_HY
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    real = curated.csv_bytes
    monkeypatch.setattr(
        curated,
        "csv_bytes",
        lambda dataset_id: out.getvalue().encode() if dataset_id == DATASET else real(dataset_id),
    )
    monkeypatch.delenv("REDIS_URL", raising=False)
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.create_schema()
    assert refresh(store, curated.SOURCES).exit_code == 0
    cache.reset_backends()
    door.set_store(store)
    yield store, row
    door.set_store(None)
    cache.reset_backends()
    store.engine.dispose()


def _hover(spec: dict) -> str:
    return " ".join(
        " ".join(map(str, trace.get("hovertext") or ())) for trace in spec.get("data", [])
    )


def test_the_reader_sees_the_armenian_title_and_the_russian_reader_the_english(
    translated_store,
) -> None:
    _store, row = translated_store
    english = row["title"]
    year = row["date"][:4]
    # The dataset's own chart (its rows are the events) and the event layer over another chart.
    timeline = CHARTS[DATASET]
    overlay = next(c for c in CHARTS.values() if c.has_events and DATASET not in c.sources)
    query = {"events": "1", "from": year, "to": year}

    hy = render(timeline, {"lang": "hy"})
    shown = hy.frame.set_index("row_id").loc[row["id"]]
    assert (shown["title"], shown["title_en"]) == (TEST_TITLE_HY, english)
    assert TEST_TITLE_HY in _hover(hy.spec)
    assert not {"title_hy", "title_ru"} & set(hy.frame.columns)

    ru = render(timeline, {"lang": "ru"})
    shown = ru.frame.set_index("row_id").loc[row["id"]]
    assert (shown["title"], shown["title_en"]) == (english, english)
    assert TEST_TITLE_HY not in _hover(ru.spec)

    en = render(timeline, {})
    assert en.frame.set_index("row_id").loc[row["id"], "title"] == english
    assert "title_en" not in en.frame.columns

    layer = render(overlay, {**query, "lang": "hy"}).events.set_index("row_id")
    assert layer.loc[row["id"], "title"] == TEST_TITLE_HY
    layer = render(overlay, {**query, "lang": "ru"}).events.set_index("row_id")
    assert layer.loc[row["id"], "title"] == english

    client = app.server.test_client()
    base = f"/download/{overlay.id}.csv?events=1&from={year}&to={year}"
    hy_csv = client.get(base + "&lang=hy")
    assert hy_csv.status_code == 200
    events = pd.read_csv(io.StringIO(hy_csv.get_data(as_text=True)), dtype=str)
    event = events[events["row_id"] == row["id"]].iloc[0]
    assert (event["title"], event["title_en"]) == (TEST_TITLE_HY, english)
    ru_csv = pd.read_csv(io.StringIO(client.get(base + "&lang=ru").get_data(as_text=True)))
    assert ru_csv.loc[ru_csv["row_id"] == row["id"], "title"].tolist() == [english]
