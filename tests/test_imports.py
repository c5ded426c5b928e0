"""No import circles among the package's modules, nor among the benchmark's scripts: imports
inside functions count too (they are how a circle hides)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import ROOT


def imports(folder: Path, package: str) -> dict[str, set[str]]:
    """Each module of `folder` (the package `package`, or "" for scripts) -> the modules of
    `folder` it imports, anywhere in it."""
    mine = {p.stem for p in folder.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for name in mine:
        found: set[str] = set()
        for node in ast.walk(ast.parse((folder / f"{name}.py").read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name.removeprefix(f"{package}.") for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == package:
                    found |= {a.name for a in node.names}
                else:
                    found.add(node.module.removeprefix(f"{package}."))
        graph[name] = (found & mine) - {name}
    return graph


def circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of `graph` (its modules in import order, the first again at the end), or []."""
    done: set[str] = set()

    def walk(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        for other in sorted(graph[name]):
            if found := walk(other, [*path, name]):
                return found
        done.add(name)
        return []

    return next((c for name in sorted(graph) if (c := walk(name, []))), [])


@pytest.mark.parametrize(("folder", "package"), [("src/timeline", "timeline"), ("bench", "")])
def test_no_module_imports_itself_through_others(folder, package):
    assert circle(imports(ROOT / folder, package)) == []


def test_a_circle_is_found_even_through_an_import_inside_a_function(tmp_path):
    (tmp_path / "a.py").write_text("from pkg import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from pkg.c import x\n")
    (tmp_path / "c.py").write_text("import pkg.a\n")
    assert circle(imports(tmp_path, "pkg")) == ["a", "b", "c", "a"]
