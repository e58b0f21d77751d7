#!/usr/bin/env python3
"""Every import between the project's modules, and every circle they make (issue 34).

    python scripts/import_cycles.py          # the circles; exit 1 if any
    python scripts/import_cycles.py --edges  # also every import, one line each

Reads the packages' source with ``ast`` (nothing is imported): module-level and function-level imports
alike, ``from pkg import module`` as an import of that module. Imports under ``if TYPE_CHECKING:`` are
listed but make no circle (they never run).
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "index", "ingest", "measure", "ui")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    where: str  # "module" or the function it is in
    typing_only: bool


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The project module an imported name is (or is in): ``ui.cli.main`` → ``ui.cli``."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def edges_of(name: str, path: Path, known: dict[str, Path]) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[Edge] = []

    def add(target: str | None, node: ast.stmt, where: str, typing_only: bool) -> None:
        if target is not None and target != name:
            out.append(Edge(name, target, node.lineno, where, typing_only))

    def visit(node: ast.AST, where: str, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(_resolve(alias.name, known), child, where, typing_only)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: from . import x, from ..pkg import y
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    add(full if full in known else _resolve(base, known), child, where, typing_only)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name if where == "module" else f"{where}.{child.name}"
                visit(child, inner, typing_only)
            elif isinstance(child, ast.ClassDef):
                visit(child, child.name if where == "module" else f"{where}.{child.name}", typing_only)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit(ast.Module(body=[stmt], type_ignores=[]), where, True)
                for stmt in child.orelse:
                    visit(ast.Module(body=[stmt], type_ignores=[]), where, typing_only)
            else:
                visit(child, where, typing_only)

    visit(tree, "module", False)
    return list(dict.fromkeys(out))  # ``from m import a, b`` is one import of m


def cycles(graph: dict[str, set[str]], limit: int = 100) -> list[list[str]]:
    """Every elementary circle (up to ``limit``), each starting at its smallest module."""
    found: list[list[str]] = []
    nodes = sorted(graph)
    for start in nodes:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack and len(found) < limit:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ()), reverse=True):
                if nxt == start:
                    found.append(path)
                elif nxt > start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edges", action="store_true", help="print every import between the modules")
    args = parser.parse_args()
    known = modules()
    edges = [e for name, path in known.items() for e in edges_of(name, path, known)]
    if args.edges:
        for e in sorted(edges, key=lambda e: (e.source, e.target, e.line)):
            kind = "TYPE_CHECKING" if e.typing_only else e.where
            print(f"{e.source} -> {e.target}  ({e.source.replace('.', '/')}.py:{e.line}, {kind})")
    graph: dict[str, set[str]] = {}
    for e in edges:
        if not e.typing_only:
            graph.setdefault(e.source, set()).add(e.target)
    found = cycles(graph)
    runtime = [e for e in edges if not e.typing_only]
    print(
        f"{len(known)} modules, {len(runtime)} import statements between them (and {len(edges) - len(runtime)} under TYPE_CHECKING)"
    )
    for circle in found:
        print("circle: " + " -> ".join([*circle, circle[0]]))
        for a, b in zip(circle, [*circle[1:], circle[0]], strict=True):
            for e in edges:
                if e.source == a and e.target == b and not e.typing_only:
                    print(f"    {a} -> {b}  {a.replace('.', '/')}.py:{e.line} in {e.where}")
    print(f"{len(found)} circle{'' if len(found) == 1 else 's'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
