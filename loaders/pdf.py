"""PDF documents, read with pdfplumber: ruled tables cell by cell, otherwise the text as prose.

Tables. Every ruled table pdfplumber finds is read from its cells' bounding boxes: a cell gives
its text to the grid slot where it starts; the slots it spans to the right are empty cells
(``""``) and the slots it spans below are covered (``None``, what ``delimited.merged_grid``
reads as a merged cell whose value is inherited). The text of a cell is
its characters line by line; a line that is full (the next line's first character or word would
not have fitted after it before the cell's right edge) was wrapped by the layout and is joined
to the next, any other line break was typed and is kept ("\\n" separates units, as in .docx).

A table continued on the next page (same columns, within 2 pt) is one table:

- its first rows are skipped when they repeat the header row;
- a first row whose first column is empty while another cell has text is the rest of the
  previous page's last row (a row broken by the page): its texts are appended to that row's
  cells and it is not a row of its own;
- an empty cell in the first row of a continued page is read as covered (``None``): a merged
  cell that runs across the page break is drawn again, empty, at the top of the next page.

A table whose header is not recognised (``delimited.find_header``) and that does not continue a
recognised one is not read (a warning says so): its columns cannot be told apart, and a reading
that scrambles columns is worse than none.

Line numbers: a row's "line" is ``page × 1000 + its row index on the page`` (1-based, counting
every ruled row on the page, a repeated header included), so that "line 3012" is page 3, row 12.

Prose. A PDF without a table with a recognised header is read as text: characters are grouped
into lines by position, a full line is joined to the next as above (a PDF has no paragraphs,
only wrapped lines), pages are joined, and the text goes to the prose reader. The prose reader
reads ``source.lines``; ``Source.text`` and ``Source.lines`` are ``functools.cached_property``
values stored in the instance ``__dict__``, so a copy of the Source with the extracted text
placed there is a text file to every text function, with the PDF's path and checksum.

Refusals, each an ``InputError`` naming the file: a PDF with an open password, a damaged PDF
(cannot be opened), a PDF whose pages hold no characters (a scan: OCR is not supported). A PDF
is read only by this reader (``magic``), and ``readings`` drops a reader's ``InputError`` in
favour of the other readers' readings; so that these messages reach the user and are not
replaced by a generic "no ledger found", ``detect`` reads the file (once, the reading is cached
on the Source) and raises them.
"""

from __future__ import annotations

import bisect
import copy
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analysis.normalise import strip_invisible
from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning
from . import limits
from .delimited import find_header, merged_grid
from .metadata import extract_metadata
from .page import is_title
from .source import Layout, Source
from .table import grid_to_tasks, is_units

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.pdf import PDF
    from pdfplumber.table import Table

_Char = dict[str, Any]
"""A character as pdfplumber gives it (``page.chars``): x0, x1, top, bottom, size, text, upright…."""

PAGE_LINES = 1000
"""A row's line is page × PAGE_LINES + its row index on the page."""
ALIGN = 2.0
"""Points by which the column edges of a table continued on the next page may differ."""
_ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/%]*")


# ------------------------------------------------------------------------------------ lines
@dataclass
class _Line:
    chars: list[_Char]
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0

    def __post_init__(self) -> None:
        self.chars.sort(key=lambda c: c["x0"])
        pieces: list[str] = []
        last = None
        for char in self.chars:
            if (
                last is not None
                and char["x0"] - last["x1"] > 0.3 * max(last["size"], 1)
                and not last["text"].isspace()
                and not char["text"].isspace()
            ):
                pieces.append(" ")
            pieces.append(char["text"])
            last = char
        self.text = strip_invisible("".join(pieces)).rstrip()
        visible = [c for c in self.chars if not c["text"].isspace()] or self.chars
        self.x0 = min(c["x0"] for c in visible)
        self.x1 = max(c["x1"] for c in visible)
        self.top = min(c["top"] for c in visible)

    def first_token_width(self) -> float:
        """Width of what a layout would have had to fit on the line above: a word of Latin
        letters or digits, else one character."""
        visible = [c for c in self.chars if not c["text"].isspace()]
        if not visible:
            return 0.0
        match = _ASCII_WORD.match(self.text.lstrip())
        count = len(match.group(0)) if match else 1
        run = visible[:count]
        width: float = run[-1]["x1"] - run[0]["x0"]
        return width


