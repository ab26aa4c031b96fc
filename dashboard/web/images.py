"""Chart images drawn off the request path (issue 15): what web workers and the renderer process
(`dashboard.web.renderer`) agree on — an image's key and how a missing one is asked for.

An image (`/embed/<chart>.svg|.png`, the SVG of a `static=1` embed and of an interactive embed's
first paint) is drawn by kaleido in the renderer only, and stored through the data door under
`key_of`: the chart, its options, language, theme, format, width, whether pinned, the store and
the versions and freshness the chart's render read (`door.signature`), hashed with the code
version. The response cache keys an image response the same way plus the request's host; the
host is left out here because the renderer draws outside any request and an image does not
depend on it. A web worker looks an image up by this key; when it is not there it queues a
`Spec` (everything needed to draw it again) and answers 503 with `Retry-After`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from dashboard.charts.render import Rendered, option_key
from dashboard.data import cache, door

DEFAULT_WIDTH = 800  # px: what `/embed/<chart>.svg` and the embeds' SVGs are drawn at
DEFAULT_THEME = "light"
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
RETRY_AFTER = 5  # seconds a reader is asked to wait for a queued image (about one export)
# Query parameters that are not the chart's options (they are fields of the spec, or not part of
# an image at all).
_NOT_OPTIONS = ("version", "width", "theme", "plain", "static")


@dataclass(frozen=True)
class Spec:
    """One image to draw: the chart, the query it is rendered from (options and `lang`), theme,
    format, width and the `version=` pins (None: current versions)."""

    chart_id: str
    query: tuple[tuple[str, str], ...]
    theme: str = DEFAULT_THEME
    fmt: str = "svg"
    width: int = DEFAULT_WIDTH
    pins: tuple[tuple[str, int], ...] | None = None

    def args(self) -> MultiDict[str, str]:
        return MultiDict(list(self.query))

    def pinned(self) -> dict[str, int] | None:
        return dict(self.pins) if self.pins is not None else None

    def to_json(self) -> str:
        return json.dumps(
            {
                "chart": self.chart_id,
                "query": [list(pair) for pair in self.query],
                "theme": self.theme,
                "fmt": self.fmt,
                "width": self.width,
                "pins": [list(pair) for pair in self.pins] if self.pins is not None else None,
            },
            separators=(",", ":"),  # ASCII: a NUL in a query is escaped (PostgreSQL text)
        )

    @classmethod
    def from_json(cls, text: str) -> Spec:
        raw = json.loads(text)
        fmt = str(raw["fmt"])
        if fmt not in CONTENT_TYPES:
            raise ValueError(f"unknown image format {fmt!r}")
        pins = raw.get("pins")
        return cls(
            str(raw["chart"]),
            tuple((str(k), str(v)) for k, v in raw["query"]),
            str(raw["theme"]),
            fmt,
            int(raw["width"]),
            tuple((str(s), int(v)) for s, v in pins) if pins is not None else None,
        )


def spec_of(
    chart_id: str,
    args: Mapping[str, str] | MultiDict[str, str],
    fmt: str,
    width: int,
    theme: str,
    pins: Mapping[str, int] | None,
) -> Spec:
    """The spec of the image a request asks for (its options and `lang` as written)."""
    items = args.items(multi=True) if isinstance(args, MultiDict) else args.items()
    query = tuple(sorted((str(k), str(v)) for k, v in items if k not in _NOT_OPTIONS))
    pinned = tuple(sorted(pins.items())) if pins is not None else None
    return Spec(chart_id, query, theme, fmt, width, pinned)


def key_of(rendered: Rendered, theme: str, fmt: str, width: int) -> str:
    """The stored image's key for a chart as rendered in the current read context."""
    reads = rendered.reads
    return cache.key(
        "image",
        rendered.chart.id,
        option_key(rendered.options),
        rendered.lang,
        theme,
        fmt,
        width,
        door.frozen(),
        door.store().url,
        door.signature(reads.sources(), reads),
    )


def stored(key: str) -> bytes | None:
    """The stored image's bytes, else None."""
    found = door.artifact(key)
    return found[1] if found is not None else None


def ask(key: str, spec: Spec) -> bool:
    """Queue `spec` (stored under `key` once drawn) for the renderer; False when the queue is
    full. Asking again for a queued image keeps its place."""
    return door.request_artifact(key, spec.to_json())


def waiting_message(queued: bool) -> str:
    """What a 503 for an image not drawn yet says."""
    if queued:
        return (
            "This image is being rendered; it will be ready shortly. "
            f"Try again in {RETRY_AFTER} seconds."
        )
    return f"Too many images are waiting to be rendered; try again in {RETRY_AFTER} seconds."
