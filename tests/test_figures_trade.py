"""Trade and Upper Lars charts: pure figures on tiny frames, chart data on a store seeded from the
curated CSVs (and from faked IMF IMTS and UN Comtrade tables), fuzzed options, the two pages."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render
from dashboard.charts.trade import NOTE_IDS, reporter_group
from dashboard.data import door
from dashboard.figures.periods import number, panels, period_text, source_ranges
from dashboard.figures.trade import partner_shares
from dashboard.figures.upper_lars import closure_log
from data_sources.store import Store
from tests.trade_helpers import seeded_store

MINE = (
    "trade_partner_shares",
    "trade_with_russia_sources",
    "upper_lars_route_share",
    "upper_lars_events",
    "upper_lars_throughput",
    "upper_lars_trade_dependence",
)
PROVENANCE = {"dataset", "row_id", "source_url", "source_title", "accessed", "confidence"}
EVIL = "<script>alert(1)</script>"


# --- pure figures on hand-made frames ------------------------------------------------------
VALUES = f"""origin,series,partner,value,value_max,qualifier,unit,reported_by,source_title,\
confidence,start,end
live,russia,Russia,30,,,percent,IMF,IMF IMTS,high,2022-01-01,2022-12-31
live,russia,Russia,40,,,percent,IMF,IMF IMTS,high,2023-01-01,2023-12-31
curated,russia,$x$,45.4,,approx,percent,{EVIL},{EVIL},medium,2024-01-01,2024-06-30
"""
NOTE = """origin,title,description,source_title,start,end
note,<script>alert(1)</script>,$5bn of gold,EDB,2024-01-01,2024-06-30
"""
EVENTS = f"""category,title,when,end_date,date_precision,value,unit,reported_by,source_title,\
confidence
closure,{EVIL},2006-06-01,2010-03-01,month,,,,ARKA,medium
queue,"1,500 trucks",2018-07-03,,day,1500,trucks,media,News.am,medium
queue,no count,2019-01-01,,day,,,,$x$,medium
"""


def table(text: str, **columns: list) -> pd.DataFrame:
    frame = pd.read_csv(
        io.StringIO(text), keep_default_na=False, na_values={"value": [""], "value_max": [""]}
    )
    for column in {"start", "end", "when"} & set(frame.columns):
        frame[column] = pd.to_datetime(frame[column])
    return frame.assign(**columns)


def values(**columns: list) -> pd.DataFrame:
    return table(VALUES, **columns)


def note() -> pd.DataFrame:
    return table(NOTE)


def test_partner_shares_marks_origin_in_legend_and_hover() -> None:
    fig = partner_shares(values(), y_title="% of trade")
    live, curated_trace = fig.data
    assert (live.legendgroup, curated_trace.legendgroup) == ("live", "curated")
    assert "live" in live.legendgrouptitle.text and "Curated" in curated_trace.legendgrouptitle.text
    assert curated_trace.line.dash == "dot" and curated_trace.marker.symbol == "diamond"
    assert "origin: curated" in curated_trace.hovertext[0] and "≈45.4" in curated_trace.hovertext[0]
    assert "Jan 2024–Jun 2024" in curated_trace.hovertext[0]  # a half-year is not a year
    assert fig.layout.yaxis.title.text == "% of trade"


def test_partner_shares_escapes_untrusted_text() -> None:
    fig = partner_shares(pd.concat([values(), note()], ignore_index=True))
    curated_trace = fig.data[1]
    assert curated_trace.name == "\u200b$x$"
    assert "<script>" not in " ".join(curated_trace.hovertext)
    assert "&lt;script&gt;" in curated_trace.hovertext[0]
    label = fig.layout.annotations[0]
    assert "<script>" not in label.text and "&lt;script&gt;" in label.text
    assert "\u200b$5bn" in label.hovertext
    assert [s.type for s in fig.layout.shapes] == ["rect"]  # a period note is a shaded span


def test_partner_shares_without_live_data_says_so() -> None:
    fig = partner_shares(values(origin=["curated"] * 3))
    assert any("No live IMF figures" in a.text for a in fig.layout.annotations)


@pytest.mark.parametrize(
    "frame", [pd.DataFrame(), note(), values().iloc[0:0]], ids=["empty", "notes-only", "no-rows"]
)
def test_empty_frames_give_an_empty_state(frame: pd.DataFrame) -> None:
    for fig in (
        partner_shares(frame, empty="Nothing here"),
        source_ranges(frame, group="origin", y_title="US$ bn", empty="Nothing here"),
        panels(frame, panel="origin", group="origin", empty="Nothing here"),
    ):
        assert not fig.data and fig.layout.annotations[0].text == "Nothing here"
    assert closure_log(pd.DataFrame(), empty="No events").layout.annotations[0].text == "No events"


def test_source_ranges_shade_the_spread_and_colour_by_group() -> None:
    frame = values(
        origin=["a", "b", "b"],
        start=pd.to_datetime(["2024-01-01"] * 2 + ["2023-01-01"]),
        end=pd.to_datetime(["2024-12-31"] * 2 + ["2023-12-31"]),
        value=[9.0, 12.4, 7.3],
    )
    fig = source_ranges(frame, group="origin", y_title="US$ bn", colours={"b": "#123456"})
    band, *lines = fig.data
    assert band.fill == "toself" and (min(band.y), max(band.y)) == (9.0, 12.4)
    assert [t.name for t in lines] == ["a", "b"] and lines[1].line.color == "#123456"
    assert fig.layout.yaxis.title.text == "US$ bn"
    assert {t.type for t in fig.data} == {"scatter"}


def test_quoted_ranges_get_a_whisker() -> None:
    frame = values(value_max=[None, 3000.0, None], value=[1.0, 2500.0, 3.0])
    fig = source_ranges(frame, group="origin", y_title="vehicles")
    assert list(fig.data[0].error_y.array) == [0, 0, 0, 500, 500, 0]
    assert "2,500–3,000" in fig.data[0].hovertext[3]


def test_panels_one_unit_per_panel_with_escaped_titles() -> None:
    frame = values(partner=["<b>A</b>", "<b>A</b>", "B"])
    fig = panels(frame, panel="partner", group="origin")
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["&lt;b&gt;A&lt;/b&gt;", "B"]
    assert [t.yaxis for t in fig.data] == ["y", "y2"]
    assert [t.showlegend for t in fig.data] == [True, True]  # live, then curated: once each


def test_closure_log_draws_spans_and_sizes_by_count() -> None:
    events = table(EVENTS)
    fig = closure_log(events)
    span, closures, queues = fig.data
    assert span.mode == "lines" and list(span.x[:2]) == [
        pd.Timestamp("2006-06-01"),
        pd.Timestamp("2010-03-01"),
    ]
    assert (
        "Jun 2006 – Mar 2010" in closures.hovertext[0] and "<script>" not in closures.hovertext[0]
    )
    assert list(queues.marker.size) == [30, 9]
    assert "\u200b$x$" in queues.hovertext[1]
    assert list(fig.layout.yaxis.categoryarray) == ["queue", "closure"]


def test_period_and_number_text() -> None:
    assert period_text("2023-01-01", "2023-12-31") == "2023"
    assert period_text("2024-01-01", "2024-06-30") == "Jan 2024–Jun 2024"
    assert period_text("2025-06-02", "2025-06-08") == "02 Jun 2025–08 Jun 2025"
    assert period_text("2023-06-22", "2023-06-22") == "22 Jun 2023"
    assert (number(1200), number(2.626), number(45.4)) == ("1,200", "2.63", "45.4")


def test_reporter_groups() -> None:
    assert reporter_group("Armstat (preliminary)").startswith("Armstat")
    assert reporter_group("Russian government (Deputy PM Overchuk)").startswith("Russian")
    assert reporter_group("Armenian Economy Minister (via TASS)") == "Armenian officials"


# --- chart data on seeded stores -------------------------------------------------------------
@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    base = tmp_path_factory.mktemp("stores")
    made = {
        "curated": seeded_store(f"{base}/c.sqlite3", live=False),
        "live": seeded_store(f"{base}/l.sqlite3", live=True),
    }
    yield made
    for store in made.values():
        store.engine.dispose()


@pytest.fixture(params=["curated", "live"])
def seeded(request: pytest.FixtureRequest, stores: dict[str, Store]) -> Iterator[str]:
    door.set_store(stores[request.param])
    door.reset()
    yield request.param
    door.set_store(None)
    door.reset()


def test_partner_shares_data(seeded: str) -> None:
    frame = CHARTS["trade_partner_shares"].data({"from": 2010, "to": 2026, "share": "trade"})
    assert set(frame.columns) >= PROVENANCE
    assert set(frame.loc[frame["origin"] == "note", "row_id"]) == set(NOTE_IDS)
    assert set(frame.loc[frame["origin"] == "curated", "indicator"]) == {"share_of_trade"}
    live = frame[frame["origin"] == "live"].set_index("series")["value"]
    if seeded == "live":  # (1.2 + 2.8) / (4 + 6); the UAE has no import row, so no trade share
        assert live.round(6).to_dict() == {"russia": 40.0, "china": 15.0, "eu": 13.5}
    else:
        assert live.empty
    exports = render(CHARTS["trade_partner_shares"], {"share": "exports"})
    assert set(exports.frame.loc[exports.frame["origin"] != "note", "indicator"]) == {
        "share_of_exports"
    }
    # the EAEU's 2002–2022 average overlaps the default window but does not stretch the axis
    assert pd.Timestamp(exports.figure.layout.xaxis.range[0]) == pd.Timestamp("2010-01-01")


def test_russia_sources_data(seeded: str) -> None:
    frame = CHARTS["trade_with_russia_sources"].data({"from": 2010, "to": 2026})
    assert set(frame["unit"]) == {"USD bn"} and set(frame.columns) >= PROVENANCE
    assert frame.set_index("row_id").loc["ru-2016-jan-aug", "value"] == pytest.approx(0.8032)
    groups = set(frame["source_group"])
    assert {"Armstat (Armenian statistics)", "Armenian officials"} <= groups
    live = frame[frame["dataset"].isin(["imf_imts", "comtrade"])].set_index("dataset")["value"]
    expected = {"imf_imts": 4.0, "comtrade": 4.5} if seeded == "live" else {}
    assert live.round(6).to_dict() == expected


def test_route_and_upper_lars_data(seeded: str) -> None:
    route = CHARTS["upper_lars_route_share"].data({"from": 2010, "to": 2026})
    exports = route[route["panel"].str.startswith("Goods exports")]
    assert set(exports["unit"]) == {"USD bn"}
    assert ("IMF IMTS (live)" in set(route["origin"])) == (seeded == "live")
    events = CHARTS["upper_lars_events"].data({"from": 2010, "to": 2026, "show": "all"})
    assert "2006-06-russia-closes-lars" in set(events["row_id"])  # a closure lasting into 2010
    queues = CHARTS["upper_lars_events"].data({"from": 2010, "to": 2026, "show": "queues"})
    assert set(queues["category"]) == {"queue"}
    throughput = CHARTS["upper_lars_throughput"].data({"from": 2010, "to": 2026})
    assert set(throughput["unit"]) == {"trucks per day", "vehicles per day"}


def test_every_chart_renders_only_scatter_traces(seeded: str) -> None:
    for chart_id in MINE:
        rendered = render(CHARTS[chart_id], {"events": "1", "from": "2000"})
        assert len(rendered.frame) and rendered.figure.data, chart_id
        assert {t.type for t in rendered.figure.data} == {"scatter"}, chart_id


def test_empty_store_gives_empty_states(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/empty.sqlite3")
    store.create_schema()
    door.set_store(store)
    try:
        for chart_id in MINE:
            rendered = render(CHARTS[chart_id], {})
            assert rendered.frame.empty and not rendered.figure.data, chart_id
    finally:
        door.set_store(None)
        store.engine.dispose()


text = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["1", "0", "2024", "1800"]))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chart_id=st.sampled_from(MINE), start=text, end=text, events=text, share=text, show=text)
def test_fuzzed_options_always_give_a_figure(
    seeded: str, chart_id: str, start: str, end: str, events: str, share: str, show: str
) -> None:
    query = {"from": start, "to": end, "events": events, "share": share, "show": show}
    rendered = render(CHARTS[chart_id], query)
    assert rendered.figure is not None and {t.type for t in rendered.figure.data} <= {"scatter"}


def test_pages_build_with_and_without_garbage_queries(seeded: str) -> None:
    import dash

    import dashboard.app  # noqa: F401  (registers the pages; never import them a second time)

    modules = {p["path"]: sys.modules[p["module"]] for p in dash.page_registry.values()}
    for path in ("/trade", "/upper-lars"):
        for query in ({}, {"from": "x", "to": "<script>", "share": "??", "show": "1e9"}):
            assert modules[path].layout(**query) is not None


def test_sparse_figures_are_labelled_with_their_periods() -> None:
    def rows(n: int) -> pd.DataFrame:
        starts = pd.to_datetime([f"{2010 + i}-01-01" for i in range(n)])
        return pd.DataFrame(
            {
                "panel": "p",
                "group": "g",
                "value": range(n),
                "start": starts,
                "end": starts + pd.offsets.YearEnd(0),
                "source_title": "t",
            }
        )

    sparse = panels(rows(2), panel="panel", group="group").data[0]
    assert "text" in sparse.mode and "2011" in [t for t in sparse.text if t][-1]
    dense = panels(rows(6), panel="panel", group="group").data[0]
    assert "text" not in dense.mode
