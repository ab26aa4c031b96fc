"""Languages of the dashboard (English, Armenian, Russian): `lang` parsed once, translations from
the gettext catalogs under `dashboard/locale/`, and numbers and dates formatted per locale (Babel).

Catalogs are compiled on first use: each `messages.po` is parsed by Babel and compiled to the
binary .mo format in memory, then read by the standard library's `gettext` — no build step, so a
fresh checkout (and `make test`) always runs the catalog in the repository. English is the source
language: its msgids are the text. No Dash or Flask here (figures, charts, pages and web use it).
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

LANGS = ("en", "hy", "ru")
DEFAULT = "en"
NAMES = {"en": "English", "hy": "Հայերեն", "ru": "Русский"}  # each language in its own name
LOCALE_DIR = Path(__file__).parent / "locale"


def parse_lang(value: object) -> str:
    """`en`, `hy` or `ru` from a query value; anything else (missing, `de`, a list) -> `en`."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    text = str(value or "").strip().lower()[:8]
    return text if text in LANGS else DEFAULT


def N_(message: str) -> str:  # noqa: N802  (the gettext convention for "mark, don't translate")
    """Marks a string for extraction (`pybabel extract -k N_`) without translating it here; the
    caller translates it later with `gettext(lang, ...)`."""
    return message


@lru_cache(maxsize=len(LANGS))  # bounded: gettext passes parse_lang's en, hy or ru
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of `lang` (English and a missing catalog: the msgids themselves)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # fuzzy entries never reach a reader
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(lang: str, message: str) -> str:
    """`message` in `lang` (English, or the message itself when it has no translation)."""
    if not message:
        return message
    return translations(parse_lang(lang)).gettext(message)


def translator(lang: str) -> Callable[[str], str]:
    """`_ = translator(lang)`; then `_("Source")` (the `_` keyword is extracted too)."""
    lang = parse_lang(lang)
    return lambda message: gettext(lang, message)


def number(value: float | int, lang: str, digits: int | None = None) -> str:
    """`12,345.6` (en), `12 345,6` (hy, ru; a no-break space groups thousands)."""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=parse_lang(lang))


def percent(fraction: float, lang: str, digits: int = 0) -> str:
    """A share (0.25) as `25%` (en) or `25 %` (hy, ru)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(fraction, format=pattern, locale=parse_lang(lang))


def day(value: str | date | datetime | None, lang: str) -> str:
    """An ISO date (`2025-03-04`, or a longer timestamp) as `Mar 4, 2025`, `2025 թ. մրտ 4`,
    `4 мар. 2025 г.`; a year alone (`2024`) or text that is not a date stays as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text[:10])
        except ValueError:
            return text
    return _babel_date(value, format="medium", locale=parse_lang(lang))


def separators(lang: str) -> str:
    """plotly's `layout.separators` (decimal then thousands) in the conventions of `lang`:
    `.,` for English, `, ` for Armenian and Russian (a thin no-break space groups thousands)."""
    lang = parse_lang(lang)
    group = get_group_symbol(lang)
    return get_decimal_symbol(lang) + ("\u202f" if group in ("\xa0", "\u202f") else group)


@lru_cache(maxsize=1)
def _territory_codes() -> dict[str, str]:
    """CLDR's English country names (`Russia`, `Iran`, `China`) -> ISO 3166 codes; regions with
    numeric codes (`World`) left out."""
    return {name: code for code, name in Locale("en").territories.items() if code.isalpha()}


def territory(lang: str, name: str) -> str:
    """A country named in English, as CLDR names it in `lang` (`Russia` -> `Ռուսաստան`,
    `Россия`); any other text unchanged. For series named after countries (trade partners,
    gas suppliers): the name of a country is interface, not cited text."""
    lang = parse_lang(lang)
    code = _territory_codes().get(name) if lang != DEFAULT else None
    return Locale(lang).territories.get(code, name) if code else name


def _translate_name(holder: dict, lang: str) -> None:
    value = holder.get("name")
    if isinstance(value, str) and value:
        translated = gettext(lang, value)
        holder["name"] = territory(lang, value) if translated == value else translated


def _translate_text(holder: dict, key: str, lang: str) -> None:
    value = holder.get(key)
    if isinstance(value, str):
        holder[key] = gettext(lang, value)
    elif isinstance(value, dict) and isinstance(value.get("text"), str):
        value["text"] = gettext(lang, value["text"])


def localize_figure(spec: dict, lang: str) -> dict:
    """A plotly figure (as JSON, mutated and returned) in `lang`: the title, axis, legend and
    colour-bar titles, trace names and annotations that are catalog messages are translated, trace
    names that are CLDR country names take the language's country name (data text, such as
    event titles, is not a message and stays as cited), and numbers use the language's
    separators. English figures are returned as built."""
    lang = parse_lang(lang)
    if lang == DEFAULT:
        return spec
    layout = spec.setdefault("layout", {})
    layout["separators"] = separators(lang)
    _translate_text(layout, "title", lang)
    for name, value in layout.items():
        if isinstance(value, dict) and name.startswith(("xaxis", "yaxis", "coloraxis", "legend")):
            _translate_text(value, "title", lang)
            if isinstance(value.get("colorbar"), dict):
                _translate_text(value["colorbar"], "title", lang)
    for note in layout.get("annotations") or ():
        if isinstance(note, dict):
            _translate_text(note, "text", lang)
    for trace in spec.get("data") or ():
        if isinstance(trace, dict):
            _translate_name(trace, lang)
            _translate_text(trace, "legendgrouptitle", lang)
            if isinstance(trace.get("colorbar"), dict):
                _translate_text(trace["colorbar"], "title", lang)
    return spec
