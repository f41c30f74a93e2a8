"""Deadlines as written (10月底前, 常态化开展) and as dates resolved against the ledger's year."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DeadlineInfo:
    text: str
    due: dt.date | None = None
    recurrence: str | None = None


_MONTH_END = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(?:底|末)")
_RECURRENCE = (("Ongoing", re.compile(r"常态化|持续|长期")),)


def parse_deadline(text: str, *, year: int | None) -> DeadlineInfo:
    match = _MONTH_END.search(text)
    if match:
        y = int(match.group(1)) if match.group(1) else year
        if y:
            m = int(match.group(2))
            return DeadlineInfo(text=text, due=dt.date(y, m, calendar.monthrange(y, m)[1]))
    for name, pattern in _RECURRENCE:
        if pattern.search(text):
            return DeadlineInfo(text=text, recurrence=name)
    return DeadlineInfo(text=text)


def find_deadlines(text: str, *, year: int | None) -> list[DeadlineInfo]:
    return [parse_deadline(m.group(0) + "前", year=year) for m in _MONTH_END.finditer(text)]
