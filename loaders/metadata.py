"""Ledger metadata printed in the document: title, issuer, year, 文号 (document number).

Ledgers print these in a few conventional places (a 文件名称 line of a web page, the notice's
title, the table's own title, a red-header line ending in 文件); the patterns below are the
genre's, kept as data."""

from __future__ import annotations

import re

from .model import LedgerRecord, LedgerWarning, Overrides

# A title names the genre; the first line that does is the ledger's title.
_GENRE = re.compile(r"政务公开|政府信息公开|信息公开")
_GENRE_KIND = re.compile(r"要点|台账|分解|分工|一览表|任务|清单|方案|计划|安排")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*\d{1,4}\s*号")
_YEAR = re.compile(r"(20\d{2})\s*年")
_LABELLED = re.compile(r"^\s*(文件名称|标题|文号|发文字号|公开责任部门|发布机构|发文机关|成文日期)\s*[:：\s]\s*(.+?)\s*$")
_ISSUER_BEFORE = re.compile(r"^(?P<issuer>.+?)(?:关于|\s*(?:20\d{2})\s*年)")
_RED_HEADER = re.compile(r"^(?P<issuer>[\u4e00-\u9fff（）()]{4,40}?)\s*文件\s*$")
_DEBRIS = re.compile(r"^【[^】]*】")
_LABEL_FIELDS = {"文号": "doc_number", "发文字号": "doc_number", "文件名称": "title", "标题": "title",
                 "公开责任部门": "issuer", "发布机构": "issuer", "发文机关": "issuer"}
_HEAD_LINES = 60


def _clean(line: str) -> str:
    return re.sub(r"\s+", "", _DEBRIS.sub("", line.strip()))


def extract_metadata(lines: list[str]) -> dict[str, str | int | None]:
    """Title, issuer, year and 文号 from the first lines of a document."""
    found: dict[str, str | int | None] = {}
    head = lines[:_HEAD_LINES]
    for line in head:
        labelled = _LABELLED.match(line)
        if labelled and _LABEL_FIELDS.get(labelled.group(1)):
            value = labelled.group(2).split("\t")[0]
            value = re.split(r"\s{2,}|\s+\S+[:：]", value)[0].strip()
            found.setdefault(_LABEL_FIELDS[labelled.group(1)], value)
    for line in head:
        number = _DOC_NUMBER.search(line)
        if number and "doc_number" not in found:
            found["doc_number"] = re.sub(r"\s+", "", number.group(0))
        red = _RED_HEADER.match(_clean(line))
        if red and "issuer" not in found:
            found["issuer"] = red.group("issuer")
    titles = [_clean(l) for l in head if _GENRE.search(l) and _GENRE_KIND.search(l) and len(_clean(l)) <= 80]
    titles = [t for t in titles if not t.startswith(("为", "现将", "根据", "按照"))]
    if "title" not in found and titles:
        found["title"] = titles[0]
    title = str(found.get("title") or "")
    year = _YEAR.search(title) or next((m for t in titles if (m := _YEAR.search(t))), None)
    if year:
        found["year"] = int(year.group(1))
    if "issuer" not in found and title:
        issuer = _ISSUER_BEFORE.match(title)
        if issuer:
            found["issuer"] = issuer.group("issuer").strip("《")
    if "issuer" not in found:
        for t in titles:
            issuer = _ISSUER_BEFORE.match(t) or re.match(r"^(?P<issuer>.+?)政务公开", t)
            if issuer and len(issuer.group("issuer")) >= 4:
                found["issuer"] = issuer.group("issuer")
                break
    return found


def apply_metadata(record: LedgerRecord, *, lines: list[str], overrides: Overrides | None) -> None:
    """Fill the record's metadata from the document, then from the user's overrides, and warn
    about what is still unknown (the ledger loads all the same)."""
    from ..analysis.jurisdictions import find_jurisdiction

    found = extract_metadata(lines)
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
            place = find_jurisdiction(text) if text else None
            if place:
                record.jurisdiction = place.name
                break
    if record.year is None:
        record.warnings.append(LedgerWarning(
            code="year-unknown", en="year unknown: give it with --year", zh="未识别年度，可用 --year 指定",
        ))
    if record.jurisdiction is None:
        record.warnings.append(LedgerWarning(
            code="jurisdiction-unknown", en="jurisdiction unknown: give it with --jurisdiction",
            zh="未识别行政区域，可用 --jurisdiction 指定",
        ))
    if record.issuer is None:
        record.warnings.append(LedgerWarning(
            code="issuer-unknown", en="issuer unknown: give it with --issuer", zh="未识别发文单位，可用 --issuer 指定",
        ))


def _str(value: str | int | None) -> str | None:
    return str(value) if value not in (None, "") else None
