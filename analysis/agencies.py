"""Units named in ledger cells: splitting a cell into units, reading 牵头/配合 markers, resolving
short names within a jurisdiction, and giving each body a functional type.

Every rule is driven by the vocabulary in ``analysis/data/agencies.json`` and
``analysis/data/agency-types.json``; the unit endings and role markers of ``agencies.json`` are
also the loaders' (``unit_words``): they build their tests of a unit cell from them. Words are
looked up in the *key* of the printed text (``analysis.normalise.key``: simplified,
width-folded, pinyin glosses as fillers, same length as the text), so 牽頭/負責/協辦 and
（）/，/； need no vocabulary of their own, while names are sliced from the printed text by the
same positions and keep their characters and glosses as written.

Splitting (``split_units``) — the gold conventions of real ledgers
  1. Hard separators (、，,；;/) always separate units, but never inside brackets
     (各县(市、区)人民政府(管委会) is one unit, whatever the brackets' width).
  2. Whitespace and line breaks inside a piece are PDF/Word wrapping unless both sides are whole
     unit names: fragments are joined when the left one does not end in a unit suffix
     (区工业和信息化 + 局), when the right one is a single character or a bare suffix
     (政府各工作部 + 门, 区工业和信息化 + 局), or when it is a parenthesis or a role marker.
  3. A unit ends at its role marker, which may follow adverbs (按职责分工负责, 具体落实); what
     follows the marker is a verb phrase and is dropped (区司法局牵头区级规范性文件集中公开工作 →
     区司法局). A marker inside a piece only ends a unit when a whole unit name precedes it, so
     局主办科室 stays whole.
  4. 等 ends a list (土管所等 → 土管所); between two unit names it separates them (市税务局等市有关
     单位 → 市税务局, 市有关单位); a bare suffix after it (等部门) is dropped.
  5. A run written without any separator (民政局司法局) is cut after a unit suffix only where
     jieba, with the shipped lexicon of agency names, also sees a word boundary and both sides are
     unit names; never inside a suffix (股室), before a character listed in ``no_cut_before``
     (其他股 + 室及属下单位) or next to a conjunction (names joined by 及/和 stay one name);
     区委编办 stays whole because the lexicon knows it.
  6. Roles: 牵头/主办 units are lead, 配合/协助/协办 units co-operating; the other units of a cell
     (unmarked or marked 负责/落实) keep the column's role, except that in a cell naming a lead
     unit they are responsible rather than lead.
  7. Brackets stay in the name as written (省编办（省审改办）, 各县（市、区）); only a bracket that
     describes a duty (（负责资金保障）, opening with a marker or a word of ``note_openers``)
     becomes the mention's ``note``. ``name`` writes structural brackets full-width; ``raw`` is the
     name exactly as printed (whitespace removed); pinyin glosses (規(guī)劃) are kept in both.

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
from typing import Any

from ..model import Role
from ..resources import read_text
from .jurisdictions import JurisdictionInfo, find_jurisdiction, split_jurisdiction
from .normalise import FILLER, fold, key


@dataclass(frozen=True)
class UnitMention:
    """One unit named in a cell. ``name``: the name as written, whitespace removed and brackets
    full-width; ``raw``: the same name exactly as printed (bracket widths, glosses, traditional
    characters); ``note``: a bracketed duty description moved out of the name."""

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


_LEAD, _COOPERATING, _RESPONSIBLE = "lead", "cooperating", "responsible"


@dataclass(frozen=True)
class _Vocabulary:
    hard: frozenset[str]
    markers: tuple[tuple[str, str], ...]
    """(word, kind), longest first: 牵头负责 before 牵头 before 负责."""
    adverbs: tuple[str, ...]
    marker_words: tuple[str, ...]
    """The adverbs and the markers' words: what a role marker can begin with. A cell is asked
    for a marker at every position, and at most positions none of these begins."""
    note_openers: tuple[str, ...]
    etc_words: tuple[str, ...]
    conjunctions: tuple[str, ...]
    unit_suffixes: tuple[str, ...]
    inner_split_after: tuple[str, ...]
    no_cut_before: tuple[str, ...]
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
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(read_text("analysis", "data", "agencies.json"))
    return loaded


@dataclass(frozen=True)
class UnitWords:
    """The words that tell a unit name and the role it plays, as ``agencies.json`` lists them
    (simplified, longest first). The loaders build their cell patterns from these (a cell that
    names units, a clause that assigns a role), so the genre's unit endings and role markers are
    listed once, here."""

    suffixes: tuple[str, ...]
    """Endings of bodies' names (局, 办公室, 中心, 署, 台…), and of places standing for their
    government (镇, 乡, 街道)."""
    markers: dict[Role, tuple[str, ...]]
    """Role markers by the role they give: lead (牵头, 主办, 主责), responsible (负责, 落实),
    co-operating (配合, 协助, 协办, 参与, 协同); lead first, then responsible, then co-operating."""
    adverbs: tuple[str, ...]
    """Words that may come before a marker (按职责分工, 分别, 具体)."""
    etc_words: tuple[str, ...]
    """等: what ends a list of units."""
    cell_only_suffixes: tuple[str, ...]
    """Endings of what a unit column names besides bodies: the leader who answers for a task
    (分管领导) and a development zone standing for its administration (高新区, 开发区). A cell
    that ends so names units, but ``split_units`` does not take them for the end of a name
    (县政务公开工作领导 + 小组办公室 is one wrapped name; 各镇 + 高新区 stays two)."""
    cell_only_markers: tuple[str, ...]
    """Markers that give a role in a unit cell but are ordinary verbs in running prose
    (落实情况, 协同联动): a sentence is not read as assigning a role by them."""


@lru_cache(maxsize=1)
def unit_words() -> UnitWords:
    """The unit endings and role markers of ``agencies.json`` (see ``UnitWords``)."""
    data = _data()
    return UnitWords(
        suffixes=by_length(data["unit_suffixes"]),
        markers={
            Role.LEAD: by_length(data["lead_markers"]),
            Role.RESPONSIBLE: by_length(data["responsible_markers"]),
            Role.COOPERATING: by_length(data["cooperating_markers"]),
        },
        adverbs=by_length(data["marker_adverbs"]),
        etc_words=by_length(data["etc_words"]),
        cell_only_suffixes=by_length(data["cell_only_suffixes"]),
        cell_only_markers=by_length(data["cell_only_markers"]),
    )


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = _data()
    kinds = json.loads(read_text("analysis", "data", "agency-types.json"))
    ns = kinds["namespace"]
    markers = [(w, _LEAD) for w in data["lead_markers"]]
    markers += [(w, _COOPERATING) for w in data["cooperating_markers"]]
    markers += [(w, _RESPONSIBLE) for w in data["responsible_markers"]]
    adverbs = by_length([fold(w) for w in data["marker_adverbs"]])
    return _Vocabulary(
        hard=frozenset(fold(data["hard_separators"])) | frozenset(data["hard_separators"]),
        markers=tuple(sorted(((fold(w), k) for w, k in markers), key=lambda m: len(m[0]), reverse=True)),
        adverbs=adverbs,
        marker_words=(*adverbs, *(fold(w) for w, _ in markers)),
        note_openers=by_length([fold(w) for w in data["note_openers"]]),
        etc_words=by_length(data["etc_words"]),
        conjunctions=by_length(data["conjunctions"]),
        unit_suffixes=by_length(data["unit_suffixes"]),
        inner_split_after=by_length(data["inner_split_after"]),
        no_cut_before=tuple(data["no_cut_before"]),
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
_PAREN_GROUP = re.compile(r"[（(]([^（）()]*)[）)]")


def _clean(text: str) -> str:
    """Whitespace removed and brackets full-width; a pinyin gloss (規(guī)劃) stays as printed."""
    if "(" in text or ")" in text:
        text = "".join(ch if kc == FILLER else ch.translate(_PARENS) for ch, kc in zip(text, key(text)))
    return re.sub(r"\s+", "", text.replace("\u3000", " "))


def _bare(name: str) -> str:
    """The name without parenthesised parts (各乡镇（街道） → 各乡镇)."""
    return _PAREN_GROUP.sub("", name)


# Everything below, up to ``split_units``, works on the *folded key* of a cell: simplified,
# half-width brackets, no whitespace, no glosses; positions map back to the printed text.


def _closing(text: str, start: int) -> int | None:
    """The position of the bracket closing the one opened at ``start``, if it is closed."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def _outside(text: str) -> list[bool]:
    """Whether each position is outside every matched bracket pair (the brackets themselves are
    not outside); an unclosed bracket protects nothing."""
    outside = [True] * len(text)
    i = 0
    while i < len(text):
        if text[i] == "(":
            end = _closing(text, i)
            if end is not None:
                for j in range(i, end + 1):
                    outside[j] = False
                i = end + 1
                continue
        i += 1
    return outside


