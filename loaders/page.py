"""Finding the document in a saved web page: debris lines, the title, the end of a notice.

Every pattern is the genre's (``loaders/page.json``), matched on a line's folded key, so that a
traditional-character mirror of a page is read like the page itself. The line tests are cached:
every reader of a file asks them of the same lines."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from typing import Any

from ..analysis.normalise import fold
from ..resources import read_text

_MAX_TITLE = 70


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    words: dict[str, Any] = json.loads(read_text("loaders", "page.json"))
    return words


@lru_cache(maxsize=1)
def _debris() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _words()["debris"]))


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(_words()[name])


@lru_cache(maxsize=65536)
def is_page_debris(line: str) -> bool:
    """Site furniture: navigation, the 索引号/发文字号 block, widgets, counters, footers."""
    folded = fold(line)
    return bool(folded) and bool(_debris().search(folded))


@lru_cache(maxsize=65536)
def is_title(line: str) -> bool:
    """A document title: names the genre (…政务公开工作要点, 关于印发…的通知), short, no sentence."""
    folded = fold(line)
    return (
        4 <= len(folded) <= _MAX_TITLE
        and not re.search(r"[。；;:：]", folded)
        and bool(_pattern("title").search(folded))
    )


@lru_cache(maxsize=65536)
def is_footer(line: str) -> bool:
    """The first line of a page's footer (相关链接, 附件下载, 上一篇, 版权所有…): the article has
    ended."""
    return bool(_pattern("footer").search(fold(line)))


def article_end(lines: list[str]) -> int:
    """The number of lines up to the page's footer (all of them when there is none). Widgets
    above the article (a 相关链接 sidebar) are not its end: the footer follows the first line of
    text long enough to be the article's."""
    start = next((i for i, line in enumerate(lines) if len(fold(line)) >= 20 and not is_page_debris(line)), len(lines))
    return next((i for i in range(start, len(lines)) if lines[i].strip() and is_footer(lines[i])), len(lines))


def ends_notice(line: str) -> bool:
    """特此通知, a date line, (此件公开发布), 附件: after these no paragraph continues an item."""
    return bool(_pattern("notice_end").search(fold(line)))


def is_not_task_heading(text: str) -> bool:
    """总体要求, 指导思想, 工作目标, 基本原则: sections that frame the tasks and are not tasks."""
    return bool(_pattern("not_tasks").search(fold(text)))


def debris_lines(lines: list[str]) -> set[int]:
    """0-based indexes of the debris lines of a page."""
    return {i for i, line in enumerate(lines) if line.strip() and is_page_debris(line)}
