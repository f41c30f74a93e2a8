"""Ledger metadata printed in the document: title, issuer, year, 文号 (document number).

A 政务公开 document prints these in a few conventional places, in this order of trust:

- the labelled fields of a saved page's index block (标题/名称, 发文机关/发布机构, 文号/发文字号,
  成文日期), however the page lays them out: one field a line or several (``索引号: … 文号:``),
  with bullets, letter-spaced labels (标  题), as a markdown table (``标题: | … | ||``), or a label
  line with its value on the next line;
- the title line of the notice (关于印发…的通知, …工作要点, …任务分解表), possibly split over two
  lines (an issuer line, then 关于印发…; or 关于印发 / …的通知), never a sentence;
- the 文号 on a line of its own or beside the title, near the top — never one cited in a sentence;
- the red header (…人民政府办公室文件) and the signature (unit names alone on their lines right
  before the notice's date, or right after 特此通知).

Everything is matched on a line's key (``normalise.key``: NFKC, simplified, same length as the
printed line), so that a traditional-character page is read like the page itself, and returned
as printed: the printed line is sliced at the positions found in the key, and only whitespace,
labels, bullets and pinyin glosses are taken off. The vocabulary is the genre's, kept as data in
``page.json`` (``metadata``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ..analysis.normalise import fold, key, unglossed
from ..model import LedgerRecord, LedgerWarning, Overrides
from ..resources import read_text
from .page import article_end, is_page_debris, is_title

_HEAD_LINES = 60
_SIGNATURE_UNITS = 3
_WS = re.compile(r"[\s\u3000\u00a0\u2060]+")
_BULLETS = " \t\u3000\u00a0|•·*-"
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DEBRIS_PREFIX = re.compile(r"^\s*(?:【[^】]{0,20}】\s*)+")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, Any]:
    words: dict[str, Any] = json.loads(read_text("loaders", "page.json"))["metadata"]
    return words


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(_vocabulary()[name])


@lru_cache(maxsize=1)
def _label_fields() -> dict[str, str]:
    """Label word (key form, no spaces) → field (title, issuer, doc_number, date, other)."""
    return {word: name for name, words in _vocabulary()["labels"].items() for word in words}


@lru_cache(maxsize=1)
def _labels() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The labels of an index block, their letters possibly spaced out (标  题): with a colon, at
    the start of the line or after a space, bar or bullet (``标题: | … |``, ``… 文号:``); without
    one, opening the line with the value after a space (``文号 石政办函〔2021〕12号``); and,
    only as the end of the value before it, a bare label after a space (``… 有效性 有效``)."""
    words = sorted(_label_fields(), key=len, reverse=True)
    spaced = "|".join(r"\s*".join(map(re.escape, word)) for word in words)
    return (
        re.compile(rf"(?:^|(?<=[\s|•·*]))(?P<label>{spaced})\s*[:：]"),
        re.compile(rf"^[\s•·*|]*(?P<label>{spaced})(?=[ \t\u3000\u00a0]+[^\s|:：]|\s*$)"),
        re.compile(rf"(?<=\s)(?P<label>{spaced})(?=\s|$)"),
    )


# Any short word with a colon after a space also ends the value before it (… 公开形式: 主动公开).
_ANY_LABEL = re.compile(r"(?<=\s)[\u4e00-\u9fff]{2,6}\s*[:：]")


@lru_cache(maxsize=1)
def _unit() -> re.Pattern[str]:
    """A unit name alone: Chinese characters (brackets allowed), ending as bodies' names end."""
    return re.compile(rf"^[\u4e00-\u9fff()]{{2,30}}(?:{_vocabulary()['issuer_suffix']})$")


@lru_cache(maxsize=1)
def _titled_unit() -> re.Pattern[str]:
    """The unit a title opens with (江门市卫生健康局2021年…, 2021年厦门市财政局政务公开…): a
    name ending as bodies' names end, right before the year or the genre's words."""
    return re.compile(
        rf"^(?:(?:19|20)\d{{2}}年度?)?(?P<unit>[^\d《》]{{2,30}}?(?:{_vocabulary()['issuer_suffix']}))"
        r"(?=(?:19|20)\d{2}年|政务公开|政府信息公开|信息公开|第[一二三四1-4]季度|上半年|下半年)"
    )


