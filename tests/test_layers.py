"""The layer contracts of docs/architecture.md, checked on the real import graph.

Every ``import`` and ``from ... import`` statement of every module of the installed packages is
read (function-level "lazy" imports included, so a lazy import cannot dodge a contract or hide a
cycle), relative imports are resolved, and the graph must satisfy:

* `graph` is the bottom layer: it imports only itself and the package-data packages;
* `loaders` and `server` use `graph` and never each other;
* the explorer's core (`eccp_kg.explore`: queries, shaping, rendering, the static report) uses
  `graph` only, and no web framework; `server` (its Flask blueprint) and `commands` (the report) use it;
* the build pipeline (`eccp_kg.pipeline`) sits above `graph` and `loaders`;
* outside `server/`, only the serve command imports `eccp_kg.server`;
* no module imports itself through a cycle;
* no module imports code by a computed name, except the CLI's command registry.

Why not import-linter: grimp walks a package's folder on disk, and our sub-packages live in
sibling folders (graph/, server/, ... mapped by `package-dir` in pyproject.toml), so it sees only
`eccp_kg/` itself. The module list comes from the same `packages` table setuptools installs."""
from __future__ import annotations

import ast
import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_PACKAGES = ("eccp_kg.data", "eccp_kg.ontology", "eccp_kg.pages", "eccp_kg.queries", "eccp_kg.shapes")

#: layer -> what its modules may import (their own layer always allowed).
ALLOWED: dict[str, set[str]] = {
    "eccp_kg.graph": set(),
    "eccp_kg.loaders": {"eccp_kg.graph"},
    "eccp_kg.explore": {"eccp_kg.graph"},
    "eccp_kg.server": {"eccp_kg.graph", "eccp_kg.explore"},
    "eccp_kg.pipeline": {"eccp_kg.graph", "eccp_kg.loaders"},
    "eccp_kg.commands": {"eccp_kg.graph", "eccp_kg.loaders", "eccp_kg.explore", "eccp_kg.pipeline"},
    "eccp_kg.cli": {"eccp_kg.commands"},
    "eccp_kg.__main__": {"eccp_kg.cli"},
    "eccp_kg": set(),
}
#: The one module outside server/ that may start the server (no other exception to any contract).
SERVER_ENTRY = "eccp_kg.commands.serve"
#: Layers that must run without a web framework (the static report renders without a server).
NO_WEB_FRAMEWORK = ("eccp_kg.graph", "eccp_kg.loaders", "eccp_kg.explore", "eccp_kg.pipeline")
WEB_FRAMEWORKS = ("flask", "werkzeug", "flask_cors", "granian")
#: Modules allowed to import by a computed name (the CLI loads its sub-commands from a list).
DYNAMIC_IMPORTERS = {"eccp_kg.cli"}


@dataclass(frozen=True)
class Edge:
    """One import statement: who imports what, where, and whether it runs only when called."""

    source: str
    target: str
    line: int
    lazy: bool

    def __str__(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}" + (" (inside a function)" if self.lazy else "")


def installed_modules() -> dict[str, Path]:
    """Every module of the packages pyproject.toml installs, by dotted name -> file."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules: dict[str, Path] = {}
    for package in config["tool"]["setuptools"]["packages"]:
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations, f"{package} is not importable"
        folder = Path(list(spec.submodule_search_locations)[0])
        for path in sorted(folder.glob("*.py")):
            modules[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    return modules


def _package_of(name: str, modules: dict[str, Path]) -> str:
    return name if modules[name].stem == "__init__" else name.rpartition(".")[0]


def import_edges(modules: dict[str, Path]) -> tuple[list[Edge], list[Edge]]:
    """(imports of project modules, imports by computed name) of every module."""
    edges: list[Edge] = []
    dynamic: list[Edge] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        lazy_lines = {n.lineno for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                      for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = _package_of(name, modules).split(".")
                    base = base[: len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                subs = [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in modules]
                targets = subs if subs and len(subs) == len(node.names) else [module, *subs]
            elif isinstance(node, ast.Call) and _is_dynamic_import(node):
                dynamic.append(Edge(name, ast.unparse(node), node.lineno, True))
            for target in targets:
                if target == "eccp_kg" or target.startswith("eccp_kg."):
                    edges.append(Edge(name, _known(target, modules), node.lineno, node.lineno in lazy_lines))
    return edges, dynamic


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return called in ("import_module", "__import__")


def _known(target: str, modules: dict[str, Path]) -> str:
    """The module an import names (``eccp_kg.graph.iris``), or its nearest known parent."""
    while target not in modules and "." in target:
        target = target.rpartition(".")[0]
    return target


def layer(name: str) -> str:
    """The layer a module belongs to: the longest ALLOWED key (or data package) it starts with."""
    for prefix in sorted([*ALLOWED, *DATA_PACKAGES], key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    raise AssertionError(f"{name}: in no layer of tests/test_layers.py (add it to ALLOWED)")


def contract_violations(edges: list[Edge]) -> list[str]:
    """Every edge that breaks a layer contract, described."""
    found = []
    for edge in edges:
        source, target = layer(edge.source), layer(edge.target)
        if source == target or target in DATA_PACKAGES or target == "eccp_kg":  # eccp_kg: __version__
            continue
        if target == "eccp_kg.server" and edge.source == SERVER_ENTRY:
            continue
        if target not in ALLOWED.get(source, set()):
            found.append(f"{edge}: {source} may import only {sorted(ALLOWED.get(source, set())) or 'itself'}"
                         + (f" (and {SERVER_ENTRY} the server)" if target == "eccp_kg.server" else ""))
    return found


def cycles(edges: list[Edge]) -> list[list[str]]:
    """The import cycles (strongly connected components of more than one module, or a self-import)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan; the graph is small, recursion is fine
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# --- the contracts on the real code ---------------------------------------------------------


