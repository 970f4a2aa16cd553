"""The mock's import graph, read from the source: no cycles, and no family reaching into the app.

A family is a plug-in of the engine: it may use what the engine hands it (``engine``, ``call``,
``errors``, ``validation``, the shared ``node`` runtime, small utilities), never the app that
serves it, or it would learn about a request some way other than its hooks' arguments.
"""

from __future__ import annotations

import ast
from pathlib import Path

import revokit.mockserver as mockserver_package

ROOT = Path(mockserver_package.__file__).parent
PACKAGE = "mockserver"
# The modules that make up the app around the engine: a family imports none of them.
APP_MODULES = {
    f"{PACKAGE}.{name}"
    for name in (
        "app",
        "runtime",
        "pipeline",
        "control",
        "pages",
        "error_mapping",
        "journal_entry",
        "cors",
        "header_limit",
        "config",
        "admin_static",
    )
}


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in ROOT.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that ``path`` imports anywhere (type-checking imports and imports
    inside functions included: they are dependencies all the same)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = (node.module or "").removeprefix("revokit.")
            candidates = [f"{target}.{alias.name}" for alias in node.names] + [target]
        elif isinstance(node, ast.Import):
            candidates = [alias.name.removeprefix("revokit.") for alias in node.names]
        else:
            continue
        for candidate in candidates:
            if candidate in known and candidate != name:
                found.add(candidate)
                break
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read_from_the_source() -> None:
    graph = import_graph()
    # A few arrows that must be there, so an empty graph cannot pass the tests below.
    assert "mockserver.engine" in graph["mockserver.pipeline"]
    assert "mockserver.runtime" in graph["mockserver.app"]
    assert "mockserver.node.class_validator" in graph["mockserver.families.medusa_v1.validators"]
    assert "mockserver.families" in graph["mockserver.runtime"]
    assert len(graph) >= 40


def test_the_finder_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_mock_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_family_imports_the_app() -> None:
    graph = import_graph()
    offending = {
        module: sorted(targets & APP_MODULES)
        for module, targets in graph.items()
        if module.startswith(f"{PACKAGE}.families.") and targets & APP_MODULES
    }
    assert offending == {}


def test_the_shared_node_runtime_knows_no_family() -> None:
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith(f"{PACKAGE}.node"):
            assert not any(t.startswith(f"{PACKAGE}.families") for t in targets), module
            assert not targets & APP_MODULES, module


def test_no_error_module_reads_the_request_behind_the_engines_back() -> None:
    """Error hooks get an ErrorContext; none imports Flask to find the request itself."""
    for path in (ROOT / "families").glob("*/exceptions.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        ]
        assert not [n for n in names if n and n.split(".")[0] in ("flask", "contextvars")], path
