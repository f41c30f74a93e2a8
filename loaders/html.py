"""Government web pages (.html/.htm, or HTML saved as .txt), read with lxml.html.

- Decoding: a byte-order mark, else the page's own ``<meta charset>`` / ``<meta http-equiv
  content="…; charset=gbk">`` (GB2312 and GBK are read as GB18030, their superset), else UTF-8
  then GB18030 as for every text file (``text.decode``). A page whose declared charset does not
  decode it (a UTF-8 page still declaring gb2312) is decoded as if it declared none.
- Tables: every ``<table>``, its own rows (``<tr>``, also under thead/tbody/tfoot) and cells
  (``<td>``/``<th>``). A cell's text keeps ``<br>``, ``<p>``, ``<div>``, ``<li>`` as line breaks
  (they separate units in a unit cell); a table nested in a cell is that cell's text, a line per
  row. ``rowspan`` is expanded with the covered positions as ``None`` (merged: they inherit),
  ``colspan`` with the positions it covers to the right as empty cells, as Word's ``gridSpan``
  (loaders/docx.py): a horizontally merged cell's text belongs to its first column, and the
  columns it covers must not inherit from the row above. A row's line is the line of its
  ``<tr>`` in the file. Every table whose rows hold a recognised header is read; consecutive
  tables with the same header are one ledger split over several tables (the header repeated);
  of these the reading that is most plausible (``score.plausibility``) is kept.
- Pages without a ledger table: the page's text by blocks (p, div, h1–h6, li, br, table rows),
  site chrome left out (script, style, nav, footer, a header outside the article, elements
  whose class or id says nav/menu/footer/breadcrumb/share), each block on the line of the file
  where it starts, read by the prose reader.
- Title and metadata: the article's ``<h1>``/``<h2>`` or the ``<title>`` (its part that names
  the genre) when it names the genre; issuer, 文号 and year from the page's visible text (the
  raw markup lines that ``read_ledger`` gives ``apply_metadata`` are not the page's text).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..analysis.normalise import fold, strip_invisible
from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning
from . import limits
from .delimited import find_header
from .metadata import extract_metadata
from .page import is_title
from .source import Layout, Source
from .table import Grid, grid_to_tasks, merged_rows, read_header

if TYPE_CHECKING:
    # lxml-stubs do not declare HtmlElement (their lxml.html ``__getattr__`` makes it ``Any``)
    # and type the parsed tree as plain ``_Element``s, which lack ``text_content``.
    from lxml.html import HtmlElement

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "center",
        "address",
        "figure",
        "figcaption",
        "hr",
        "form",
        "fieldset",
    }
)
_CELLS = frozenset({"td", "th"})
_INVISIBLE = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "iframe",
        "object",
        "embed",
        "select",
        "option",
        "button",
        "svg",
        "map",
    }
)
_CHROME_TAGS = frozenset({"nav"})
_CHROME_WORDS = ("nav", "menu", "footer", "breadcrumb", "crumb", "share", "bdshare")
_MAX_SPAN = 1000
_SNIFF = 65536
_PAGE_TAGS = (b"<html", b"<body", b"<table", b"<!doctype html")
_FRAGMENT_TAGS = (b"<p>", b"<p ", b"<div", b"<br", b"<tr", b"<td", b"<li", b"<h1", b"<h2", b"<h3")
_DECLARED = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "hz-gb-2312": "gb18030",
}


# --- bytes and text ---------------------------------------------------------------------------


def detect(source: Source) -> float:
    """A page (``<html``, ``<body``, ``<table``) or a fragment of one: block tags opening a
    good share of the lines. A few stray ``<p>`` in tab-separated cells (a web table copied as
    text) are left to the text readers."""
    head = source.data[:_SNIFF].lower()
    if any(tag in head for tag in _PAGE_TAGS):
        return 0.9
    if sum(head.count(tag) for tag in _FRAGMENT_TAGS) < 3:
        return 0.0
    lines = [line.strip() for line in head.split(b"\n") if line.strip()]
    opening = sum(1 for line in lines if line.startswith(b"<"))
    return 0.6 if lines and opening >= 0.3 * len(lines) else 0.0


def _declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its ``<meta>``, read by lxml from the page's head (the
    declaration is ASCII in every encoding it may name)."""
    import lxml.html

    sniff = data[:_SNIFF].decode("ascii", errors="replace")
    try:
        root = lxml.html.document_fromstring(sniff)
    except Exception:  # noqa: BLE001 — lxml refuses some damaged heads: then no declaration
        return None
    for meta in root.iter("meta"):
        charset = meta.get("charset")
        if not charset and (meta.get("http-equiv") or "").strip().lower() == "content-type":
            content = (meta.get("content") or "").lower()
            _, found, after = content.partition("charset=")
            charset = after.split(";")[0] if found else None
        if charset:
            name = charset.strip().strip("\"'").lower()
            name = _DECLARED.get(name, name)
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def page_text(source: Source) -> str:
    """The page decoded: BOM, declared charset, else UTF-8 then GB18030 (``text.decode``)."""
    from .text import decode

    data = source.data
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = _declared_charset(data)
        if declared:
            try:
                text = data.decode(declared)
            except UnicodeDecodeError:
                pass
            else:
                return strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n"))
    return strip_invisible(decode(data, path=source.path)[0])


