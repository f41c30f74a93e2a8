"""Topics of a task: explainable rules over jieba tokens of its text and its indicator path.

Ledgers word the same work in their own ways (政策解读, 解读回应, 解读材料…), so comparison needs
a shared frame: the two-level SKOS scheme ``ontology/topics.ttl``. The rules that map a task into
it are data (``analysis/data/topic-rules.json``), and every assigned topic carries the id of the
rule that fired, so that a reviewer can always ask *why* a task got a topic and fix the rule rather
than retrain a model.

A term matches where its characters begin or end on a jieba word boundary of the text: 民生 does
not fire inside 国民|生产 (it cuts through both words), while 预算 still fires at the end of 财政预算
and 公开制度 in 政府信息公开|制度 (jieba joins compounds differently in context, so requiring whole
words would hide genre terms; requiring one aligned edge keeps the match honest). Indicator
rules look at the nearest heading first and stop at the first heading on which any of them fires:
the inner heading (财政信息公开) says more than the outer one (一、政府信息公开). Outer headings are
read by the heading-only rules alone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..resources import read_text

WHERE = ("text", "indicator", "both")


@dataclass(frozen=True)
class TopicRule:
    id: str
    topic: str
    """The concept's IRI."""
    where: str
    any: tuple[str, ...]
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    @cached_property
    def _needs(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(self.any), frozenset(self.all)

    def fires(self, text: Words) -> bool:
        any_terms, all_terms = self._needs
        if any_terms.isdisjoint(text.present) or not all_terms <= text.present:
            return False
        return (
            any(text.has(term) for term in self.any)
            and all(text.has(term) for term in self.all)
            and not any(text.has(term) for term in self.none)
        )


@dataclass(frozen=True)
class TopicHit:
    """One topic of a task and the rule that gave it."""

    topic: str
    rule: str
    where: str
    """``text`` or ``indicator``: what the rule matched."""


@dataclass(frozen=True)
class Words:
    """A text with its jieba words, as the rules see it. jieba runs only when some rule term
    occurs in the text at all, only terms that occur are checked against word boundaries, and
    only the run of characters around an occurrence is cut (``lexicon.runs``), none when the
    occurrence begins or ends at a run's edge (a punctuation mark, the text's end): a
    province's corpus is hundreds of thousands of tasks, each tested against every rule, and
    cutting whole texts was a fifth of a loading worker's time."""

    text: str
    present: frozenset[str]
    """The rule terms that occur in the text as plain substrings."""

    @classmethod
    def of(cls, text: str) -> Words:
        return cls(text=text, present=frozenset(t for t in _terms() if t in text))

    @cached_property
    def _runs(self) -> list[tuple[int, int]]:
        from .lexicon import runs

        return runs(self.text)

    def edge(self, offset: int) -> bool:
        """Whether a jieba word of the text begins or ends at ``offset``, as in the words of the
        whole text: inside a run, where a word of the run does; elsewhere (a run's edge, the
        text between runs) always, but between the two characters of a CR LF, which jieba
        keeps as one word."""
        from .lexicon import run_edges

        for start, end in self._runs:
            if start < offset < end:
                return offset - start in run_edges(self.text[start:end])
        return self.text[max(offset - 1, 0) : offset + 1] != "\r\n"

    def has(self, term: str) -> bool:
        if term not in self.present:
            return False
        start = self.text.find(term)
        while start >= 0:
            if self.edge(start) or self.edge(start + len(term)):
                return True
            start = self.text.find(term, start + 1)
        return False


def tokens(text: str) -> list[str]:
    """jieba words of ``text`` without blanks (through the one zwgk tokenizer)."""
    from .lexicon import cut

    return [w for w in cut(text) if w.strip()]


@lru_cache(maxsize=1)
def rules() -> tuple[TopicRule, ...]:
    """The packaged rules."""
    data = json.loads(read_text("analysis", "data", "topic-rules.json"))
    namespace = data["namespace"]
    out = []
    for raw in data["rules"]:
        if raw["in"] not in WHERE:
            raise ValueError(f"topic rule {raw['id']}: 'in' must be one of {WHERE}")
        out.append(
            TopicRule(
                id=raw["id"],
                topic=namespace + raw["topic"],
                where=raw["in"],
                any=tuple(raw["any"]),
                all=tuple(raw.get("all", ())),
                none=tuple(raw.get("none", ())),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def top_concepts() -> dict[str, tuple[str, ...]]:
    """Each concept of the topic scheme → the top concepts it counts under: itself when it is
    one, else its broader concepts that are (the scheme has two levels; ontology/topics.ttl)."""
    from pyoxigraph import RdfFormat, parse

    skos = "http://www.w3.org/2004/02/skos/core#"
    broader: dict[str, set[str]] = {}
    tops: set[str] = set()
    for triple in parse(read_text("ontology", "topics.ttl"), format=RdfFormat.TURTLE):
        if triple.predicate.value == skos + "broader":
            broader.setdefault(triple.subject.value, set()).add(triple.object.value)
        elif triple.predicate.value == skos + "topConceptOf":
            tops.add(triple.subject.value)
    concepts = tops | set(broader)
    return {c: tuple(sorted(({c} & tops) | (broader.get(c, set()) & tops))) for c in concepts}


@lru_cache(maxsize=1)
def _terms() -> tuple[str, ...]:
    return tuple(sorted({t for rule in rules() for t in (*rule.any, *rule.all, *rule.none)}))


def classify(text: str, *, indicators: tuple[str, ...] = ()) -> list[TopicHit]:
    """The topics of a task, each with the rule that fired, in rule order (one hit per topic:
    the first rule that gives it). Text rules all apply; indicator rules apply to the nearest
    heading on which any of them fires."""
    hits: dict[str, TopicHit] = {}
    words = Words.of(text)
    for rule in rules():
        if rule.where != "indicator" and rule.fires(words):
            hits.setdefault(rule.topic, TopicHit(topic=rule.topic, rule=rule.id, where="text"))
    for depth, heading in enumerate(reversed(indicators)):
        # Outer headings are often slogans (一、围绕服务经济和保障民生抓好主动公开): only the
        # heading-only rules read them, so a passing word does not label the whole section.
        fired = _heading_rules(heading, nearest=depth == 0)
        for rule in fired:
            hits.setdefault(rule.topic, TopicHit(topic=rule.topic, rule=rule.id, where="indicator"))
        if fired:
            break
    return list(hits.values())


@lru_cache(maxsize=8192)
def _heading_rules(heading: str, *, nearest: bool) -> tuple[TopicRule, ...]:
    """The rules that fire on one heading; every task under it asks the same question."""
    usable = ("indicator", "both") if nearest else ("indicator",)
    words = Words.of(heading)
    return tuple(r for r in rules() if r.where in usable and r.fires(words))
