"""Quantitative requirements inside task text (20个工作日内, 不低于4%, 每年至少一次).

The rules are data (``analysis/data/requirements.json``): each names a kind (a concept of
zw:RequirementKindScheme: TimeLimit, Minimum, Maximum, Frequency, Ratio), a pattern, and a fixed
comparator or the words that give one. Rules are tried in order and a span read by an earlier
rule is not read again, so 每年至少开展一次 is one frequency and not also a minimum."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..resources import read_text
from .deadlines import normalise
from .numerals import to_decimal


@dataclass(frozen=True)
class Requirement:
    text: str
    kind: str
    value: Decimal
    unit: str
    comparator: str
    per: str | None = None


@dataclass(frozen=True)
class _Rule:
    name: str
    kind: str
    regex: re.Pattern[str]
    unit: str | None
    comparator: str | None


@dataclass(frozen=True)
class _Vocabulary:
    rules: tuple[_Rule, ...]
    comparators: dict[str, str]
    units: dict[str, str]
    periods: dict[str, str]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = json.loads(read_text("analysis", "data", "requirements.json"))

    def expand(pattern: str) -> str:
        return (
            pattern.replace("{N}", data["number"])
            .replace("{TIME}", data["time_units"])
            .replace("{COUNT}", data["count_units"])
        )

    rules = tuple(
        _Rule(
            name=rule["name"],
            kind=rule["kind"],
            regex=re.compile(expand(rule["pattern"])),
            unit=rule.get("unit"),
            comparator=rule.get("comparator"),
        )
        for rule in data["rules"]
    )
    return _Vocabulary(rules=rules, comparators=data["comparators"], units=data["units"], periods=data["periods"])


def _read(rule: _Rule, match: re.Match[str], vocabulary: _Vocabulary) -> Requirement | None:
    groups = match.groupdict()
    value = to_decimal(groups["num"])
    if value is None:
        return None
    comparator = rule.comparator
    if comparator is None:
        words = [groups.get(name) for name in ("cmp", "cmp2", "after")]
        comparator = next((vocabulary.comparators[w] for w in words if w), "=")
    unit = rule.unit or groups.get("unit") or ""
    per = groups.get("per")
    return Requirement(
        text=match.group(0),
        kind=rule.kind,
        value=value,
        unit=vocabulary.units.get(unit, unit),
        comparator=comparator,
        per=vocabulary.periods.get(per, per) if per else None,
    )


def find_requirements(text: str) -> list[Requirement]:
    """The quantitative requirements written in ``text``, in reading order."""
    compact = normalise(text)
    vocabulary = _vocabulary()
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Requirement]] = []
    for rule in vocabulary.rules:
        for match in rule.regex.finditer(compact):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            requirement = _read(rule, match, vocabulary)
            if requirement is not None:
                taken.append((start, end))
                found.append((start, requirement))
    return [requirement for _, requirement in sorted(found, key=lambda item: item[0])]