def _parse(source: Source) -> tuple[str, HtmlElement, list[LedgerWarning]]:
    import lxml.html

    text = page_text(source)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception as exc:
        raise InputError(
            f"cannot parse the page as HTML: {exc}",
            path=source.path,
            line=1,
            expected="an HTML page",
            message_zh="无法解析网页",
        ) from exc
    return (
        text,
        root,
        [_too_deep(error.line) for error in parser.error_log if error.type_name == "ERR_RESOURCE_LIMIT"][:1],
    )


def _too_deep(line: int) -> LedgerWarning:
    """libxml2 stops building the tree 256 elements deep: what lies deeper is not on the page
    zwgk reads."""
    return LedgerWarning(
        code="page-too-deep",
        line=line,
        en="the page nests its elements more than 256 deep (the HTML parser's limit): the text "
        "nested deeper than that was not read",
        zh="网页元素嵌套超过 256 层（HTML 解析器的上限），更深处的文字未读取",
    )


# --- text of elements -------------------------------------------------------------------------

_BREAK = "\n"


@dataclass
class _Piece:
    text: str
    line: int
    """The file line where the text (or, for a break, the block it opens) starts."""
    brk: bool = False


def _tag(node: HtmlElement) -> str | None:
    return node.tag.lower() if isinstance(node.tag, str) else None


def _is_chrome(node: HtmlElement) -> bool:
    """Site furniture around the article, said conservatively: nav, a page footer, a header
    outside any article, and elements whose class or id names nav/menu/footer/breadcrumb/share."""
    tag = _tag(node)
    if tag in _CHROME_TAGS or tag == "footer":
        return True
    if tag == "header" and not any(_tag(a) in ("article", "main") for a in node.iterancestors()):
        return True
    words = " ".join((node.get("class") or "", node.get("id") or "")).lower()
    tokens = words.replace("-", " ").replace("_", " ").split()
    return any(token.startswith(_CHROME_WORDS) for token in tokens)


