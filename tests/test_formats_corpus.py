"""The real task tables of the development corpus, written as the office files and web pages
they are published as, read back to the same tasks.

Each corpus table is read from its text (tests/data/corpus/tables), laid out as the table its
tasks form (tests/variants.py), and written as a .docx with vertically merged indicator cells,
an .xlsx with merged ranges and a web page with rowspan; reading each back gives the same task
texts, lead units, deadlines and indicator paths as the text."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from variants import compare, expected_tasks, table_of

from zwgk.loaders import read_ledger

TABLES = sorted((Path(__file__).parent / "data" / "corpus" / "tables" / "ledgers").glob("*.txt"))


def _spans(cells: list[list[str | None]]) -> list[list[int]]:
    """Rows each printed cell spans downwards: itself and the covered cells (``None``) under it;
    0 for a covered cell."""
    out = [[0 if value is None else 1 for value in row] for row in cells]
    for c in range(len(cells[0]) if cells else 0):
        top = None
        for r, row in enumerate(cells):
            if row[c] is None and top is not None:
                out[top][c] += 1
            elif row[c] is not None:
                top = r
    return out


def write_docx(table, path: Path) -> None:
    import docx

    cells = table.cells(merged=True)
    document = docx.Document()
    if table.title:
        document.add_paragraph(table.title)
    grid = document.add_table(rows=len(cells) + 1, cols=len(table.header))
    for cell, title in zip(grid.rows[0].cells, table.header):
        cell.text = title
    spans = _spans(cells)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if value is None:
                continue
            cell = grid.cell(r + 1, c)
            cell.text = value
            if spans[r][c] > 1:
                cell.merge(grid.cell(r + spans[r][c], c))
                cell.text = value
    document.save(path)


def write_xlsx(table, path: Path) -> None:
    from openpyxl import Workbook

    cells = table.cells(merged=True)
    book = Workbook()
    sheet = book.active
    sheet.append(list(table.header))
    spans = _spans(cells)
    for row in cells:
        sheet.append(["" if value is None else value for value in row])
    for r, row in enumerate(spans):
        for c, span in enumerate(row):
            if span > 1:
                sheet.merge_cells(start_row=r + 2, start_column=c + 1, end_row=r + 1 + span, end_column=c + 1)
    book.save(path)


def write_html(table, path: Path) -> None:
    cells = table.cells(merged=True)
    spans = _spans(cells)
    body = ["<tr>" + "".join(f"<th>{escape(title)}</th>" for title in table.header) + "</tr>"]
    for r, row in enumerate(cells):
        tds = "".join(
            f"<td{f' rowspan={spans[r][c]}' if spans[r][c] > 1 else ''}>{escape(value).replace(chr(10), '<br>')}</td>"
            for c, value in enumerate(row)
            if value is not None
        )
        body.append(f"<tr>{tds}</tr>")
    title = escape(table.title or "政务公开工作任务分解表")
    path.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div class="nav">首页 &gt; 政务公开 &gt; 政策文件</div><h1>{title}</h1>'
        f'<table border="1">{"".join(body)}</table><div class="footer">版权所有</div></body></html>',
        encoding="utf-8",
    )


WRITERS = {".docx": write_docx, ".xlsx": write_xlsx, ".html": write_html}


@pytest.mark.parametrize("suffix", sorted(WRITERS))
@pytest.mark.parametrize("path", TABLES, ids=[p.stem[:24] for p in TABLES])
def test_corpus_table_in_office_formats(tmp_path, path, suffix):
    record = read_ledger(path)
    table = table_of(record)
    written = tmp_path / f"{path.stem}{suffix}"
    WRITERS[suffix](table, written)
    back = read_ledger(written)
    assert len(back.tasks) == len(record.tasks), (
        f"{written.name}: {len(back.tasks)} tasks, text has {len(record.tasks)}"
    )
    problems = compare(back.tasks, expected_tasks(record))
    assert not problems, f"{written.name}: " + "; ".join(problems[:3])
