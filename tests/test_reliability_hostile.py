"""Hostile and huge files (issue #23, the loaders' part): every one is either refused before the
work it would cause, with one message naming the file and exit status 2 and the store exactly as
it was, or read in part with warnings that say what was not read. The files are made here, as
real ZIP, Word, Excel, OpenDocument and HTML bytes.

The bombs and the files that used to exhaust memory are loaded by ``zwgk load`` in a subprocess
whose address space is limited (``MEMORY``): before these limits existed each of them needed
gigabytes (a 5 KB sheet with one cell at XFD1048576, a 4 KB bzip2 member inflating to 5.5 GB, a
lying ZIP member, a link to /dev/zero), so a regression fails here instead of taking the
machine's memory."""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from zwgk.cli import main
from zwgk.loaders import folder_files, limits, read_ledger

MEMORY = 768 * 2**20
"""Address space of a ``zwgk load`` subprocess: a load of a small ledger needs about 500 MB of
it (most of it mapped, not used); every hostile file below needed several GB before."""

HEADER = ["序号", "主要任务", "牵头单位", "完成时限"]
TITLE = "石泉县2021年政务公开工作任务分解表"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# ------------------------------------------------------------------------------ file makers
def _docx(rows: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


LEDGER = [
    HEADER,
    ["1", "及时公开政府预算信息", "县财政局", "10月底前"],
    ["2", "做好政策解读工作", "县民政局", "年底前"],
]


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP written byte by byte: (name, compressed data, method, declared size, CRC) per member,
    so that a member can be compressed with any method and declare any size."""
    out = io.BytesIO()
    central = []
    for name, raw, method, size, crc in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(raw), size, len(encoded), 0)
            + encoded
            + raw
        )
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                len(raw),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _with_member(data: bytes, name: str, raw: bytes, *, method: int, size: int, crc: int) -> bytes:
    """The office file ``data`` with member ``name`` replaced by ``raw`` (already compressed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = []
    for info in source.infolist():
        if info.filename == name:
            members.append((name, raw, method, size, crc))
        else:
            body = source.read(info.filename)
            members.append((info.filename, _deflate(body), zipfile.ZIP_DEFLATED, len(body), zlib.crc32(body)))
    return _zip(members)


def _deflate(body: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(body) + packer.flush()


def _deflate_bomb(mebibytes: int) -> bytes:
    """A raw deflate stream of ``mebibytes`` MiB of "A", about 1,000 times smaller: one MiB
    compressed and flushed to a byte boundary with the dictionary reset (so the same bytes
    inflate to the same MiB wherever they stand), repeated, then an empty final block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = packer.compress(b"A" * 2**20) + packer.flush(zlib.Z_FULL_FLUSH)
    return chunk * mebibytes + b"\x03\x00"


_BZ2_BLOCK = bytes.fromhex("3141592653590e09e2df015f8e4000c0000008200030804d4642a025a90a8097")
"""One bzip2 block of 45,899,235 zero bytes, exactly 32 bytes long (cut from ``bz2.compress``
of zeros): whole blocks end on a byte boundary, so they can be repeated."""


def _bzip2_bomb(blocks: int) -> bytes:
    """A bzip2 stream of ``blocks`` × 45,899,235 zero bytes in 32 bytes a block: the blocks, the
    end-of-stream marker and the stream CRC combined from the block CRCs as bzip2 does."""
    block_crc = int.from_bytes(_BZ2_BLOCK[6:10], "big")
    combined = 0
    for _ in range(blocks):
        combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ block_crc
    return b"BZh9" + _BZ2_BLOCK * blocks + bytes.fromhex("177245385090") + struct.pack(">I", combined)


def _ods(body: str, *, padding: int = 0) -> bytes:
    """An OpenDocument spreadsheet whose table is ``body`` (``padding`` spaces after it)."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body>'
        f"<office:spreadsheet>{body}{' ' * padding}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return out.getvalue()


def _ods_row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f"<table:table-row{attribute}>"
        + "".join(f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in cells)
        + "</table:table-row>"
    )


# ------------------------------------------------------------------------------- the runner
def _limited(
    command: list[str], *, env: dict[str, str] | None = None, memory: int = MEMORY
) -> subprocess.CompletedProcess:
    """``command`` in a subprocess limited to ``memory`` bytes of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    environment = {**os.environ, "ZWGK_LANG": "en", "MALLOC_ARENA_MAX": "2", **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, preexec_fn=limit, env=environment, timeout=1800)


def _zwgk(*args: str, store: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``zwgk --store STORE ARGS`` in a subprocess limited to ``MEMORY`` of address space."""
    return _limited([sys.executable, "-m", "zwgk.cli", "--store", str(store), *args], env=env)


_READ = """
import json, sys
from zwgk.loaders import read_ledger
record = read_ledger(sys.argv[1])
print(json.dumps({"tasks": [[t.text, [u.text for u in t.units], t.deadline] for t in record.tasks],
                  "warnings": [w.as_json() for w in record.warnings]}, ensure_ascii=False))
"""


def _read(path: Path, *, env: dict[str, str] | None = None, memory: int = MEMORY) -> dict:
    """``read_ledger(path)`` in a subprocess limited to ``memory``: its tasks (text, units,
    deadline) and warnings, as JSON."""
    result = _limited([sys.executable, "-c", _READ, str(path)], env=env, memory=memory)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _export(store: Path) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), "export", "--format", "nquads"])
    assert result.exit_code == 0, result.output
    return result.output