def _pieces(element: HtmlElement, *, drop_chrome: bool, tally: limits.Tally | None = None) -> list[_Piece]:
    """The text pieces of ``element``. With ``tally`` (the text of a table's cell), a table
    nested in it more than ``limits.MAX_TABLE_DEPTH`` - 1 deep is left out and reported there."""
    out: list[_Piece] = []

    def text(value: str | None, line: int) -> None:
        if value:
            flat = " ".join(strip_invisible(value).replace("\xa0", " ").split())
            if flat:
                # A text node that starts or ends with white space keeps one space there.
                lead = " " if value[:1].isspace() else ""
                tail = " " if value[-1:].isspace() else ""
                out.append(_Piece(lead + flat + tail, line))

    def walk(node: HtmlElement, line: int, tables: int) -> None:
        tag = _tag(node)
        here = node.sourceline or line
        if tag is None or tag in _INVISIBLE or (drop_chrome and _is_chrome(node)):
            return
        if tag == "table" and tally is not None:
            tables += 1
            if tables >= limits.MAX_TABLE_DEPTH:
                shown = strip_invisible(" ".join(node.text_content().split()))[: limits.SHOWN_CHARS]
                tally.left_out(line=line, tables=sum(1 for _ in node.iter("table")), text=shown)
                return
        if tag == "br":
            out.append(_Piece(_BREAK, here, brk=True))
            return
        block = tag in _BLOCKS
        if block:
            out.append(_Piece(_BREAK, here, brk=True))
        text(node.text, here)
        for child in node:
            walk(child, here, tables)
            text(child.tail, child.sourceline or here)
        if tag in _CELLS:
            out.append(_Piece(" ", here))
        if block:
            out.append(_Piece(_BREAK, here, brk=True))

    walk(element, element.sourceline or 1, 0)
    return out


