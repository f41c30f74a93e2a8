"""Validation reports: which task of which file fails which rule, in the analyst's language,
as text, a summary, JSON or a SHACL validation report in Turtle. Both engines (``compiled``,
``pyshacl_engine``) produce these records; the language is chosen when rendering."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from ..ontology.iris import ZW

if TYPE_CHECKING:
    import pyoxigraph

    from ..errors import Refusal

    OxTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

SEVERITIES = ("violation", "warning", "info")
"""Most severe first; the order of the text report."""

FAIL_ON = ("violation", "warning")

SEVERITY_OF_IRI = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}
_IRI_OF_SEVERITY = {v: k for k, v in SEVERITY_OF_IRI.items()}

# Words of the text report. Shape names and messages come from the shapes graph.
_WORDS = {
    "zh": {
        "ledger": "台账",
        "the_ledger": "台账",
        "violation": "违规",
        "warning": "警告",
        "info": "提示",
        "task": "任务",
        "task_at": "第 {position} 项任务",
        "indicator": "指标",
        "agency": "单位",
        "obligation": "责任分工",
        "scheme": "指标体系",
        "conforms": "符合全部规则",
        "empty": "没有可校验的台账",
        "total": "合计：违规 {violation} 项，警告 {warning} 项，提示 {info} 项",
        "summary": "共 {ledgers} 个台账，{failing} 个有违规；违规 {violation} 项，警告 {warning} 项，提示 {info} 项",
    },
    "en": {
        "ledger": "Ledger",
        "the_ledger": "ledger",
        "violation": "Violations",
        "warning": "Warnings",
        "info": "Infos",
        "task": "task",
        "task_at": "task #{position}",
        "indicator": "indicator",
        "agency": "agency",
        "obligation": "obligation",
        "scheme": "indicator scheme",
        "conforms": "conforms to every rule",
        "empty": "no ledger to validate",
        "total": "total: {violation} violations, {warning} warnings, {info} infos",
        "summary": "{ledgers} ledgers, {failing} with violations; {violation} violations, {warning} warnings, {info} infos",
    },
}
KIND_OF_CLASS = {
    ZW + "Task": "task",
    ZW + "Indicator": "indicator",
    ZW + "Agency": "agency",
    ZW + "AgencyGroup": "agency",
    ZW + "Obligation": "obligation",
    ZW + "Ledger": "ledger",
    SKOS + "ConceptScheme": "scheme",
}


# What both engines return ------------------------------------------------------------------

Messages = tuple[tuple[str | None, str], ...]
"""(language, text) of every message of a shape or constraint; language ``None`` when untagged."""

ResultKey = tuple[str | None, str, str | None, str, str, str, str]
"""What two engines must agree on: graph, focus node, path, value, component, severity, shape."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, from either engine. Terms are pyoxigraph terms; ``graph`` is the
    named graph validated (``None`` when the union was validated as one graph)."""

    graph: str | None
    focus: OxTerm | None
    """Always a term for the SPARQL engine; ``None`` only if pyshacl's report lacked sh:focusNode."""
    path: str | None
    """The result path in SPARQL syntax (``<iri>``, ``^<iri>``, ``(<a>/<b>)``…)."""
    value: OxTerm | None
    component: str
    severity: str
    shape: str
    """The source shape: an IRI, or ``_:label`` for a blank node of the shapes graph."""
    messages: Messages
    """(language, text) of every message; language ``None`` for an untagged one."""

    @property
    def path_iri(self) -> str | None:
        """The path as an IRI when it is a single predicate, else ``None``."""
        if self.path and self.path.startswith("<") and self.path.endswith(">") and " " not in self.path:
            return self.path[1:-1]
        return None

    @property
    def shape_term(self) -> OxTerm:
        from pyoxigraph import BlankNode, NamedNode

        return BlankNode(self.shape[2:]) if self.shape.startswith("_:") else NamedNode(self.shape)

    def key(self) -> ResultKey:
        """What two engines must agree on: graph, focus node, path, value, constraint component,
        severity, source shape."""
        return (
            self.graph,
            str(self.focus),
            self.path,
            str(self.value),
            self.component,
            self.severity,
            self.shape,
        )


@dataclass(frozen=True)
class Notice:
    """A shape run by pyshacl instead of the SPARQL engine, and why (in both languages)."""

    shape: str
    reason: str
    reason_zh: str

    def render(self, *, lang: str = "en") -> str:
        if lang == "zh":
            return f"规则 {self.shape} 使用了{self.reason_zh}，SPARQL 引擎无法精确编译，改由 pyshacl 校验"
        return f"shape {self.shape} uses {self.reason}, which the SPARQL engine does not compile exactly; pyshacl validates it"

    def __str__(self) -> str:
        return self.render()


