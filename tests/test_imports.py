"""The flow of the package, checked on its imports (every ``import`` statement, read with ast).

sources → curated data → RDF → validation → enrichment → dumps (the build)
→ store → HTTP (server core, then its areas: the API and the site). No stage
reaches back: the build never imports the serving side, the serving side never
runs the build, the API and the site do not import each other, and only
``app.server.main`` (which assembles the app) and the CLI see every area.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

BUILD = ("app.curation", "app.rdf", "app.validation", "app.enrichment", "app.dumps", "app.build")
BUILD += ("app.dump_parts", "app.vocabularies", "app.version")
SERVING = ("app.server", "app.api", "app.web")
ASSEMBLERS = ("app.server.main", "app.cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(APP.rglob("*.py"))}
# Over the limit when this test was written (the tagging rules, another issue's).
TOO_LONG_FOR_NOW: set[str] = set()


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # ``from pkg import mod`` imports the module, not what pkg's __init__ holds
            names = {f"{base}.{alias.name}" for alias in node.names}
            found |= names if names <= set(MODULES) else {base}
    return {name for name in found if name == "app" or name.startswith("app.")}


def _within(name: str, areas: tuple[str, ...]) -> bool:
    return any(name == a or name.startswith(a + ".") for a in areas)


def _known(names: set[str]) -> set[str]:
    """Imported names that are modules of ours (``from app.x import y`` may name a function)."""
    return {n for n in names if n in MODULES}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_against_the_flow(name: str) -> None:
    imported = _known(_imports(MODULES[name]))
    if _within(name, BUILD):
        wrong = {i for i in imported if _within(i, (*SERVING, "app.cli"))}
        assert not wrong, f"{name} (build) imports the serving side: {sorted(wrong)}"
    if _within(name, SERVING):
        wrong = {i for i in imported if _within(i, ("app.build", "app.cli"))}
        assert not wrong, f"{name} (serving) runs the build: {sorted(wrong)}"
    if _within(name, ("app.api",)):
        wrong = {i for i in imported if _within(i, ("app.web",))}
        assert not wrong, f"{name} (API) imports the site: {sorted(wrong)}"
    if _within(name, ("app.web",)):
        wrong = {i for i in imported if _within(i, ("app.api",))}
        assert not wrong, f"{name} (site) imports the API: {sorted(wrong)}"
    if _within(name, ("app.server",)) and name not in ASSEMBLERS:
        wrong = {i for i in imported if _within(i, ("app.api", "app.web"))}
        assert not wrong, f"{name} (server core) imports an area: {sorted(wrong)}"


def test_no_circular_import() -> None:
    graph = {
        name: {i for i in _known(_imports(path, top_level_only=True)) if i != name}
        for name, path in MODULES.items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import circulaire : " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_no_module_over_300_lines() -> None:
    long = {
        n: c
        for n, p in MODULES.items()
        if (c := len(p.read_text().splitlines())) > 330 and n not in TOO_LONG_FOR_NOW
    }
    assert not long, f"modules de plus de ~300 lignes : {long}"
