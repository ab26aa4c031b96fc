"""The README is checked against the registries: every source, dataset and setting is listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_sources import registry
from data_sources.config import SETTINGS
from data_sources.sources import curated

README = (Path(__file__).parent.parent / "README.md").read_text()


@pytest.mark.parametrize("source_id", [s.id for s in registry.SOURCES])
def test_every_source_is_in_the_readme_tables(source_id: str) -> None:
    assert f"| `{source_id}` |" in README


@pytest.mark.parametrize("dataset_id", list(curated.CATALOGUE))
def test_curated_counts_in_the_readme_are_current(dataset_id: str) -> None:
    assert curated.summary_markdown_row(dataset_id) in README, (
        "README's curated table is out of date; regenerate the row with "
        "data_sources.sources.curated.summary_markdown_row"
    )


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README


def test_the_two_commands_are_at_the_top() -> None:
    top = README[:1500]
    assert "make run" in top and "make test" in top


def test_readme_says_which_chart_shows_which_source() -> None:
    from dashboard.charts.registry import markdown_table

    assert markdown_table() in README, (
        "README's chart/source table is out of date; print the new one with "
        "dashboard.charts.registry.markdown_table()"
    )
