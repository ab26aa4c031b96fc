"""The layout shows the architecture: imports point one way (app → pages/web → charts →
figures/data → data_sources), no module imports itself back through a cycle, the data layer
knows nothing of Dash and figures know nothing of requests or the store."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ("dashboard", "data_sources")
# Higher layers may import lower ones (and their own); peers at one rank may not import each other.
RANK = {
    "data_sources": 0,
    "dashboard.i18n": 0,  # translations and locale formats: everything above may use them
    "dashboard.data": 1,
    "dashboard.figures": 1,
    "dashboard.charts": 2,
    "dashboard.pages": 3,
    "dashboard.web": 3,
    "dashboard.app": 4,
    "dashboard.__main__": 5,
}
FORBIDDEN = {
    "data_sources": ("dash", "dash_bootstrap_components", "flask", "dashboard"),
    "dashboard.i18n": ("dash", "dash_bootstrap_components", "flask", "dashboard"),
    "dashboard.data": ("dash", "dash_bootstrap_components"),
    "dashboard.figures": ("dash", "dash_bootstrap_components", "flask", "sqlalchemy"),
    "dashboard.charts": ("dash", "dash_bootstrap_components"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Every module imported anywhere in the file (function-level imports included)."""
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & set(known)
            # `from dashboard.data import door` imports the module door, not names of the package
            out.update(submodules or {node.module})
    return out


def layer(name: str) -> str | None:
    best = None
    for prefix in RANK:
        if (name == prefix or name.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best)
        ):
            best = prefix
    return best


def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {i for i in imports_of(path, known) if i in known and i != name}
        for name, path in known.items()
    }


def test_no_import_cycles() -> None:
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_imports_point_down_the_layers() -> None:
    upward = []
    for name, targets in graph().items():
        here = layer(name)
        if here is None:
            continue
        for target in targets:
            there = layer(target)
            if there is None or there == here:
                continue
            if RANK[there] >= RANK[here]:
                upward.append(f"{name} → {target}")
    assert not upward, upward


def test_lower_layers_do_not_know_the_web_or_dash() -> None:
    known = modules()
    bad = []
    for name, path in known.items():
        here = layer(name)
        banned = FORBIDDEN.get(here or "", ())
        for target in imports_of(path, known):
            if any(target == b or target.startswith(b + ".") for b in banned):
                bad.append(f"{name} imports {target}")
    assert not bad, bad


def test_no_two_modules_share_a_name_for_different_jobs() -> None:
    names = [p.name for p in (ROOT / "dashboard").rglob("*.py") if p.name != "__init__.py"]
    assert names.count("security.py") <= 2  # the security page and its charts, nothing else
    assert not (ROOT / "dashboard" / "security.py").exists()


def test_the_cycle_check_can_fail() -> None:
    """Guard against a vacuous walk: the graph has real edges across layers."""
    edges = graph()
    assert "dashboard.data.door" in edges["dashboard.charts.render"] or any(
        t.startswith("dashboard.data") for t in edges["dashboard.charts.render"]
    )
    assert sum(len(v) for v in edges.values()) > 100
