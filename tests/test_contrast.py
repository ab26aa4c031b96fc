"""The text colours of dashboard/assets/pp.css, light and dark, against every background they sit
on: WCAG 2.2 contrast (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio) of at least 4.5:1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).parents[1] / "dashboard" / "assets" / "pp.css").read_text(encoding="utf-8")
# Bootstrap 5.3's body backgrounds and the card header/footer tint (3 % of the body colour).
BACKGROUNDS = {
    "light": {"body": "#ffffff", "card tint": "#f8f8f9", "table stripe": "#f2f2f2"},
    "dark": {"body": "#212529", "card tint": "#282c30", "tertiary": "#2b3035"},
}
TEXT = ("--pp-link", "--pp-link-hover", "--pp-muted", "--pp-caveat")


def block(selector: str) -> dict[str, str]:
    """The custom properties declared in one rule of pp.css."""
    match = re.search(re.escape(selector) + r"\s*\{(.*?)\}", CSS, re.S)
    assert match, f"no {selector} rule in pp.css"
    return dict(re.findall(r"(--pp-[\w-]+):\s*(#[0-9a-fA-F]{6})", match.group(1)))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_pairs() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#0d6efd", "#f8f8f9") == pytest.approx(4.24, abs=0.01)  # what axe reported
    assert contrast("#ffffff", "#ffc107") == pytest.approx(1.63, abs=0.01)


@pytest.mark.parametrize(
    ("theme", "selector"), [("light", "html:root"), ("dark", 'html[data-bs-theme="dark"]')]
)
def test_text_colours_pass_aa_on_every_background(theme: str, selector: str) -> None:
    colours = block(selector)
    assert set(TEXT) <= set(colours), f"{theme}: missing {set(TEXT) - set(colours)}"
    failures = {
        (name, where): round(contrast(colours[name], background), 2)
        for name in TEXT
        for where, background in BACKGROUNDS[theme].items()
        if contrast(colours[name], background) < 4.5
    }
    assert failures == {}


def test_warning_badge_text_passes_aa() -> None:
    on_warning = block("html:root")["--pp-on-warning"]
    assert contrast(on_warning, "#ffc107") >= 4.5  # Bootstrap's warning background