@pytest.fixture(scope="module")
def real_edges() -> tuple[list[Edge], list[Edge]]:
    return import_edges(installed_modules())


def test_the_scan_sees_every_layer_and_its_imports(real_edges):
    edges, _ = real_edges
    layers = {layer(e.source) for e in edges}
    assert {"eccp_kg.graph", "eccp_kg.loaders", "eccp_kg.server", "eccp_kg.pipeline", "eccp_kg.commands"} <= layers
    assert any(e.source == "eccp_kg.pipeline" and e.target == "eccp_kg.loaders" for e in edges)


def test_layers_point_one_way(real_edges):
    edges, _ = real_edges
    problems = contract_violations(edges)
    assert problems == [], "\n".join(problems)


def web_framework_imports(modules: dict[str, Path]) -> list[str]:
    """Every import of a web framework by a module of a NO_WEB_FRAMEWORK layer (lazy ones included)."""
    found = []
    for name, path in modules.items():
        if not any(name == p or name.startswith(p + ".") for p in NO_WEB_FRAMEWORK):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            found += [f"{name}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in WEB_FRAMEWORKS]
    return found


def test_the_explorer_core_and_the_lower_layers_need_no_web_framework():
    assert web_framework_imports(installed_modules()) == []


def test_no_import_cycle_not_even_through_a_lazy_import(real_edges):
    edges, _ = real_edges
    assert cycles(edges) == []


def test_no_code_is_imported_by_a_computed_name_outside_the_cli(real_edges):
    _, dynamic = real_edges
    assert [str(e) for e in dynamic if e.source not in DYNAMIC_IMPORTERS] == []


# --- the checker itself fires (negative tests on a made-up package) --------------------------


def _fake(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    modules = {}
    for name, text in files.items():
        path = tmp_path / (name.replace(".", "_") + ".py")
        if name in ("eccp_kg.graph", "eccp_kg.server", "eccp_kg.explore"):
            folder = tmp_path / name.replace(".", "_")
            folder.mkdir()
            path = folder / "__init__.py"
        path.write_text(text, encoding="utf-8")
        modules[name] = path
    return modules


def test_the_checker_reports_an_upward_import_a_cycle_and_a_computed_import(tmp_path):
    modules = _fake(tmp_path, {
        "eccp_kg.graph": "",
        "eccp_kg.graph.store": "def f():\n    from eccp_kg.loaders import load\n",
        "eccp_kg.server": "",
        "eccp_kg.server.a": "from . import b\n",
        "eccp_kg.server.b": "def g():\n    from .a import x\n",
        "eccp_kg.loaders": "import importlib\nimportlib.import_module('eccp_kg.server')\n",
        "eccp_kg.commands.query": "from eccp_kg.server.a import x\n",
        "eccp_kg.commands.serve": "from eccp_kg.server.a import x\n",
        "eccp_kg.commands.report": "from eccp_kg.explore.report import w\nfrom eccp_kg.server.a import x\n",
        "eccp_kg.explore": "",
        "eccp_kg.explore.report": "from eccp_kg.graph import store\ndef h():\n    from eccp_kg.server import b\n",
    })
    edges, dynamic = import_edges(modules)
    problems = contract_violations(edges)
    assert any(p.startswith("eccp_kg.graph.store:2 imports eccp_kg.loaders (inside a function)") for p in problems)
    assert any(p.startswith("eccp_kg.commands.query:1 imports eccp_kg.server.a") for p in problems)
    assert not any(p.startswith("eccp_kg.commands.serve") for p in problems)
    assert any(p.startswith("eccp_kg.commands.report:2 imports eccp_kg.server.a") for p in problems)
    assert not any(p.startswith("eccp_kg.commands.report:1") for p in problems)  # the explorer core: allowed
    assert any(p.startswith("eccp_kg.explore.report:3 imports eccp_kg.server.b (inside a function)") for p in problems)
    assert not any(p.startswith("eccp_kg.explore.report:1") for p in problems)  # graph: allowed
    assert cycles(edges) == [["eccp_kg.server.a", "eccp_kg.server.b"]]
    assert [e.source for e in dynamic] == ["eccp_kg.loaders"]


def test_the_checker_reports_a_web_framework_in_the_explorer_core(tmp_path):
    modules = _fake(tmp_path, {
        "eccp_kg.explore.render": "def f():\n    from flask import request\n",
        "eccp_kg.explore.views": "import werkzeug.http\nfrom . import render\n",
        "eccp_kg.server.explore": "from flask import Blueprint\n",
    })
    assert web_framework_imports(modules) == ["eccp_kg.explore.render:2 imports flask",
                                              "eccp_kg.explore.views:1 imports werkzeug.http"]