@dataclass
class _Found:
    """What the head of a document prints, source by source, before they are weighed."""

    labelled: dict[str, str | int] = field(default_factory=dict)
    titles: list[tuple[str, str]] = field(default_factory=list)
    """Title candidates in page order: (title, the printed text with its spaces)."""
    doc_numbers: list[str] = field(default_factory=list)
    red_header: str | None = None
    signature: tuple[str | None, int | None] | None = None


def _squash(text: str) -> str:
    return _WS.sub("", unglossed(text))


def _cells(value: str) -> str:
    """A labelled value as printed: the first non-empty cell of a markdown row, without bullets."""
    for cell in value.split("|"):
        cell = cell.strip(_BULLETS)
        if cell:
            return cell
    return ""


def _labelled_fields(line: str) -> list[tuple[str, str, bool, bool]]:
    """(field, printed value, label alone on the line, label with a colon) for every labelled
    field of a line; the value ends at the next label, bar-separated cell or tab."""
    k = key(line)
    with_colon, bare, boundary = _labels()
    labels = [(m, True) for m in with_colon.finditer(k)]
    opening = bare.match(k)
    if opening:
        labels.append((opening, False))
    if labels and not k[: min(m.start("label") for m, _ in labels)].strip(_BULLETS):
        # A line of the index block: a bare label further on is a field too (… 文号 X〔2021〕1号).
        labels.extend((m, False) for m in boundary.finditer(k))
    by_start: dict[int, tuple[re.Match[str], bool]] = {}
    for m, colon in labels:
        by_start.setdefault(m.start("label"), (m, colon))
    labels = [by_start[at] for at in sorted(by_start)]
    if not labels:
        return []
    ends = sorted(
        {m.start("label") for m, _ in labels}
        | {m.start() for m in boundary.finditer(k)}
        | {m.start() for m in _ANY_LABEL.finditer(k)}
    )
    out = []
    for m, colon in labels:
        name = _label_fields()[_WS.sub("", m.group("label"))]
        begin = m.end() + len(k[m.end() :]) - len(k[m.end() :].lstrip())
        tab = k.find("\t", begin)
        stop = min([e for e in ends if e >= m.end()] + [len(k)] + ([tab] if tab >= 0 else []))
        value = _cells(line[begin:stop])
        alone = not k[: m.start("label")].strip(_BULLETS) and not k[m.end() :].strip(_BULLETS + ":：")
        out.append((name, value, alone, colon))
    return out


def _is_unit(text: str) -> bool:
    folded = fold(text)
    return bool(_unit().match(folded)) and "关于" not in folded and "印发" not in folded


def _units(text: str) -> str | None:
    """An issuer as printed: one unit name (line-wrap spaces dropped), or several written side by
    side (上海市国家税务局 上海市地方税务局), joined with 、."""
    parts = [p for p in re.split(r"[\s\u3000、]+", unglossed(text).strip()) if p]
    if len(parts) > 1 and all(_is_unit(p) for p in parts):
        return "、".join(parts)
    joined = "".join(parts)
    return joined if _is_unit(joined) else None


def _labelled_issuer(value: str) -> str | None:
    """A 发文机关/发布机构 value: any body's name (市民政局, 高新规划中心), not a date or a phrase."""
    joined = _squash(value)
    named = _units(value)
    if named:
        return named
    if re.fullmatch(r"[\u4e00-\u9fff()（）]{2,40}", joined) and "关于" not in fold(joined):
        return joined
    return None


def _doc_number(text: str) -> str | None:
    k = key(text)
    match = _pattern("doc_number").search(k)
    return _squash(text[match.start() : match.end()]) if match else None


def _year_of(text: str) -> int | None:
    match = _YEAR.search(key(text)) or re.search(r"((?:19|20)\d{2})", key(text))
    if match:
        return int(match.group(1))
    chinese = re.match(r"^([〇○零一二三四五六七八九]{4})年", fold(text))
    return int(chinese.group(1).translate(_CN_DIGITS)) if chinese else None


