"""OpenDocument spreadsheets and text documents (.ods/.odt): the 石泉县 fixtures (converted by
LibreOffice from shiquan.xlsx and shiquan.docx) load to the text sample's 150 tasks; covered
cells inherit and empty cells do not; repeated cells and rows are expanded without
materialising a sheet's empty width; a text document without a table is read as prose."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from conftest import SAMPLE
from office_rows import same_as_shiquan

from zwgk.loaders import Source, limits, opendocument, read_ledger

FIXTURES = Path(__file__).parent / "data" / "formats" / "office"
TITLE = "石泉县2021年政务公开工作任务分解一览表"
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _write(path: Path, kind: str, body: str) -> Path:
    mime = {"spreadsheet": opendocument.SPREADSHEET, "text": opendocument.TEXT}[kind]
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
        f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mime)
        archive.writestr("content.xml", content)
    return path


def _cell(text: str = "", **attrs) -> str:
    extra = "".join(f' table:{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    paragraphs = "".join(f"<text:p>{escape(p)}</text:p>" for p in text.split("\n\n")) if text else ""
    return f"<table:table-cell{extra}>{paragraphs}</table:table-cell>"


def test_ods_same_as_text():
    record = read_ledger(FIXTURES / "shiquan.ods")
    assert record.layout == "opendocument"
    assert record.title == TITLE
    assert same_as_shiquan(record) == 150


def test_odt_same_as_text():
    record = read_ledger(FIXTURES / "shiquan.odt")
    assert record.layout == "opendocument"
    assert record.title == TITLE
    assert same_as_shiquan(record) == 150


def test_detect_by_mimetype():
    assert opendocument.detect(Source(FIXTURES / "shiquan.ods")) > 0
    assert opendocument.detect(Source(FIXTURES / "shiquan.odt")) > 0
    assert opendocument.detect(Source(FIXTURES / "shiquan.docx")) == 0
    assert opendocument.detect(Source(FIXTURES / "shiquan.xlsx")) == 0


def test_covered_empty_repeated_and_line_breaks(tmp_path):
    header = (
        "<table:table-row>"
        + _cell("主要任务")
        + _cell("牵头单位")
        + _cell("完成时限")
        + '<table:table-cell table:number-columns-repeated="16381"/></table:table-row>'
    )
    rows = [
        _cell("公开预算") + _cell("县财政局", number_rows_spanned=2) + _cell("6月底前"),
        _cell("公开决算") + "<table:covered-table-cell/>" + _cell(),
        _cell("公开审计")
        + ("<table:table-cell><text:p>县审计局<text:line-break/>县统计局</text:p></table:table-cell>")
        + _cell("9月底前"),
        _cell("公开统计") + _cell(number_columns_repeated=2),
    ]
    body = (
        '<table:table table:name="台账">'
        + header
        + "".join(f"<table:table-row>{r}</table:table-row>" for r in rows)
        + '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>'
    )
    path = _write(tmp_path / "t.ods", "spreadsheet", body)
    record = read_ledger(path)
    assert [(t.text, [(u.text, u.inherited) for u in t.units], t.deadline) for t in record.tasks] == [
        ("公开预算", [("县财政局", False)], "6月底前"),
        ("公开决算", [("县财政局", True)], None),
        ("公开审计", [("县审计局\n县统计局", False)], "9月底前"),
        ("公开统计", [], None),
    ]
    table = opendocument._content(Source(path)).find(f".//{{{opendocument._NS['table']}}}table")
    rows = opendocument._table_rows(table, line=1, tally=limits.Tally(path=path))
    assert len(rows) <= 7 and max(len(cells) for _, cells in rows) == 3


def test_repeated_rows_with_content_are_expanded(tmp_path):
    body = (
        "<table:table><table:table-row>" + _cell("主要任务") + _cell("牵头单位") + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2">'
        + _cell("公开预算")
        + _cell("县财政局")
        + "</table:table-row></table:table>"
    )
    record = read_ledger(_write(tmp_path / "r.ods", "spreadsheet", body))
    assert [t.text for t in record.tasks] == ["公开预算", "公开预算"]


def test_odt_without_a_table_is_read_as_prose(tmp_path):
    lines = [line for line in SAMPLE["002"].read_text(encoding="utf-8").split("\n") if line.strip()]
    body = "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)
    record = read_ledger(_write(tmp_path / "p.odt", "text", body))
    assert record.layout == "opendocument"
    expected = read_ledger(SAMPLE["002"])
    assert [t.text for t in record.tasks] == [t.text for t in expected.tasks]
    assert record.title == expected.title