def _marker_at(text: str, start: int) -> tuple[int, str | None] | None:
    """A role marker, with the adverbs before it, starting at ``start`` (按职责分工负责, 牵头负责,
    （牵头）): where it ends and the role it gives (None for adverbs alone), or None."""
    v = _vocabulary()
    i, kinds = start, []
    while i < len(text):
        if text[i] == "(":
            end = _closing(text, i)
            inner = _marker_at(text[:end], i + 1) if end is not None else None
            if inner is None or inner[0] != end:
                break
            kinds.append(inner[1])
            i = end + 1
            continue
        if not text.startswith(v.marker_words, i):
            break
        adverb = next((w for w in v.adverbs if text.startswith(w, i)), None)
        if adverb is not None:
            i += len(adverb)
            continue
        marker = next(((w, k) for w, k in v.markers if text.startswith(w, i)), None)
        if marker is None:
            break
        kinds.append(marker[1])
        i += len(marker[0])
    if i == start:
        return None
    for kind in (_LEAD, _COOPERATING, _RESPONSIBLE):
        if kind in kinds:
            return i, kind
    return i, None


def _is_marker(text: str) -> bool:
    found = _marker_at(text, 0)
    return found is not None and found[0] == len(text)


def _strip_etc(text: str) -> str:
    """A trailing 等 removed: 土管所等 → 土管所."""
    for word in _vocabulary().etc_words:
        if text.endswith(word) and len(text) > len(word):
            return _strip_etc(text[: -len(word)])
    return text


