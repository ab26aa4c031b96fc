"""The chart registry's and the pages' words as gettext messages, for `pybabel extract`.

Chart titles, option labels and the pages' names, titles and intros are data in the registry and
in `dash.register_page(...)` calls, not `_()` calls, so Babel's Python extractor cannot see them;
`babel.cfg` maps `dashboard/charts/registry.py` to `extract_registry` and `dashboard/pages/*.py`
to `extract_pages` (Babel's custom extraction methods:
https://babel.pocoo.org/en/latest/messages.html#writing-extraction-methods).
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from typing import IO, Any

Message = tuple[Any, ...]  # (line, function name, message, comments[, context]), as Babel yields
PAGE_KEYWORDS = ("name", "title")


def registry_messages() -> list[tuple[str, str]]:
    """(msgid, comment) for every chart title and option label, registry order, no repeats."""
    from dashboard.charts.kpis import KPIS
    from dashboard.charts.registry import CHARTS

    seen: dict[str, str] = {}
    for kpi in KPIS:
        seen.setdefault(kpi.title, f"KPI card title ({kpi.id})")
    for chart in CHARTS.values():
        seen.setdefault(chart.title, f"chart title ({chart.id})")
        for option in chart.options:
            if option.label:
                seen.setdefault(option.label, f"control label ({option.name})")
    return list(seen.items())


def extract_registry(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[Message]:
    """Babel extraction method: the registry's words (the file itself is only the anchor)."""
    for msgid, comment in registry_messages():
        yield 1, None, msgid, [comment]


def page_messages(source: str) -> list[tuple[int, str, str]]:
    """(line, msgid, comment): `register_page` name/title keywords and the heading passed to
    `chart_page(page, heading, ...)` in a page module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        callee = getattr(node.func, "attr", "") or getattr(node.func, "id", "")
        if callee == "register_page":
            for keyword in node.keywords:
                value = keyword.value
                text = value.value if isinstance(value, ast.Constant) else None
                if keyword.arg in PAGE_KEYWORDS and isinstance(text, str):
                    found.append((value.lineno, text, f"page {keyword.arg}"))
        elif callee == "chart_page" and len(node.args) > 1:
            heading = node.args[1]
            if isinstance(heading, ast.Constant) and isinstance(heading.value, str):
                found.append((heading.lineno, heading.value, "page heading"))
    return found


def extract_pages(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[Message]:
    """Babel extraction method for page modules: their page words, then their ordinary
    `_()`/`N_()`/`gettext(lang, ...)` calls (Babel maps each file to one method only)."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    for line, msgid, comment in page_messages(source.decode("utf-8")):
        yield line, None, msgid, [comment]
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
