"""Glyphs (issue 13): Armenian and Russian text in static PNG exports is drawn with the bundled
Noto fonts, not as tofu (the empty boxes a font draws for a character it lacks).

Each check renders PNGs with kaleido in real headless Chromium, in a subprocess whose
`FONTCONFIG_FILE` decides which fonts Chromium sees, and compares the title's ink (the dark pixels,
decoded here without Pillow): an Armenian title's ink must differ from that of the same number of
U+0378 (unassigned, in no font: always tofu), and two different letters must leave different ink
(tofu boxes are all alike). An SVG check would prove nothing: SVG text is drawn later by whatever
opens the file, with that reader's fonts.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from dashboard.figures import fonts
from dashboard.figures.theme import FONT
from tests.conftest import CHROMIUM, IN_CI

KALEIDO = (pytest.mark.browser, pytest.mark.slow)  # a subprocess driving headless Chromium

ROOT = Path(__file__).resolve().parent.parent
ARMENIAN = "Վերին Լարս"  # Upper Lars
RUSSIAN = "Верхний Ларс"
TOFU = "\u0378"  # unassigned: every font draws its missing-glyph box

# Run in a subprocess: one kaleido server (one Chromium) for all titles, started with the
# environment given, so this test process's own FONTCONFIG_FILE plays no part.
_RENDER = """
import base64, json, sys
import kaleido, plotly.graph_objects as go, plotly.io as pio
family, titles = sys.argv[1], json.loads(sys.argv[2])
pio.defaults.mathjax = False  # offline: no MathJax request
kaleido.start_sync_server(silence_warnings=True)
try:
    images = []
    for title in titles:
        fig = go.Figure(layout={
            "title": {"text": title, "x": 0.01, "xanchor": "left", "y": 0.5, "yanchor": "middle",
                      "font": {"family": family, "size": 48, "color": "#000000"}},
            "xaxis": {"visible": False}, "yaxis": {"visible": False},
            "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        })
        images.append(base64.b64encode(fig.to_image(format="png", width=700, height=100)).decode())
finally:
    kaleido.stop_sync_server(silence_warnings=True)
print(json.dumps(images))
"""


def _need_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        message = "Chromium not installed (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def _render(titles: list[str], env: dict[str, str]) -> list[bytes]:
    done = subprocess.run(
        [sys.executable, "-c", _RENDER, FONT, json.dumps(titles)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [base64.b64decode(image) for image in json.loads(done.stdout)]


def _pixels(png: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows) of an 8-bit, non-interlaced grey/RGB/RGBA PNG
    (https://www.w3.org/TR/png/#9Filters for the row filters)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, data = 8, b""
    width = height = bpp = 0
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + size]
        pos += 12 + size
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0, (depth, interlace)
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            data += body
    raw, stride = zlib.decompress(data), width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up, corner = previous[x], previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up))
                near = min(near, (abs(guess - corner), 2, corner))
                line[x] = (line[x] + near[2]) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def ink(png: bytes) -> tuple[tuple[int, int, int, int], tuple[tuple[bool, ...], ...]]:
    """The bounding box (left, top, right, bottom) of the dark pixels and the dark-pixel mask
    cropped to it; black text on white, so the first channel alone decides."""
    width, height, bpp, rows = _pixels(png)
    mask = [[row[x * bpp] < 128 for x in range(width)] for row in rows]
    ys = [y for y in range(height) if any(mask[y])]
    assert ys, "no ink at all: the title was not drawn"
    xs = [x for x in range(width) if any(mask[y][x] for y in ys)]
    box = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
    return box, tuple(tuple(mask[y][box[0] : box[2]]) for y in range(box[1], box[3]))


def _env(tmp_path: Path, fontconfig_file: Path | None) -> dict[str, str]:
    """This environment, the user's fontconfig folders in `tmp_path`, `FONTCONFIG_FILE` as given
    (None: the system's own configuration, /etc/fonts/fonts.conf)."""
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):  # no user fonts
        env[name] = str(tmp_path / name.lower())
    if fontconfig_file is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig_file)
    return env


def _bundled_only(tmp_path: Path) -> Path:
    """A fontconfig configuration with the bundled fonts and no other: no system font can stand
    in for a missing bundled one. The system's rules (hinting, antialiasing: /etc/fonts/conf.d,
    which lists no font folder) still apply, so glyphs are drawn as with the system's setup."""
    conf = tmp_path / "bundled-only.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{fonts.FONTS_DIR / 'sfnt'}</dir>"
        '<include ignore_missing="yes">/etc/fonts/conf.d</include>'
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def _tofu(text: str) -> str:
    """`text` with every letter replaced by the unassigned U+0378: what tofu would look like."""
    return "".join(c if c == " " else TOFU for c in text)


@KALEIDO[0]
@KALEIDO[1]
def test_the_bundled_fonts_alone_draw_armenian_and_russian_not_tofu(tmp_path: Path) -> None:
    _need_chromium()
    titles = [ARMENIAN, _tofu(ARMENIAN), "Վ", "Լ", RUSSIAN, _tofu(RUSSIAN), "Ж", "Л"]
    armenian, tofu, vev, lyun, russian, russian_tofu, zhe, el = map(
        ink, _render(titles, _env(tmp_path, _bundled_only(tmp_path)))
    )
    assert armenian != tofu, "the Armenian title is drawn as missing-glyph boxes"
    assert vev != lyun, "two Armenian letters leave the same ink: both are tofu"
    assert russian != russian_tofu and zhe != el, "Cyrillic is drawn as tofu"
    # Real letters, not one box per character: the title is wider than it is tall.
    (left, top, right, bottom) = armenian[0]
    assert right - left > 3 * (bottom - top)


@KALEIDO[0]
@KALEIDO[1]
def test_exports_draw_armenian_with_the_bundled_font(tmp_path: Path) -> None:
    """With the app's own setting (`fonts.use_bundled_fonts`, system fonts still visible) an
    Armenian title is drawn exactly as with the bundled fonts alone: the bundled Noto Sans
    Armenian is the font Chromium picks, not whatever the machine has (DejaVu Sans here)."""
    _need_chromium()
    env = _env(tmp_path, None)
    assert fonts.use_bundled_fonts(env) and env["FONTCONFIG_FILE"] == str(fonts.FONTCONFIG)
    (app,) = _render([ARMENIAN], env)
    (bundled,) = _render([ARMENIAN], _env(tmp_path, _bundled_only(tmp_path)))
    assert ink(app) == ink(bundled)


def test_use_bundled_fonts_leaves_another_configuration_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.conf"
    env = {"FONTCONFIG_FILE": str(other)}
    assert not fonts.use_bundled_fonts(env)
    assert env == {"FONTCONFIG_FILE": str(other)}
    env = {}
    assert fonts.use_bundled_fonts(env) and env == {"FONTCONFIG_FILE": str(fonts.FONTCONFIG)}
    assert fonts.use_bundled_fonts(env)  # already ours: still true


def test_the_stack_starts_with_the_bundled_families_everywhere() -> None:
    assert FONT.startswith("'Noto Sans', 'Noto Sans Armenian', ")
    css = (ROOT / "dashboard/assets/pp.css").read_text(encoding="utf-8")
    assert "--bs-font-sans-serif: 'Noto Sans', 'Noto Sans Armenian', " in css
    for name in ("noto-sans-latin", "noto-sans-cyrillic", "noto-sans-armenian"):
        for weight in (400, 700):
            woff2 = fonts.FONTS_DIR / f"{name}-{weight}-normal.woff2"
            assert woff2.read_bytes()[:4] == b"wOF2"
            assert f"url(fonts/{woff2.name})" in css
            ttf = fonts.FONTS_DIR / "sfnt" / f"{name}-{weight}-normal.ttf"
            assert ttf.read_bytes()[:4] == b"\0\1\0\0"
    assert shutil.which("fc-scan") is None or _families() >= set(fonts.FAMILIES)


def _families() -> set[str]:
    done = subprocess.run(
        ["fc-scan", "--format", "%{family}\n", str(fonts.FONTS_DIR / "sfnt")],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split("\n")) - {""}


FONT_FILES = """() => performance.getEntriesByType("resource")
    .map(e => e.name).filter(n => n.includes("/assets/fonts/")).map(n => n.split("/").pop())"""
BODY_FONT = "() => getComputedStyle(document.body).fontFamily"
# The language switch names each language in its own script (Հայերեն, Русский) on every page,
# so every page needs the regular Armenian and Cyrillic files; the bold ones only where a page
# in that language sets bold text (headings of hover labels, the active language).
REGULAR = {f"noto-sans-{script}-400-normal.woff2" for script in ("latin", "armenian", "cyrillic")}
BOLD = {"en": "latin", "hy": "armenian", "ru": "cyrillic"}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "hy", "ru"])
def test_a_page_downloads_the_fonts_of_its_scripts_only(
    lang: str, live_url: str, browser: object
) -> None:
    """Served by the app (no other host), and `unicode-range` keeps each page to the files of
    the scripts it shows: bold Armenian on an Armenian page only, bold Cyrillic on a Russian one."""
    from tests.test_browser import Visit

    visit = Visit(browser, f"{live_url}/energy?lang={lang}", 1280)
    try:
        page = visit.page
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=20_000)
        page.evaluate("document.fonts.ready.then(() => true)")
        loaded = set(page.evaluate(FONT_FILES))
        assert loaded >= REGULAR, loaded
        others = {script for script in ("armenian", "cyrillic") if script != BOLD[lang]}
        assert not {f"noto-sans-{script}-700-normal.woff2" for script in others} & loaded, loaded
        if lang != "en":  # the page's own headings are in its script
            assert f"noto-sans-{BOLD[lang]}-700-normal.woff2" in loaded, loaded
        assert page.evaluate(BODY_FONT).startswith('"Noto Sans", "Noto Sans Armenian", ')
        assert visit.hosts() == {"127.0.0.1"}
        assert visit.errors == []
    finally:
        visit.close()


