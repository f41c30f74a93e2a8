"""Jurisdictions named in issuers and titles (石泉县人民政府办公室 → 石泉县)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Administrative suffixes from the outermost to the innermost level, as data.
_LEVELS = (
    ("Province", "省|自治区|特别行政区"),
    ("City", "市|自治州|州|盟|地区"),
    ("County", "县|区|旗|自治县|市"),
)
_PATTERN = re.compile(
    r"^(?:(?P<Province>[\u4e00-\u9fff]{2,3}?(?:省|自治区)))?"
    r"(?:(?P<City>[\u4e00-\u9fff]{2,4}?(?:市|自治州|盟)))?"
    r"(?:(?P<County>[\u4e00-\u9fff]{1,4}?(?:自治县|县|区|旗)))?"
)


@dataclass(frozen=True)
class JurisdictionInfo:
    name: str
    level: str | None
    code: str | None = None
    parent: "JurisdictionInfo | None" = None


def find_jurisdiction(text: str) -> JurisdictionInfo | None:
    """The innermost jurisdiction at the start of an issuer name or title, with the enclosing
    ones as parents."""
    match = _PATTERN.match(text.strip())
    if not match or not match.group(0):
        return None
    found: JurisdictionInfo | None = None
    for level, _ in _LEVELS:
        name = match.group(level)
        if name:
            found = JurisdictionInfo(name=name, level=level, parent=found)
    return found
