"""Structured warnings: every reader says what it could not read or had to guess as a
``LedgerWarning`` with a stable code, the line where it knows it, and English and Chinese text."""

from __future__ import annotations

import pickle

import pytest
from conftest import SAMPLE

from zwgk.loaders import read_ledger
from zwgk.model import LedgerWarning, Overrides

HEADER = ["序号", "主要任务", "牵头单位", "奇怪列", "完成时限"]
ROWS = [
    ["1", "及时公开政策文件", "县财政局", "甲", "6月底前"],
    ["2", "做好政策解读工作", "县民政局", "乙", "9月底前"],
    ["3", "回应社会关切问题", "县司法局", "丙", "12月底前"],
]


def _codes(record) -> list[str]:
    return [w.code for w in record.warnings]


def _only(record, code: str) -> LedgerWarning:
    found = [w for w in record.warnings if w.code == code]
    assert len(found) == 1, record.warnings
    return found[0]


def test_every_warning_is_structured():
    for path in SAMPLE.values():
        for warning in read_ledger(path).warnings:
            assert isinstance(warning, LedgerWarning)
            assert warning.code and warning.en and warning.zh


def test_metadata_warnings_have_codes_and_both_languages(tmp_path):
    path = tmp_path / "ledger.txt"
    path.write_text("\n".join("\t".join(r) for r in [HEADER] + ROWS) + "\n", encoding="utf-8")
    record = read_ledger(path, layout="tsv")
    assert {"year-unknown", "jurisdiction-unknown", "issuer-unknown"} <= set(_codes(record))
    year = _only(record, "year-unknown")
    assert (year.line, year.en, year.zh) == (None, "year unknown: give it with --year", "未识别年度，可用 --year 指定")
    assert str(year) == "year unknown: give it with --year / 未识别年度，可用 --year 指定"
    filled = read_ledger(
        path, layout="tsv", overrides=Overrides(year=2021, jurisdiction="石泉县", issuer="石泉县人民政府办公室")
    )
    assert _codes(filled) == ["unknown-header"]


def test_unknown_header_names_the_words_and_the_header_line(tmp_path):
    path = tmp_path / "ledger.txt"
    path.write_text(
        "石泉县2021年政务公开工作任务分解表\n\n" + "\n".join("\t".join(r) for r in [HEADER] + ROWS) + "\n",
        encoding="utf-8",
    )
    warning = _only(read_ledger(path, layout="tsv"), "unknown-header")
    assert (warning.line, warning.en, warning.zh) == (3, "unknown header words: 奇怪列", "未识别的表头：奇怪列")
    assert warning.render(lang="en") == "line 3: unknown header words: 奇怪列"
    assert warning.render(lang="zh") == "第3行：未识别的表头：奇怪列"


def test_csv_unknown_header_line(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join(",".join(r) for r in [HEADER] + ROWS) + "\n", encoding="utf-8")
    record = read_ledger(path, layout="csv")
    assert _only(record, "unknown-header").line == 1


def test_xlsx_warning_names_the_sheet_and_its_row(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(["石泉县2021年政务公开工作任务分解表"])
    for row in [HEADER] + ROWS:
        sheet.append(row)
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    warning = _only(read_ledger(path), "unknown-header")
    assert (warning.line, warning.en, warning.zh) == (
        2,
        "sheet 台账: unknown header words: 奇怪列",
        "工作表 台账：未识别的表头：奇怪列",
    )


def test_docx_warning_has_the_header_row(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("石泉县2021年政务公开工作任务分解表")
    table = document.add_table(rows=0, cols=len(HEADER))
    for values in [HEADER] + ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value
    path = tmp_path / "ledger.docx"
    document.save(path)
    assert _only(read_ledger(path), "unknown-header").line == 1


def test_word_dump_row_width(tmp_path):
    lines = SAMPLE["000"].read_text(encoding="utf-8").split("\n")
    assert lines[27] == "\t指挥通信处"
    del lines[27]  # the second row loses its lead-unit cell
    path = tmp_path / "ledger.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    record = read_ledger(path, layout="word-dump")
    warning = _only(record, "row-width")
    assert (warning.line, warning.en) == (25, "a row of 4 cells under a header of 5")
    assert warning.zh == "该行有 4 个单元格，表头有 5 个"


def test_cell_per_line_row_without_task_and_cell_not_placed(tmp_path):
    lines = SAMPLE["001"].read_text(encoding="utf-8").split("\n")
    assert (lines[64], lines[76]) == ("2", "直属机构")
    without = tmp_path / "without.txt"
    without.write_text("\n".join(lines[:66] + lines[78:]), encoding="utf-8")  # row 2 keeps only its number
    warning = _only(read_ledger(without, layout="cell-per-line"), "row-without-task")
    assert (warning.line, warning.en, warning.zh) == (65, "row 2 has no task text", "第2行没有任务内容")
    stray = "这是一段很长的不属于任何列的说明文字，用于检验无法归入任何一列的单元格会被报告出来。"
    extra = tmp_path / "extra.txt"
    extra.write_text("\n".join(lines[:77] + ["", stray] + lines[77:]), encoding="utf-8")
    warning = _only(read_ledger(extra, layout="cell-per-line"), "cell-not-placed")
    assert warning.line == 79 and warning.en.startswith("cell not placed in any column: 这是一段")
    assert warning.zh.startswith("无法归入任何列：这是一段")


def test_warnings_pickle_with_the_summary(tmp_path):
    """A summary crosses process boundaries in parallel loads: its warnings must pickle."""
    from zwgk.pipeline import prepare

    path = tmp_path / "ledger.txt"
    path.write_text("\n".join("\t".join(r) for r in [HEADER] + ROWS) + "\n", encoding="utf-8")
    prepared = prepare(read_ledger(path, layout="tsv"))
    again = pickle.loads(pickle.dumps(prepared))
    assert again.summary == prepared.summary
    assert isinstance(again.summary.warnings, tuple)
    assert [w.code for w in again.summary.warnings][0] == "unknown-header"


@pytest.mark.parametrize("lang, text", [("en", "line 4: x"), ("zh", "第4行：叉"), ("both", "line 4: x / 第4行：叉")])
def test_render(lang, text):
    assert LedgerWarning(code="c", en="x", zh="叉", line=4).render(lang=lang) == text