# Report model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, placed in its ledger, task and source line."""

    ledger_id: str
    source_file: str | None
    focus_node: str
    """The SHACL focus node (the ledger itself for the numbering rules)."""
    subject: str
    """The node the result is about: the task (also for a task's obligation or a numbering
    rule's task), else the value node when it is an indicator, else the focus node."""
    subject_kind: str
    """``task``, ``indicator``, ``agency``, ``obligation``, ``ledger``, ``scheme`` or ``other``."""
    subject_label: str | None
    task_number: str | None
    task_position: int | None
    source_line: int | None
    path: str | None
    value: str | None
    value_nt: str | None
    """``value`` as an N-Triples term, kept for the Turtle report."""
    constraint: str
    """The SHACL constraint component, e.g. ``sh:MinCountConstraintComponent`` as a full IRI."""
    severity: str
    """``violation``, ``warning`` or ``info``."""
    shape: str
    shape_name_zh: str
    shape_name_en: str
    message_zh: str
    message_en: str

    def rule(self, *, lang: str = "zh") -> str:
        return self.shape_name_zh if lang == "zh" else self.shape_name_en

    def message(self, *, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def where(self, *, lang: str = "zh") -> str:
        """``任务 3`` / ``task 3``, or what the result is about when it is not a task."""
        words = _WORDS[lang]
        if self.subject_kind == "task":
            if self.task_number:
                return f"{words['task']} {self.task_number}"
            return words["task_at"].format(position=self.task_position or "?")
        if self.subject_kind == "ledger":
            return words["the_ledger"]
        kind = words.get(self.subject_kind, self.subject_kind)
        return f"{kind} {self.subject_label}" if self.subject_label else kind

    def as_dict(self) -> dict[str, object]:
        return {
            "ledger_id": self.ledger_id,
            "source_file": self.source_file,
            "focus_node": self.focus_node,
            "subject": self.subject,
            "subject_kind": self.subject_kind,
            "subject_label": self.subject_label,
            "task_number": self.task_number,
            "task_position": self.task_position,
            "source_line": self.source_line,
            "path": self.path,
            "value": self.value,
            "constraint": self.constraint,
            "severity": self.severity,
            "shape": self.shape,
            "shape_name": {"zh": self.shape_name_zh, "en": self.shape_name_en},
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


@dataclass(frozen=True)
class LedgerValidation:
    """The results of one ledger."""

    ledger_id: str
    ledger_iri: str | None
    source_file: str | None
    title: str | None
    results: tuple[ValidationResult, ...] = ()

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in SEVERITIES}

    @property
    def conforms(self) -> bool:
        """True when no result is a violation (warnings and infos do not break a ledger)."""
        return self.count("violation") == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "ledger_id": self.ledger_id,
            "ledger": self.ledger_iri,
            "source_file": self.source_file,
            "title": self.title,
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [r.as_dict() for r in self.results],
        }


