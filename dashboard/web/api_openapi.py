"""The OpenAPI 3.1 document of /api/v1, precise enough to generate clients and fuzz from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dashboard.charts.change_items import LIMIT_MAX as LIMIT_MAX_CHANGES
from dashboard.charts.scenarios import SCENARIOS
from dashboard.charts.topics import TOPICS
from dashboard.web.api_rows import FORMATS, LIMIT_MAX, OFFSET_MAX, VERSION_MAX, YEAR_MAX, YEAR_MIN
from data_sources.changes import KINDS

_REF = "#/components/"
_NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"{_REF}{kind}/{name}"}


def _int_param(name: str, low: int, high: int, description: str) -> dict[str, object]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "integer", "minimum": low, "maximum": high},
        "allowEmptyValue": True,  # an empty value means absent, on every query parameter
    }


def _schemas() -> dict[str, object]:
    version = {
        "type": "object",
        "required": ["id", "fetched_at", "sha256", "rows", "upstream_updated"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "fetched_at": {"type": "string", "format": "date-time"},
            "sha256": {"type": "string"},
            "rows": {"type": "integer", "minimum": 0},
            "upstream_updated": _NULLABLE_STRING,
        },
    }
    dataset_props = {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "publisher": {"type": "string"},
        "licence": {"type": "string"},
        "landing_url": {"type": "string"},
        "cadence_days": {"type": ["number", "null"]},
        "needs_credentials": {"enum": ["no", "optional", "required"]},
        "attribution": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}},
        "time_columns": {"type": "array", "items": {"type": "string"}},
        "version": {"oneOf": [_ref("schemas", "Version"), {"type": "null"}]},
        "stale": {"type": ["boolean", "null"]},
        "links": {
            "type": "object",
            "required": ["self", "csv", "json"],
            "properties": {k: {"type": "string"} for k in ("self", "csv", "json")},
        },
    }
    link_names = ("page", "csv", "json", "embed", "svg", "png")
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {"type": "string"},
                "parameter": {"type": "string", "description": "the offending parameter"},
            },
        },
        "Version": version,
        "Change": {
            "type": "object",
            "required": ["id", "source", "version", "published", "kind", "summary", "url"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "source": {"type": "string"},
                "source_title": {"type": "string"},
                "version": {"type": ["integer", "null"], "description": "null for failed/stale"},
                "previous_version": {"type": ["integer", "null"]},
                "published": {"type": "string", "format": "date-time"},
                "kind": {"enum": list(KINDS)},
                "count": {"type": "integer", "description": "rows (values, for revised)"},
                "summary": {"type": "string"},
                "topics": {"type": "array", "items": {"type": "string"}},
                "url": {"type": "string"},
                "charts": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"id": {"type": "string"}, "url": {"type": "string"}},
                    },
                },
                "downloads": {"type": "object", "additionalProperties": {"type": "string"}},
                "detail": {
                    "type": "array",
                    "description": "added/removed: row keys; revised: key, column, old, new, "
                    "relative (capped at 50)",
                },
            },
        },
        "Option": {
            "type": "object",
            "required": ["name", "default"],
            "properties": {
                "name": {"type": "string"},
                "default": {},
                "choices": {"type": "array"},
                "label": {"type": "string"},
            },
        },
        "Chart": {
            "type": "object",
            "required": ["id", "title", "description", "page", "sources", "options", "links"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "page": {"type": "string"},
                "sources": {"type": "array", "items": {"type": "string"}},
                "options": {"type": "array", "items": _ref("schemas", "Option")},
                "links": {
                    "type": "object",
                    "required": list(link_names),
                    "properties": {k: {"type": "string"} for k in link_names},
                },
            },
        },
        "Dataset": {
            "type": "object",
            "required": list(dataset_props),
            "properties": dataset_props,
        },
        "DatasetDetail": {
            "allOf": [
                _ref("schemas", "Dataset"),
                {
                    "type": "object",
                    "required": ["versions"],
                    "properties": {
                        "versions": {"type": "array", "items": _ref("schemas", "Version")}
                    },
                },
            ]
        },
        "Rows": {
            "type": "object",
            "required": [
                "dataset",
                "version",
                "fetched_at",
                "sha256",
                "licence",
                "attribution",
                "filters",
                "total",
                "rows",
            ],
            "properties": {
                "dataset": {"type": "string"},
                "title": {"type": "string"},
                "version": {"type": "integer"},
                "fetched_at": {"type": "string", "format": "date-time"},
                "sha256": {"type": "string"},
                "upstream_updated": _NULLABLE_STRING,
                "licence": {"type": "string"},
                "attribution": {"type": "string"},
                "landing_url": {"type": "string"},
                "filters": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                    "description": "the parameters that were set",
                },
                "time_columns": {"type": "array", "items": {"type": "string"}},
                "total": {"type": "integer", "description": "rows after from/to, before paging"},
                "rows": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["dataset", "version", "fetched_at", "sha256"],
                    },
                },
            },
        },
    }


def _error_response(description: str) -> dict[str, object]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("schemas", "Error")}},
    }


def _ok(schema: Mapping[str, object], description: str) -> dict[str, dict[str, Any]]:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        "304": {"description": "not modified (If-None-Match matched the ETag)"},
    }


def _get(summary: str, responses: dict, parameters: list | None = None) -> dict[str, object]:
    operation: dict[str, object] = {"summary": summary, "responses": responses}
    operation["parameters"] = [_ref("parameters", "IfNoneMatch"), *(parameters or [])]
    return {"get": operation}


def _change_params(dataset_ids: Sequence[str]) -> list[dict[str, object]]:
    def text(name: str, description: str, schema: dict[str, object]) -> dict[str, object]:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": schema,
            "allowEmptyValue": True,  # an empty value: the filter is absent
        }

    return [
        text(
            "since",
            "only records published at or after this ISO date or date-time (UTC if no offset)",
            {
                "type": "string",
                "anyOf": [{"format": "date"}, {"format": "date-time"}],
            },
        ),
        text(
            "source",
            "a public dataset id (see /api/v1/datasets)",
            {"type": "string", "enum": list(dataset_ids)},
        ),
        text("topic", "a topic", {"type": "string", "enum": list(TOPICS)}),
        text("kind", "a kind of record", {"type": "string", "enum": list(KINDS)}),
        _int_param("limit", 1, LIMIT_MAX_CHANGES, "at most this many records (default 100)"),
    ]


def _scenario_schemas() -> dict[str, object]:
    number = {"type": ["number", "null"]}
    return {
        "ScenarioItem": {
            "type": "object",
            "required": ["id", "title", "description", "parameters", "links"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "parameters": {"type": "array", "items": {"type": "string"}},
                "links": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "Scenario": {
            "type": "object",
            "required": ["id", "title", "formula", "inputs", "outputs", "references", "versions"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "formula": {"type": "string"},
                "inputs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "value", "unit"],
                        "properties": {
                            "name": {"type": "string"},
                            "value": {"type": ["number", "string", "null"]},
                            "unit": {"type": "string"},
                            "source_url": {"type": "string"},
                            "assumption": {"type": "boolean"},
                            "low": number,
                            "high": number,
                        },
                        "description": "each input has `source_url` (a cited row) or "
                        "`assumption: true`; choices (unit `choice`) select cited defaults",
                    },
                },
                "outputs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "value", "unit", "low", "high"],
                        "properties": {
                            "name": {"type": "string"},
                            "value": number,
                            "unit": {"type": "string"},
                            "low": number,
                            "high": {
                                "type": ["number", "null"],
                                "description": "null: no upper bound",
                            },
                        },
                    },
                },
                "references": {"type": "array", "items": {"type": "object"}},
                "versions": {"type": "object", "additionalProperties": {"type": "integer"}},
                "links": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
    }


def _scenario_params() -> list[dict[str, object]]:
    """Every scenario parameter as an optional query parameter (names are unique across
    scenarios; a scenario uses its own, and checks every one against its documented range)."""
    out: list[dict[str, object]] = []
    for scenario in SCENARIOS.values():
        for choice in scenario.choices:
            out.append(
                {
                    "name": choice.name,
                    "in": "query",
                    "required": False,
                    "description": f"{scenario.id}: {choice.label}",
                    "schema": {"type": "string", "enum": list(choice.choices)},
                    "allowEmptyValue": True,  # empty: the default choice
                }
            )
        for param in scenario.params:
            out.append(
                {
                    "name": param.name,
                    "in": "query",
                    "required": False,
                    "description": f"{scenario.id}: {param.label} ({param.unit}); "
                    "default: the cited figure or the flagged assumption",
                    "schema": {
                        "type": "number",
                        "minimum": param.minimum,
                        "maximum": param.maximum,
                    },
                    "allowEmptyValue": True,  # empty: the default
                }
            )
    return out


def document(dataset_ids: Sequence[str]) -> dict[str, object]:
    """The OpenAPI 3.1 document; `dataset_ids` are the public datasets (the `id` enum)."""
    dataset_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "a public dataset id (see /api/v1/datasets)",
        "schema": {"type": "string", "enum": list(dataset_ids)},
    }
    fmt = {
        "name": "format",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(FORMATS)},
    }
    rows_params = [
        dataset_id,
        fmt,
        _int_param(
            "from",
            YEAR_MIN,
            YEAR_MAX,
            "first year, inclusive, on the dataset's `time_columns`: a start/end pair "
            "(curated values, UCDP events) is kept when it overlaps from..to; else one "
            "`date`, `period` or `year`; datasets without a time column ignore it",
        ),
        _int_param("to", YEAR_MIN, YEAR_MAX, "last year, inclusive; not before `from`"),
        _int_param(
            "version", 1, VERSION_MAX, "a stored version id of this dataset: serve it frozen"
        ),
        _int_param("limit", 1, LIMIT_MAX, "at most this many rows (after from/to)"),
        _int_param("offset", 0, OFFSET_MAX, "skip this many rows (after from/to)"),
    ]
    rows_ok = _ok(_ref("schemas", "Rows"), "rows with provenance columns")
    rows_ok["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    rows_ok["200"]["headers"] = {
        "ETag": {"schema": {"type": "string"}, "description": "per data version and filters"},
        "Cache-Control": {"schema": {"type": "string"}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pressure Points public data API",
            "version": "1",
            "description": "Charts and datasets behind the dashboard on Armenia's exposure to "
            "Russian levers. Every row carries its provenance (dataset, store version, "
            "retrieval time, payload sha256; curated rows also cite their source). "
            "CORS is open for GET; responses carry an ETag and Cache-Control.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/charts": _get(
                "Every chart: options and links",
                _ok({"type": "array", "items": _ref("schemas", "Chart")}, "the charts"),
            ),
            "/api/v1/datasets": _get(
                "Every public dataset with its current version and freshness",
                _ok({"type": "array", "items": _ref("schemas", "Dataset")}, "the datasets"),
            ),
            "/api/v1/datasets/{id}": _get(
                "One dataset's metadata and its stored versions",
                {
                    **_ok(_ref("schemas", "DatasetDetail"), "the dataset"),
                    "404": _error_response("unknown dataset"),
                },
                [dataset_id],
            ),
            "/api/v1/datasets/{id}.{format}": _get(
                "A dataset's rows (current or a pinned version), filtered by year",
                {
                    **rows_ok,
                    "400": _error_response("a bad parameter, named in `parameter`"),
                    "404": _error_response("unknown dataset, or none stored yet"),
                },
                rows_params,
            ),
            "/api/v1/changes": _get(
                "The change log: rows added, removed and values revised per version, and "
                "source failures, staleness and recoveries; newest first",
                {
                    **_ok({"type": "array", "items": _ref("schemas", "Change")}, "the records"),
                    "400": _error_response("a bad parameter, named in `parameter`"),
                },
                _change_params(dataset_ids),
            ),
            "/api/v1/scenarios": _get(
                "Every shock scenario: id, title, parameters, links",
                _ok({"type": "array", "items": _ref("schemas", "ScenarioItem")}, "the scenarios"),
            ),
            "/api/v1/scenarios/{id}": _get(
                "One scenario for the parameters given: inputs with their sources or the "
                "assumption flag, outputs with low/high bands, the formula",
                {
                    **_ok(_ref("schemas", "Scenario"), "the scenario"),
                    "400": _error_response("a parameter out of range, named in `parameter`"),
                    "404": _error_response("unknown scenario"),
                },
                [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(SCENARIOS)},
                    },
                    *_scenario_params(),
                ],
            ),
            "/api/v1/openapi.json": _get(
                "This document", _ok({"type": "object"}, "the OpenAPI document")
            ),
        },
        "components": {
            "schemas": {**_schemas(), **_scenario_schemas()},
            "parameters": {
                "IfNoneMatch": {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                }
            },
        },
    }
