"""Shock scenarios in the API and as embeds.

- `GET /api/v1/scenarios`: ids, titles, links.
- `GET /api/v1/scenarios/<id>?<param>=<value>`: inputs (each with `source_url` or
  `assumption: true`), outputs with low/high, the formula, historical references and the
  versions read. A bad value is a 400 naming the parameter; an unknown id a 404 (JSON).
- `/embed/scenario/<id>` (and `.svg`, `.png`): the scenario's chart embed, the same as
  `/embed/scenario_<id>`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request

from dashboard.charts import scenarios as sc
from dashboard.data import door
from dashboard.web import embed
from dashboard.web.api import _api, _json, add_routes
from dashboard.web.api_catalogue import PREFIX
from dashboard.web.api_rows import ApiError


def _links(scenario_id: str) -> dict[str, str]:
    chart = sc.chart_id(scenario_id)
    return {
        "self": f"{PREFIX}/scenarios/{scenario_id}",
        "page": f"/scenarios#scenario-{scenario_id}",
        "embed": f"/embed/scenario/{scenario_id}",
        "svg": f"/embed/scenario/{scenario_id}.svg",
        "csv": f"/download/{chart}.csv",
    }


@_api
def scenarios() -> Response:
    """GET /api/v1/scenarios: every scenario's id, title, parameters and links."""
    return _json(
        [
            {
                "id": s.id,
                "title": s.title,
                "description": s.description,
                "parameters": [c.name for c in s.choices] + [p.name for p in s.params],
                "links": _links(s.id),
            }
            for s in sc.SCENARIOS.values()
        ]
    )


@_api
def scenario(scenario_id: str) -> Response:
    """GET /api/v1/scenarios/<id>: the scenario for the parameters given (others: defaults)."""
    found = sc.SCENARIOS.get(scenario_id)
    if found is None:
        raise ApiError(
            404,
            f"unknown scenario {scenario_id[:60]!r}; see {PREFIX}/scenarios",
            "id",
        )
    try:
        overrides = sc.parse(found, request.args, strict=True)
        # The document lists every scenario's parameters on every scenario: a value out of its
        # documented range is a 400 even where that scenario does not use it.
        for other in sc.SCENARIOS.values():
            sc.parse(other, request.args, strict=True)
    except sc.ScenarioError as exc:
        raise ApiError(400, str(exc), exc.parameter) from None
    with door.reading() as reads:
        result = sc.run(found, overrides)
    document = sc.as_json(result)
    document["versions"] = reads.versions()
    document["links"] = _links(found.id)
    return _json(document)


def _embed(scenario_id: str) -> Response:
    return embed.chart_embed(sc.chart_id(scenario_id))


def _image(scenario_id: str, fmt: str) -> Response:
    return embed.chart_image(sc.chart_id(scenario_id), fmt)


def register(server: Flask) -> None:
    routes: list[tuple[str, str, Callable[..., Response]]] = [
        (f"{PREFIX}/scenarios", "api_scenarios", scenarios),
        (f"{PREFIX}/scenarios/<scenario_id>", "api_scenario", scenario),
    ]
    add_routes(server, routes)
    server.add_url_rule(
        "/embed/scenario/<scenario_id>.svg",
        "embed_scenario_svg",
        lambda scenario_id: _image(scenario_id, "svg"),
    )
    server.add_url_rule(
        "/embed/scenario/<scenario_id>.png",
        "embed_scenario_png",
        lambda scenario_id: _image(scenario_id, "png"),
    )
    server.add_url_rule("/embed/scenario/<scenario_id>", "embed_scenario", _embed)
