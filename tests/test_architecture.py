"""The import graph of src/plannlp, built from the source with ast, against the contract in
docs/architecture.md: no import cycle, no import the table does not allow, and no import of
training code from inference code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
BASE = {"model", "errors", "registry", "resources", "collector", "_version"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in (SRC / "plannlp").rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
    return skipped


def imports_of(module: str) -> set[str]:
    """The plannlp modules that ``module`` imports anywhere in its source (not under TYPE_CHECKING).

    ``from X import name`` counts as an import of ``X.name`` when that is a module, else of X
    (so ``from . import __version__`` is an import of the package's ``__init__``).
    """
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(parts + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "plannlp":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "plannlp")
    found.discard(module)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "plannlp"


def allowed_imports() -> dict[str, set[str] | None]:
    """The table of docs/architecture.md: package → what it may import (None: everything)."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    table: dict[str, set[str] | None] = {}
    for line in text.splitlines():
        match = re.match(r"\| `([\w_]+)` \| [^|]+ \| ([^|]+) \|$", line)
        if not match:
            continue
        package, allowed = match.group(1), match.group(2).strip()
        if allowed == "everything":
            table[package] = None
            continue
        names = set() if allowed == "(nothing)" else {a.strip() for a in allowed.split(",")}
        if "base" in names:
            names = (names - {"base"}) | BASE
        table[package] = names
    return table


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_real_imports():
    assert "plannlp.registry" in GRAPH["plannlp.stages.clean"]
    assert "plannlp.extract.settings" in GRAPH["plannlp.extract.pdf"]
    assert "plannlp.workers" in GRAPH["plannlp.pipeline"]  # an import inside a method counts


def test_the_cycle_finder_finds_a_cycle_through_a_package_init():
    graph = {"plannlp": {"plannlp.pipeline"}, "plannlp.pipeline": {"plannlp"}, "plannlp.model": set()}
    assert cycles(graph) == [["plannlp", "plannlp.pipeline"]]


def test_no_import_cycle():
    assert cycles(GRAPH) == []


def test_every_package_is_in_the_table():
    table = allowed_imports()
    assert {package_of(m) for m in MODULES} <= set(table)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_docs_architecture(module):
    table = allowed_imports()
    package = package_of(module)
    allowed = table[package]
    if allowed is None:
        return
    wrong = sorted(t for t in GRAPH[module] if package_of(t) != package and package_of(t) not in allowed)
    assert not wrong, f"{module} imports {wrong}; docs/architecture.md allows {package} only {sorted(allowed)}"


def test_inference_never_imports_training():
    inference = [m for m in MODULES if package_of(m) not in {"training", "cli", "__main__"}]
    offenders = {m: sorted(t for t in GRAPH[m] if package_of(t) == "training") for m in inference}
    assert {m: t for m, t in offenders.items() if t} == {}