def _read_labels(head: list[str], found: _Found) -> None:
    for i, line in enumerate(head):
        for name, value, alone, colon in _labelled_fields(line):
            if name == "other" or name in found.labelled:
                continue
            if not value and alone:
                # The value on the next line, unless that line is itself a label.
                nxt = next((l for l in head[i + 1 : i + 3] if l.strip()), "")
                if nxt and not _labelled_fields(nxt) and not is_page_debris(nxt):
                    value = nxt.strip(_BULLETS)
            if not value:
                continue
            if name == "title":
                # Without a colon, a column title (名称 责任单位 …) could look like a label.
                text, number = _strip_title(value)
                title = _squash(text)
                if len(fold(title)) >= 4 and "。" not in title and (colon or _title_shaped(text)):
                    found.labelled["title"] = title
                    if number:
                        found.doc_numbers.append(number)
            elif name in ("issuer", "publisher"):
                issuer = _labelled_issuer(value)
                if issuer:
                    found.labelled[name] = issuer
            elif name == "doc_number":
                number = _doc_number(value)
                if number:
                    found.labelled["doc_number"] = number
            elif name == "date":
                year = _year_of(value)
                if year:
                    found.labelled["year"] = year


@lru_cache(maxsize=1)
def _numbered_title() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A 文号 printed before a title, and one printed after it (in brackets or not)."""
    number = rf"(?P<number>{_vocabulary()['doc_number']})"
    return re.compile(rf"\s*{number}\s*"), re.compile(rf"\s*\(?\s*{number}\s*\)?\s*$")


def _strip_title(line: str) -> tuple[str, str | None]:
    """A candidate title line without what surrounds a title on a page: a 【…】 tag, bullets, the
    文号 printed before or after it, 《》 around it. Returns the text (spaces kept) and the 文号."""
    k = key(line)
    start, end = 0, len(k)
    prefix = _DEBRIS_PREFIX.match(k)
    if prefix:
        start = prefix.end()
    number = None
    lead, trail = _numbered_title()
    before = lead.match(k, start)
    if before:
        number, start = _squash(line[before.start("number") : before.end("number")]), before.end()
    after = trail.search(k, start)
    if after and after.start() > start:
        number, end = _squash(line[after.start("number") : after.end("number")]), after.start()
    text = line[start:end].strip(_BULLETS)
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1]
    return text, number


def _title_shaped(text: str) -> bool:
    folded = fold(unglossed(text))
    if not folded or not is_title(folded) or re.search(r"[|,。]", folded):
        return False
    if _pattern("numbered").match(folded) or _pattern("sentence").match(folded):
        return False
    bare = re.sub(r"(\([^()]*\))+$", "", folded)
    return bool(_pattern("title_end").search(bare))


def _fragment(text: str) -> bool:
    """A piece of a title wrapped over lines: short, no sentence, no label, no number label."""
    folded = fold(text)
    return (
        0 < len(folded) <= 40
        and not re.search(r"[。;:,|]", folded)
        and not _is_date(text)
        and not _pattern("numbered").match(folded)
        and not _pattern("sentence").match(folded)
    )


def _wrapped_title(head: list[str], i: int, text: str) -> tuple[str, int, list[str | None]] | None:
    """A title printed over two or three lines: the issuer, then 关于印发…的通知; or 关于印发 / …的
    通知. Returns the lines joined with a space, the last line used and the 文号 printed beside."""
    folded = fold(text)
    unit = _is_unit(text)
    if not (unit or "关于" in folded or _pattern("title_cut").search(folded)) or not _fragment(text):
        return None
    parts, numbers, at = [text], [], i
    for _ in range(2):
        j = next((n for n in range(at + 1, min(at + 4, len(head))) if head[n].strip()), None)
        if j is None or is_page_debris(head[j]):
            return None
        rest, number = _strip_title(head[j])
        if not _fragment(rest) or (unit and len(parts) == 1 and not fold(rest).startswith("关于")):
            return None
        parts.append(rest)
        numbers.append(number)
        at = j
        joined = " ".join(parts)
        if _title_shaped(joined):
            return joined, j, numbers
    return None


def _read_titles(head: list[str], found: _Found) -> None:
    used: set[int] = set()
    previous = last_title = -1
    notice = False
    for i, line in enumerate(head):
        if i in used or not line.strip() or is_page_debris(line):
            continue
        text, number = _strip_title(line)
        own = _doc_number(line)
        if own and fold(line).strip(_BULLETS + "()") == fold(own):
            # A 文号 on a line of its own, above the notice's text (below, a line-wrapped citation);
            # in brackets only right under the title it numbers.
            if not notice and (not fold(line).startswith("(") or (found.titles and last_title == previous)):
                found.doc_numbers.append(own)
            previous = i
            continue
        previous = i
        notice = notice or bool(re.search(r"[。:]$|。", fold(line)))
        wrapped = _wrapped_title(head, i, text) if _is_unit(text) or not _title_shaped(text) else None
        if wrapped:
            joined, last, numbers = wrapped
            found.titles.append((_squash(joined), joined))
            found.doc_numbers.extend(n for n in (number, *numbers) if n)
            used.update(range(i, last + 1))
            previous = last_title = last
            continue
        if _title_shaped(text):
            found.titles.append((_squash(text), text))
            last_title = i
            if number:
                found.doc_numbers.append(number)
        red = _pattern("red_header").match(fold(line))
        if red and _is_unit(red.group("issuer")) and found.red_header is None:
            found.red_header = _squash(line)[: len(red.group("issuer"))]
    if not found.titles:
        # A document-sharing mirror names the document by its file: 《…工作要点分工方案.docx》.
        for line in head[:3]:
            match = _pattern("file_name").search(key(line))
            if match and _title_shaped(line[match.start("name") : match.end("name")]):
                name = line[match.start("name") : match.end("name")]
                found.titles.append((_squash(name), name))
                break


def _is_date(line: str) -> bool:
    return bool(_pattern("date").match(fold(line)))


def _signature(lines: list[str], end: int) -> tuple[str | None, int | None] | None:
    """The notice's signature: unit names alone on their lines right before its date line (the
    line above them closing the notice: a sentence, 特此通知, 附件), or right after 特此通知.
    Returns (the units, joined with 、; the year of the date)."""
    for i in range(min(end, len(lines))):
        if not _is_date(lines[i]):
            continue
        units: list[str] = []
        j = i - 1
        while j >= 0 and len(units) < _SIGNATURE_UNITS:
            if lines[j].strip():
                if not _is_unit(lines[j]):
                    break
                units.insert(0, _squash(lines[j]))
            j -= 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and _pattern("notice_close").search(fold(lines[j])):
            return ("、".join(units) if units else None), _year_of(lines[i])
    stop = article_end(lines)
    for i in range(stop):
        if not _pattern("signed_after").match(fold(lines[i])):
            continue
        units = []
        year = None
        for line in lines[i + 1 : stop]:
            if not line.strip():
                continue
            if _is_unit(line) and len(units) < _SIGNATURE_UNITS and year is None:
                units.append(_squash(line))
            elif _is_date(line):
                year = _year_of(line)
                break
            else:
                break
        if units:
            return "、".join(units), year
        return None
    return None


def _issuer_in_title(title: str) -> str | None:
    """The issuer a notice's title opens with: 济南市莱芜区人民政府办公室关于印发… ."""
    k = key(title)
    at = k.find("关于")
    if at <= 0:
        return None
    return _units(title[:at].lstrip("《"))