def _read(text: str) -> tuple[int, str | None]:
    """Where the unit named at the start of ``text`` ends, and the role its marker gives: at a
    marker closing the text, or at one followed by a verb phrase when a whole unit name precedes
    it (区司法局牵头区级规范性文件集中公开工作 → 区司法局; not 局主办科室 or 各单位负责人)."""
    outside = _outside(text)
    for j in range(1, len(text)):
        if not outside[j] and text[j] != "(":
            continue
        found = _marker_at(text, j)
        if found is None:
            continue
        end, kind = found
        if end == len(text):
            return j, kind
        # A verb phrase follows: only after a whole unit name, and not a word that merely starts
        # with a marker (负责人); an adverb (按职责分工…) always opens one, even cut off (按职责分工落).
        verb = len(_bare(text[end:])) >= 2 or text.startswith(_vocabulary().adverbs, j)
        if verb and _is_unit_name(_strip_etc(text[:j])):
            return j, kind
    return len(text), None


def _strip_marker(text: str) -> tuple[str, str | None]:
    """A trailing role marker removed: 秘书处配合 → (秘书处, co-operating)."""
    end, kind = _read(text)
    return text[:end], kind


def _ends_as_unit(text: str) -> bool:
    bare = _bare(_strip_marker(text)[0])
    return any(bare.endswith(s) for s in _vocabulary().unit_suffixes)


def _is_unit_name(text: str) -> bool:
    """Whether ``text`` could stand alone as a unit: two characters or more, ending in a suffix."""
    bare = _bare(text)
    return len(bare) >= 2 and any(bare.endswith(s) for s in _vocabulary().unit_suffixes)


def _join_wrapped(fragments: list[str]) -> list[str]:
    joined: list[str] = []
    for fragment in fragments:
        if joined:
            left = joined[-1]
            if (
                fragment.startswith("(")
                or _is_marker(fragment)
                or (not _ends_as_unit(left) and _strip_marker(left)[1] is None)
                or len(fragment) == 1
                or fragment in _vocabulary().unit_suffixes
            ):
                joined[-1] = left + fragment
                continue
        joined.append(fragment)
    return joined


