"""Units named in ledger cells: splitting a cell into units, reading 牵头/配合 markers, and
resolving short names within a jurisdiction."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..loaders.model import Role

_SEPARATORS = re.compile(r"[、，,；;/\n]+|\s{1,}")
_LEAD_MARK = re.compile(r"(牵头|负责)$")
_COOP_MARK = re.compile(r"(配合|协助|协办|参与)$")
_GROUP = re.compile(r"^(各|相关|有关|其他|所属|直属)|各.{0,6}(部门|单位|处室|科室|股室|镇|乡|街道)|(有关|相关).{0,6}(部门|单位|处室|科室)")
_UNIT_END = re.compile(r"(局|办|委|处|科|室|中心|镇|乡|街道|部门|单位|部|会|院|所|队|站|公司|政府|办公室|机构|组|团|社|馆|行|庭|台)$")


@dataclass(frozen=True)
class UnitMention:
    name: str
    raw: str
    role: Role
    note: str | None = None
    is_group: bool = False


def split_units(text: str, *, role: Role) -> list[UnitMention]:
    """Units named in one cell, with the role each plays (markers override the column's role)."""
    mentions: list[UnitMention] = []
    pieces = [p for p in _SEPARATORS.split(text) if p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and not _UNIT_END.search(merged[-1]) and not _COOP_MARK.search(merged[-1]):
            merged[-1] += piece
        else:
            merged.append(piece)
    for piece in merged:
        this_role = role
        name = piece.strip()
        if _COOP_MARK.search(name):
            name = _COOP_MARK.sub("", name)
            this_role = Role.COOPERATING
        elif _LEAD_MARK.search(name):
            name = _LEAD_MARK.sub("", name)
            this_role = Role.LEAD
        if name:
            mentions.append(
                UnitMention(name=name, raw=piece, role=this_role, is_group=bool(_GROUP.search(name)))
            )
    return mentions


@dataclass(frozen=True)
class AgencyName:
    key: str
    label: str
    is_group: bool
    agency_type: str | None = None


def resolve_agency(name: str, *, jurisdiction: str | None, issuer: str | None) -> AgencyName:
    """The canonical name of a unit within the ledger's jurisdiction."""
    return AgencyName(key=name, label=name, is_group=bool(_GROUP.search(name)))


def name_key(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]
