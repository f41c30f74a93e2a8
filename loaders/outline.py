"""Outline numbering of Chinese official documents (一、 （一） 1. （1）), read as data.

The numbering style tells the depth of a heading whatever words follow it, which is how the
genre's tables and prose mark their hierarchy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis.normalise import key

_CN = "一二三四五六七八九十百零〇"
# (style, depth, pattern). Order matters: the first pattern that matches wins.
OUTLINE_STYLES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("chapter", 0, re.compile(rf"^第[{_CN}\d]+(?:部分|章|篇)\s*")),
    ("cn", 1, re.compile(rf"^([{_CN}]+)\s*[、.．]\s*")),
    ("paren-cn", 2, re.compile(rf"^[（(〔]\s*([{_CN}]+)\s*[）)〕]\s*[、.．]?\s*")),
    ("arabic", 3, re.compile(r"^(\d{1,3})\s*(?:[、.．](?!\d)|\s+(?=\D))\s*")),
    ("paren-arabic", 4, re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*")),
    ("circled", 5, re.compile(r"^([①-⑳])\s*")),
)


@dataclass(frozen=True)
class Heading:
    style: str
    depth: int
    label: str
    """The number as printed, e.g. ``一``, ``（二）``, ``3``."""
    rest: str
    """The text after the number."""


def heading(text: str) -> Heading | None:
    """The outline number at the start of ``text``, if any. Matched on the text's key, so that
    full-width digits and brackets (１．（一）) and 1﹒ are numbers too; ``rest`` is printed text."""
    stripped = text.strip()
    folded = key(stripped)
    for style, depth, pattern in OUTLINE_STYLES:
        match = pattern.match(folded)
        if match:
            label = match.group(1) if match.groups() else match.group(0).strip()
            if style == "paren-cn":
                label = f"（{label}）"
            elif style == "paren-arabic":
                label = f"（{label}）"
            return Heading(style=style, depth=depth, label=label, rest=stripped[match.end() :])
    return None


_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[.．、]?\s*$")


def bare_number(text: str) -> str | None:
    """A cell that holds only a row number (``12``, ``12.``), as 序号 columns print it."""
    match = _BARE_NUMBER.match(key(text))
    return match.group(1) if match else None