def _may_cut(run: str, cut: int) -> bool:
    """Whether a run may be cut at ``cut``: not inside a suffix (股|室), not before a character
    that only ends names (其他股|室及属下单位), not next to a conjunction (财务科|和人事科)."""
    v = _vocabulary()
    if run.startswith(v.no_cut_before, cut) or run.startswith(v.conjunctions, cut):
        return False
    if run[:cut].endswith(v.conjunctions):
        return False
    return not any(
        run.startswith(s, i) for s in v.unit_suffixes if len(s) > 1 for i in range(cut - len(s) + 1, cut) if i >= 0
    )


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
        if c >= 3 and len(bare) - c >= 3 and _may_cut(bare, c) and _is_unit_name(bare[:c]) and _is_unit_name(bare[c:])
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


def _names(text: str) -> list[tuple[int, int]]:
    """The names in a unit's text without its marker, as spans: 等 ending the list dropped, 等
    between two names separating them, runs cut between names."""
    v = _vocabulary()
    text = _strip_etc(text)
    spans, start, outside = [], 0, _outside(text)
    for i in range(1, len(text)):
        if not outside[i] or i < start:
            continue
        word = next((w for w in v.etc_words if text.startswith(w, i)), None)
        if word is None:
            continue
        left, right = text[start:i], text[i + len(word) :]
        if _is_unit_name(left) and _is_unit_name(right):
            spans.append((start, i))
            start = i + len(word)
            if right in v.unit_suffixes:  # 等部门: the list's generic tail, not a unit
                return spans
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        position = a
        for part in _split_run(text[a:b]):
            out.append((position, position + len(part)))
            position += len(part)
    return out


def _notes(text: str) -> list[tuple[int, int]]:
    """Bracketed duty descriptions in a name (区财政局（负责资金保障）): their spans, brackets
    included. Other brackets (省编办（省审改办）, 各乡镇（街道）) belong to the name."""
    v = _vocabulary()
    openers = v.note_openers + v.adverbs + tuple(w for w, _ in v.markers)
    spans, i = [], 0
    while i < len(text):
        end = _closing(text, i) if text[i] == "(" else None
        if end is None:
            i += 1
            continue
        if text.startswith(openers, i + 1) and not _is_marker(text[i + 1 : end]):
            spans.append((i, end + 1))
        i = end + 1
    return spans


def _is_group_key(bare: str) -> bool:
    v = _vocabulary()
    return any(m in bare for m in v.collective_markers) or any(bare.endswith(s) for s in v.collective_suffixes)


def is_group(name: str) -> bool:
    """Collective designations: 各镇, 县政府各部门, 区政府有关部门, 直属机构, 相关业务科室."""
    return _is_group_key(_bare(fold(name)))


@dataclass
class _Cell:
    """A cell's folded key (``text``) with, for each of its characters, the printed character as
    the name writes it (``name``) and as printed (``raw``), glosses attached, and the positions
    that followed whitespace (``gaps``)."""

    text: str
    name: list[str]
    raw: list[str]
    gaps: set[int]

    @classmethod
    def read(cls, printed: str) -> _Cell:
        chars: list[str] = []
        name: list[str] = []
        raw: list[str] = []
        gaps: set[int] = set()
        gap = False
        for ch, kc in zip(printed, key(printed)):
            if ch == FILLER:
                continue
            if kc == FILLER:  # a pinyin gloss belongs to the character before it
                if name:
                    name[-1] += ch
                    raw[-1] += ch
                continue
            if kc.isspace():
                gap = True
                continue
            if gap and chars:
                gaps.add(len(chars))
            gap = False
            chars.append(kc)
            name.append(ch.translate(_PARENS))
            raw.append(ch)
        return cls("".join(chars), name, raw, gaps)

    def pieces(self) -> list[tuple[int, int]]:
        """Spans between hard separators outside brackets."""
        hard, outside = _vocabulary().hard, _outside(self.text)
        spans, start = [], 0
        for i, ch in enumerate(self.text):
            if ch in hard and outside[i]:
                spans.append((start, i))
                start = i + 1
        spans.append((start, len(self.text)))
        return [(a, b) for a, b in spans if a < b]

    def fragments(self, a: int, b: int) -> list[tuple[int, int]]:
        """The piece's spans between whitespace outside brackets."""
        outside = _outside(self.text[a:b])
        cuts = [i for i in range(a + 1, b) if i in self.gaps and outside[i - a]]
        bounds = [a, *cuts, b]
        return list(zip(bounds, bounds[1:]))


