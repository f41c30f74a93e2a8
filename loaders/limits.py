"""How much a ledger file may make zwgk read, in one place, each limit with the reason for its
value and the environment variable that changes it.

A ledger is a few hundred kilobytes: a table of a few hundred to a few thousand tasks. What these
limits stop is a file that makes a small input into a huge amount of work — a ZIP that inflates
to gigabytes, a sheet whose one stray cell declares a million rows by sixteen thousand columns,
a symbolic link to ``/dev/zero``, tables nested fifty deep — while every honest ledger, and
tables far larger than any ledger (the 200,000-row sheet of ``make stress``), stay well inside
them.

Each limit is checked twice where a file can lie: before the work, on what the file declares
(a ZIP member's inflated size), and on the work actually done (bytes read, bytes inflated,
cells read). A file over a limit is refused with one ``InputError`` naming the file, the limit
and the variable that raises it; a file read in part (cells right of the last column read,
tables nested too deep, a cell cut at its length limit) keeps what was read, with a warning
saying what was not.

Values come from the environment when the module is first imported; a value that is not a
positive whole number is refused (``ZwgkError``, exit status 2) rather than ignored.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, ZwgkError
from ..model import LedgerWarning


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value <= 0:
        raise ZwgkError(f"{name}={raw!r} is not a positive whole number", message_zh=f"{name}={raw!r} 不是正整数")
    return value


MiB = 2**20

MAX_FILE_BYTES = _setting("ZWGK_MAX_FILE_MB", 32) * MiB
"""Bytes read from one file (``ZWGK_MAX_FILE_MB``, default 32 MB). A ledger is a few hundred
kilobytes and the largest real ones (a province's workbook with embedded logos) a few MB; 32 MB
leaves room for a ledger saved with pictures. The limit counts the bytes actually read, not the
size the file system reports: a device, a pipe or ``/proc`` reports 0 and has no end."""

MAX_INFLATED_BYTES = _setting("ZWGK_MAX_INFLATED_MB", 128) * MiB
"""Bytes the members of one ZIP-based office file (.docx, .xlsx, .ods, .odt) inflate to, all
together (``ZWGK_MAX_INFLATED_MB``, default 128 MB). The XML of a 2,000-task ledger is a few MB;
the sheet of the 200,000-row stress workbook is 77 MB (read as a stream). Word and OpenDocument
XML is parsed as one tree of about 6.5 times its size (16 MB of document.xml made a 104 MB
python-docx tree), so 128 MB keeps the largest readable document's tree under 1 GB. Checked on
the sizes the archive declares and again on the bytes inflated."""

MAX_COMPRESSION_RATIO = _setting("ZWGK_MAX_ZIP_RATIO", 100)
"""Inflated size over compressed size of one ZIP member (``ZWGK_MAX_ZIP_RATIO``, default 100).
Office XML compresses 5–20 times; Apache POI refuses a member that inflates more than 100 times
(its default minimum inflate ratio 0.01), and users of office-file tools expect that threshold.
A deflate bomb inflates about 1,000 times, a bzip2 one millions of times."""

RATIO_GRACE_BYTES = 1 * MiB
"""A member that inflates to less than this is not held to ``MAX_COMPRESSION_RATIO``: a small
styles or settings part of repeated markup may compress 200 times, and at that size it cannot
exhaust anything (``MAX_INFLATED_BYTES`` bounds the sum of all of them)."""

MAX_ZIP_MEMBERS = _setting("ZWGK_MAX_ZIP_MEMBERS", 10_000)
"""Members of one ZIP-based office file (``ZWGK_MAX_ZIP_MEMBERS``, default 10,000). A workbook
has a dozen, a document with pictures a few hundred; each member costs a directory entry and a
check."""

ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
"""The only compression methods Word, WPS, Excel and LibreOffice write (ECMA-376 Part 2 and
ODF 1.2 Part 3 allow no other). A member compressed with bzip2, LZMA or anything else is how a
40 KB file inflates to gigabytes, and is refused without inflating it."""

MAX_CELLS = _setting("ZWGK_MAX_CELLS", 2_000_000)
"""Table cells read from one office file, empty ones inside a row included (``ZWGK_MAX_CELLS``,
default 2,000,000). A ledger of 5,000 tasks by 12 columns is 60,000 cells; 2,000,000 is the
200,000-row stress sheet at ten columns. A cell costs a few hundred bytes on its way through the
table readers, so this bounds their memory to well under a gigabyte. Counted as cells are read,
repeats expanded (an OpenDocument row repeated a million times is a million rows)."""

MAX_TEXT_CHARS = MAX_FILE_BYTES
"""Characters of cell text read from one office file: as many as the largest text file zwgk
reads can hold (``ZWGK_MAX_FILE_MB`` sets both). Apache POI's default for the same purpose is
10 million; an office file's text should not make more work than a text ledger may."""

MAX_CELL_CHARS = _setting("ZWGK_MAX_CELL_CHARS", 32_767)
"""Characters of one cell (``ZWGK_MAX_CELL_CHARS``, default 32,767, Excel's own limit for a
cell). A task is a sentence or a paragraph; a longer cell is the text of tables nested inside
it or a runaway paste. The cell is cut there, with a warning naming its row."""

MAX_COLUMNS = _setting("ZWGK_MAX_COLUMNS", 1024)
"""Columns read from one table (``ZWGK_MAX_COLUMNS``, default 1,024). A ledger has a dozen;
a sheet's formatting may reach its last column (XFD, the 16,384th) with nothing in it. Cells
right of this column are not read, with a warning when they hold text."""

MAX_TABLE_DEPTH = _setting("ZWGK_MAX_TABLE_DEPTH", 3)
"""Tables inside tables (``ZWGK_MAX_TABLE_DEPTH``, default 3: the ledger's table, a table in
one of its cells, and one more inside that). Word and LibreOffice nest tables for layout one or
two deep; a table nested deeper is not read (its text would become one cell's), with a warning
naming the row and the text that was left out."""

MAX_PDF_PAGES = _setting("ZWGK_MAX_PDF_PAGES", 1000)
"""Pages of one PDF (``ZWGK_MAX_PDF_PAGES``, default 1,000). A ledger is a few dozen pages;
pdfplumber takes a tenth of a second or more per page."""

_HINT = "set {} to change it"


def refuse(reason: str, *, path: Path | str, zh: str, expected: str, line: int | None = None) -> InputError:
    """The refusal of a file over a limit (to be raised by the caller)."""
    return InputError(reason, path=path, line=line, expected=expected, message_zh=zh)


# ------------------------------------------------------------------------------- bytes read
def read_bounded(path: Path) -> bytes:
    """The bytes of the file at ``path``, refused past ``MAX_FILE_BYTES``: the size the file
    system reports is checked first (a large regular file is refused without reading it), then
    at most one byte more than the limit is read, whatever that size said."""
    limit = MAX_FILE_BYTES
    expected = f"a ledger file of at most {limit // MiB} MB"
    try:
        size = path.stat().st_size
        if size > limit:
            raise refuse(
                f"the file is {size / MiB:.0f} MB, larger than any ledger "
                f"(limit {limit // MiB} MB, {_HINT.format('ZWGK_MAX_FILE_MB')})",
                path=path,
                line=1,
                expected=expected,
                zh=f"文件过大（{size / MiB:.0f} MB，上限 {limit // MiB} MB，可用 ZWGK_MAX_FILE_MB 调整）",
            )
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=path, message_zh="无法读取文件") from exc
    if len(data) > limit:
        raise refuse(
            f"reading stopped after {limit // MiB} MB: the file goes on further than any "
            f"ledger (a device, a pipe or a file still being written?) "
            f"(limit {limit // MiB} MB, {_HINT.format('ZWGK_MAX_FILE_MB')})",
            path=path,
            line=1,
            expected=expected,
            zh=f"读取 {limit // MiB} MB 后仍未结束：文件超出上限（可能是设备、管道或正在写入的文件；"
            "可用 ZWGK_MAX_FILE_MB 调整）",
        )
    return data