def test_embeds_declare_the_same_faces_as_the_app() -> None:
    """An embed (its own stylesheet, dashboard/web/embed_static/embed.css) uses the same files,
    from the app's /assets/fonts/, with the same ranges."""
    import re

    def faces(path: str, prefix: str) -> list[str]:
        text = (ROOT / path).read_text(encoding="utf-8")
        found = re.findall(r"@font-face \{[^}]*\}", text)
        return [face.replace(prefix, "fonts/") for face in found]

    app = faces("dashboard/assets/pp.css", "fonts/")
    assert len(app) == 6
    assert faces("dashboard/web/embed_static/embed.css", "../../assets/fonts/") == app


@pytest.mark.browser
def test_an_armenian_embed_draws_with_the_bundled_fonts(live_url: str, browser: object) -> None:
    from tests.test_browser import Visit

    visit = Visit(browser, f"{live_url}/embed/gas_border_price?lang=hy", 800)
    try:
        page = visit.page
        page.evaluate("document.fonts.ready.then(() => true)")
        loaded = set(page.evaluate(FONT_FILES))
        assert "noto-sans-armenian-700-normal.woff2" in loaded, loaded  # its heading
        assert page.evaluate(BODY_FONT).startswith('"Noto Sans", "Noto Sans Armenian", ')
        assert visit.hosts() == {"127.0.0.1"}
        assert visit.errors == []
    finally:
        visit.close()
