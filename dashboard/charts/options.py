"""Declared chart options: what a URL query may set, and how bad values fall back to defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Option:
    """One control: its query name, default, and either fixed choices or a parser."""

    name: str
    fixed_default: object
    choices: Sequence[object] | None = None
    parse: Callable[[str], object] | None = None
    label: str = ""
    widget: str = ""  # "range" for sliders; otherwise chosen from the default's type
    minimum: float = 1990
    maximum: float = 2100
    step: float = 5  # slider step (widget "range")
    default_factory: Callable[[], object] | None = None  # a default that moves (this year)
    # (choice, words shown for it) where the words are a catalog message, not the query value
    choice_labels: tuple[tuple[str, str], ...] = ()

    @property
    def default(self) -> object:
        return self.default_factory() if self.default_factory else self.fixed_default

    def read(self, raw: object) -> object:
        """The value for `raw` (a query string value), or the default if it is not valid."""
        if raw is None or raw == "":
            return self.default
        text = str(raw)
        if self.choices is not None:
            by_text = {str(c): c for c in self.choices}
            return by_text.get(text, self.default)
        if self.parse is not None:
            try:
                return self.parse(text)
            except (ValueError, TypeError, OverflowError):
                return self.default
        return self.default


def parse_options(options: Sequence[Option], query: Mapping[str, object]) -> dict[str, object]:
    """Every declared option from a query; unknown keys are ignored, invalid values defaulted."""
    return {opt.name: opt.read(query.get(opt.name)) for opt in options}


def year(text: str) -> int:
    value = int(text)
    if not 1990 <= value <= 2100:
        raise ValueError(text)
    return value


def iso_day(text: str) -> str:
    return date.fromisoformat(text).isoformat()


def flag(text: str) -> bool:
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(text)


EVENTS = Option("events", False, parse=flag, label="Show events")
FROM_YEAR = Option("from", 2010, parse=year, label="From")
TO_YEAR = Option("to", 0, parse=year, label="To", default_factory=lambda: date.today().year)


def bounded_float(low: float, high: float) -> Callable[[str], float]:
    """A parser accepting finite numbers in [low, high] (anything else -> the default)."""

    def parse(text: str) -> float:
        value = float(text)
        if not low <= value <= high:  # NaN fails this too
            raise ValueError(text)
        return value

    return parse


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """A parser accepting whole numbers in [low, high] (anything else -> the default)."""

    def parse(text: str) -> int:
        value = int(float(text))
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse
