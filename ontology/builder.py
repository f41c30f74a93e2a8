"""The one RDF builder: a ``LedgerRecord`` becomes quads in the terms of ``ontology/zwgk.ttl``,
all in the ledger's own named graph (docs/architecture.md shows the shape).

It builds pyoxigraph terms directly, without rdflib, because loading is the hot path of a
province-wide corpus; and every node has an IRI (no blank nodes) so that reloading a ledger
yields exactly the same triples.

A ledger is built a task at a time (``stream_ledger``): only the quads that another task can
meet again (agencies, indicators, places, the ledger's own) are remembered to be written once;
a task's own quads are forgotten once written, so that a 200,000-task sheet is never one list of
millions of quads (``zwgk.pipeline.prepare`` packs the chunks as they come)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from ..analysis.agencies import resolve_agency, split_units
from ..analysis.deadlines import DeadlineInfo, find_deadlines, parse_deadline
from ..analysis.jurisdictions import JurisdictionInfo, find_jurisdiction, split_jurisdiction
from ..analysis.requirements import find_requirements
from ..analysis.topics import classify as classify_topics
from ..analysis.topics import top_concepts
from ..loaders.outline import Heading, heading
from ..model import LedgerRecord, Role, TaskRecord
from . import iris

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XKOS = "http://rdf-vocabulary.ddialliance.org/xkos#"
ORG = "http://www.w3.org/ns/org#"
QB = "http://purl.org/linked-data/cube#"

ROLE_CONCEPT = {Role.LEAD: "LeadRole", Role.RESPONSIBLE: "ResponsibleRole", Role.COOPERATING: "CooperatingRole"}
ROLE_PROPERTY = {Role.LEAD: "leadUnit", Role.RESPONSIBLE: "responsibleUnit", Role.COOPERATING: "responsibleUnit"}


TERMS = 1024
"""Vocabulary terms a process remembers (``zw``, ``_n``): the ontologies name a few hundred."""


@lru_cache(maxsize=TERMS)
def zw(name: str) -> NamedNode:
    """A term of the ontology. Terms are made once per process: a ledger names a few dozen of
    them hundreds of thousands of times, and checking an IRI costs more than looking it up."""
    return NamedNode(iris.ZW + name)


@lru_cache(maxsize=TERMS)
def _n(ns: str, name: str) -> NamedNode:
    """A term of another vocabulary (SKOS, PROV…), made once per process like ``zw``."""
    return NamedNode(ns + name)


_UNSAFE = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def clean(text: str) -> str:
    """Text fit for any RDF serialiser: no control characters, no unpaired surrogates (which
    office files and web dumps do carry)."""
    text = text.translate(_UNSAFE)
    return text.encode("utf-8", errors="replace").decode("utf-8")


def zh(text: str) -> Literal:
    return Literal(clean(text), language="zh")


def typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=_n(XSD, datatype))


def outline_number(printed: str) -> Heading | None:
    """The outline number a heading is printed with (一、 （二） 3.), if any. Chapter numbers
    (第一部分) are left in the label for now: the outline reader's chapter pattern stops at 第一部
    and would leave 分 in the words."""
    numbered = heading(printed)
    if numbered is None or numbered.style == "chapter":
        return None
    return numbered


class _Stats:
    """Running counts over one ledger's tasks (see ``_Builder.statistics``)."""

    def __init__(self) -> None:
        self.with_lead = self.with_deadline = self.with_indicator = 0
        self.dated = self.ongoing = self.recurring = 0
        self.topics: dict[str, int] = defaultdict(int)
        self.months: dict[str, int] = defaultdict(int)
        self.agencies: dict[str, tuple[int, int]] = {}
        """Agency IRI → (tasks it bears in any role, tasks it leads)."""
        self.kinds: dict[tuple[str, str | None], tuple[int, set[str]]] = {}
        """(agency type, jurisdiction of the agency) → (tasks borne by such agencies, the agencies)."""

    def count_deadlines(self, infos: list[DeadlineInfo]) -> None:
        """One task's deadlines. The kinds are exclusive, in the order a reader ranks them: a
        date beats 常态化, which beats another recurrence, which beats wording alone."""
        if not infos:
            return
        self.with_deadline += 1
        if any(info.due for info in infos):
            self.dated += 1
        elif any(info.recurrence == "Ongoing" for info in infos):
            self.ongoing += 1
        elif any(info.recurrence for info in infos):
            self.recurring += 1
        for month in {info.due.isoformat()[:7] for info in infos if info.due}:
            self.months[month] += 1

    def count_bearers(self, borne: dict[str, bool], *, facets: dict[str, tuple[str | None, NamedNode | None]]) -> None:
        """One task's bearers: agency → whether it leads."""
        if any(borne.values()):
            self.with_lead += 1
        kinds: dict[tuple[str, str | None], set[str]] = {}
        for agency, leads in borne.items():
            tasks, led = self.agencies.get(agency, (0, 0))
            self.agencies[agency] = (tasks + 1, led + int(leads))
            kind, owner = facets[agency]
            if kind:
                kinds.setdefault((kind, owner.value if owner is not None else None), set()).add(agency)
        for key, members in kinds.items():
            tasks, known = self.kinds.get(key, (0, set()))
            self.kinds[key] = (tasks + 1, known | members)


@dataclass(frozen=True)
class BuiltLedger:
    id: str
    iri: str
    graph: str
    quads: list[Quad]
    tasks: int
    indicators: int
    agencies: int


MEMO = 8192
"""Texts whose analysis (units, topics, requirements, deadlines) a process remembers."""

# A ledger repeats itself — one unit cell (县财政局、县民政局) in hundreds of rows, one task for
# every township — and a province's ledgers repeat each other: its counties copy its template.
# What the analysis makes of a text depends on the text and the packaged vocabularies only, so
# it is asked once per text in a process (a loading worker builds many ledgers), not once per
# ledger; the caches are bounded, so that ledgers of distinct texts cost no more. Their answers
# are shared and never changed by the builder.
_units = lru_cache(maxsize=MEMO)(split_units)
_topics = lru_cache(maxsize=MEMO)(classify_topics)
_requirements = lru_cache(maxsize=MEMO)(find_requirements)
_deadline = lru_cache(maxsize=MEMO)(parse_deadline)
_deadlines_in = lru_cache(maxsize=MEMO)(find_deadlines)
ANALYSIS_CACHES = (_units, _topics, _requirements, _deadline, _deadlines_in)
"""Cleared by whoever changes a vocabulary in a running process (tests editing a data file)."""


def ledger_id(record: LedgerRecord) -> str:
    document = record.doc_number or record.title or record.source_file
    return iris.ledger_id(jurisdiction=record.jurisdiction, year=record.year, document=document)


_Triple = tuple[NamedNode, NamedNode, NamedNode | Literal]
"""A quad of the ledger's graph without its graph."""
_Facets = tuple[str | None, NamedNode | None]
"""An agency's type IRI and owning jurisdiction."""