def _refused(path: Path, store: Path, *, env: dict[str, str] | None = None) -> str:
    """Load ``path`` into ``store``: one message naming the file, exit status 2, no traceback,
    the store exactly as it was. The message, for the caller to check."""
    before = _export(store)
    result = _zwgk("load", str(path), store=store, env=env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("zwgk: error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"zwgk: error: {path}")
    assert _export(store) == before
    return errors[0]


def _loaded(path: Path, store: Path) -> dict:
    """Load ``path`` into ``store`` (exit status 0): its summary as ``--format json`` gives it."""
    result = CliRunner().invoke(main, ["--store", str(store), "load", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    (ledger,) = json.loads(result.output)["ledgers"]
    return ledger


# ---------------------------------------------------------------------------------- memory
def test_sheet_with_a_cell_at_xfd1048576_reads_the_cells_it_holds(tmp_path):
    """A 5 KB workbook whose one stray cell declares a 1,048,576 × 16,384 sheet (before: killed
    for memory after 45 s): its rows are read, the stray cell is reported."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in LEDGER:
        sheet.append(row)
    sheet["XFD1048576"] = "x"
    path = tmp_path / "corner.xlsx"
    book.save(path)
    assert path.stat().st_size < 8000
    read = _read(path)
    assert read["tasks"] == [
        ["及时公开政府预算信息", ["县财政局"], "10月底前"],
        ["做好政策解读工作", ["县民政局"], "年底前"],
    ]
    (far,) = [w for w in read["warnings"] if w["code"] == "cells-beyond-last-column"]
    assert far["line"] == 1048576
    assert "1 cell(s) with text right of column 1024 were not read" in far["en"]


def test_bzip2_member_inflating_to_gigabytes_is_refused_unread(tmp_path, writable_store):
    """A 4 KB .docx whose document.xml is bzip2 that inflates to 5.5 GB (before: killed for
    memory): refused by its compression method, which no office program writes."""
    bomb = _bzip2_bomb(120)
    assert 120 * 45_899_235 > 5 * 10**9
    data = _with_member(_docx(LEDGER), "word/document.xml", bomb, method=zipfile.ZIP_BZIP2, size=2**32 - 1, crc=0)
    path = tmp_path / "bomb.docx"
    path.write_bytes(data)
    assert len(data) < 40_000
    message = _refused(path, writable_store)
    assert "member word/document.xml is compressed with bzip2, which no office program writes" in message


def test_opendocument_mimetype_bomb_is_not_inflated_to_detect_the_format(tmp_path, writable_store):
    """The first member an OpenDocument reader reads, ``mimetype``, as bzip2 inflating to 5.5
    GB: the format is told without inflating it (a bounded read of 100 bytes would still inflate
    4 KB of bzip2 data at once, about 5 GB)."""
    body = '<table:table table:name="台账">' + "".join(_ods_row(*row) for row in LEDGER) + "</table:table>"
    data = _with_member(_ods(body), "mimetype", _bzip2_bomb(120), method=zipfile.ZIP_BZIP2, size=2**32 - 1, crc=0)
    path = tmp_path / "bomb.ods"
    path.write_bytes(data)
    message = _refused(path, writable_store)
    assert "no ledger found: a ZIP container that is neither .docx nor .xlsx" in message


def test_deflate_member_declaring_gigabytes_is_refused_unread(tmp_path, writable_store):
    """A workbook whose sheet inflates (honestly) to 2 GiB, a thousand times its size."""
    from openpyxl import Workbook

    book = Workbook()
    for row in LEDGER:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    data = _with_member(
        out.getvalue(), "xl/worksheets/sheet1.xml", _deflate_bomb(2048), method=zipfile.ZIP_DEFLATED, size=2**31, crc=0
    )
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    message = _refused(path, writable_store)
    assert (
        "the archive inflates to more than 128 MB (member xl/worksheets/sheet1.xml alone declares 2048 MB)" in message
    )


def test_member_that_inflates_past_its_declared_size_is_refused(tmp_path, writable_store):
    """A ZIP that lies: document.xml declares 4 KB (with the CRC of its first 4 KB, so that
    Python's zipfile would accept it) and inflates to 1 GiB. Before: 2.1 GB of memory, as zipfile
    inflates a member's whole data in one call before cutting it to the declared size."""
    data = _with_member(
        _docx(LEDGER),
        "word/document.xml",
        _deflate_bomb(1024),
        method=zipfile.ZIP_DEFLATED,
        size=4096,
        crc=zlib.crc32(b"A" * 4096),
    )
    path = tmp_path / "lying.docx"
    path.write_bytes(data)
    message = _refused(path, writable_store)
    assert "member word/document.xml inflates to more than the 4,096 bytes the archive declares" in message


def test_compression_ratio_limit_and_its_setting(tmp_path, writable_store):
    """A spreadsheet whose content.xml is 1.5 MB of mostly spaces (compressed about 1,000 times):
    refused at the default ratio of 100, read when ZWGK_MAX_ZIP_RATIO allows it."""
    body = '<table:table table:name="台账">' + "".join(_ods_row(*row) for row in LEDGER) + "</table:table>"
    path = tmp_path / "padded.ods"
    path.write_bytes(_ods(body, padding=3 * 2**19))
    message = _refused(path, writable_store)
    assert "member content.xml inflates" in message and "times (limit 100, set ZWGK_MAX_ZIP_RATIO" in message
    assert len(_read(path, env={"ZWGK_MAX_ZIP_RATIO": "5000"})["tasks"]) == 2


def test_repeated_rows_are_counted_before_they_are_expanded(tmp_path, writable_store):
    """One row repeated a million times in a 2 KB spreadsheet: 2 million cells, refused before
    one of them is made."""
    body = (
        '<table:table table:name="台账">'
        + _ods_row(*HEADER)
        + _ods_row("1", "及时公开政府预算信息", "县财政局", "10月底前", repeat=1_000_000)
        + "</table:table>"
    )
    path = tmp_path / "repeated.ods"
    path.write_bytes(_ods(body))
    message = _refused(path, writable_store)
    assert f"{path}:2: the file holds more than 2,000,000 table cells" in message


def test_word_span_of_a_hundred_million_columns_is_bounded(tmp_path):
    """``gridSpan`` of 100,000,000 in one cell (an 800 MB row before): the row stops at the
    last column read."""
    data = _docx(LEDGER)
    archive = zipfile.ZipFile(io.BytesIO(data))
    xml = archive.read("word/document.xml").decode()
    at = xml.rindex("<w:tcPr>") + len("<w:tcPr>")  # the last row's deadline cell
    xml = xml[:at] + '<w:gridSpan w:val="100000000"/>' + xml[at:]
    path = tmp_path / "span.docx"
    path.write_bytes(
        _with_member(
            data,
            "word/document.xml",
            _deflate(xml.encode()),
            method=zipfile.ZIP_DEFLATED,
            size=len(xml.encode()),
            crc=zlib.crc32(xml.encode()),
        )
    )
    assert _read(path)["tasks"] == [
        ["及时公开政府预算信息", ["县财政局"], "10月底前"],
        ["做好政策解读工作", ["县民政局"], "年底前"],
    ]


def test_link_to_dev_zero_is_refused_after_the_limit(tmp_path, writable_store):
    """``x.txt`` → /dev/zero reports a size of 0 and has no end (before: read until memory ran
    out): reading stops one byte past the limit."""
    path = tmp_path / "x.txt"
    path.symlink_to("/dev/zero")
    message = _refused(path, writable_store)
    assert "reading stopped after 32 MB: the file goes on further than any ledger" in message
    assert "set ZWGK_MAX_FILE_MB" in message


def test_device_in_a_folder_is_skipped_with_its_reason(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "ledger.docx").write_bytes(_docx(LEDGER))
    files, skipped = folder_files([folder])
    assert files == [folder / "ledger.docx"]
    assert [(s.path.name, s.en) for s in skipped] == [
        ("zero.txt", "not a regular file (a device, pipe, socket or broken link)")
    ]


def test_a_limit_set_to_nonsense_is_one_message(tmp_path, writable_store):
    path = tmp_path / "ledger.docx"
    path.write_bytes(_docx(LEDGER))
    result = _zwgk("load", str(path), store=writable_store, env={"ZWGK_MAX_FILE_MB": "lots"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"zwgk: error: {path}: ZWGK_MAX_FILE_MB='lots' is not a positive whole number"


# ------------------------------------------------------------------------------ wrong data
def _nested(depth: int) -> str:
    """A cell's content: ``depth`` tables, each in the middle cell of the one around it."""

    def cell(text: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    inner = "<w:p><w:r><w:t>10月底前</w:t></w:r></w:p>"
    for level in range(depth, 0, -1):
        inner = f"<w:tbl><w:tr>{cell(f'第{level}层' + '甲' * 2000)}<w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl><w:p/>"
    return inner


def _document_xml(body: str, *, doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>'
        f"{body}<w:sectPr/></w:body></w:document>"
    ).encode()


def _docx_with(xml: bytes) -> bytes:
    return _with_member(
        _docx(LEDGER),
        "word/document.xml",
        _deflate(xml),
        method=zipfile.ZIP_DEFLATED,
        size=len(xml),
        crc=zlib.crc32(xml),
    )


def _row(*cells: str) -> str:
    return "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in cells) + "</w:tr>"


def test_tables_nested_fifty_deep_are_read_three_deep(tmp_path):
    """Before: one task whose deadline was the 100,000 characters of all fifty tables."""
    table = (
        "<w:tbl>"
        + _row(*HEADER)
        + _row("1", "及时公开政府预算信息", "县财政局", "10月底前")
        + "<w:tr>"
        + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in ("2", "做好政策解读工作", "县民政局"))
        + f"<w:tc>{_nested(50)}</w:tc></w:tr></w:tbl>"
    )
    path = tmp_path / "nested.docx"
    path.write_bytes(_docx_with(_document_xml(table)))
    record = read_ledger(path)
    assert [t.text for t in record.tasks] == ["及时公开政府预算信息", "做好政策解读工作"]
    # The ledger's table, the table in its cell and the one inside that: levels 1 and 2 of the 50
    # (the space between their texts dropped between Chinese characters, as in every cell).
    assert record.tasks[1].deadline == "第1层" + "甲" * 2000 + "第2层" + "甲" * 2000
    (warning,) = [w for w in record.warnings if w.code == "nested-tables-not-read"]
    assert warning.line == 3
    assert warning.en.startswith(
        "48 table(s) nested more than 3 deep in this row were not read (their text begins '第3层甲甲甲"
    )


def test_cell_longer_than_the_limit_is_cut_with_a_warning(tmp_path):
    path = tmp_path / "long.docx"
    path.write_bytes(_docx([HEADER, ["1", "公开" * 20_000, "县财政局", "10月底前"]]))
    record = read_ledger(path)
    assert len(record.tasks[0].text) == limits.MAX_CELL_CHARS == 32_767
    (warning,) = [w for w in record.warnings if w.code == "cell-too-long"]
    assert warning.line == 2 and warning.en.startswith("a cell of 40,000 characters was cut after 32,767")


def test_external_entity_is_not_resolved_and_the_text_after_it_is_kept(tmp_path):
    """Before: the text after ``&xxe;`` was silently dropped (县民政局 lost its task)."""
    doctype = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    table = (
        "<w:tbl>"
        + _row(*HEADER)
        + _row("1", "及时公开政府预算信息", "县财政局&xxe;、县民政局", "10月底前")
        + "</w:tbl>"
    )
    path = tmp_path / "xxe.docx"
    path.write_bytes(_docx_with(_document_xml(table, doctype=doctype)))
    record = read_ledger(path)
    assert [u.text for u in record.tasks[0].units] == ["县财政局、县民政局"]
    assert "root:" not in repr(record)
    (warning,) = [w for w in record.warnings if w.code == "unresolved-entity"]
    assert "(&xxe;)" in warning.en and "the text around them is kept" in warning.en


def test_entity_in_an_opendocument_cell_keeps_the_text_after_it(tmp_path):
    content = (
        '<table:table table:name="台账">'
        + _ods_row(*HEADER)
        + _ods_row("1", "及时公开政府预算信息", "县财政局", "10月底前").replace("县财政局", "县财政局&xxe;、县民政局")
        + "</table:table>"
    )
    data = _ods(content)
    xml = (
        zipfile.ZipFile(io.BytesIO(data))
        .read("content.xml")
        .replace(b"?>", b'?><!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1)
    )
    path = tmp_path / "xxe.ods"
    path.write_bytes(
        _with_member(
            data, "content.xml", _deflate(xml), method=zipfile.ZIP_DEFLATED, size=len(xml), crc=zlib.crc32(xml)
        )
    )
    record = read_ledger(path)
    assert [u.text for u in record.tasks[0].units] == ["县财政局、县民政局"]
    assert [w.code for w in record.warnings if w.code == "unresolved-entity"] == ["unresolved-entity"]


INVISIBLE = ["县财政局", "县\u200b财政局", "县财政局\u200f", "\u202a县财政局\u202c", "县财\u2060政局", "\ufeff县财政局"]
"""One unit as ledgers print it: plain, with a zero-width space, a right-to-left mark, an
embedding, a word joiner, a byte-order mark."""


def _invisible_rows() -> list[list[str]]:
    return [HEADER] + [[str(i), f"及时公开第{i}项政策文件", unit, "10月底前"] for i, unit in enumerate(INVISIBLE, 1)]


def test_invisible_characters_leave_one_agency_in_a_workbook(tmp_path, writable_store):
    """Before: six agencies for one 县财政局."""
    from openpyxl import Workbook

    book = Workbook()
    for row in _invisible_rows():
        book.active.append(row)
    path = tmp_path / "units.xlsx"
    book.save(path)
    assert {u.text for t in read_ledger(path).tasks for u in t.units} == {"县财政局"}
    assert _loaded(path, writable_store)["agencies"] == 1


@pytest.mark.parametrize("kind", ["docx", "ods", "html"])
def test_invisible_characters_are_removed_from_cells(tmp_path, kind):
    rows = _invisible_rows()
    path = tmp_path / f"units.{kind}"
    if kind == "docx":
        path.write_bytes(_docx(rows))
    elif kind == "ods":
        path.write_bytes(
            _ods('<table:table table:name="台账">' + "".join(_ods_row(*r) for r in rows) + "</table:table>")
        )
    else:  # the characters written as character references, which only the HTML parser decodes

        def referenced(text: str) -> str:
            return "".join(f"&#x{ord(ch):x};" if ch in "\u200b\u200f\u202a\u202c\u2060\ufeff" else ch for ch in text)

        cells = "".join("<tr>" + "".join(f"<td>{referenced(c)}</td>" for c in row) + "</tr>" for row in rows)
        path.write_text(f"<html><body><h1>{TITLE}</h1><table>{cells}</table></body></html>", encoding="utf-8")
    record = read_ledger(path)
    assert len(record.tasks) == len(INVISIBLE)
    assert {u.text for t in record.tasks for u in t.units} == {"县财政局"}


def test_web_table_spanning_past_the_last_column_is_bounded(tmp_path):
    """20,000 cells of ``colspan=1000`` in one row (a row of 20 million positions before)."""
    rows = "".join(f"<tr><td>{'</td><td>'.join(row)}</td></tr>" for row in LEDGER)
    bomb = "<tr>" + "<td colspan=1000>x</td>" * 20_000 + "</tr>"
    path = tmp_path / "spans.html"
    path.write_text(f"<html><body><h1>{TITLE}</h1><table>{rows}{bomb}</table></body></html>", encoding="utf-8")
    record = read_ledger(path)
    assert [t.text for t in record.tasks][:2] == ["及时公开政府预算信息", "做好政策解读工作"]
    (warning,) = [w for w in record.warnings if w.code == "cells-beyond-last-column"]
    assert warning.en.startswith("19998 cell(s) with text right of column 1024 were not read")


# ------------------------------------------------------------------------------ large, honest
@pytest.mark.slow
def test_two_hundred_thousand_row_sheet_is_read_in_bounded_memory(tmp_path):
    """The stress workbook: 200,000 rows, its sheet 77 MB of XML (before: 8.8 GB for the whole
    load). The reading is streamed: it must fit in the subprocess's address space of 1.5 GiB."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务")
    sheet.append(HEADER)
    units = ["县财政局", "县民政局", "县司法局", "县教育局"]
    for i in range(1, 200_001):
        sheet.append([i, f"及时公开第{i}项政策文件并做好解读", units[i % 4], f"{i % 12 + 1}月底前"])
    path = tmp_path / "rows.xlsx"
    book.save(path)
    tasks = _read(path, memory=3 * 2**29)["tasks"]
    assert len(tasks) == 200_000
    assert tasks[-1] == ["及时公开第200000项政策文件并做好解读", ["县财政局"], "9月底前"]