def _lines(pieces: list[_Piece]) -> list[tuple[int, str]]:
    """(file line where it starts, text) per line of text, empty lines left out."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start: int | None = None
    for piece in pieces + [_Piece(_BREAK, 0, brk=True)]:
        if piece.brk:
            line = " ".join("".join(current).split())
            if line:
                out.append((start or piece.line or 1, line))
            current, start = [], None
            continue
        if start is None and piece.text.strip():
            start = piece.line
        current.append(piece.text)
    return out


def cell_text(cell: HtmlElement, *, tally: limits.Tally | None = None) -> str:
    """A cell's text, its blocks and ``<br>`` as line breaks (a nested table a line per row);
    with ``tally``, tables nested deeper than ``limits.MAX_TABLE_DEPTH`` are left out."""
    return "\n".join(text for _, text in _lines(_pieces(cell, drop_chrome=False, tally=tally))).strip()


def page_lines(root: HtmlElement, count: int) -> list[str]:
    """The page's visible text, each block on the line of the file where it starts, so that a
    task's line is its line in the page. Blocks that share a line of the file (a page printed
    without line breaks) take the next free lines: numbering then drifts from the file's, but
    stays in order. ``count`` is the number of lines of the file."""
    body = root.find("body")
    out = [""] * count
    at = 0
    for line, text in _lines(_pieces(body if body is not None else root, drop_chrome=True)):
        index = max(line - 1, at)
        while index >= len(out):
            out.append("")
        out[index] = text
        at = index + 1
    return out


# --- tables -----------------------------------------------------------------------------------


def _own_rows(table: HtmlElement) -> list[HtmlElement]:
    rows: list[HtmlElement] = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    return rows


def _span(cell: HtmlElement, name: str) -> int:
    try:
        value = int((cell.get(name) or "1").strip())
    except ValueError:
        return 1
    return max(1, min(value, _MAX_SPAN)) if value != 0 else _MAX_SPAN


def _fill_covered(cells: list[str | None], covered: dict[int, tuple[int, str | None]]) -> None:
    """Append the positions that spans from the rows above cover at the end of ``cells``."""
    while covered.get(len(cells), (0, None))[0] > 0:
        count, value = covered[len(cells)]
        covered[len(cells)] = (count - 1, value)
        cells.append(value)


def table_rows(table: HtmlElement, *, tally: limits.Tally) -> list[tuple[int, list[str | None] | None]]:
    """(line of the ``<tr>``, cells) per row, spans expanded: ``None`` for a position a rowspan
    covers below its cell (merged: it inherits), "" for an empty cell and for the positions a
    colspan covers to the right of its cell, in its own row and in the rows its rowspan covers
    (the text is the first column's: the columns to its right must not inherit from above).
    A row with no text at all is ``None`` (a break, as a blank line). At most
    ``limits.MAX_COLUMNS`` positions a row, every row counted (``tally``)."""
    width = limits.MAX_COLUMNS
    rows: list[tuple[int, list[str | None] | None]] = []
    covered: dict[int, tuple[int, str | None]] = {}  # column → (rows still covered, the cell there)
    trs = _own_rows(table)
    for index, tr in enumerate(trs):
        left = len(trs) - index - 1
        line = tr.sourceline or 1
        cells: list[str | None] = []
        for td in tr:
            if _tag(td) not in _CELLS:
                continue
            _fill_covered(cells, covered)
            col = len(cells)
            if col >= width:
                if td.text_content().strip():
                    tally.far_cell(line=line)
                continue
            colspan, rowspan = min(_span(td, "colspan"), width - col), min(_span(td, "rowspan"), left + 1)
            cells.append(cell_text(td, tally=tally))
            cells.extend([""] * (colspan - 1))
            if rowspan > 1:
                for c in range(col, col + colspan):
                    covered[c] = (rowspan - 1, None if c == col else "")
        for c in sorted(k for k, (count, _) in covered.items() if count > 0 and k >= len(cells)):
            cells.extend([""] * (c - len(cells)))
            _fill_covered(cells, covered)
        rows.append((line, tally.row(cells, line=line) if any(c for c in cells if c) else None))
    return rows


@dataclass
class _Table:
    rows: list[tuple[int, list[str | None] | None]]
    header: tuple[str, ...]
    header_line: int
    header_index: int
    """The header's index in ``rows`` (every row of a page printed on one line has line 1)."""
    warnings: list[LedgerWarning]
    """What reading its rows left out (cells right of the last column, tables nested too deep)."""


def _ledger_tables(source: Source, root: HtmlElement) -> tuple[int, list[_Table]]:
    """The number of tables in the page, and those with a recognised header. Every table is
    counted against ``limits.MAX_CELLS`` (the page's tables together too: a table nested in a
    cell is read as a table of its own as well)."""
    tables = list(root.iter("table"))
    page = limits.Tally(path=source.path)
    found: list[_Table] = []
    for table in tables:
        tally = limits.Tally(path=source.path)
        rows = table_rows(table, tally=tally)
        page.covered(tally.cells, line=table.sourceline or 1)
        body = [(i, [c or "" for c in cells]) for i, (_, cells) in enumerate(rows) if cells is not None]
        at = find_header(body)
        if at is None:
            continue
        index = body[at][0]
        found.append(
            _Table(
                rows=rows,
                header=tuple(fold(c) for c in body[at][1] if c),
                header_line=rows[index][0],
                header_index=index,
                warnings=tally.finish(),
            )
        )
    return len(tables), found


def _groups(tables: list[_Table]) -> list[list[_Table]]:
    """Consecutive tables with the same header: one ledger split over several tables."""
    groups: list[list[_Table]] = []
    for table in tables:
        if groups and groups[-1][-1].header == table.header:
            groups[-1].append(table)
        else:
            groups.append([table])
    return groups


def _grid(rows: list[tuple[int, list[str | None] | None]]) -> Grid:
    """The grid of a table whose first row is its header: a ``None`` cell is covered by a
    rowspan (it inherits), "" is empty (it does not), a row with no text is a break
    (``table.merged_rows``); a row of one cell is a ``<td colspan>`` across the table."""
    head = rows[0][1] or []
    grid = Grid(header=read_header([c or "" for c in head]), block_starts=set(), explicit_merges=True)
    return merged_rows(grid, rows[1:])


def _read_group(source: Source, group: list[_Table]) -> LedgerRecord:
    rows = group[0].rows[group[0].header_index :]
    for table in group[1:]:  # the header each part repeats is not a row of the ledger
        rows.extend(table.rows[table.header_index + 1 :])
    grid = _grid(rows)
    record = source.record(layout=LAYOUT.name)
    record.tasks = grid_to_tasks(grid)
    record.warnings.extend(grid.header.warnings(line=group[0].header_line))
    record.warnings.extend(w for table in group for w in table.warnings)
    return record


def _best_table_reading(source: Source, tables: list[_Table], lines: list[str]) -> LedgerRecord | None:
    from .score import plausibility

    best: tuple[float, int, LedgerRecord] | None = None
    for group in _groups(tables):
        try:
            record = _read_group(source, group)
        except InputError:
            continue
        if not record.tasks:
            continue
        value = plausibility(record, lines=lines).value
        if best is None or (value, len(record.tasks)) > best[:2]:
            best = (value, len(record.tasks), record)
    return best[2] if best else None


# --- prose ------------------------------------------------------------------------------------


def _text_source(source: Source, lines: list[str]) -> Source:
    """A Source whose text is the page's visible text. ``Source.text``/``lines`` are
    ``functools.cached_property``: setting them in the instance's ``__dict__`` is what caching
    would have done, so the prose reader sees the visible lines (laid out at their file lines)
    instead of the markup, without a second kind of Source."""
    view = Source(source.path)
    view.__dict__["data"] = source.data
    view.__dict__["sha256"] = source.sha256
    view.__dict__["text"] = "\n".join(lines)
    view.__dict__["lines"] = lines
    return view


def _read_prose(source: Source, lines: list[str]) -> LedgerRecord | None:
    from .prose import read as read_prose

    try:
        record = read_prose(_text_source(source, lines))
    except InputError:
        return None
    record.layout = LAYOUT.name
    return record if record.tasks else None


# --- title and metadata -----------------------------------------------------------------------


def _title(root: HtmlElement) -> str | None:
    """The article's heading when it names the genre, else the part of ``<title>`` that does
    (site names follow it after _ - | ——)."""
    for tag in ("h1", "h2", "h3"):
        for heading in root.iter(tag):
            text = " ".join(cell_text(heading).split())
            if is_title(text):
                return text
    title = root.find(".//title")
    if title is not None and title.text_content():
        text = " ".join(title.text_content().split())
        for sep in ("_", "｜", "|", " - ", "——", "－"):
            text = text.replace(sep, "\n")
        for part in text.split("\n"):
            if is_title(part.strip()):
                return part.strip()
    return None


def _apply_page_metadata(record: LedgerRecord, root: HtmlElement, lines: list[str]) -> None:
    record.title = _title(root)
    first = min((task.line for task in record.tasks), default=None)
    body_start = first - 1 if first else None
    if body_start is not None and not any(line.strip() for line in lines[:body_start]):
        body_start = None  # a page printed on one line: every task is on line 1
    found = extract_metadata(lines, body_start=body_start)
    for name in ("title", "issuer", "doc_number"):
        if getattr(record, name) is None and found.get(name):
            setattr(record, name, str(found[name]))
    year = found.get("year")
    if record.year is None and isinstance(year, int):
        record.year = year


# --- reading ----------------------------------------------------------------------------------


def read(source: Source) -> LedgerRecord:
    text, root, too_deep = _parse(source)
    file_lines = text.split("\n")
    count, tables = _ledger_tables(source, root)
    visible = page_lines(root, len(file_lines))
    record = _best_table_reading(source, tables, file_lines) if tables else None
    if record is None:
        record = _read_prose(source, visible)
    if record is None:
        what = f"an HTML page with {count} table{'s' if count != 1 else ''}"
        if tables:
            what += f", {len(tables)} with a ledger header but no task rows under it"
        elif count:
            what += f", {'none' if count > 1 else 'not one'} with a ledger header"
        what += ", and no numbered key points in its text"
        raise InputError(
            f"no ledger found: {what}",
            path=source.path,
            line=1,
            expected="a <table> with a header such as 序号/主要任务/牵头单位/责任单位/完成时限, "
            "or key points numbered 一、（一）",
            message_zh="网页中未找到台账：没有带表头的任务表，也没有编号的工作要点",
        )
    _apply_page_metadata(record, root, visible)
    record.warnings.extend(too_deep)
    return record


LAYOUT = Layout(
    name="html",
    detect=detect,
    read=read,
    description="web page (HTML): its ledger <table>, rowspan/colspan as merged cells, or its "
    "key points in prose / 网页中的台账表格或工作要点",
)
