"""Security and EUMA charts: pure figures on tiny frames, chart data on a store seeded from the
curated CSVs (and, faked, from the live incident sources), and fuzzed options."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.charts.registry import CHARTS, for_page
from dashboard.charts.render import render
from dashboard.charts.security import presence_timeline
from dashboard.data import datasets, door
from dashboard.figures.euma import coverage_figure, patrols_figure
from dashboard.figures.incidents import incident_counts
from data_sources import registry
from data_sources.refresh import refresh
from data_sources.sources import acled, curated, hdx_acled, ucdp
from data_sources.store import Store

SECURITY = ("incidents_by_source", "incident_map", "russian_presence_timeline")
EUMA = (
    "euma_mandate_timeline",
    "euma_patrols",
    "euma_map",
    "euma_coverage",
    "euma_border_coverage",
    "euma_border_map",
)
PROVENANCE = {"dataset", "row_id", "source_url", "accessed", "confidence", "version"}
ALLOWED_TRACES = {"scatter", "scattergeo", "choropleth"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("store") / "s.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    refresh(store, curated.SOURCES)
    door.set_store(store)
    door.reset()
    yield store
    door.set_store(None)
    door.reset()
    store.engine.dispose()


# --- pure figures on hand-made frames -------------------------------------------------------
def counts(**overrides: list) -> pd.DataFrame:
    rows = {
        "source": ["ucdp", "ucdp", "hdx_acled"],
        "label": ["UCDP GED", "UCDP GED", "<script>x</script>"],
        "period_start": ["2023-01-01", "2024-01-01", "2024-01-01"],
        "period_end": ["2023-12-31", "2024-12-31", "2024-12-31"],
        "events": [3, 0, 5],
        "fatalities": [4, 0, 1],
        "counts": ["deadly events", "deadly events", "$x$"],
    }
    rows.update(overrides)
    return pd.DataFrame(rows)


def test_incident_counts_one_step_line_per_source_with_missing_named() -> None:
    fig = incident_counts(counts())
    lines = [t for t in fig.data]
    assert [t.type for t in lines] == ["scatter", "scatter"]
    assert all(t.line.shape == "hv" for t in lines)
    assert list(lines[0].y) == [3, 0, 0]  # the last step is held to the period end
    note = fig.layout.annotations[0].text
    assert "ACLED API" in note and "UCDP" not in note


def test_incident_counts_escapes_labels_and_caveats() -> None:
    fig = incident_counts(counts())
    acled_line = fig.data[1]
    assert acled_line.name == "&lt;script&gt;x&lt;/script&gt;"
    assert "<script>" not in " ".join(acled_line.hovertext)
    assert "\u200b$x$" in acled_line.hovertext[0]


def test_incident_counts_curated_fallback_is_labelled() -> None:
    frame = counts(source=["border_clashes"] * 3, fatalities=[None] * 3)
    note = incident_counts(frame).layout.annotations[0].text.replace("<br>", " ")
    assert "ACLED via HDX, ACLED API, UCDP GED" in note and "curated" in note


def test_incident_counts_empty_state_names_the_sources() -> None:
    fig = incident_counts(pd.DataFrame())
    assert not fig.data and "ACLED via HDX" in fig.layout.annotations[0].text


def patrols(**overrides: list) -> pd.DataFrame:
    rows = {
        "series": ["euma", "euma", "euma"],
        "end": pd.to_datetime(["2023-02-20", "2023-06-01", "2023-07-20"]),
        "value": [0.0, 300.0, 500.0],
        "qualifier": ["", "more_than", ""],
        "reported_by": ["derived", "<i>EUMA</i>", "EUMA"],
        "source_title": ["t", "$x$", "t"],
        "confidence": ["high", "medium", "medium"],
        "derived": [True, False, False],
        "rate_from": [None, "2023-02-20", "2023-06-01"],
        "weeks_since_previous": [None, 14.4, 7.0],
        "patrols_since_previous": [None, 300.0, 200.0],
        "implied_per_week": [None, 20.8, 28.6],
        "rate_qualifier": ["", "approx", "approx"],
    }
    rows.update(overrides)
    return pd.DataFrame(rows)


def test_patrols_figure_cumulative_and_rate_on_second_axis() -> None:
    fig = patrols_figure(patrols())
    cumulative, rate = fig.data
    assert list(cumulative.y) == [0, 300, 500]
    assert list(cumulative.marker.symbol) == ["circle-open", "circle", "circle"]
    assert rate.yaxis == "y2" and list(rate.y) == [20.8, 20.8, None, 28.6, 28.6, None]
    assert fig.layout.yaxis2.overlaying == "y"
    assert "≈20.8 patrols a week" in rate.hovertext[0]
    assert "&lt;i&gt;EUMA&lt;/i&gt;" in cumulative.hovertext[1]
    assert ">300 patrols" in cumulative.hovertext[1]


def test_patrols_and_coverage_empty_states() -> None:
    assert not patrols_figure(pd.DataFrame(), {}).data
    assert not coverage_figure(pd.DataFrame(), {}).data


def test_coverage_figure_is_scatter_lines_from_zero() -> None:
    frame = pd.DataFrame(
        {
            "label": ["EUMA: border observed (2025)", "<b>Armenia</b> border"],
            "indicator": ["border_length_observed", "border_length"],
            "value": [1000.0, 1007.0],
            "qualifier": ["approx", ""],
            "share_of_aze_border": [99.3, None],
            "context": [False, False],
            "reported_by": ["EUMA", "x"],
            "source_title": ["s", "s"],
            "confidence": ["medium", "medium"],
        }
    )
    fig = coverage_figure(frame)
    assert [t.type for t in fig.data] == ["scatter", "scatter"]
    assert list(fig.data[0].x) == [0, 1000.0] and fig.data[0].text[1] == "≈1,000 km"
    assert "99 %" in fig.data[0].hovertext[1]
    assert fig.data[1].y[0] == "&lt;b&gt;Armenia&lt;/b&gt; border"


def test_presence_timeline_lanes_in_fixed_order() -> None:
    frame = pd.DataFrame(
        {
            "category": ["statement", "handover", "agreement"],
            "when": pd.to_datetime(["2024-03-07", "2024-08-01", "1992-09-30"]),
            "title": ["s", "<script>", "a"],
            "end_date": [None, None, None],
            "source_title": ["t"] * 3,
            "confidence": ["medium"] * 3,
        }
    )
    fig = presence_timeline(frame)
    assert [t.name for t in fig.data] == ["agreement", "handover", "statement"]
    assert "&lt;script&gt;" in fig.data[1].hovertext[0]


# --- chart data on the seeded store ---------------------------------------------------------
@pytest.mark.parametrize("chart_id", [*SECURITY, *EUMA])
def test_chart_data_has_provenance_and_allowed_traces(seeded: Store, chart_id: str) -> None:
    rendered = render(CHARTS[chart_id], {})
    assert not rendered.frame.empty
    if chart_id == "euma_border_coverage":  # derived rows cite the rows they were computed from
        assert set(rendered.frame.columns) >= {"derived_from", "accessed", "geometry_source"}
    else:
        assert set(rendered.frame.columns) >= PROVENANCE
    assert {t.type for t in rendered.figure.data} <= ALLOWED_TRACES


def test_pages_hold_the_charts() -> None:
    security = [c.id for c in for_page("security")]
    euma = [c.id for c in for_page("euma")]
    assert [c for c in security if c in SECURITY] == list(SECURITY)
    assert [c for c in euma if c in EUMA] == list(EUMA)
    assert "news_attention_armenia_azerbaijan_border" in security and "news_attention_euma" in euma
    assert CHARTS["incident_map"].geo and CHARTS["euma_map"].geo


def test_incidents_fall_back_to_curated_per_year(seeded: Store) -> None:
    frame = render(CHARTS["incidents_by_source"], {"per": "month"}).frame
    assert set(frame["source"]) == {"border_clashes"}
    by_year = dict(zip(frame["period_start"].str[:4], frame["events"], strict=True))
    assert by_year["2022"] == 2  # Nerkin Hand positions and 13 Sep (four rows, one date)
    fig = render(CHARTS["incidents_by_source"], {}).figure
    assert "curated" in fig.layout.annotations[0].text


def test_incident_map_layers_and_precision(seeded: Store) -> None:
    frame = render(CHARTS["incident_map"], {}).frame
    assert {"clash", "euma_hub", "euma_hq", "russian_base", "border_crossing"} <= set(
        frame["layer"]
    )
    clashes = frame[frame["layer"] == "clash"]
    located = clashes[clashes["lat"].notna()]
    assert (located["coord_precision"] == "town_centre").all()
    assert clashes["lat"].isna().any()  # rows with no sourced place are listed, not drawn
    fig = render(CHARTS["incident_map"], {"from": "2024", "to": "2024"}).figure
    assert "No UCDP GED events" in fig.layout.annotations[0].text


def test_patrol_rates_between_milestones(seeded: Store) -> None:
    frame = render(CHARTS["euma_patrols"], {}).frame.set_index("row_id")
    last = frame.loc["euma-patrols-2025-04-09"]
    assert last["rate_from"] == "2024-01-17" and last["implied_per_week"] == pytest.approx(54.7)
    assert frame.loc["euma-patrols-2023-06-01", "rate_qualifier"] == "approx"
    assert frame.loc["2023-02-20-euma-launch", "value"] == 0  # derived launch-day anchor
    assert pd.isna(frame.loc["eumcap-patrols-2022-12-19", "implied_per_week"])


def test_coverage_share_of_the_border(seeded: Store) -> None:
    frame = render(CHARTS["euma_coverage"], {}).frame
    observed = frame[frame["indicator"] == "border_length_observed"].iloc[0]
    assert observed["share_of_aze_border"] == pytest.approx(99.3)
    assert set(frame["unit"]) == {"km"}


def test_live_incidents_replace_the_fallback_and_never_leak_acled_events(
    seeded: Store, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    from tests.test_incidents import frames

    live = frames()
    for source in (hdx_acled.SOURCE, acled.SOURCE, ucdp.SOURCE):
        monkeypatch.setitem(registry.BY_ID, source.id, source)

    def fake_live(source_id: str) -> pd.DataFrame:
        return live[source_id].assign(
            dataset=source_id, version=1, fetched_at="2026-11-27T00:00:00"
        )

    monkeypatch.setattr(datasets, "live", fake_live)
    door.reset()  # render() caches per store version; the fake sources have none
    request.addfinalizer(door.reset)
    counts_frame = render(CHARTS["incidents_by_source"], {"per": "month"}).frame
    assert set(counts_frame["source"]) == {"hdx_acled", "acled", "ucdp"}
    map_frame = render(CHARTS["incident_map"], {}).frame
    assert "ucdp" in set(map_frame["layer"]) and "acled" not in set(map_frame["dataset"])
    text = counts_frame.to_csv() + map_frame.to_csv()
    for event in live["acled"].itertuples():
        assert event.event_id_cnty not in text
    assert "event_id_cnty" not in counts_frame.columns


# --- fuzzed options -------------------------------------------------------------------------
QUERY = st.dictionaries(
    st.sampled_from(["from", "to", "events", "per", "country", "junk"]),
    st.one_of(
        st.text(max_size=12),
        st.integers(-10, 3000).map(str),
        st.sampled_from(["1", "0", "month", "year", "Armenia", "Azerbaijan", "both"]),
    ),
    max_size=6,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERY, chart_id=st.sampled_from([*SECURITY, *EUMA]))
def test_any_query_gives_a_figure(seeded: Store, query: dict, chart_id: str) -> None:
    rendered = render(CHARTS[chart_id], query)
    assert {t.type for t in rendered.figure.data} <= ALLOWED_TRACES
    rendered.figure.to_plotly_json()


def test_page_layouts_build_with_garbage_queries(seeded: Store) -> None:
    import dash

    import dashboard.app  # noqa: F401  (pages register with the app)

    # Through Dash's registry: importing the page modules under another name would register
    # their paths twice.
    # (Entries a test registered outside the pages folder have no layout yet: skip them.)
    layouts = {p["path"]: p["layout"] for p in dash.page_registry.values() if "layout" in p}
    for query in ({}, {"from": "x", "to": "-1", "per": "<b>", "country": "Mars", "events": "2"}):
        assert layouts["/security"](**query).id == "security-page"
        assert layouts["/euma"](**query).id == "euma-page"
