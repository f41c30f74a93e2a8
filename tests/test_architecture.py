"""The package reads as the pipeline: imports point only downwards through the layers that
docs/architecture.md states, and no two modules import each other, directly or through others
(imports inside functions count: they hide a cycle, they do not remove it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_PACKAGE = {"tests", "bench", "build", "dist", "docs", "examples", ".venv", ".ci", ".git"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in NOT_PACKAGE or rel.parts[0].endswith(".egg-info"):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(["zwgk", *parts])] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every zwgk module this module imports, at module level or inside functions."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.add(full if full in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _layers() -> list[set[str]]:
    """The ``layers`` block of docs/architecture.md: top first, one layer per line."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md states its layers in a ```layers block"
    return [set(line.split()) for line in block.group(1).splitlines() if line.strip()]


def _part(module: str) -> str:
    """The stage a module belongs to: its top folder, or the root module's own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "zwgk"


def test_every_module_is_in_a_stated_layer():
    stated = set().union(*_layers())
    assert sorted({_part(m) for m in _graph()} - stated) == []


def test_imports_point_only_downwards():
    rank = {part: k for k, layer in enumerate(_layers()) for part in layer}
    upward = sorted(
        f"{a} -> {b}" for a, targets in _graph().items() for b in targets if rank[_part(b)] < rank[_part(a)]
    )
    assert upward == []


def test_no_import_cycles():
    graph = _graph()
    cycles, index, low, stack, on_stack = [], {}, {}, [], set()

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_check_sees_an_import_inside_a_function():
    graph = _graph()
    assert "zwgk.compare.align" in graph["zwgk.pipeline"]  # imported inside refresh_derived