def _lines(chars: list[_Char]) -> list[_Line]:
    """Characters grouped into lines: by baseline position, top to bottom."""
    chars = [c for c in chars if c.get("upright", True) and c["text"]]
    if not chars:
        return []
    chars.sort(key=lambda c: (round(c["bottom"], 1), c["x0"]))
    groups: list[list[_Char]] = []
    for char in chars:
        if groups:
            ref = groups[-1][-1]
            if abs(char["bottom"] - ref["bottom"]) <= 0.4 * max(min(char["size"], ref["size"]), 1):
                groups[-1].append(char)
                continue
        groups.append([char])
    out = [_Line(group) for group in groups]
    return [line for line in out if line.text.strip()]


def _unit_lines(before: _Line, line: _Line) -> bool:
    """Two lines that each read as a unit name (政府各工作部门 / 直属机构): a line break of a unit
    cell, kept whatever the line's length, so that the unit vocabulary (analysis.agencies) tells
    a separator from a wrap rather than the layout's last fraction of a point."""
    return is_units(before.text) and is_units(line.text)


def _join(lines: list[_Line], right: float, *, keep: Callable[[_Line, _Line], bool] = _unit_lines) -> str:
    """Lines joined: a full line (the next one's first word would not fit before ``right``)
    continues on the next line; other breaks are kept. ``keep(before, line)`` forces a break."""
    out = ""
    for index, line in enumerate(lines):
        if index:
            before = lines[index - 1]
            wrapped = before.x1 + line.first_token_width() > right - 0.5 and not keep(before, line)
            if not wrapped:
                out += "\n"
            elif out[-1:].isascii() and out[-1:].isalnum() and line.text[:1].isascii() and line.text[:1].isalnum():
                out += " "
        out += line.text.strip()
    return out


# ----------------------------------------------------------------------------------- tables
@dataclass
class _Table:
    page: int
    top_line: int
    """The line (page × 1000 + index) of the table's first row."""
    columns: list[float]
    rows: list[list[str | None]]
    lines: list[int]
    parts: dict[tuple[int, int], tuple[list[_Line], float]] = field(default_factory=dict)
    """The lines of the cell starting at (row, column) and the right edge its text fills."""
    bottom: float = 0.0
    page_height: float = 0.0
    top: float = 0.0


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > 1.0:
            out.append(value)
    return out


def _read_table(table: Table, chars: list[_Char], page_number: int, first_index: int) -> _Table:
    cells = [c for c in table.cells if c[2] - c[0] > 0.5 and c[3] - c[1] > 0.5]
    xs = _edges([c[0] for c in cells])
    ys = _edges([c[1] for c in cells])
    grid: list[list[str | None]] = [[None] * len(xs) for _ in ys]
    origin: dict[tuple[int, int], int] = {}
    for index, (x0, top, x1, bottom) in enumerate(cells):
        r0 = bisect.bisect_left(ys, top - 1.0)
        c0 = bisect.bisect_left(xs, x0 - 1.0)
        r1 = bisect.bisect_left(ys, bottom - 1.0)
        c1 = bisect.bisect_left(xs, x1 - 1.0)
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                origin[(r, c)] = index
        for c in range(c0 + 1, max(c1, c0 + 1)):
            grid[r0][c] = ""  # spanned to the right: an empty cell of the same row
    inside: dict[int, list[_Char]] = {}
    for char in chars:
        mx, my = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        r = bisect.bisect_right(ys, my) - 1
        c = bisect.bisect_right(xs, mx) - 1
        if r < 0 or c < 0 or (r, c) not in origin:
            continue
        x0, top, x1, bottom = cells[origin[(r, c)]]
        if x0 <= mx <= x1 and top <= my <= bottom:
            inside.setdefault(origin[(r, c)], []).append(char)
    lines_of = {index: _lines(found) for index, found in inside.items()}
    pads = [line[0].x0 - cells[index][0] for index, line in lines_of.items() if line]
    pad = max(0.0, min(pads)) if pads else 2.0
    parts: dict[tuple[int, int], tuple[list[_Line], float]] = {}
    for index, (x0, top, x1, _bottom) in enumerate(cells):
        r0 = bisect.bisect_left(ys, top - 1.0)
        c0 = bisect.bisect_left(xs, x0 - 1.0)
        parts[(r0, c0)] = (lines_of.get(index, []), x1 - pad)
        grid[r0][c0] = _join(*parts[(r0, c0)])
    x_right = max(c[2] for c in cells)
    return _Table(
        page=page_number,
        top_line=first_index,
        columns=[*xs, x_right],
        rows=grid,
        lines=[page_number * PAGE_LINES + first_index + i for i in range(len(grid))],
        parts=parts,
        bottom=table.bbox[3],
        top=table.bbox[1],
    )