def _unit_in_title(title: str) -> str | None:
    """The body a ledger's title names before its year or the genre (江门市卫生健康局2021年…,
    2021年厦门市财政局政务公开…); a place (2022年湖北省政务公开…) is not a body."""
    plain = _squash(title)
    match = _titled_unit().match(key(plain))
    if not match:
        return None
    unit = plain[match.start("unit") : match.end("unit")]
    return unit if _is_unit(unit) and "关于" not in key(unit) else None


def extract_metadata(lines: list[str], *, body_start: int | None = None) -> dict[str, str | int | None]:
    """Title, issuer, year and 文号 from the first lines of a document. ``body_start`` (0-based)
    is where the ledger's own content (its first task) begins, when known: the page's fields,
    the notice and its signature come before it."""
    end = min(_HEAD_LINES, len(lines) if body_start is None else max(body_start, 0))
    head = lines[:end]
    found = _Found()
    _read_labels(head, found)
    _read_titles(head, found)
    found.signature = _signature(lines, end)
    out: dict[str, str | int | None] = {}

    titles = [title for title, _ in found.titles]
    title = found.labelled.get("title") or (titles[0] if titles else None)
    if title:
        out["title"] = title
    number = found.labelled.get("doc_number") or (found.doc_numbers[0] if found.doc_numbers else None)
    if number:
        out["doc_number"] = number

    signed, signed_year = found.signature or (None, None)
    printed_title = next((raw for t, raw in found.titles if t == title), title) if title else None
    candidates = [
        found.labelled.get("issuer"),
        found.red_header,
        _issuer_in_title(str(printed_title)) if printed_title else None,
        signed,
        found.labelled.get("publisher"),
        *(_unit_in_title(str(t)) for t in ([title] if title else []) + titles),
    ]
    named = [str(c) for c in candidates if c]
    if named:
        issuer = named[0]
        for other in named[1:]:
            # A labelled short name (市民政局) the title prints in full (宣城市民政局).
            if len(other) > len(issuer) and key(other).endswith(key(issuer)):
                issuer = other
        out["issuer"] = issuer

    years = [_year_of(str(t)) if _YEAR.search(key(str(t))) else None for t in [title or "", *titles]]
    year = next((y for y in years if y), None)
    if year is None and number:
        year = _year_of(str(number))
    if year is None:
        year = found.labelled.get("year") or signed_year  # type: ignore[assignment]
    if year:
        out["year"] = year
    return out