# ----------------------------------------------------------------------------- ZIP members
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CHUNK = 1 * MiB


def check_archive(data: bytes, *, path: Path) -> None:
    """Refuse a ZIP-based office file whose members would inflate past the limits, before any
    library inflates them: the number of members, each member's compression method, the sizes
    the archive declares (their sum and each member's ratio), and then the bytes each member
    actually inflates to, counted in chunks of 1 MB without keeping them (an archive can declare
    a size its data does not keep to; Python's zipfile inflates a member's whole data in one
    call before cutting it to the declared size)."""
    expected = "a .docx, .xlsx, .ods or .odt file as an office program saves it"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputError(
            f"the ZIP container is damaged: {exc}", path=path, expected=expected, message_zh="ZIP 容器已损坏"
        ) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise refuse(
            f"the archive has {len(members)} members, more than any office file "
            f"(limit {MAX_ZIP_MEMBERS}, {_HINT.format('ZWGK_MAX_ZIP_MEMBERS')})",
            path=path,
            expected=expected,
            zh=f"压缩包内文件过多（{len(members)} 个，上限 {MAX_ZIP_MEMBERS}）",
        )
    total = 0
    for member in members:
        name = member.filename
        if member.flag_bits & 0x1:
            raise refuse(
                f"member {name} is encrypted: remove the password and save the file again",
                path=path,
                expected=expected,
                zh=f"压缩包内文件 {name} 已加密：请去除密码后重新保存",
            )
        if member.compress_type not in ZIP_METHODS:
            method = _METHOD_NAMES.get(member.compress_type, f"method {member.compress_type}")
            raise refuse(
                f"member {name} is compressed with {method}, which no office program writes "
                "(a ZIP bomb?); it was not inflated",
                path=path,
                expected=expected,
                zh=f"压缩包内文件 {name} 使用 {method} 压缩，办公软件不会这样保存（疑似压缩炸弹），未解压",
            )
        total += member.file_size
        if total > MAX_INFLATED_BYTES:
            raise refuse(
                f"the archive inflates to more than {MAX_INFLATED_BYTES // MiB} MB (member {name} "
                f"alone declares {member.file_size / MiB:.0f} MB); it was not inflated "
                f"({_HINT.format('ZWGK_MAX_INFLATED_MB')})",
                path=path,
                expected=expected,
                zh=f"解压后超过 {MAX_INFLATED_BYTES // MiB} MB（{name} 声明 {member.file_size / MiB:.0f} MB），"
                "未解压（可用 ZWGK_MAX_INFLATED_MB 调整）",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_GRACE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise refuse(
                f"member {name} inflates {ratio:.0f} times (limit {MAX_COMPRESSION_RATIO}, "
                f"{_HINT.format('ZWGK_MAX_ZIP_RATIO')}): a ZIP bomb, not inflated",
                path=path,
                expected=expected,
                zh=f"压缩包内文件 {name} 压缩比为 {ratio:.0f}:1（上限 {MAX_COMPRESSION_RATIO}:1），"
                "疑似压缩炸弹，未解压（可用 ZWGK_MAX_ZIP_RATIO 调整）",
            )
    for member in members:
        _check_inflated(data, member, path=path, expected=expected)


_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64", 93: "Zstandard"}


def _check_inflated(data: bytes, member: zipfile.ZipInfo, *, path: Path, expected: str) -> None:
    """Inflate ``member`` in chunks, keeping nothing, and refuse it when it inflates to more
    than it declares (``check_archive`` has bounded what it declares) or its data is cut."""
    name = member.filename
    start = member.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise refuse(
            f"member {name} has no local header where the directory says: the ZIP container is damaged",
            path=path,
            expected=expected,
            zh=f"压缩包内文件 {name} 已损坏",
        )
    fields = _LOCAL_HEADER.unpack(header)
    offset = start + _LOCAL_HEADER.size + fields[9] + fields[10]
    raw = memoryview(data)[offset : offset + member.compress_size]
    if len(raw) < member.compress_size:
        raise refuse(
            f"member {name} is cut short: the ZIP container is damaged",
            path=path,
            expected=expected,
            zh=f"压缩包内文件 {name} 不完整，ZIP 容器已损坏",
        )
    if member.compress_type == zipfile.ZIP_STORED:
        if len(raw) != member.file_size:
            raise _damaged(name, path=path, expected=expected)
        return
    if not raw and member.file_size == 0:
        return  # an empty member (a folder entry) some writers mark as deflated
    inflater = zlib.decompressobj(-15)
    inflated = 0
    try:
        for at in range(0, len(raw), _CHUNK):
            chunk: memoryview | bytes = raw[at : at + _CHUNK]
            while chunk and not inflater.eof:
                inflated += len(inflater.decompress(chunk, _CHUNK))
                if inflated > member.file_size:
                    raise _bomb(name, member.file_size, path=path, expected=expected)
                chunk = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error as exc:
        raise _damaged(name, path=path, expected=expected, why=str(exc)) from exc
    if not inflater.eof or inflated != member.file_size:
        raise _damaged(name, path=path, expected=expected)


def _bomb(name: str, declared: int, *, path: Path, expected: str) -> InputError:
    return refuse(
        f"member {name} inflates to more than the {declared:,} bytes the archive declares "
        "for it (a ZIP bomb?); it was not inflated further",
        path=path,
        expected=expected,
        zh=f"压缩包内文件 {name} 解压后超过其声明的 {declared:,} 字节（疑似压缩炸弹），已停止解压",
    )


def _damaged(name: str, *, path: Path, expected: str, why: str = "") -> InputError:
    said = f" ({why})" if why else ""
    return refuse(
        f"member {name} cannot be inflated to the size the archive declares{said}: the ZIP container is damaged",
        path=path,
        expected=expected,
        zh=f"压缩包内文件 {name} 无法按声明大小解压，ZIP 容器已损坏",
    )


# ------------------------------------------------------------------------------ cells read
SHOWN_CHARS = 40
"""Characters of the text left out (tables nested too deep) that a warning shows."""


@dataclass
class Tally:
    """What an office reader read from one file and what it left out, counted as it reads.

    The reader passes every row it keeps through ``row`` (``repeat`` times for a row an
    OpenDocument sheet repeats), which refuses the file past ``MAX_CELLS`` or ``MAX_TEXT_CHARS``
    and cuts a cell longer than ``MAX_CELL_CHARS``; it reports a cell right of ``MAX_COLUMNS``
    (``far_cell``), a table nested deeper than ``MAX_TABLE_DEPTH`` (``left_out``) and an entity
    reference it did not resolve (``entity``). ``finish`` turns these into the record's
    warnings."""

    path: Path
    cells: int = 0
    chars: int = 0
    warnings: list[LedgerWarning] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)
    _far_cells: int = 0
    _far_line: int | None = None
    _deep: dict[int, tuple[int, str]] = field(default_factory=dict)

    def row(self, cells: list[str | None], *, line: int, repeat: int = 1) -> list[str | None]:
        """``cells`` counted (and cut where a cell is too long), ready to keep."""
        out = [self._cell(c, line=line) if c else c for c in cells]
        self.chars += sum(len(c) for c in out if c) * repeat
        self.covered(len(out) * repeat, line=line)
        return out

    def covered(self, count: int, *, line: int) -> None:
        """``count`` positions a merged range covers, counted before they are materialised."""
        self.cells += count
        if self.cells > MAX_CELLS:
            raise refuse(
                f"the file holds more than {MAX_CELLS:,} table cells, more than any ledger "
                f"(limit {MAX_CELLS:,}, {_HINT.format('ZWGK_MAX_CELLS')})",
                path=self.path,
                line=line,
                expected="a ledger table of at most a few thousand rows",
                zh=f"表格单元格超过 {MAX_CELLS:,} 个，超出上限（可用 ZWGK_MAX_CELLS 调整）",
            )
        if self.chars > MAX_TEXT_CHARS:
            raise refuse(
                f"the file's tables hold more than {MAX_TEXT_CHARS:,} characters, more than "
                f"any ledger (limit {MAX_TEXT_CHARS:,}, set with ZWGK_MAX_FILE_MB)",
                path=self.path,
                line=line,
                expected="a ledger table of at most a few thousand rows",
                zh=f"表格文字超过 {MAX_TEXT_CHARS:,} 字，超出上限（可用 ZWGK_MAX_FILE_MB 调整）",
            )

    def _cell(self, text: str, *, line: int) -> str:
        if len(text) <= MAX_CELL_CHARS:
            return text
        self.warnings.append(
            LedgerWarning(
                code="cell-too-long",
                line=line,
                en=f"a cell of {len(text):,} characters was cut after {MAX_CELL_CHARS:,} "
                f"(set ZWGK_MAX_CELL_CHARS to read more)",
                zh=f"单元格长达 {len(text):,} 字，仅读取前 {MAX_CELL_CHARS:,} 字",
            )
        )
        return text[:MAX_CELL_CHARS]

    def far_cell(self, *, line: int) -> None:
        """A cell holding text right of ``MAX_COLUMNS``, not read."""
        self._far_cells += 1
        if self._far_line is None:
            self._far_line = line

    def left_out(self, *, line: int, tables: int, text: str) -> None:
        """``tables`` tables nested deeper than ``MAX_TABLE_DEPTH`` in the row at ``line``, not
        read; ``text`` is the beginning of their text."""
        before, shown = self._deep.get(line, (0, ""))
        self._deep[line] = (before + tables, shown or text[:SHOWN_CHARS])

    def entity(self, name: str) -> None:
        """An entity reference (``&name;``) left unresolved: the text around it is kept."""
        self.entities.add(name)

    def finish(self, *, sheet: str | None = None) -> list[LedgerWarning]:
        """The warnings of the reading so far, each said once; ``sheet`` names the sheet read."""
        where_en, where_zh = (f"sheet {sheet}: ", f"工作表 {sheet}：") if sheet else ("", "")
        if self._far_cells:
            self.warnings.append(
                LedgerWarning(
                    code="cells-beyond-last-column",
                    line=self._far_line,
                    en=f"{where_en}{self._far_cells} cell(s) with text right of column {MAX_COLUMNS} were not "
                    f"read (set ZWGK_MAX_COLUMNS to read them)",
                    zh=f"{where_zh}第 {MAX_COLUMNS} 列右侧有 {self._far_cells} 个有内容的单元格未读取",
                )
            )
        self.warnings.extend(
            LedgerWarning(
                code="nested-tables-not-read",
                line=line,
                en=f"{where_en}{count} table(s) nested more than {MAX_TABLE_DEPTH} deep in this row were not read "
                f"(their text begins {text!r}); set ZWGK_MAX_TABLE_DEPTH to read them",
                zh=f"{where_zh}此行单元格中嵌套超过 {MAX_TABLE_DEPTH} 层的 {count} 个表格未读取（其文字以“{text}”开头）",
            )
            for line, (count, text) in sorted(self._deep.items())
        )
        if self.entities:
            names = ", ".join(f"&{name};" for name in sorted(self.entities))
            self.warnings.append(
                LedgerWarning(
                    code="unresolved-entity",
                    en=f"the file refers to entities it declares itself ({names}), which office programs never "
                    "write; zwgk does not resolve them (an external one may name any file): the text "
                    "around them is kept, the entities are left out",
                    zh=f"文件引用了自行声明的实体（{names}），办公软件不会生成此类内容；zwgk 不解析实体（外部实体可指向任意文件），"
                    "保留实体前后的文字，实体本身略去",
                )
            )
        out = self.warnings
        self.warnings, self.entities, self._deep = [], set(), {}
        self._far_cells, self._far_line = 0, None
        return out