@dataclass(frozen=True)
class ValidationReport:
    """The results of every ledger validated, in the order they were validated."""

    ledgers: tuple[LedgerValidation, ...] = field(default_factory=tuple)
    refused: tuple[Refusal, ...] = ()
    """Files that could not be read (``store.Refusal``), with ``--keep-going``."""
    notices: tuple[Notice, ...] = ()
    """Shapes the SPARQL engine left to pyshacl, one per shape, with why."""

    @property
    def results(self) -> list[ValidationResult]:
        return [r for ledger in self.ledgers for r in ledger.results]

    @property
    def conforms(self) -> bool:
        return all(ledger.conforms for ledger in self.ledgers)

    def counts(self) -> dict[str, int]:
        return {s: sum(ledger.count(s) for ledger in self.ledgers) for s in SEVERITIES}

    def fails(self, *, fail_on: str = "violation") -> bool:
        """Whether a pipeline should stop: any violation, or with ``fail_on="warning"`` any
        violation or warning."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {FAIL_ON}")
        counts = self.counts()
        return counts["violation"] > 0 or (fail_on == "warning" and counts["warning"] > 0)

    def render(self, *, format: str = "text", lang: str = "zh") -> str:
        if format == "text":
            return self.render_text(lang=lang)
        if format == "summary":
            return self.render_text(lang=lang, details=False)
        if format == "json":
            return self.render_json()
        if format == "turtle":
            return self.render_turtle()
        raise ValueError(f"unknown report format {format!r}")

    def render_text(self, *, lang: str = "zh", details: bool = True) -> str:
        """Grouped by ledger, then by severity; one line per result: where (task number), file and
        line, rule, message; a closing count per ledger. Without ``details``, only the counts (an
        office's overview of many ledgers)."""
        if lang not in _WORDS:
            raise ValueError(f"lang must be one of {tuple(_WORDS)}")
        words = _WORDS[lang]
        if not self.ledgers:
            return words["empty"] + "\n"
        out: list[str] = []
        for ledger in self.ledgers:
            head = f"{words['ledger']} {ledger.ledger_id}  {ledger.source_file or ''}"
            if ledger.title:
                head += f"  {ledger.title}"
            out.append(head.rstrip())
            if not ledger.results:
                out.append(f"  {words['conforms']}")
            for severity in SEVERITIES:
                group = sorted((r for r in ledger.results if r.severity == severity), key=result_order)
                if not group:
                    continue
                out.append(f"  {words[severity]} ({len(group)})")
                if not details:
                    continue
                rows = [[r.where(lang=lang), _location(r), r.rule(lang=lang), r.message(lang=lang)] for r in group]
                out.extend("    " + line for line in _columns(rows))
            out.append("  " + words["total"].format(**ledger.counts()))
            out.append("")
        if len(self.ledgers) > 1:
            failing = sum(1 for ledger in self.ledgers if not ledger.conforms)
            out.append(words["summary"].format(ledgers=len(self.ledgers), failing=failing, **self.counts()))
        return "\n".join(out).rstrip() + "\n"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "conforms": self.conforms,
            "counts": self.counts(),
            "ledgers": [ledger.as_dict() for ledger in self.ledgers],
        }
        if self.notices:
            out["notices"] = [
                {"shape": n.shape, "message": {"zh": n.render(lang="zh"), "en": n.render(lang="en")}}
                for n in self.notices
            ]
        return out

    def render_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def render_turtle(self) -> str:
        """The full SHACL validation report: one ``sh:ValidationReport`` per ledger (its subject
        the ledger), each result with focus node, path, value, severity, source shape, constraint
        component and both languages' messages."""
        from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse, serialize

        def iri(value: str) -> NamedNode:
            return NamedNode(value)

        triples: list[Triple] = []
        boolean = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
        for ledger in self.ledgers:
            report = BlankNode()
            triples.append(Triple(report, iri(RDF_TYPE), iri(SH + "ValidationReport")))
            # sh:conforms is false whenever there is a result, of any severity (SHACL 3.6.1);
            # ``conforms`` (no violation) is what the exit status follows.
            triples.append(
                Triple(report, iri(SH + "conforms"), Literal("false" if ledger.results else "true", datatype=boolean))
            )
            if ledger.ledger_iri:
                triples.append(Triple(report, iri(DCTERMS + "subject"), iri(ledger.ledger_iri)))
            for r in ledger.results:
                node = BlankNode()
                triples.append(Triple(report, iri(SH + "result"), node))
                triples.append(Triple(node, iri(RDF_TYPE), iri(SH + "ValidationResult")))
                triples.append(Triple(node, iri(SH + "focusNode"), iri(r.focus_node)))
                if r.path:
                    triples.append(Triple(node, iri(SH + "resultPath"), iri(r.path)))
                if r.value_nt:
                    value = next(parse(f"<urn:s> <urn:p> {r.value_nt} .", format=RdfFormat.N_TRIPLES)).object
                    triples.append(Triple(node, iri(SH + "value"), value))
                triples.append(Triple(node, iri(SH + "resultSeverity"), iri(_IRI_OF_SEVERITY[r.severity])))
                triples.append(Triple(node, iri(SH + "sourceShape"), iri(r.shape)))
                triples.append(Triple(node, iri(SH + "sourceConstraintComponent"), iri(r.constraint)))
                triples.append(Triple(node, iri(SH + "resultMessage"), Literal(r.message_zh, language="zh")))
                triples.append(Triple(node, iri(SH + "resultMessage"), Literal(r.message_en, language="en")))
        prefixes = {
            "sh": SH,
            "zw": ZW,
            "zwsh": "https://w3id.org/zwgk/shapes#",
            "dcterms": DCTERMS,
            "skos": SKOS,
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        }
        # Without an output, serialize returns the bytes; its stub says ``bytes | None`` for both cases.
        turtle = cast(bytes, serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes))
        return turtle.decode("utf-8")


def result_order(result: ValidationResult) -> tuple[int, int, str, str, str, str, str, str]:
    """Reading order (line, task, shape), then every field that tells two results apart, so
    that the report is the same whichever store gave the quads in whichever order (a remote
    store lists a task's two lead units the other way round)."""
    return (
        result.source_line if result.source_line is not None else 1 << 30,
        result.task_position if result.task_position is not None else 1 << 30,
        result.subject_label or "",
        result.shape,
        result.focus_node,
        result.path or "",
        result.value_nt or result.value or "",
        result.constraint,
    )


def _location(result: ValidationResult) -> str:
    name = result.source_file or ""
    return f"{name}:{result.source_line}" if result.source_line is not None else name


def _columns(rows: list[list[str]]) -> list[str]:
    """Align every column but the last (the message), counting a Chinese character as two."""
    from ..textfmt import width

    if not rows:
        return []
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join(cells + [row[-1]]))
    return lines