def _aligned(a: _Table, b: _Table) -> bool:
    return len(a.columns) == len(b.columns) and all(abs(x - y) <= ALIGN for x, y in zip(a.columns, b.columns))


def _norm(cells: list[str | None]) -> list[str]:
    return [re.sub(r"\s+", "", c or "") for c in cells]


@dataclass
class _Block:
    """A table, with its continuations on the following pages."""

    header_at: int | None
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    last: _Table | None = None
    parts: dict[tuple[int, int], tuple[list[_Line], float]] = field(default_factory=dict)
    """The cells' lines, by (row index in ``rows``, column): to join a cell broken by a page."""

    def add(self, table: _Table, skip: int = 0) -> None:
        """Append the rows of ``table`` from row ``skip`` on."""
        base = len(self.rows)
        for (r, c), part in table.parts.items():
            if r >= skip:
                self.parts[(base + r - skip, c)] = part
        self.rows.extend(zip(table.lines[skip:], table.rows[skip:]))
        self.last = table


def _continue(block: _Block, table: _Table) -> None:
    """Append a table continuing ``block`` from the previous page (see the module doc)."""
    header = _norm(block.rows[block.header_at][1]) if block.header_at is not None else None
    skip = 0
    while skip < len(table.rows) and header is not None and _norm(table.rows[skip]) == header:
        skip += 1
    if skip == len(table.rows) or not block.rows:
        block.add(table, skip)
        return
    first = table.rows[skip]
    if first[0] == "" and any(c for c in first[1:]):
        for col, text in enumerate(first):
            if not text:
                continue
            r = len(block.rows) - 1
            while r > 0 and block.rows[r][1][col] is None:
                r -= 1
            cells = block.rows[r][1]
            before, after = block.parts.get((r, col)), table.parts.get((skip, col))
            if before is not None and after is not None:
                lines = before[0] + after[0]
                block.parts[(r, col)] = (lines, before[1])
                cells[col] = _join(lines, before[1])
            else:
                cells[col] = (cells[col] or "") + text
        skip += 1  # the rows below it that it covered are now covered by the joined row
    else:
        table.rows[skip] = [None if (c == "" and col) else c for col, c in enumerate(first)]
    block.add(table, skip)


def _tables(pdf: PDF) -> tuple[list[_Block], list[LedgerWarning]]:
    blocks: list[_Block] = []
    warnings: list[LedgerWarning] = []
    current: _Block | None = None
    for page_number, page in enumerate(pdf.pages, start=1):
        found = page.find_tables()
        index = 1
        for position, table in enumerate(found):
            if not table.cells:
                continue
            read = _read_table(table, page.chars, page_number, index)
            index += len(read.rows)
            read.page_height = float(page.height)
            previous = current.last if current is not None else None
            if (
                position == 0
                and current is not None
                and previous is not None
                and previous.page == page_number - 1
                and _aligned(previous, read)
            ):
                _continue(current, read)
                continue
            rows = [(line, cells) for line, cells in zip(read.lines, read.rows)]
            at = find_header([(n, [c or "" for c in cells]) for n, cells in rows])
            if at is None:
                current = None
                if any(c for cells in read.rows for c in cells):
                    warnings.append(
                        LedgerWarning(
                            code="pdf-table-without-header",
                            line=read.lines[0],
                            en=f"the table on page {page_number} has no recognised header row: "
                            "its rows were not read as tasks",
                            zh=f"第 {page_number} 页的表格没有可识别的表头，未读取其中的行",
                        )
                    )
                continue
            current = _Block(header_at=at)
            current.add(read)
            blocks.append(current)
    return blocks, warnings


# ------------------------------------------------------------------------------------ prose
def _page_text(page: Page) -> list[_Line]:
    return _lines(page.chars)


def _prose_text(pages_read: Iterable[Page]) -> str:
    from .outline import heading

    pages: list[str] = []
    for page in pages_read:
        lines = _page_text(page)
        if not lines:
            continue
        right = max(line.x1 for line in lines)
        pages.append(_join(lines, right, keep=lambda before, line: bool(heading(line.text.strip()))))
    return "\n".join(pages)