def split_units(text: str, *, role: Role) -> list[UnitMention]:
    """Units named in one cell, with the role each plays (see the module docstring)."""
    cell = _Cell.read(text)
    found: list[tuple[int, int, str | None]] = []
    for a, b in cell.pieces():
        position = a
        for unit in _join_wrapped([cell.text[x:y] for x, y in cell.fragments(a, b)]):
            start, position = position, position + len(unit)
            end, kind = _read(unit)
            name = unit[:end]
            if not name or _is_marker(name) or name in _vocabulary().etc_words:
                continue
            if len(_bare(name)) < 2 and name not in _vocabulary().unit_suffixes:
                continue  # a lone character (a cell cut off after 有) names no unit
            found.extend((start + x, start + y, kind) for x, y in _names(name))
    has_lead = any(kind == _LEAD for _, _, kind in found)
    mentions = []
    for a, b, kind in found:
        notes = [(a + x, a + y) for x, y in _notes(cell.text[a:b])]
        dropped = {i for x, y in notes for i in range(x, y)}
        kept = [i for i in range(a, b) if i not in dropped]
        if not kept:
            continue
        if kind == _LEAD:
            mention_role = Role.LEAD
        elif kind == _COOPERATING:
            mention_role = Role.COOPERATING
        else:
            mention_role = Role.RESPONSIBLE if has_lead and role is Role.LEAD else role
        note = "；".join("".join(cell.name[x + 1 : y - 1]) for x, y in notes) or None
        mentions.append(
            UnitMention(
                name="".join(cell.name[i] for i in kept),
                raw="".join(cell.raw[i] for i in kept),
                role=mention_role,
                note=note,
                is_group=_is_group_key(_bare("".join(cell.text[i] for i in kept))),
            )
        )
    return mentions


def agency_type(name: str) -> str:
    """The IRI of the functional type of a body: the longest matching keyword or suffix of
    ``agency-types.json`` (earlier entries win ties), else the fallback type."""
    v = _vocabulary()
    bare = _bare(fold(name))
    best, best_length = v.fallback_type, 0
    for rule in v.types:
        for keyword in rule.keywords:
            if keyword in bare and len(keyword) > best_length:
                best, best_length = rule.iri, len(keyword)
        for suffix in rule.suffixes:
            if bare.endswith(suffix) and len(suffix) > best_length:
                best, best_length = rule.iri, len(suffix)
    return best


_TRAILING_BRACKETS = re.compile(r"(?:（[^（）]*）)+$")


def _expand(stem: str) -> str:
    """Short forms written out (政府办 → 人民政府办公室, 委编办 → 委机构编制委员会办公室)."""
    abbreviations = _vocabulary().abbreviations
    bracketed = _TRAILING_BRACKETS.search(stem)
    if bracketed and bracketed.start() > 0:  # 编办（省审改办） → 机构编制委员会办公室（省审改办）
        return _expand(stem[: bracketed.start()]) + bracketed.group()
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
    if not issuer or _is_government(issuer, place):
        label = clean if group or place is None else place.name + _expand(clean)
        return AgencyName(key=label, label=label, is_group=group, agency_type=agency_type(clean))
    owner = resolve_agency(issuer, jurisdiction=jurisdiction, issuer=None).label
    if clean == owner or clean == _clean(issuer):
        return AgencyName(key=owner, label=owner, is_group=group, agency_type=agency_type(owner))
    label = owner + clean
    return AgencyName(key=label, label=label, is_group=group, agency_type=v.division_type)
