"""The rules a validation will apply (``zwgk shapes``): zwgk's and an analyst's, each with its
names, severity, the nodes it checks and the engine that will run it. Why: an analyst who adds
shapes must see, before validating a province, which of them the SPARQL engine compiles and
which pyshacl will run (and why), and where in their file each one is written."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .catalogue import Shapes, load
from .compiled import SH, compile_shapes, shape_name
from .report import SEVERITY_OF_IRI

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node


@dataclass(frozen=True)
class Rule:
    shape: str
    """The shape, as a prefixed name where the shapes graph binds a prefix."""
    name_zh: str
    name_en: str
    severity: str
    """``violation``, ``warning`` or ``info``."""
    target_zh: str
    target_en: str
    """The nodes it checks: its own targets, or (a property shape) those of the shape above it."""
    engine: str
    """``sparql`` (compiled) or ``pyshacl``."""
    reason_zh: str | None = None
    reason_en: str | None = None
    """Why pyshacl runs it."""
    origin: str | None = None
    """``file:line`` of an analyst's shape; ``None`` for zwgk's own."""


_HEAD = {
    "zh": ["规则", "名称", "严重程度", "检查对象", "引擎", "位置"],
    "en": ["shape", "name", "severity", "target", "engine", "source"],
}
_SEVERITY = {
    "zh": {"violation": "违规", "warning": "警告", "info": "提示"},
    "en": {"violation": "violation", "warning": "warning", "info": "info"},
}
_TARGET_WORDS = {
    "targetClass": ("{}", "{}"),
    "targetNode": ("节点 {}", "node {}"),
    "targetSubjectsOf": ("{} 的主语", "subjects of {}"),
    "targetObjectsOf": ("{} 的宾语", "objects of {}"),
    "target": ("SPARQL 目标", "SPARQL target"),
}


def describe(paths: Sequence[str | os.PathLike[str]] = (), *, only: bool = False) -> list[Rule]:
    """Every rule of zwgk's shapes and of the shapes in ``paths`` (or of those alone)."""
    shapes = load(paths, only=only)
    return rules(shapes)


def rules(shapes: Shapes) -> list[Rule]:
    from rdflib import URIRef

    graph = shapes.graph
    compiled = compile_shapes(graph, per_graph=True, where=shapes.where)
    reasons = {n.shape: n for n in compiled.notices}
    out: list[Rule] = []
    roots = [URIRef(s) if not s.startswith("_:") else None for s in compiled.compiled + compiled.fallback]
    seen: set[str] = set()
    for root_name, root in zip(compiled.compiled + compiled.fallback, roots, strict=True):
        node = root if root is not None else _bnode(root_name)
        target_zh, target_en = _targets(graph, node, lang="zh"), _targets(graph, node, lang="en")
        notice = reasons.get(root_name)
        for shape in _members(graph, node):
            key = shape_name(shape)
            if key in seen or not (_constrains(graph, shape) or (notice and shape == node)):
                continue
            seen.add(key)
            info = shapes.info.get(key)
            severity = graph.value(shape, URIRef(SH + "severity"))
            origin = shapes.origins.get(key)
            out.append(
                Rule(
                    shape=_compact(graph, shape),
                    name_zh=info.name_zh if info else key,
                    name_en=info.name_en if info else key,
                    severity=SEVERITY_OF_IRI.get(str(severity), "violation") if severity else "violation",
                    target_zh=target_zh,
                    target_en=target_en,
                    engine="pyshacl" if notice else "sparql",
                    reason_zh=notice.reason_zh if notice else None,
                    reason_en=notice.reason if notice else None,
                    origin=str(origin) if origin else None,
                )
            )
    return out


def _constrains(graph: Graph, shape: Node) -> bool:
    """Whether a shape states a constraint of its own (not only targets, names, a path and
    property shapes): those are the rules a report names."""
    structural = {SH + p for p in ("property", "path", "name", "description", "message", "severity", "order", "group")}
    structural |= {SH + p for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "deactivated")}
    structural |= {SH + p for p in ("declare", "prefixes", "ignoredProperties", "flags", "defaultValue")}
    structural.add("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return any(
        str(p) not in structural and not str(p).startswith("http://www.w3.org/2000/01/rdf-schema#")
        for p in graph.predicates(shape, None)
    )


def _bnode(name: str) -> Node:
    from rdflib import BNode

    return BNode(name[2:])


def _members(graph: Graph, root: Node) -> list[Node]:
    """The shape and the property shapes under it, depth first."""
    from rdflib import URIRef

    out, stack = [], [root]
    while stack:
        shape = stack.pop(0)
        if shape in out:
            continue
        out.append(shape)
        stack.extend(sorted(graph.objects(shape, URIRef(SH + "property")), key=str))
    return out


def _compact(graph: Graph, node: Node) -> str:
    from rdflib import URIRef

    if isinstance(node, URIRef):
        return node.n3(graph.namespace_manager)
    return shape_name(node)


def _targets(graph: Graph, shape: Node, *, lang: str) -> str:
    from rdflib import URIRef

    parts = []
    for prop, (zh, en) in _TARGET_WORDS.items():
        for value in sorted(graph.objects(shape, URIRef(SH + prop)), key=str):
            parts.append((zh if lang == "zh" else en).format(_compact(graph, value)))
    if not parts:
        parts.append(_compact(graph, shape))  # a shape that is also a class targets its instances
    return ", ".join(parts)


def render_rules(rules: list[Rule], *, format: str = "table", lang: str = "zh") -> str:
    """``table`` (aligned, a Chinese character counting two) or ``json``."""
    if format == "json":
        return json.dumps([asdict(r) for r in rules], ensure_ascii=False, indent=2) + "\n"
    from ..textfmt import width

    words = _SEVERITY[lang]
    rows = [_HEAD[lang]]
    for r in rules:
        engine = r.engine
        if r.engine == "pyshacl":
            engine += f" ({r.reason_zh if lang == 'zh' else r.reason_en})"
        rows.append(
            [
                r.shape,
                r.name_zh if lang == "zh" else r.name_en,
                words[r.severity],
                r.target_zh if lang == "zh" else r.target_en,
                engine,
                r.origin or "zwgk",
            ]
        )
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join(cells + [row[-1]]).rstrip())
    return "\n".join(lines) + "\n"
