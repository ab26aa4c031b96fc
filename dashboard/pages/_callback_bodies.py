"""The request bodies Dash's renderer sends for the chart-page callbacks, built from the chart
registry: what the tests and `benchmarks/callbacks.py` replay against `/_dash-update-component`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import dash
from dash._callback import GLOBAL_CALLBACK_MAP

from dashboard.charts.registry import for_page
from dashboard.pages._components import page_options


def output_string(kind: str, multi: bool) -> str:
    """The registered output string of the callback with an output of component type `kind`,
    with several outputs (`multi`) or one (Dash adds an @hash to `allow_duplicate` outputs)."""
    registered = [*GLOBAL_CALLBACK_MAP, *dash.get_app().callback_map]  # Dash moves them on setup
    return next(k for k in registered if f'"type":"{kind}"' in k and k.startswith("..") == multi)


def _ids(page: str, kind: str, charts: Iterable[str], prop: str) -> list[dict[str, Any]]:
    return [{"id": {"type": kind, "page": page, "chart": c}, "property": prop} for c in charts]


def update_charts(
    page: str, values: Mapping[str, object], opened: Iterable[str] = ()
) -> dict[str, Any]:
    """A control change on `page` (`values`: control name -> value; unset ones are None) with the
    data tables of the charts in `opened` open. Download links and snippets are left out (empty
    wildcard lists), as a page without them would send."""
    charts = [c.id for c in for_page(page)]
    controls = [opt.name for opt in page_options(for_page(page))]
    open_set = set(opened)
    return {
        "output": output_string("pp-graph", multi=True),
        "outputs": [
            _ids(page, "pp-graph", charts, "figure"),
            _ids(page, "pp-asof", charts, "children"),
            _ids(page, "pp-source", charts, "children"),
            [],
            [],
            _ids(page, "pp-summary", charts, "children"),
            _ids(page, "pp-tablebody", charts, "children"),
        ],
        "inputs": [
            [
                {
                    "id": {"type": "pp-control", "page": page, "name": name},
                    "property": "value",
                    "value": values.get(name),
                }
                for name in controls
            ]
        ],
        "state": [
            [
                {**item, "value": 1 if item["id"]["chart"] in open_set else None}
                for item in _ids(page, "pp-tablesum", charts, "n_clicks")
            ]
        ],
        "changedPropIds": [],
    }


def fill_table(page: str, chart: str, clicks: object, values: Mapping[str, object]) -> dict:
    """A click on the <summary> of one chart's data table (`clicks`: its n_clicks)."""
    controls = [opt.name for opt in page_options(for_page(page))]
    ids = {"page": page, "chart": chart}
    return {
        "output": output_string("pp-tablebody", multi=False),
        "outputs": {"id": {**ids, "type": "pp-tablebody"}, "property": "children"},
        "inputs": [{"id": {**ids, "type": "pp-tablesum"}, "property": "n_clicks", "value": clicks}],
        "state": [
            [
                {
                    "id": {"type": "pp-control", "page": page, "name": name},
                    "property": "value",
                    "value": values.get(name),
                }
                for name in controls
            ]
        ],
        "changedPropIds": [],
    }