def apply_metadata(record: LedgerRecord, *, lines: list[str], overrides: Overrides | None) -> None:
    """Fill the record's metadata from the document, then from the user's overrides, and warn
    about what is still unknown (the ledger loads all the same)."""
    from ..analysis.jurisdictions import find_jurisdiction

    body_start = min((task.line for task in record.tasks), default=None)
    found = extract_metadata(lines, body_start=body_start - 1 if body_start else None)
    record.title = record.title or _str(found.get("title"))
    record.issuer = record.issuer or _str(found.get("issuer"))
    record.doc_number = record.doc_number or _str(found.get("doc_number"))
    year = found.get("year")
    record.year = record.year or (year if isinstance(year, int) else None)
    if record.year is None and record.doc_number:
        match = re.search(r"(\d{4})", record.doc_number)
        record.year = int(match.group(1)) if match else None
    if overrides is not None:
        for name in ("title", "issuer", "jurisdiction", "year", "doc_number"):
            value = getattr(overrides, name)
            if value is not None:
                setattr(record, name, value)
    if record.jurisdiction is None:
        for text in (record.issuer, record.title):
            place = find_jurisdiction(key(text)) if text else None
            if place:
                record.jurisdiction = place.name
                break
    if record.year is None:
        record.warnings.append(
            LedgerWarning(
                code="year-unknown",
                en="year unknown: give it with --year",
                zh="未识别年度，可用 --year 指定",
            )
        )
    if record.jurisdiction is None:
        record.warnings.append(
            LedgerWarning(
                code="jurisdiction-unknown",
                en="jurisdiction unknown: give it with --jurisdiction",
                zh="未识别行政区域，可用 --jurisdiction 指定",
            )
        )
    if record.issuer is None:
        record.warnings.append(
            LedgerWarning(
                code="issuer-unknown",
                en="issuer unknown: give it with --issuer",
                zh="未识别发文单位，可用 --issuer 指定",
            )
        )


def _str(value: str | int | None) -> str | None:
    return str(value) if value not in (None, "") else None
