"""Make the PDF fixtures of tests/test_loaders_pdf.py (committed; run again only to change them).

    .venv/bin/python tests/data/formats/pdf/make_fixtures.py

Needs LibreOffice (``soffice``) on PATH, python-docx and Pillow. Writes, beside this script:

- ``shiquan-table.pdf``: the 150 tasks of examples/ledgers/shiquan-2021-renwu-fenjie.txt as a
  ruled Word table (序号, 一级指标…四级指标, 主要任务, 责任单位, 完成时限), equal consecutive
  indicators, units and deadlines merged vertically, the header repeated on every page and rows
  allowed to break across pages — converted by LibreOffice.
- ``hubei-prose.pdf``: the hubei key-points sample (20 numbered items) as paragraphs.
- ``scanned.pdf``: one page holding only an image (Pillow's PDF writer): no text layer.
- ``encrypted.pdf``: a short table exported by LibreOffice with an open password ("secret"),
  through the PDF export filter's ``DocumentOpenPassword`` option (no pypdf or qpdf needed).
- ``damaged.pdf``: the first 3 KB of ``hubei-prose.pdf``: a header and no cross-reference table.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT.parent))

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from zwgk.loaders import read_ledger

SHIQUAN = ROOT / "examples/ledgers/shiquan-2021-renwu-fenjie.txt"
HUBEI = ROOT / "examples/ledgers/hubei-renfang-2020-gongzuo-yaodian.txt"
HEADER = ["序号", "一级指标", "二级指标", "三级指标", "四级指标", "主要任务", "责任单位", "完成时限"]
WIDTHS_CM = [1.2, 2.6, 2.6, 2.6, 2.6, 8.0, 3.0, 2.2]


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.size = Pt(9)
    style.font.name = "Noto Serif CJK SC"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")


def _landscape(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _borders(table) -> None:
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    props.append(borders)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    props.append(element)


def _set(cell, text: str) -> None:
    paragraphs = text.split("\n")
    cell.text = paragraphs[0]
    for more in paragraphs[1:]:
        cell.add_paragraph(more)


def shiquan_rows() -> list[list[str]]:
    record = read_ledger(SHIQUAN)
    rows = []
    for task in record.tasks:
        path = list(task.indicators) + [""] * (4 - len(task.indicators))
        units = "\n".join(u.text for u in task.units)
        rows.append([task.number or "", *path, task.text, units, task.deadline or ""])
    return rows


def table_docx(path: Path) -> None:
    rows = shiquan_rows()
    document = Document()
    _font(document)
    _landscape(document)
    document.add_paragraph("石泉县2021年政务公开工作任务分解一览表")
    table = document.add_table(rows=1 + len(rows), cols=len(HEADER))
    _borders(table)
    table.autofit = False
    for col, width in enumerate(WIDTHS_CM):
        table._tbl.tblGrid.gridCol_lst[col].w = Cm(width)
        for cell in table.columns[col].cells:
            cell.width = Cm(width)
    for col, title in enumerate(HEADER):
        _set(table.rows[0].cells[col], title)
    _repeat_header(table.rows[0])
    for r, values in enumerate(rows, start=1):
        for col, text in enumerate(values):
            _set(table.rows[r].cells[col], text)
    # Vertical merges: an indicator equal to the one above under the same outer indicators, a
    # unit or deadline equal to the one above within the same first-level indicator.
    for col in range(1, len(HEADER)):
        if col == 5:
            continue
        start = 0
        for r in range(1, len(rows) + 1):
            if r < len(rows) and _continues(rows, r, col):
                continue
            if r - 1 > start:
                top = table.cell(start + 1, col)
                text = rows[start][col]
                top.merge(table.cell(r, col))
                _set(top, text)
            start = r
    document.save(path)


def _continues(rows: list[list[str]], r: int, col: int) -> bool:
    if not rows[r][col] or rows[r][col] != rows[r - 1][col]:
        return False
    outer = range(1, col) if col <= 4 else range(1, 2)
    return all(rows[r][c] == rows[r - 1][c] for c in outer)


def prose_docx(path: Path) -> None:
    document = Document()
    _font(document)
    for line in HUBEI.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(path)


def encrypted_docx(path: Path) -> None:
    document = Document()
    _font(document)
    table = document.add_table(rows=2, cols=3)
    _borders(table)
    for col, text in enumerate(["序号", "主要任务", "责任单位"]):
        table.cell(0, col).text = text
    for col, text in enumerate(["1", "及时公开政府常务会议讨论决定的事项。", "政府办"]):
        table.cell(1, col).text = text
    document.save(path)


def convert(docx: Path, out: Path, work: Path, *, password: str | None = None) -> None:
    target = "pdf"
    if password:
        options = {"EncryptFile": {"type": "boolean", "value": "true"},
                   "DocumentOpenPassword": {"type": "string", "value": password}}
        target = "pdf:writer_pdf_Export:" + json.dumps(options)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
         "--convert-to", target, "--outdir", str(work), str(docx)],
        check=True, capture_output=True, timeout=300,
    )
    shutil.move(work / (docx.stem + ".pdf"), out)


def scanned(out: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for y in range(200, 1500, 60):  # lines of "print" on the scanned page
        draw.rectangle((150, y, 150 + (y * 37) % 800 + 200, y + 18), fill=40)
    image.save(out, "PDF", resolution=150)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="zwgk-pdf-") as tmp:
        work = Path(tmp)
        table_docx(work / "shiquan-table.docx")
        convert(work / "shiquan-table.docx", HERE / "shiquan-table.pdf", work)
        prose_docx(work / "hubei-prose.docx")
        convert(work / "hubei-prose.docx", HERE / "hubei-prose.pdf", work)
        encrypted_docx(work / "encrypted.docx")
        convert(work / "encrypted.docx", HERE / "encrypted.pdf", work, password="secret")
    scanned(HERE / "scanned.pdf")
    (HERE / "damaged.pdf").write_bytes((HERE / "hubei-prose.pdf").read_bytes()[:3000])
    for path in sorted(HERE.glob("*.pdf")):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