# -------------------------------------------------------------------------------------- read
def _open(source: Source) -> PDF:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(source.data))
        pages = len(pdf.pages)  # parses the page tree: a damaged file fails here
    except Exception as exc:  # pdfminer raises many types for a damaged file
        cause = getattr(exc, "args", [None])[0] if type(exc).__name__ == "PdfminerException" else exc
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            raise InputError(
                "the PDF is protected by a password: remove the password (or print it to a new PDF) and load it again",
                path=source.path,
                line=1,
                expected="a PDF without an open password",
                message_zh="PDF 文件受密码保护：请去除密码后再加载",
            ) from exc
        raise InputError(
            f"cannot open the PDF: {type(cause).__name__}: {cause}".rstrip(": "),
            path=source.path,
            line=1,
            expected="a PDF document",
            message_zh="无法打开 PDF 文件（文件可能已损坏）",
        ) from exc
    if pages > limits.MAX_PDF_PAGES:
        pdf.close()
        raise InputError(
            f"the PDF has {pages:,} pages, more than any ledger (limit {limits.MAX_PDF_PAGES:,}, "
            "set ZWGK_MAX_PDF_PAGES to change it)",
            path=source.path,
            line=1,
            expected=f"a PDF of at most {limits.MAX_PDF_PAGES:,} pages",
            message_zh=f"PDF 共 {pages:,} 页，超出上限（{limits.MAX_PDF_PAGES:,} 页，可用 ZWGK_MAX_PDF_PAGES 调整）",
        )
    return pdf


def _title(lines: list[str]) -> str | None:
    for line in lines[:40]:
        if is_title(line.strip()):
            return line.strip()
    found = extract_metadata(lines[:60])
    return str(found["title"]) if found.get("title") else None


def _read(source: Source) -> LedgerRecord:
    pdf = _open(source)
    try:
        try:
            has_chars = any(page.chars for page in pdf.pages)
        except Exception as exc:
            raise InputError(
                f"cannot open the PDF: {type(exc).__name__}: {exc}",
                path=source.path,
                line=1,
                expected="a PDF document",
                message_zh="无法打开 PDF 文件（文件可能已损坏）",
            ) from exc
        if not has_chars:
            images = sum(len(page.images) for page in pdf.pages)
            what = "a scanned PDF (pages of images)" if images else "a PDF"
            raise InputError(
                f"this is {what} without a text layer: zwgk does not read text in images (OCR is "
                "not supported); load the ledger as text, .docx or .xlsx, or a PDF exported "
                "from a document",
                path=source.path,
                line=1,
                expected="a PDF with text (exported from Word, WPS or Excel)",
                message_zh="这是没有文字层的扫描版 PDF，不支持文字识别（OCR）：请提供文本、Word、Excel "
                "或由文档导出的 PDF",
            )
        blocks, warnings = _tables(pdf)
        prose = _prose_text(pdf.pages if not blocks else pdf.pages[:1])
    finally:
        pdf.close()
    text_lines = [line for line in prose.split("\n") if line.strip()]
    record = source.record(layout=LAYOUT.name)
    if blocks:
        for block in blocks:
            rows = [(line, cells) for line, cells in block.rows if any(c for c in cells)]
            built = merged_grid(rows)
            if built is None:
                continue
            grid, head = built
            record.tasks.extend(grid_to_tasks(grid))
            record.warnings.extend(grid.header.warnings(line=head))
        record.warnings.extend(warnings)
    else:
        text = source.__class__(source.path)
        text.__dict__.update({k: v for k, v in source.__dict__.items() if k in ("data", "sha256")})
        text.__dict__["text"] = prose
        text.__dict__["lines"] = prose.split("\n")
        from . import prose as prose_reader

        record = prose_reader.read(text)
        record.layout = LAYOUT.name
        record.warnings.extend(warnings)
    record.title = _title(text_lines)
    return record


def read(source: Source) -> LedgerRecord:
    cached = source.__dict__.get("_pdf_reading")
    if cached is None:
        try:
            cached = _read(source)
        except InputError as exc:
            cached = exc
        source.__dict__["_pdf_reading"] = cached
    if isinstance(cached, InputError):
        raise cached
    return copy.deepcopy(cached)


def detect(source: Source) -> float:
    """A PDF: read it now, so that a refusal (password, damage, scan) is raised here and is
    not lost among the other readers' readings (see the module doc)."""
    if not source.data.startswith(b"%PDF"):
        return 0.0
    read(source)
    return 0.95


LAYOUT = Layout(
    name="pdf",
    detect=detect,
    read=read,
    description="PDF document: ruled tables cell by cell, else the text as key points / PDF 文档",
    magic=(b"%PDF",),
)
