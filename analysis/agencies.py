"""Units named in ledger cells: splitting a cell into units, reading 牵头/配合 markers, resolving
short names within a jurisdiction, and giving each body a functional type.

Every rule is driven by the vocabulary in ``analysis/data/agencies.json`` and
``analysis/data/agency-types.json``:

Splitting (``split_units``)
  1. Hard separators (、，,；;/) always separate units.
  2. Whitespace and line breaks inside a piece are PDF/Word wrapping unless both sides are whole
     unit names: fragments are joined when the left one does not end in a unit suffix
     (区工业和信息化 + 局), when the right one is a single character or a bare suffix
     (政府各工作部 + 门, 区工业和信息化 + 局), or when it is a parenthesis or a role marker.
  3. A run written without any separator (民政局司法局) is cut after a unit suffix only where
     jieba, with the shipped lexicon of agency names, also sees a word boundary and both sides are
     unit names; 区委编办 stays whole because the lexicon knows it.
  4. Role markers at the end (牵头, 负责 → lead; 配合, 协助 → co-operating) override the role
     the column gives; parenthesised words that belong to the name (（单位）, （街道）) stay in it,
     other parentheses become the mention's ``note``.

Resolving (``resolve_agency``) — the canonical name is the full name within the jurisdiction:
  * a leading gazetteer name is kept (石泉县财政局); a leading level word standing for the ledger's
    jurisdiction or one of its parents is replaced by its name (区财政局 in 华龙区 → 华龙区财政局,
    省财政厅 in 华龙区 → 河南省财政厅);
  * a bare name in a ledger issued by a government or its general office is a body of that
    jurisdiction (财政局 in 石泉县 → 石泉县财政局);
  * a bare name in a ledger issued by a department (人防办, 残联) is one of that department's
    internal divisions or subordinate centres: its canonical name is the issuer's name followed by
    the division's (秘书处 of 河南省人民防空办公室 → 河南省人民防空办公室秘书处), so two bodies'
    秘书处 never merge; its type is InternalDivision;
  * known short forms are expanded (政府办 → 人民政府办公室, 人社局 → 人力资源和社会保障局), so
    every spelling of one body meets on one key; the builder keeps the spelling as skos:altLabel.
Collective designations (各镇, 县政府各部门, 直属机构, 相关业务科室) are groups."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from ..loaders.model import Role
from ..resources import read_text
from .jurisdictions import JurisdictionInfo, find_jurisdiction, split_jurisdiction


@dataclass(frozen=True)
class UnitMention:
    name: str
    raw: str
    role: Role
    note: str | None = None
    is_group: bool = False


@dataclass(frozen=True)
class AgencyName:
    key: str
    label: str
    is_group: bool
    agency_type: str | None = None


@dataclass(frozen=True)
class _TypeRule:
    iri: str
    keywords: tuple[str, ...]
    suffixes: tuple[str, ...]


@dataclass(frozen=True)
class _Vocabulary:
    hard: re.Pattern[str]
    lead_markers: tuple[str, ...]
    cooperating_markers: tuple[str, ...]
    unit_suffixes: tuple[str, ...]
    inner_split_after: tuple[str, ...]
    name_words_in_parentheses: frozenset[str]
    collective_markers: tuple[str, ...]
    collective_suffixes: tuple[str, ...]
    government_stems: frozenset[str]
    not_level_prefixes: tuple[str, ...]
    abbreviations: dict[str, str]
    types: tuple[_TypeRule, ...]
    fallback_type: str
    division_type: str


def by_length(words: list[str]) -> tuple[str, ...]:
    """Longest first, so that 牵头负责 is tried before 负责."""
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = json.loads(read_text("analysis", "data", "agencies.json"))
    kinds = json.loads(read_text("analysis", "data", "agency-types.json"))
    ns = kinds["namespace"]
    return _Vocabulary(
        hard=re.compile("[" + re.escape(data["hard_separators"]) + "]+"),
        lead_markers=by_length(data["lead_markers"]),
        cooperating_markers=by_length(data["cooperating_markers"]),
        unit_suffixes=by_length(data["unit_suffixes"]),
        inner_split_after=by_length(data["inner_split_after"]),
        name_words_in_parentheses=frozenset(data["name_words_in_parentheses"]),
        collective_markers=tuple(data["collective_markers"]),
        collective_suffixes=by_length(data["collective_suffixes"]),
        government_stems=frozenset(data["government_stems"]),
        not_level_prefixes=tuple(data["not_level_prefixes"]),
        abbreviations=data["abbreviations"],
        types=tuple(
            _TypeRule(iri=ns + t["type"], keywords=tuple(t["keywords"]), suffixes=tuple(t["suffixes"]))
            for t in kinds["types"]
        ),
        fallback_type=ns + kinds["fallback"],
        division_type=ns + kinds["division"],
    )


_PARENS = str.maketrans({"(": "（", ")": "）", "\u3000": " "})
_PAREN_GROUP = re.compile(r"（([^（）]*)）")


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_PARENS))


def _bare(name: str) -> str:
    """The name without parenthesised parts (各乡镇（街道） → 各乡镇)."""
    return _PAREN_GROUP.sub("", name)


def _strip_marker(text: str) -> tuple[str, Role | None]:
    """A trailing role marker removed: 秘书处配合 → (秘书处, co-operating)."""
    v = _vocabulary()
    for markers, role in ((v.cooperating_markers, Role.COOPERATING), (v.lead_markers, Role.LEAD)):
        for marker in markers:
            for form in (f"（{marker}）", marker):
                if text.endswith(form) and len(text) > len(form):
                    return text[: -len(form)], role
    return text, None


def _is_marker(text: str) -> bool:
    v = _vocabulary()
    bare = text.strip("（）")
    return bare in v.lead_markers or bare in v.cooperating_markers


def _ends_as_unit(text: str) -> bool:
    bare = _bare(_strip_marker(_clean(text))[0])
    return any(bare.endswith(s) for s in _vocabulary().unit_suffixes)


def _is_unit_name(text: str) -> bool:
    """Whether ``text`` could stand alone as a unit: two characters or more, ending in a suffix."""
    bare = _bare(_strip_marker(_clean(text))[0])
    return len(bare) >= 2 and _ends_as_unit(bare)


def _join_wrapped(fragments: list[str]) -> list[str]:
    joined: list[str] = []
    for fragment in fragments:
        if joined:
            left = joined[-1]
            if (
                fragment.startswith(("（", "("))
                or _is_marker(fragment)
                or (not _ends_as_unit(left) and _strip_marker(_clean(left))[1] is None)
                or len(fragment) == 1
                or fragment in _vocabulary().unit_suffixes
            ):
                joined[-1] = left + fragment
                continue
        joined.append(fragment)
    return joined


def _split_run(run: str) -> list[str]:
    """A run without separators cut between unit names (民政局司法局 → 民政局, 司法局)."""
    v = _vocabulary()
    bare = _bare(run)
    candidates = [
        i + len(s)
        for i in range(1, len(bare))
        for s in v.inner_split_after
        if bare.startswith(s, i) and 2 <= i + len(s) <= len(bare) - 2
    ]
    # Both sides must be names of three characters or more: 区委 + 编办 or 区政府办 + 公室 are not
    # two units, and skipping them keeps jieba unloaded for ordinary cells.
    cuts = [
        c
        for c in sorted(set(candidates))
        if c >= 3 and len(bare) - c >= 3 and _is_unit_name(bare[:c]) and _is_unit_name(bare[c:])
    ]
    if not cuts or bare != run:
        return [run]
    from . import lexicon  # jieba only for runs that may hold several names

    boundaries, position = set(), 0
    for word in lexicon.cut(run):
        position += len(word)
        boundaries.add(position)
    pieces, start = [], 0
    for cut in cuts:
        if cut in boundaries and _is_unit_name(run[start:cut]):
            pieces.append(run[start:cut])
            start = cut
    pieces.append(run[start:])
    if len(pieces) > 1 and not _is_unit_name(pieces[-1]):
        pieces[-2:] = [pieces[-2] + pieces[-1]]
    return pieces


def _note(name: str) -> tuple[str, str | None]:
    """Parenthesised words that belong to the name stay; others become the note."""
    v = _vocabulary()
    notes = []

    def keep_or_move(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner in v.name_words_in_parentheses:
            return match.group(0)
        notes.append(inner)
        return ""

    kept = _PAREN_GROUP.sub(keep_or_move, name)
    return kept, ("；".join(notes) if notes else None)


def is_group(name: str) -> bool:
    """Collective designations: 各镇, 县政府各部门, 区政府有关部门, 直属机构, 相关业务科室."""
    v = _vocabulary()
    bare = _bare(_clean(name))
    return any(m in bare for m in v.collective_markers) or any(
        bare.endswith(s) for s in v.collective_suffixes
    )


def split_units(text: str, *, role: Role) -> list[UnitMention]:
    """Units named in one cell, with the role each plays (markers override the column's role)."""
    v = _vocabulary()
    mentions: list[UnitMention] = []
    for piece in v.hard.split(text.translate(_PARENS)):
        fragments = [f for f in re.split(r"\s+", piece) if f]
        for raw in _join_wrapped(fragments):
            name, marker = _strip_marker(_clean(raw))
            if not name or _is_marker(name):
                continue
            for part in _split_run(name):
                kept, note = _note(part)
                if kept:
                    mentions.append(
                        UnitMention(name=kept, raw=raw, role=marker or role, note=note, is_group=is_group(kept))
                    )
    return mentions


def agency_type(name: str) -> str:
    """The IRI of the functional type of a body: the longest matching keyword or suffix of
    ``agency-types.json`` (earlier entries win ties), else the fallback type."""
    v = _vocabulary()
    bare = _bare(_clean(name))
    best, best_length = v.fallback_type, 0
    for rule in v.types:
        for keyword in rule.keywords:
            if keyword in bare and len(keyword) > best_length:
                best, best_length = rule.iri, len(keyword)
        for suffix in rule.suffixes:
            if bare.endswith(suffix) and len(suffix) > best_length:
                best, best_length = rule.iri, len(suffix)
    return best


def _expand(stem: str) -> str:
    """Short forms written out (政府办 → 人民政府办公室, 委编办 → 委机构编制委员会办公室)."""
    abbreviations = _vocabulary().abbreviations
    if stem in abbreviations:
        return abbreviations[stem]
    for short in sorted(abbreviations, key=len, reverse=True):
        if len(short) >= 3 and stem.endswith(short) and not stem.endswith(abbreviations[short]):
            return stem[: -len(short)] + abbreviations[short]
    return stem


@lru_cache(maxsize=64)
def _place(jurisdiction: str | None) -> JurisdictionInfo | None:
    if not jurisdiction:
        return None
    return find_jurisdiction(jurisdiction) or JurisdictionInfo(name=jurisdiction, level=None)


def _level_prefix(name: str, place: JurisdictionInfo | None) -> tuple[str, str] | None:
    """A leading level word (区, 县, 市, 省) standing for the jurisdiction or one of its parents;
    not when it begins an ordinary word (市场监管局 is not 市 + 场监管局)."""
    if place is None or name.startswith(_vocabulary().not_level_prefixes):
        return None
    for node in place.chain():
        word = node.name[-1]
        if name.startswith(word) and len(name) > 1 and not name.startswith(node.name):
            return node.name, name[1:]
    return None


def _is_government(issuer: str | None, place: JurisdictionInfo | None) -> bool:
    if not issuer:
        return True
    found, rest = split_jurisdiction(_clean(issuer))
    if found is None and place is not None and _clean(issuer).startswith(place.name):
        rest = _clean(issuer)[len(place.name) :]
    return rest in _vocabulary().government_stems or not rest


@lru_cache(maxsize=4096)
def resolve_agency(name: str, *, jurisdiction: str | None, issuer: str | None) -> AgencyName:
    """The canonical name of a unit within the ledger's jurisdiction (see the module docstring)."""
    v = _vocabulary()
    clean = _clean(name)
    place = _place(jurisdiction)
    group = is_group(clean)
    found, rest = split_jurisdiction(clean)
    if found is not None:
        # The innermost division names the body: 濮阳市华龙区人民政府办公室 → 华龙区人民政府办公室.
        label = found.name + (rest if group else _expand(rest))
        return AgencyName(key=label, label=label, is_group=group, agency_type=agency_type(rest))
    prefixed = _level_prefix(clean, place)
    if prefixed is not None:
        prefix, stem = prefixed
        label = prefix + (stem if group else _expand(stem))
        return AgencyName(key=label, label=label, is_group=group, agency_type=agency_type(stem))
    if _is_government(issuer, place):
        label = clean if group or place is None else place.name + _expand(clean)
        return AgencyName(key=label, label=label, is_group=group, agency_type=agency_type(clean))
    owner = resolve_agency(issuer, jurisdiction=jurisdiction, issuer=None).label
    if clean == owner or clean == _clean(issuer):
        return AgencyName(key=owner, label=owner, is_group=group, agency_type=agency_type(owner))
    label = owner + clean
    return AgencyName(key=label, label=label, is_group=group, agency_type=v.division_type)
