"""Deadlines as written (10月底前, 常态化开展) and as dates resolved against the ledger's year.

The vocabulary (date patterns, how each resolves, recurrence words) is data in
``analysis/data/deadlines.json``. A deadline cell is read whole: the first date in it gives
``due`` and the first recurrence word gives ``recurrence`` (a cell may have both, 2020年底前并长期坚持).
In task text (key-point documents have no deadline column) only dates followed by 前/之前/以前/为止
are deadlines, because bare dates in prose are usually history (2020年4月23日印发) and
recurrence words in prose describe the work (疫情防控常态化), not its schedule."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from ..resources import read_text
from .numerals import to_int


@dataclass(frozen=True)
class DeadlineInfo:
    text: str
    due: dt.date | None = None
    recurrence: str | None = None


@dataclass(frozen=True)
class _DatePattern:
    name: str
    regex: re.Pattern[str]
    due: str
    month: int | None
    day: int | None


@dataclass(frozen=True)
class _Vocabulary:
    dates: tuple[_DatePattern, ...]
    marker: re.Pattern[str]
    recurrences: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = json.loads(read_text("analysis", "data", "deadlines.json"))
    dates = tuple(
        _DatePattern(
            name=entry["name"],
            regex=re.compile(entry["pattern"].replace("{Y}", data["year"]).replace("{N}", data["number"])),
            due=entry["due"],
            month=entry.get("month"),
            day=entry.get("day"),
        )
        for entry in data["dates"]
    )
    words = tuple((entry["recurrence"], word) for entry in data["recurrences"] for word in entry["words"])
    return _Vocabulary(dates=dates, marker=re.compile(data["in_text_markers"]), recurrences=words)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９（）", "0123456789()")


def normalise(text: str) -> str:
    """Chinese text without the spaces and line breaks that PDF and Word exports insert
    (``2020 年 9 月底前`` → ``2020年9月底前``)."""
    return re.sub(r"\s+", "", text.translate(_FULL_WIDTH))


def _resolve(pattern: _DatePattern, match: re.Match[str], year: int | None) -> dt.date | None:
    groups = match.groupdict()
    y: int
    if groups.get("year"):
        y = int(groups["year"])
    elif year is None:
        return None
    else:
        y = year + 1 if groups.get("next") else year
    month: int | None
    try:
        if pattern.due == "fixed":
            if pattern.month is None or pattern.day is None:
                return None  # a "fixed" pattern without its month and day in the data
            return dt.date(y, pattern.month, pattern.day)
        if pattern.due == "quarter_end":
            quarter = to_int(groups["quarter"]) or 0
            month = quarter * 3
            return dt.date(y, month, calendar.monthrange(y, month)[1])
        month = to_int(groups["month"])
        if month is None:
            return None
        if pattern.due == "day":
            day = to_int(groups["day"]) if groups.get("day") else pattern.day
            return dt.date(y, month, day) if day else None
        if pattern.due == "previous_month_end":
            y, month = (y - 1, 12) if month == 1 else (y, month - 1)
        return dt.date(y, month, calendar.monthrange(y, month)[1])
    except (ValueError, TypeError):
        return None


def _dates(text: str) -> list[tuple[int, int, _DatePattern, re.Match[str]]]:
    """Non-overlapping date matches, earliest first; at one position the earlier pattern wins."""
    found = []
    for order, pattern in enumerate(_vocabulary().dates):
        for match in pattern.regex.finditer(text):
            if match.end() > match.start():
                found.append((match.start(), order, -match.end(), pattern, match))
    found.sort(key=lambda item: item[:3])
    chosen: list[tuple[int, int, _DatePattern, re.Match[str]]] = []
    taken_until = -1
    for start, _, neg_end, pattern, match in found:
        if start >= taken_until:
            chosen.append((start, -neg_end, pattern, match))
            taken_until = -neg_end
    return chosen


def recurrence_of(text: str) -> str | None:
    """The recurrence concept (local name in the zw: namespace) named in ``text``, if any."""
    compact = normalise(text)
    for name, word in _vocabulary().recurrences:
        if word in compact:
            return name
    return None


def parse_deadline(text: str, *, year: int | None) -> DeadlineInfo:
    """A deadline cell: its text (spaces removed), its date resolved against ``year`` and its
    recurrence. 10月底前 in a 2020 ledger → 2020-10-31; 次年1月底前 → 2021-01-31; 常态化开展 →
    Ongoing; 每季度 → Quarterly."""
    compact = normalise(text)
    due = None
    for _, _, pattern, match in _dates(compact):
        due = _resolve(pattern, match, year)
        if due is not None:
            break
    return DeadlineInfo(text=compact, due=due, recurrence=recurrence_of(compact))


def find_deadlines(text: str, *, year: int | None) -> list[DeadlineInfo]:
    """Deadlines written inside task text (``10 月底前，组织编写…``): dates followed by 前,
    之前, 以前 or 为止, each with its span as ``text``."""
    compact = normalise(text)
    marker = _vocabulary().marker
    found = []
    for _, end, pattern, match in _dates(compact):
        after = marker.match(compact, end)
        if after is None:
            continue
        span = compact[match.start() : after.end()]
        found.append(DeadlineInfo(text=span, due=_resolve(pattern, match, year)))
    return found
