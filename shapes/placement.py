"""Where a validation result belongs: the task (or indicator, agency…) it concerns, its label,
and the file and line it was read from, so that an analyst can go straight to the row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from ..ontology.iris import ZW
from .catalogue import ShapeInfo, rdflib_term
from .report import (
    DCTERMS,
    KIND_OF_CLASS,
    RDF_TYPE,
    SEVERITIES,
    SEVERITY_OF_IRI,
    SKOS,
    LedgerValidation,
    ShaclResult,
    ValidationResult,
    result_order,
)

if TYPE_CHECKING:
    from rdflib.term import Node


class TripleSource(Protocol):
    """The two reads placement makes: an rdflib ``Graph``, or a view of one named graph of a
    store (``compiled._GraphView``)."""

    def subjects(self, predicate: Node, object: Node, /) -> Iterable[Node]: ...

    def objects(self, subject: Node, predicate: Node, /) -> Iterable[Node]: ...


class Context:
    """Reads, from a ledger's data graph, what places a result: kind, task, label, line."""

    def __init__(self, graph: TripleSource) -> None:
        from rdflib import URIRef

        self.graph = graph
        self.URIRef = URIRef
        self.ledger = next(iter(graph.subjects(URIRef(RDF_TYPE), URIRef(ZW + "Ledger"))), None)
        self._indicator_lines: dict[str, int] | None = None

    def _value(self, node: Node | None, prop: str) -> Node | None:
        if node is None:
            return None
        return next(iter(self.graph.objects(node, self.URIRef(prop))), None)

    def text(self, node: Node | None, prop: str) -> str | None:
        value = self._value(node, prop)
        return str(value) if value is not None else None

    def integer(self, node: Node | None, prop: str) -> int | None:
        value = self._value(node, prop)
        try:
            return int(str(value)) if value is not None else None
        except ValueError:
            return None

    def kind(self, node: Node | None) -> str:
        if node is None:
            return "other"
        types = {str(t) for t in self.graph.objects(node, self.URIRef(RDF_TYPE))}
        for cls, kind in KIND_OF_CLASS.items():
            if cls in types:
                return kind
        return "other"

    def subject(self, focus: Node | None, value: Node | None) -> tuple[Node | None, str]:
        """The task a result is about, else an indicator value, else the focus node."""
        focus_kind = self.kind(focus)
        if focus_kind == "task":
            return focus, "task"
        value_kind = self.kind(value) if isinstance(value, self.URIRef) else "other"
        if value_kind in ("task", "indicator"):
            return value, value_kind
        if focus_kind == "obligation":
            task = self._value(focus, ZW + "task")
            if task is not None:
                return task, "task"
        return focus, focus_kind

    def label(self, node: Node | None) -> str | None:
        for prop in (SKOS + "prefLabel", DCTERMS + "title", SKOS + "altLabel"):
            text = self.text(node, prop)
            if text:
                return text
        return None

    def line(self, node: Node | None, kind: str) -> int | None:
        if kind == "task":
            return self.integer(node, ZW + "sourceLine")
        if kind == "indicator":
            return self.indicator_lines().get(str(node))
        return None

    def indicator_lines(self) -> dict[str, int]:
        """The first source line of a task filed under each indicator or below it."""
        if self._indicator_lines is None:
            lines: dict[str, int] = {}
            for task in self.graph.subjects(self.URIRef(RDF_TYPE), self.URIRef(ZW + "Task")):
                line = self.integer(task, ZW + "sourceLine")
                if line is None:
                    continue
                seen: set[Node] = set()
                indicator = self._value(task, ZW + "indicator")
                while indicator is not None and indicator not in seen:
                    seen.add(indicator)
                    key = str(indicator)
                    lines[key] = min(line, lines.get(key, line))
                    indicator = self._value(indicator, SKOS + "broader")
            self._indicator_lines = lines
        return self._indicator_lines


_DEFAULT_MESSAGE = {
    "zh": "不符合规则“{name}”（{component}）",
    "en": "Does not satisfy “{name}” ({component})",
}
"""The message of a result whose shape has no sh:message (pyshacl's own wording is English
only and differs from engine to engine)."""


def ledger_validation(
    results: Iterable[ShaclResult],
    *,
    graph: TripleSource,
    info: Mapping[str, ShapeInfo],
    ledger_id: str | None = None,
    source_file: str | None = None,
) -> LedgerValidation:
    """One ledger's results, from either engine, placed in their task, file and line and named
    in both languages; the ledger's id, file and title are read from its graph when not given."""
    ctx = Context(graph)
    ledger = ctx.ledger
    lid = ledger_id or ctx.text(ledger, DCTERMS + "identifier") or "?"
    file_name = source_file or ctx.text(ledger, ZW + "sourceFile")
    placed = []
    for r in results:
        focus, value = rdflib_term(r.focus), rdflib_term(r.value)
        shape = info.get(r.shape) or ShapeInfo(name_zh=r.shape, name_en=r.shape)
        messages: dict[str | None, str] = {}
        if shape.has_messages:
            for lang, text in r.messages:
                messages.setdefault(lang or shape.language_of(text), text)
        component = r.component.rsplit("#", 1)[-1]
        zh = messages.get("zh") or messages.get(None) or messages.get("en")
        en = messages.get("en") or messages.get(None) or messages.get("zh")
        subject, kind = ctx.subject(focus, value)
        task = subject if kind == "task" else None
        placed.append(
            ValidationResult(
                ledger_id=lid,
                source_file=file_name,
                focus_node=str(focus),
                subject=str(subject),
                subject_kind=kind,
                subject_label=ctx.label(subject),
                task_number=ctx.text(task, ZW + "number") if task is not None else None,
                task_position=ctx.integer(task, ZW + "position") if task is not None else None,
                source_line=ctx.line(subject, kind),
                path=r.path_iri,
                value=str(value) if value is not None else None,
                value_nt=value.n3() if value is not None else None,
                constraint=r.component,
                severity=SEVERITY_OF_IRI.get(r.severity, "violation"),
                shape=r.shape,
                shape_name_zh=shape.name_zh,
                shape_name_en=shape.name_en,
                message_zh=zh or _DEFAULT_MESSAGE["zh"].format(name=shape.name_zh, component=component),
                message_en=en or _DEFAULT_MESSAGE["en"].format(name=shape.name_en, component=component),
            )
        )
    placed.sort(key=lambda x: (SEVERITIES.index(x.severity), result_order(x)))
    return LedgerValidation(
        ledger_id=lid,
        ledger_iri=str(ledger) if ledger is not None else None,
        source_file=file_name,
        title=ctx.text(ledger, DCTERMS + "title"),
        results=tuple(placed),
    )
