"""Jurisdictions named in issuers and titles (濮阳市华龙区人民政府办公室 → 华龙区 in 濮阳市 in 河南省).

Names are looked up in a gazetteer of GB/T 2260 administrative divisions shipped as
``analysis/data/divisions.csv`` (code, name, level, parent code; provinces, prefecture-level and
county-level divisions, as published in 2020 — the facts were taken from the data of the ``cpca``
package). A known name yields its code and its chain of parents, so that the same county meets on
one IRI whichever ledger names it. Townships are not in the gazetteer: a 镇/乡/街道 name written
right after a county is returned as a Township without a code."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache

from ..resources import package_file

# A township name following its county: two to six characters ending in 镇, 乡 or 街道,
# without the characters that end department names (局, 委, 办…).
_TOWNSHIP = re.compile(r"^([^\s局委办厅部处科室院所中心]{1,6}?(?:街道|镇|乡))(?:人民政府|办事处|$|[^村])")
_IGNORED_ANYWHERE = 3  # shortest name accepted when it is not at the start of the text


@dataclass(frozen=True)
class JurisdictionInfo:
    name: str
    level: str | None
    code: str | None = None
    parent: "JurisdictionInfo | None" = None

    def chain(self) -> list["JurisdictionInfo"]:
        """This jurisdiction and its parents, innermost first."""
        out: list[JurisdictionInfo] = []
        node: JurisdictionInfo | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass(frozen=True)
class _Division:
    code: str
    name: str
    level: str
    parent: str | None


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, _Division], dict[str, tuple[_Division, ...]], int]:
    text = package_file("analysis", "data", "divisions.csv").read_text(encoding="utf-8")
    by_code: dict[str, _Division] = {}
    by_name: dict[str, list[_Division]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        division = _Division(row["code"], row["name"], row["level"], row["parent"] or None)
        by_code[division.code] = division
        by_name.setdefault(division.name, []).append(division)
    longest = max(len(name) for name in by_name)
    return by_code, {k: tuple(v) for k, v in by_name.items()}, longest


def division(code: str) -> JurisdictionInfo | None:
    """The division with this GB/T 2260 code, with its parents."""
    by_code, _, _ = _gazetteer()
    found = by_code.get(code)
    return _info(found) if found else None


def _info(found: _Division) -> JurisdictionInfo:
    by_code, _, _ = _gazetteer()
    parent = by_code.get(found.parent) if found.parent else None
    return JurisdictionInfo(
        name=found.name, level=found.level, code=found.code, parent=_info(parent) if parent else None
    )


def _ancestors(found: _Division) -> set[str]:
    by_code, _, _ = _gazetteer()
    codes: set[str] = set()
    node = by_code.get(found.parent) if found.parent else None
    while node is not None:
        codes.add(node.code)
        node = by_code.get(node.parent) if node.parent else None
    return codes


def _match_at(text: str, start: int, *, minimum: int) -> list[tuple[str, tuple[_Division, ...]]]:
    """Gazetteer names beginning at ``start``, longest first."""
    _, by_name, longest = _gazetteer()
    found = []
    for length in range(min(longest, len(text) - start), minimum - 1, -1):
        name = text[start : start + length]
        if name in by_name:
            found.append((name, by_name[name]))
    return found


def split_jurisdiction(text: str) -> tuple[JurisdictionInfo | None, str]:
    """The jurisdiction written at the start of ``text`` (a chain such as 陕西省安康市石泉县 or a
    single name) and the rest of the text (石泉县财政局 → 石泉县, 财政局)."""
    text = re.sub(r"\s+", "", text)
    position = 0
    chosen: _Division | None = None
    while True:
        step = None
        for name, candidates in _match_at(text, position, minimum=2):
            fitting = [c for c in candidates if chosen is None or chosen.code in _ancestors(c)]
            if chosen is None and len(fitting) > 1:
                step = (name, None, fitting)
                break
            if fitting:
                step = (name, fitting[0], fitting)
                break
        if step is None:
            break
        name, picked, candidates = step
        position += len(name)
        if picked is None:
            # An ambiguous name (朝阳区) with nothing before it to choose between its namesakes.
            level = candidates[0].level if len({c.level for c in candidates}) == 1 else None
            return _township(JurisdictionInfo(name=name, level=level), text, position)
        chosen = picked
    if chosen is None:
        return None, text
    return _township(_info(chosen), text, position)


def _township(place: JurisdictionInfo, text: str, position: int) -> tuple[JurisdictionInfo, str]:
    if place.level != "County":
        return place, text[position:]
    match = _TOWNSHIP.match(text[position:])
    if not match:
        return place, text[position:]
    name = match.group(1)
    return JurisdictionInfo(name=name, level="Township", parent=place), text[position + len(name) :]


def find_jurisdiction(text: str) -> JurisdictionInfo | None:
    """The innermost jurisdiction named in an issuer, a jurisdiction name or a title, with the
    enclosing ones as parents. A name at the start of the text is preferred; otherwise the first
    gazetteer name of three characters or more anywhere in the text (two-character names such as
    城区 are too often ordinary words)."""
    compact = re.sub(r"\s+", "", text or "")
    if not compact:
        return None
    place, _ = split_jurisdiction(compact)
    if place is not None:
        return place
    for start in range(1, len(compact)):
        if _match_at(compact, start, minimum=_IGNORED_ANYWHERE):
            place, _ = split_jurisdiction(compact[start:])
            if place is not None:
                return place
    return _by_suffix(compact)


# A name the gazetteer does not know (a division created or renamed after it was made) is still
# read from its administrative suffix when a government body's name follows it.
_SUFFIX_LEVELS = (("省", "Province"), ("自治区", "Province"), ("自治州", "City"), ("盟", "City"),
                  ("自治县", "County"), ("县", "County"), ("区", "County"), ("旗", "County"), ("市", "City"))
_UNKNOWN_PLACE = re.compile(
    r"^([\u4e00-\u9fff]{2,4}?(?:" + "|".join(suffix for suffix, _ in _SUFFIX_LEVELS) + r"))"
    r"(?=人民政府|政府|[\u4e00-\u9fff]{0,12}?(?:局|委员会|办公室|中心|联合会|管委会))"
)


_LEVEL_WORDS = frozenset({"自治区", "自治州", "自治县", "特别行政区"})
_GENERIC_PREFIXES = ("本", "全", "各", "该", "我", "市辖", "县辖")


def _by_suffix(text: str) -> JurisdictionInfo | None:
    match = _UNKNOWN_PLACE.match(text)
    if not match:
        return None
    name = match.group(1)
    if name in _LEVEL_WORDS or name.startswith(_GENERIC_PREFIXES):
        return None  # 自治区卫生健康委, 本区财政局, 全市…: a level word, not a place's name
    level = next(level for suffix, level in _SUFFIX_LEVELS if name.endswith(suffix))
    return JurisdictionInfo(name=name, level=level)
