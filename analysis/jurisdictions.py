"""Jurisdictions named in issuers and titles (濮阳市华龙区人民政府办公室 → 华龙区 in 濮阳市 in 河南省).

Names are looked up in a gazetteer of GB/T 2260 administrative divisions shipped as
``analysis/data/divisions.csv`` (code, name, level, parent code; provinces, prefecture-level and
county-level divisions, as published in 2020 — the facts were taken from the data of the ``cpca``
package). A known name yields its code and its chain of parents, so that the same county meets on
one IRI whichever ledger names it. Townships are not in the gazetteer: a 镇/乡/街道 name written
right after a county is returned as a Township without a code, when it is a plausible township
name (``analysis/data/places.json``): the front of an agency name is never a place, so
石泉县住房和城乡建设局 is a body of 石泉县, not of a township 住房和城乡."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..resources import package_file, read_text

_IGNORED_ANYWHERE = 3  # shortest name accepted when it is not at the start of the text


@dataclass(frozen=True)
class JurisdictionInfo:
    name: str
    level: str | None
    code: str | None = None
    parent: JurisdictionInfo | None = None

    def chain(self) -> list[JurisdictionInfo]:
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


def split_jurisdiction(text: str, *, within: JurisdictionInfo | None = None) -> tuple[JurisdictionInfo | None, str]:
    """The jurisdiction written at the start of ``text`` (a chain such as 陕西省安康市石泉县 or a
    single name) and the rest of the text (石泉县财政局 → 石泉县, 财政局). ``within``, the
    ledger's jurisdiction, chooses among namesakes (朝阳区 in a 北京市 ledger is 110105): the
    one that lies in it or above it; with none or several, the name stays without a code."""
    text = re.sub(r"\s+", "", text)
    position = 0
    chosen: _Division | None = None
    while True:
        step: tuple[str, _Division | None, list[_Division]] | None = None
        for name, candidates in _match_at(text, position, minimum=2):
            fitting = [c for c in candidates if chosen is None or chosen.code in _ancestors(c)]
            if chosen is None and len(fitting) > 1 and within is not None:
                fitting = _near(fitting, within) or fitting
            if chosen is None and len(fitting) > 1:
                step = (name, None, fitting)
                break
            if fitting:
                step = (name, fitting[0], fitting)
                break
        if step is None:
            break
        name, picked, namesakes = step
        position += len(name)
        if picked is None:
            # An ambiguous name (朝阳区) with nothing before it to choose between its namesakes.
            level = namesakes[0].level if len({c.level for c in namesakes}) == 1 else None
            return _township(JurisdictionInfo(name=name, level=level), text, position)
        chosen = picked
    if chosen is None:
        return None, text
    return _township(_info(chosen), text, position)


def _near(candidates: list[_Division], within: JurisdictionInfo) -> list[_Division]:
    """The namesakes that share a line of descent with ``within``: inside it, or one of its
    parents (a ledger's own jurisdiction and the bodies above it)."""
    codes = {node.code for node in within.chain() if node.code}
    return [c for c in candidates if c.code in codes or codes & _ancestors(c)]


@lru_cache(maxsize=1)
def _places() -> dict[str, Any]:
    """The place-name vocabulary (``analysis/data/places.json``)."""
    places: dict[str, Any] = json.loads(read_text("analysis", "data", "places.json"))
    return places


@lru_cache(maxsize=1)
def _township_pattern() -> re.Pattern[str]:
    """A township name right after its county: a short stem without the characters of body
    names (局, 委, 办…) ending in 镇, 乡 or 街道, not followed by 村 (a village of it)."""
    v = _places()
    low, high = v["township_stem_length"]
    stem = "[^\\s" + re.escape(v["township_not_in_name"]) + "]"
    suffixes = "|".join(map(re.escape, v["township_suffixes"]))
    return re.compile(f"^({stem}{{{low},{high}}}?(?:{suffixes}))(?!{re.escape(v['township_not_before'])})")


def _plausible_township(name: str) -> bool:
    """A township name, not a word that merely ends in 乡 or 镇 (城乡, 乡镇, 城镇) nor a
    collective (各镇, 有关乡镇)."""
    v = _places()
    return not any(word in name for word in v["township_not_words"]) and not name.startswith(
        tuple(v["township_not_starts"])
    )


def _township(place: JurisdictionInfo, text: str, position: int) -> tuple[JurisdictionInfo, str]:
    if place.level != "County":
        return place, text[position:]
    match = _township_pattern().match(text[position:])
    if not match or not _plausible_township(match.group(1)):
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


def _by_suffix(text: str) -> JurisdictionInfo | None:
    """A name the gazetteer does not know (a division created or renamed after it was made),
    read from its administrative suffix when a government body's name follows it; never a level
    word alone (自治区卫生健康委) nor a generic one (本区, 全市)."""
    v = _places()
    match = _unknown_place_pattern().match(text)
    if not match:
        return None
    name = match.group(1)
    if name in v["level_words"] or name.startswith(tuple(v["generic_prefixes"])):
        return None
    return JurisdictionInfo(
        name=name, level=next(level for suffix, level in v["suffix_levels"] if name.endswith(suffix))
    )


@lru_cache(maxsize=1)
def _unknown_place_pattern() -> re.Pattern[str]:
    v = _places()
    suffixes = "|".join(re.escape(suffix) for suffix, _ in v["suffix_levels"])
    bodies = "|".join(map(re.escape, v["suffix_body_words"]))
    return re.compile(
        f"^([\\u4e00-\\u9fff]{{2,4}}?(?:{suffixes}))(?=人民政府|政府|[\\u4e00-\\u9fff]{{0,12}}?(?:{bodies}))"
    )
