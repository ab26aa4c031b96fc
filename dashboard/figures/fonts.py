"""The fonts every figure is drawn in, bundled with the app (issue 13, "Glyphs"): Noto Sans (Latin,
Cyrillic) and Noto Sans Armenian, regular and bold, SIL OFL 1.1, in `dashboard/assets/fonts/`
(provenance in ATTRIBUTION.md there). Never from a CDN.

Two readers draw a figure's text, and each finds the fonts its own way:
- the reader's browser: `assets/pp.css` declares them with `@font-face` (one subset per script,
  `unicode-range`, so a page downloads the Armenian file only when it shows Armenian text);
- the headless Chromium that kaleido starts for static SVG/PNG exports: Chromium on Linux resolves
  fonts through fontconfig and never reads a page's stylesheet, so `use_bundled_fonts()` points
  `FONTCONFIG_FILE` at `assets/fonts/fonts.conf` (that folder, then the system's configuration).
  A Chromium started after the call inherits it. `dashboard.figures.theme` calls it on import, so
  every process that builds figures (web workers, an image renderer) has it before its first
  export; a process that starts kaleido without importing the figures should call it first.

An SVG export is not covered by this: its text is drawn later by whatever opens the file, with
that reader's fonts. Only PNG (and PDF) exports carry the glyphs themselves.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from pathlib import Path

log = logging.getLogger(__name__)

FONTS_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONTCONFIG = FONTS_DIR / "fonts.conf"
# First in every font stack (theme.FONT, pp.css): Latin and Cyrillic, then Armenian.
FAMILIES = ("Noto Sans", "Noto Sans Armenian")


def use_bundled_fonts(environ: MutableMapping[str, str] | None = None) -> bool:
    """Make the bundled fonts visible to a Chromium started later with `environ` (default: this
    process's environment): set `FONTCONFIG_FILE` to `assets/fonts/fonts.conf`. True when it is
    set; False (with a warning) when `FONTCONFIG_FILE` already names another configuration,
    which is left alone (that configuration should add `assets/fonts` itself)."""
    env = os.environ if environ is None else environ
    current = env.get("FONTCONFIG_FILE")
    if current and Path(current).resolve() != FONTCONFIG:
        log.warning(
            "FONTCONFIG_FILE=%s is set: static exports see only its fonts, add %s to it",
            current,
            FONTS_DIR,
        )
        return False
    env["FONTCONFIG_FILE"] = str(FONTCONFIG)
    return True