class _Builder:
    def __init__(self, record: LedgerRecord) -> None:
        self.record = record
        self.lid = ledger_id(record)
        self.graph = NamedNode(iris.graph(self.lid))
        self.quads: dict[_Triple, None] = {}
        """The quads not yet handed out (``chunks``), insertion-ordered and duplicate-free, as
        their (subject, predicate, object): all are in ``graph``."""
        self.shared: set[_Triple] = set()
        """Every quad handed out that another task can meet again (an agency's, an
        indicator's, a place's, the ledger's): a term met twice is written once. A task's own
        quads (``scope``) cannot recur and are not remembered."""
        self.scope: str | None = None
        """The IRI of the task being built: quads about it or under it are its own."""
        self.under_scope = ""
        """``scope`` followed by ``/``: the start of the IRIs under the task."""
        self.built_agencies: dict[tuple[str, bool, str | None], tuple[NamedNode, _Facets]] = {}
        """The node of each unit name already built (``agency``), by its arguments, and the
        facets that name gave it."""
        self.built_paths: dict[tuple[str, ...], NamedNode | None] = {}
        """The innermost indicator of each path already built (``indicator``)."""
        self.indicators: set[str] = set()
        self.depth = 0
        self.stats = _Stats()
        self.agency_facets: dict[str, _Facets] = {}
        """Every agency the ledger names: IRI → (agency type IRI, owning jurisdiction)."""
        self.issuer: tuple[NamedNode, str] | None = None
        """The issuing body's node and canonical name, once built: the body of the internal
        divisions named after it."""
        place = find_jurisdiction(record.jurisdiction) if record.jurisdiction else None
        if record.jurisdiction and place is None:
            place = JurisdictionInfo(name=record.jurisdiction, level=None)
        self.place = place
        self.jurisdiction_iri = self._jurisdiction(place) if place else None

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        quad = (s, p, o)
        scope = self.scope
        if scope is not None and (
            (subject := s.value) == scope
            or subject.startswith(self.under_scope)
            or (isinstance(o, NamedNode) and o.value == scope)
        ):
            self.quads[quad] = None
        elif quad not in self.shared:
            self.shared.add(quad)
            self.quads[quad] = None

    def _handed(self) -> list[_Triple]:
        """The quads added since the last call, in the order they were first added."""
        out = list(self.quads)
        self.quads.clear()
        return out

    def chunks(self) -> Iterator[list[Quad]]:
        """The ledger's quads, each once, in small lists: the ledger's own first, then each
        task's, then the levels and statistics that need every task."""
        graph = self.graph
        for chunk in self._chunks():
            yield [Quad(s, p, o, graph) for s, p, o in chunk]

    def lines(self) -> Iterator[list[str]]:
        """The quads of ``chunks`` as N-Triples lines (without their graph and newline), made
        from the terms without making the quads: a loading worker writes nothing else, and a
        quad whose object is a literal costs pyoxigraph ten times what one naming a node does
        to make."""
        for chunk in self._chunks():
            yield [f"{s} {p} {o} ." for s, p, o in chunk]

    def _jurisdiction(self, place: JurisdictionInfo) -> NamedNode:
        parent = self._jurisdiction(place.parent) if place.parent is not None else None
        node = NamedNode(
            iris.jurisdiction(name=place.name, code=place.code, within=parent.value if parent is not None else None)
        )
        self.add(node, RDF_TYPE, zw("Jurisdiction"))
        self.add(node, _n(SKOS, "prefLabel"), zh(place.name))
        if place.level:
            self.add(node, zw("adminLevel"), zw(place.level))
        if place.code:
            self.add(node, zw("divisionCode"), Literal(place.code))
        if parent is not None:
            self.add(node, zw("within"), parent)
        return node

    def _owner(self, label: str, *, group: bool) -> NamedNode | None:
        """The jurisdiction an agency belongs to: the ledger's, unless its canonical name starts
        with another place written as a place (河南省财政厅 named in a 华龙区 ledger belongs to
        河南省): a gazetteer name, read among namesakes by the ledger's place, or a township
        after its county. A place is never made up from the front of an agency name, so an
        agency whose place is unknown gets the ledger's jurisdiction."""
        if group or self.place is None:
            return self.jurisdiction_iri
        place, _ = split_jurisdiction(label, within=self.place)
        if place is None or place.name == self.place.name:
            return self.jurisdiction_iri
        return self._jurisdiction(place)

    def agency(self, name: str, *, is_group: bool = False, printed: str | None = None) -> NamedNode:
        """The node of a unit the ledger names, its quads added the first time. A ledger names
        its few dozen units again in every row: what a name is built into depends only on the
        arguments, the ledger and its issuer (``body_of``), and its quads are the agency's and
        its places' (never a task's, so all are written once), so a name built before is not
        built again: only its facets are set again, as building it would (two spellings of one
        body may give it different facets, and the last one named counts). The memory is
        cleared when the issuer becomes known."""
        known = self.built_agencies.get((name, is_group, printed))
        if known is not None:
            node, facets = known
            self.agency_facets[node.value] = facets
            return node
        node = self._agency(name, is_group=is_group, printed=printed)
        self.built_agencies[(name, is_group, printed)] = (node, self.agency_facets[node.value])
        return node

    def _agency(self, name: str, *, is_group: bool, printed: str | None) -> NamedNode:
        resolved = resolve_agency(name, jurisdiction=self.place.name if self.place else None, issuer=self.record.issuer)
        owner = self._owner(resolved.label, group=resolved.is_group or is_group)
        node = NamedNode(iris.agency(jurisdiction_key=owner.value if owner is not None else None, name=resolved.key))
        group = resolved.is_group or is_group
        # A collective designation (各有关处室, 各乡镇) is a set of bodies, not one organisation.
        self.add(node, RDF_TYPE, zw("AgencyGroup" if group else "Agency"))
        self.add(node, _n(SKOS, "prefLabel"), zh(resolved.label))
        body = None if group else self.body_of(resolved.label)
        if body is not None:
            self.add(node, _n(ORG, "subOrganizationOf"), body)
        for spelling in dict.fromkeys((name, printed or name)):  # printed: the name exactly as in the ledger
            if spelling != resolved.label:
                self.add(node, _n(SKOS, "altLabel"), zh(spelling))
        if owner is not None:
            self.add(node, zw("jurisdiction"), owner)
        if resolved.agency_type:
            self.add(node, zw("agencyType"), NamedNode(resolved.agency_type))
        self.agency_facets[node.value] = (resolved.agency_type, owner)
        return node

    def body_of(self, label: str) -> NamedNode | None:
        """The body a unit is part of, where the ledger shows it: the issuer, when the unit's
        canonical name is the issuer's followed by more (秘书处 in 河南省人民防空办公室's ledger is
        河南省人民防空办公室秘书处; 县政府办秘书科 in 石泉县人民政府办公室's)."""
        if self.issuer is None:
            return None
        node, name = self.issuer
        return node if label != name and label.startswith(name) else None

    def build(self) -> BuiltLedger:
        quads = [quad for chunk in self.chunks() for quad in chunk]
        return BuiltLedger(
            id=self.lid,
            iri=iris.ledger(self.lid),
            graph=self.graph.value,
            quads=quads,
            tasks=len(self.record.tasks),
            indicators=len(self.indicators),
            agencies=len(self.agency_facets),
        )

    def _chunks(self) -> Iterator[list[_Triple]]:
        """``chunks``, each quad as its (subject, predicate, object)."""
        record = self.record
        ledger = NamedNode(iris.ledger(self.lid))
        self.add(ledger, RDF_TYPE, zw("Ledger"))
        self.add(ledger, RDF_TYPE, _n(PROV, "Entity"))
        self.add(ledger, _n(DCTERMS, "identifier"), Literal(self.lid))
        self.add(ledger, _n(DCTERMS, "title"), zh(record.title or record.source_file))
        if self.jurisdiction_iri is not None:
            self.add(ledger, zw("jurisdiction"), self.jurisdiction_iri)
        if record.issuer:
            issuer = self.agency(record.issuer)
            self.add(ledger, zw("issuer"), issuer)
            name = resolve_agency(
                record.issuer, jurisdiction=self.place.name if self.place else None, issuer=record.issuer
            )
            if not name.is_group:
                self.issuer = (issuer, name.label)
                self.built_agencies.clear()
        if record.year:
            self.add(ledger, zw("year"), typed(record.year, "gYear"))
        if record.doc_number:
            self.add(ledger, zw("docNumber"), Literal(record.doc_number))
        self.add(ledger, zw("sourceFile"), Literal(record.source_file))
        self.add(ledger, zw("sourceSha256"), Literal(record.sha256))
        self.add(ledger, zw("layout"), Literal(record.layout))
        self.add(ledger, _n(PROV, "wasDerivedFrom"), NamedNode(iris.source(record.sha256)))
        scheme = NamedNode(iris.scheme(self.lid))
        self.add(ledger, zw("indicatorScheme"), scheme)
        self.add(scheme, RDF_TYPE, _n(SKOS, "ConceptScheme"))
        self.add(scheme, _n(SKOS, "prefLabel"), zh(f"{record.title or record.source_file} 指标体系"))
        keys = iris.task_keys([(task.indicators, task.text, task.number) for task in record.tasks])
        yield self._handed()
        for position, (task, key) in enumerate(zip(record.tasks, keys, strict=True), start=1):
            self.scope = iris.task(self.lid, key)
            self.under_scope = self.scope + "/"
            self.task(ledger, scheme, position, task, key=key)
            self.scope = None
            yield self._handed()
        self.levels(scheme)
        self.statistics(ledger)
        yield self._handed()

    def statistics(self, ledger: NamedNode) -> None:
        """The ledger's counts and tallies (docs/ontology.md, "Statistics"): what analysts sum
        across a province's ledgers, computed here once per ledger so that a comparison over
        thousands of ledgers reads a few rows per ledger instead of joining every obligation."""
        stats = self.stats

        def integer(n: int) -> Literal:
            return typed(n, "integer")

        for name, value in (
            ("taskCount", len(self.record.tasks)),
            ("indicatorCount", len(self.indicators)),
            ("leadUnitCount", sum(1 for _, led in stats.agencies.values() if led)),
            ("tasksWithLead", stats.with_lead),
            ("tasksWithDeadline", stats.with_deadline),
            ("tasksWithIndicator", stats.with_indicator),
            ("tasksDated", stats.dated),
            ("tasksOngoing", stats.ongoing),
            ("tasksRecurring", stats.recurring),
        ):
            self.add(ledger, zw(name), integer(value))
        base = ledger.value + "/tally"

        def tally(dataset: str, key: str, tasks: int, *, structure: str) -> NamedNode:
            """One observation, ``{base}/{dataset}/{key}``, of the ledger's data set
            ``{base}/{dataset}`` (RDF Data Cube; the structures are in ontology/zwgk.ttl)."""
            cube = NamedNode(f"{base}/{dataset}")
            self.add(cube, RDF_TYPE, _n(QB, "DataSet"))
            self.add(cube, _n(QB, "structure"), zw(structure))
            node = NamedNode(f"{base}/{dataset}/{key}")
            self.add(node, RDF_TYPE, zw("Tally"))
            self.add(node, RDF_TYPE, _n(QB, "Observation"))
            self.add(node, _n(QB, "dataSet"), cube)
            self.add(node, zw("tallyOf"), ledger)
            self.add(node, zw("taskCount"), integer(tasks))
            return node

        for topic, tasks in sorted(stats.topics.items()):
            node = tally("topic", topic.rsplit("#", 1)[-1], tasks, structure="TopicTallyStructure")
            self.add(node, zw("tallyTopic"), NamedNode(topic))
        for month, tasks in sorted(stats.months.items()):
            node = tally("month", month, tasks, structure="MonthTallyStructure")
            self.add(node, zw("tallyMonth"), typed(month, "gYearMonth"))
        for agency, (tasks, led) in sorted(stats.agencies.items()):
            node = tally("agency", iris.digest(agency, length=8), tasks, structure="AgencyTallyStructure")
            self.add(node, zw("tallyAgency"), NamedNode(agency))
            self.add(node, zw("leadTaskCount"), integer(led))
        for (kind, owner), (tasks, members) in sorted(stats.kinds.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            # Every observation has every dimension of its data set: agencies whose jurisdiction
            # is unknown are tallied in a data set without the jurisdiction dimension.
            placed = owner is not None
            node = tally(
                "agency-type" if placed else "agency-type-unplaced",
                iris.digest(kind, owner, length=8),
                tasks,
                structure="AgencyTypeTallyStructure" if placed else "UnplacedAgencyTypeTallyStructure",
            )
            self.add(node, zw("tallyAgencyType"), NamedNode(kind))
            if owner is not None:
                self.add(node, zw("tallyJurisdiction"), NamedNode(owner))
            for member in sorted(members):
                self.add(node, zw("tallyMember"), NamedNode(member))

    def levels(self, scheme: NamedNode) -> None:
        """XKOS lists a scheme's levels as one ordered rdf:List; its cells get IRIs too. Depths
        are written as xsd:integer: Oxigraph stores xsd:positiveInteger as xsd:integer anyway,
        and reloads must compare equal."""
        if not self.depth:
            return
        rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        cells = [NamedNode(f"{scheme.value}/levels/{d}") for d in range(1, self.depth + 1)]
        self.add(scheme, _n(XKOS, "numberOfLevels"), typed(self.depth, "integer"))
        self.add(scheme, _n(XKOS, "levels"), cells[0])
        for d, cell in enumerate(cells, start=1):
            self.add(cell, _n(rdf, "first"), NamedNode(iris.level(self.lid, d)))
            self.add(cell, _n(rdf, "rest"), cells[d] if d < len(cells) else _n(rdf, "nil"))

    def indicator(self, scheme: NamedNode, path: tuple[str, ...]) -> NamedNode | None:
        """The indicators of a path, outermost first. A heading printed with an outline number
        (一、… （二）…) is labelled with its words alone; the number goes to skos:notation, as a
        zw:IndicatorNotation that also holds the numbers of the numbered headings above it (二.（二）:
        numbering restarts under each heading, and a notation identifies a concept in its
        scheme), and the heading as printed stays its skos:altLabel.

        Every task under a heading has its path: a path is built once (its quads are the
        indicators', the levels' and the scheme's, never a task's, so all are written once), and
        its innermost indicator is remembered for the next task under it."""
        if path in self.built_paths:
            return self.built_paths[path]
        node = self._indicator(scheme, path)
        self.built_paths[path] = node
        return node

    def _indicator(self, scheme: NamedNode, path: tuple[str, ...]) -> NamedNode | None:
        node = None
        numbers: list[str] = []
        for depth in range(1, len(path) + 1):
            printed = path[depth - 1]
            current = NamedNode(iris.indicator(self.lid, path[:depth]))
            self.indicators.add(current.value)
            numbered = outline_number(printed)
            label = numbered.rest.strip() if numbered is not None and numbered.rest.strip() else printed
            self.add(current, RDF_TYPE, zw("Indicator"))
            self.add(current, _n(SKOS, "prefLabel"), zh(label))
            self.add(current, zw("level"), typed(depth, "integer"))
            self.add(current, _n(SKOS, "inScheme"), scheme)
            if numbered is not None:
                numbers.append(numbered.label)
                self.add(current, _n(SKOS, "notation"), Literal(".".join(numbers), datatype=zw("IndicatorNotation")))
                if label != printed:
                    self.add(current, _n(SKOS, "altLabel"), zh(printed))
            level = NamedNode(iris.level(self.lid, depth))
            self.add(level, RDF_TYPE, _n(XKOS, "ClassificationLevel"))
            self.add(level, _n(XKOS, "depth"), typed(depth, "integer"))
            self.add(level, _n(SKOS, "member"), current)
            self.depth = max(self.depth, depth)
            if node is None:
                self.add(scheme, _n(SKOS, "hasTopConcept"), current)
                self.add(current, _n(SKOS, "topConceptOf"), scheme)
            else:
                self.add(current, _n(SKOS, "broader"), node)
            node = current
        return node

    def deadlines(self, task: TaskRecord, base: str) -> list[tuple[NamedNode, DeadlineInfo, bool]]:
        year = self.record.year
        if task.deadline:
            return [(NamedNode(f"{base}/deadline"), _deadline(task.deadline, year=year), False)]
        found = _deadlines_in(task.text, year=year)
        return [(NamedNode(f"{base}/deadline/{k}"), info, True) for k, info in enumerate(found, start=1)]

    def task(self, ledger: NamedNode, scheme: NamedNode, position: int, task: TaskRecord, *, key: str) -> None:
        node = NamedNode(iris.task(self.lid, key))
        base = node.value
        self.add(ledger, zw("task"), node)
        self.add(node, RDF_TYPE, zw("Task"))
        self.add(node, zw("ledger"), ledger)
        self.add(node, zw("position"), typed(position, "integer"))
        if task.number:
            self.add(node, zw("number"), Literal(task.number))
        self.add(node, zw("text"), zh(task.text))
        if task.line:
            self.add(node, zw("sourceLine"), typed(task.line, "integer"))
            span = iris.source(self.record.sha256, line=task.line, end_line=task.end_line)
            self.add(node, _n(PROV, "wasDerivedFrom"), NamedNode(span))
        indicator = self.indicator(scheme, task.indicators) if task.indicators else None
        stats = self.stats
        if indicator is not None:
            self.add(node, zw("indicator"), indicator)
            stats.with_indicator += 1
        tops: set[str] = set()
        for hit in _topics(task.text, indicators=task.indicators):
            self.add(node, zw("topic"), NamedNode(hit.topic))
            self.add(node, zw("topicRule"), Literal(hit.rule))
            tops.update(top_concepts().get(hit.topic, (hit.topic,)))
        for top in tops:
            stats.topics[top] += 1
        for name in sorted(task.inherited):
            self.add(node, zw("inheritedField"), zw(name))
        if task.truncated:
            self.add(node, zw("truncated"), typed("true", "boolean"))
        for remark in task.remarks:
            self.add(node, zw("remark"), zh(remark))
        if task.channel:
            self.add(node, zw("channel"), zh(task.channel))
        deadlines = self.deadlines(task, base)
        stats.count_deadlines([info for _, info, _ in deadlines])
        for dnode, info, in_text in deadlines:
            self.add(node, zw("deadline"), dnode)
            self.add(dnode, RDF_TYPE, zw("Deadline"))
            self.add(dnode, zw("deadlineText"), zh(info.text))
            if info.due:
                self.add(dnode, zw("dueDate"), typed(info.due.isoformat(), "date"))
            if info.recurrence:
                self.add(dnode, zw("recurrence"), zw(info.recurrence))
            if in_text:
                self.add(dnode, zw("inText"), typed("true", "boolean"))
            if task.deadline_inherited and not in_text:
                self.add(dnode, zw("inherited"), typed("true", "boolean"))
        requirements = []
        for k, req in enumerate(_requirements(task.text), start=1):
            rnode = NamedNode(f"{base}/requirement/{k}")
            requirements.append(rnode)
            self.add(node, zw("requirement"), rnode)
            self.add(rnode, RDF_TYPE, zw("Requirement"))
            self.add(rnode, zw("requirementText"), zh(req.text))
            self.add(rnode, zw("requirementKind"), zw(req.kind))
            self.add(rnode, zw("value"), typed(req.value, "decimal"))
            self.add(rnode, zw("unit"), zh(req.unit))
            self.add(rnode, zw("comparator"), Literal(req.comparator))
            if req.per:
                self.add(rnode, zw("per"), zh(req.per))
        borne: dict[str, bool] = {}
        """Agency IRI → whether it leads this task."""
        for cell in task.units:
            for mention in _units(cell.text, role=cell.role):
                agency = self.agency(mention.name, is_group=mention.is_group, printed=mention.raw)
                borne[agency.value] = borne.get(agency.value, False) or mention.role is Role.LEAD
                self.add(node, zw(ROLE_PROPERTY[mention.role]), agency)
                onode = NamedNode(f"{base}/obligation/{mention.role.value}-{iris.digest(agency.value, length=8)}")
                self.add(node, zw("obligation"), onode)
                self.add(onode, RDF_TYPE, zw("Obligation"))
                self.add(onode, zw("bearer"), agency)
                self.add(onode, _n(PROV, "agent"), agency)
                role = zw(ROLE_CONCEPT[mention.role])
                self.add(onode, zw("role"), role)
                self.add(onode, _n(PROV, "hadRole"), role)
                self.add(onode, zw("task"), node)
                self.add(onode, _n(PROV, "hadPlan"), node)
                if cell.inherited:
                    self.add(onode, zw("inherited"), typed("true", "boolean"))
                if mention.note:
                    self.add(onode, zw("remark"), zh(mention.note))
                for dnode, _, _ in deadlines:
                    self.add(onode, zw("deadline"), dnode)
                for rnode in requirements:
                    self.add(onode, zw("requirement"), rnode)
        stats.count_bearers(borne, facets=self.agency_facets)


def build_ledger(record: LedgerRecord) -> BuiltLedger:
    """The ledger's quads with its identifiers and counts."""
    return _Builder(record).build()


class StreamedLedger:
    """A ledger built a task at a time: ``chunks()`` yields its quads in small lists, each quad
    once and in the order ``build_ledger`` gives them, so that the caller can write them out as
    they come (``lines()``: the same as N-Triples lines); the counts are known once the chunks
    are exhausted. A ledger is streamed once, by one of the two."""

    def __init__(self, record: LedgerRecord) -> None:
        self._builder = _Builder(record)
        self.id = self._builder.lid
        self.iri = iris.ledger(self.id)
        self.graph = self._builder.graph.value

    def chunks(self) -> Iterator[list[Quad]]:
        return self._builder.chunks()

    def lines(self) -> Iterator[list[str]]:
        return self._builder.lines()

    @property
    def tasks(self) -> int:
        return len(self._builder.record.tasks)

    @property
    def indicators(self) -> int:
        return len(self._builder.indicators)

    @property
    def agencies(self) -> int:
        return len(self._builder.agency_facets)


def stream_ledger(record: LedgerRecord) -> StreamedLedger:
    """The ledger's quads a task at a time (``StreamedLedger``), for writers of big ledgers."""
    return StreamedLedger(record)


def ledger_quads(record: LedgerRecord) -> list[Quad]:
    return build_ledger(record).quads
