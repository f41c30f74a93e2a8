"""Writes the office fixtures of the 150-row 石泉县 sample (examples/ledgers/
shiquan-2021-renwu-fenjie.txt): shiquan.docx (python-docx: vertically merged indicator, unit and
deadline cells, units separated by line breaks) and shiquan.xlsx (openpyxl: the same merges as
merged ranges), then with LibreOffice shiquan.xls, .ods, .odt, .doc and .rtf converted from them.

Run once from the repository root: ``.venv/bin/python tests/data/formats/office/make_fixtures.py``
(needs ``soffice`` for the converted files). The files are committed; tests need no soffice."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # tests/, for office_rows and conftest

from office_rows import merged_view, shiquan_rows  # noqa: E402

TITLE = "石泉县2021年政务公开工作任务分解一览表"


def write_docx(path: Path) -> None:
    import docx

    rows, merges = shiquan_rows()
    shown = merged_view(rows, merges)
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(shown):
        for c, text in enumerate(row):
            if text:
                _put(table.cell(r, c), text)
    for col, first, last in merges:
        merged = table.cell(first, col).merge(table.cell(last, col))
        for p in merged.paragraphs[1:]:
            p._p.getparent().remove(p._p)
        merged.paragraphs[0].text = ""
        _put(merged, rows[first][col])
    document.add_paragraph("石泉县人民政府办公室")
    document.save(path)


def _put(cell, text: str) -> None:
    """The text in the cell's first paragraph, its lines separated by line breaks (<w:br/>)."""
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        if i < text.count("\n"):
            run.add_break()


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    rows, merges = shiquan_rows()
    shown = merged_view(rows, merges)
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append([TITLE])
    for row in shown:
        sheet.append([int(c) if i == 0 and c.isdigit() else c for i, c in enumerate(row)])
    for col, first, last in merges:
        sheet.merge_cells(start_row=first + 2, start_column=col + 1, end_row=last + 2, end_column=col + 1)
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    book.save(path)


def convert(source: Path, target: str) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"soffice not found: {source.stem}.{target} not written")
        return
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", target, "--outdir", out, str(source)],
                       check=True, timeout=180, stdout=subprocess.DEVNULL)
        produced = Path(out) / f"{source.stem}.{target}"
        shutil.copyfile(produced, HERE / produced.name)
        print("wrote", HERE / produced.name)


def main() -> None:
    write_docx(HERE / "shiquan.docx")
    write_xlsx(HERE / "shiquan.xlsx")
    for target in ("xls", "ods"):
        convert(HERE / "shiquan.xlsx", target)
    for target in ("odt", "doc", "rtf"):
        convert(HERE / "shiquan.docx", target)


if __name__ == "__main__":
    main()
