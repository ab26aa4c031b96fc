"""`python -m dashboard.web.renderer [--once] [--every S]`: the one process that draws chart images
with kaleido (headless Chromium), so web workers never do (issue 15).

- After every promotion (or change of a source's freshness badge: both are part of an image's
  key) it draws the default set: every registered chart × default options × language (en, hy,
  ru) × SVG and PNG, light theme, 800 px wide — `len(CHARTS) × 3 × 2` images — skipping those
  already stored, then prunes the store's images to that set plus a bounded number of others.
- Between two defaults, and whenever it is idle, it drains the queue of images readers asked
  for (any options, language, theme, width or `version=` pins), oldest first; the queue is
  deduplicated and bounded in the store (`data_sources.artifacts`).
- One export at a time, machine-wide (`image_slots`); a chart that fails to draw is logged and
  skipped, the others still are.

Images are stored through the data door under `images.key_of`, which names the versions they
were drawn from, so a promotion never serves an old image for new data.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import plotly.io as pio
from flask import has_request_context

from dashboard.charts.registry import CHARTS
from dashboard.charts.render import Rendered, render
from dashboard.data import door
from dashboard.data.door import StoreUnavailable
from dashboard.i18n import LANGS
from dashboard.web import image_slots, images
from dashboard.web.embed import figure_spec
from data_sources import registry

log = logging.getLogger(__name__)
EVERY = 3.0  # seconds between two looks at the store's promotion marker and the queue
EXPORT_ATTEMPTS = 3
SLOT_WAIT = 60.0  # seconds the renderer waits for the machine-wide export slot
FORMATS = ("svg", "png")


class WebExport(RuntimeError):
    """kaleido was called while a web request was being handled (a defect: issue 15)."""


def export(rendered: Rendered, fmt: str, theme: str, width: int) -> bytes:
    """SVG or PNG of a rendered chart by kaleido, holding the machine-wide export slot."""
    if has_request_context():
        raise WebExport("chart images are drawn by the renderer process, never in a web request")
    spec = figure_spec(rendered, theme)
    failure: Exception | None = None
    with image_slots.slot(wait=SLOT_WAIT):  # one Chromium at a time on this machine
        # Under load kaleido's page sometimes runs the export before its own script has loaded
        # ("ReferenceError: kaleido_scopes is not defined"); a fresh attempt succeeds.
        for attempt in range(EXPORT_ATTEMPTS):
            try:
                return pio.to_image(
                    spec,
                    format=fmt,
                    width=width,
                    height=rendered.chart.height,
                    scale=1 if fmt == "svg" else 2,
                    validate=False,
                )
            except Exception as exc:  # kaleido raises several types when Chromium dies
                log.warning(
                    "export of %s failed (attempt %d): %s", rendered.chart.id, attempt + 1, exc
                )
                failure = exc
    raise RuntimeError(f"kaleido could not export {rendered.chart.id}: {failure!r}")


def draw(spec: images.Spec) -> tuple[str, bool]:
    """Draw `spec` for the versions a read gets now (or its pins) unless it is stored already;
    (its key, whether it was drawn now)."""
    chart = CHARTS[spec.chart_id]
    scope = door.begin_request()  # its own snapshot of current versions, as a web request takes
    try:
        with door.reading(spec.pinned()):
            rendered = render(chart, spec.args())
            key = images.key_of(rendered, spec.theme, spec.fmt, spec.width)
            if door.stored_artifacts([key]):
                return key, False
            body = export(rendered, spec.fmt, spec.theme, spec.width)
    finally:
        door.end_request(scope)
    door.put_artifact(key, images.CONTENT_TYPES[spec.fmt], body)
    return key, True


def defaults() -> Iterator[images.Spec]:
    """The default set: every chart × language × format, default options, light, 800 px."""
    for chart_id in CHARTS:
        for lang in LANGS:
            for fmt in FORMATS:
                yield images.Spec(chart_id, (("lang", lang),), fmt=fmt)


def render_pending(limit: int | None = None) -> int:
    """Draw queued requests, oldest first (at most `limit`); how many were drawn. A request that
    cannot be drawn (unknown chart, bad spec, an export failure) is logged and dropped."""
    drawn = 0
    queued = door.queued_artifacts(limit) if limit is not None else door.queued_artifacts()
    for key, text in queued:
        try:
            spec = images.Spec.from_json(text)
            stored, made = draw(spec)
            drawn += made
            if stored != key:  # versions moved since it was asked for: drawn for the new ones
                door.drop_artifact_request(key)
        except StoreUnavailable:
            raise
        except image_slots.Busy:  # another exporter holds the slot: keep the queue, try later
            log.warning("export slot busy; %d queued image(s) wait", len(queued))
            break
        except Exception:
            log.exception("could not draw the queued image %s", text[:200])
            door.drop_artifact_request(key)
    return drawn


def render_after_promotion(between: Callable[[], Any] | None = None) -> tuple[int, int]:
    """Draw every default image not stored yet (calling `between()` after each, e.g. to serve
    the queue first), then prune stored images to them plus a bounded number of others.
    (drawn, failed)."""
    keys: list[str] = []
    drawn = failed = 0
    for spec in defaults():
        try:
            key, made = draw(spec)
            keys.append(key)
            drawn += made
        except StoreUnavailable:
            raise
        except Exception:
            failed += 1
            log.exception("could not draw %s (%s, %s)", spec.chart_id, spec.query, spec.fmt)
        if between is not None:
            between()
    if not failed:  # a failed one's old image stays until the next complete pass
        door.prune_artifacts(keys)
    return drawn, failed


def marker() -> object:
    """What an image's key depends on beyond its request: the versions and freshness badges of
    every source (changes with every promotion and status turn)."""
    return door.signature([source.id for source in registry.SOURCES])


def _start_browser() -> None:
    """Keep one Chromium for every export of this process instead of one per image: kaleido's
    sync server, https://github.com/plotly/Kaleido (kaleido.start_sync_server)."""
    try:
        import kaleido  # type: ignore[import-untyped]

        kaleido.start_sync_server(silence_warnings=True)
    except Exception as exc:  # an older kaleido or no browser yet: one Chromium per export
        log.warning("kaleido sync server not started (%s); a browser per export", exc)


def run(every: float = EVERY, once: bool = False) -> None:
    """The renderer's loop (`once`: one default pass and the queue, then return)."""
    last: object = None
    while True:
        try:
            now = marker()
            if now != last:
                drawn, failed = render_after_promotion(between=lambda: render_pending(limit=4))
                log.info("default images: %d drawn, %d failed", drawn, failed)
                last = now  # a failed one is drawn when asked for, or after the next promotion
            render_pending()
        except StoreUnavailable as exc:
            log.warning("renderer: store unavailable (%s); retrying", exc)
        if once:
            return
        time.sleep(every)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.web.renderer")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--every", type=float, default=EVERY, help="seconds between looks")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s renderer %(message)s")
    for noisy in ("kaleido", "choreographer", "logistro"):  # a line per browser tab otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # plotly passes kaleido options that its sync server ignores, warning on every export:
    # https://github.com/plotly/plotly.py/blob/main/plotly/io/_kaleido.py (to_image)
    warnings.filterwarnings("ignore", "The kopts argument is ignored", UserWarning)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _start_browser()
    run(args.every, args.once)
    return 0


if __name__ == "__main__":
    sys.exit(main())
