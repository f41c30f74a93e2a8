"""Legacy office files — Word 97-2003 (.doc), WPS Writer (.wps), RTF (.rtf), and spreadsheets
(.et/.xls) that xlrd cannot read — converted by LibreOffice headless to .docx/.xlsx and read with
that reader. The conversion runs without a shell, with a private profile and a timeout. Without
``soffice`` on PATH the file is refused with what to do instead.

The record says the file was converted (warning ``converted``), and when the converted document
holds fewer table rows than the original shows (RTF ``\\row`` marks; a .doc's cell and row-end
marks), it says that too (warning ``conversion-lost-rows``)."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning
from .source import Layout, Source
from .xls import BOOK_STREAMS, OLE2, streams

RTF = b"{\\rtf"
TIMEOUT = float(os.environ.get("ZWGK_SOFFICE_TIMEOUT", "180"))
INSTALL = (
    "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui) or save it as .docx/.xlsx"
)


def kind(source: Source) -> str | None:
    """``"document"``, ``"spreadsheet"`` or ``None`` (not a file this reader converts)."""
    if source.data.startswith(RTF):
        return "document"
    names = streams(source)
    if not names:
        return None
    if any(name in BOOK_STREAMS for name in names):
        from .xls import open_book

        try:
            open_book(source)
        except InputError:
            return "spreadsheet"
        return None  # the xls reader reads it
    return "document"


def detect(source: Source) -> float:
    return 0.9 if kind(source) else 0.0


def _suffix(source: Source, what: str) -> str:
    if source.data.startswith(RTF):
        return ".rtf"
    suffix = source.path.suffix.lower()
    known = (".doc", ".wps", ".dot") if what == "document" else (".xls", ".et", ".xlt")
    return suffix if suffix in known else (".doc" if what == "document" else ".xls")


def convert(source: Source, target: str, workdir: Path) -> Path:
    """The file converted by LibreOffice to ``target`` (docx/xlsx) in ``workdir``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError(
            f"{source.path.name} is a legacy office file that zwgk reads by converting it with "
            f"LibreOffice, which is not installed: {INSTALL}",
            path=source.path,
            line=1,
            expected="a .docx/.xlsx file, or LibreOffice (soffice) on PATH",
            message_zh=f"{source.path.name} 需要用 LibreOffice 转换后读取，但未安装 LibreOffice："
            "请安装（Debian：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui）"
            "或另存为 .docx/.xlsx",
        )
    what = "document" if target == "docx" else "spreadsheet"
    original = workdir / ("input" + _suffix(source, what))
    original.write_bytes(source.data)
    out = workdir / "out"
    out.mkdir()
    profile = workdir / "profile"
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        str(original),
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=workdir,
    )
    try:
        _, error = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        raise InputError(
            f"LibreOffice did not convert the file within {TIMEOUT:.0f} s",
            path=source.path,
            line=1,
            expected=f"a file LibreOffice converts to .{target}",
            message_zh="LibreOffice 转换超时",
        ) from None
    produced = out / f"input.{target}"
    if process.returncode != 0 or not produced.exists():
        said = error.decode("utf-8", "replace").strip().splitlines()[-1:] if error else []
        raise InputError(
            f"LibreOffice could not convert the file to .{target}" + (f": {said[0]}" if said else ""),
            path=source.path,
            line=1,
            expected=f"a file LibreOffice converts to .{target}",
            message_zh=f"LibreOffice 无法将文件转换为 .{target}",
        )
    return produced


def _original_marks(source: Source) -> tuple[str, int] | None:
    """What the original shows of its tables: (``"rows"``, n) for RTF, (``"marks"``, n) — cell
    and row-end marks — for a Word binary file; ``None`` when it cannot be told."""
    if source.data.startswith(RTF):
        return "rows", len(re.findall(rb"\\row(?![a-z])", source.data))
    try:
        from xlrd.compdoc import CompDoc

        stream = CompDoc(source.data, logfile=io.StringIO()).get_named_stream("WordDocument")
    except Exception:  # noqa: BLE001 — no estimate, no warning
        return None
    return ("marks", stream.count(b"\x07\x00")) if stream else None


def _converted_marks(path: Path) -> tuple[int, int]:
    """(rows, cells + rows) of the converted .docx's tables, nested ones included."""
    xml = zipfile.ZipFile(path).read("word/document.xml")
    rows = len(re.findall(rb"<w:tr[ >]", xml))
    cells = len(re.findall(rb"<w:tc[ >]", xml))
    return rows, rows + cells


def read(source: Source) -> LedgerRecord:
    what = kind(source)
    if what is None:
        raise InputError(
            "not a legacy Word, WPS, RTF or spreadsheet file",
            path=source.path,
            line=1,
            expected="a .doc, .wps, .rtf or .et file",
            message_zh="不是旧版 Word/WPS/RTF 文件",
        )
    target = "docx" if what == "document" else "xlsx"
    with tempfile.TemporaryDirectory(prefix="zwgk-lo-") as tmp:
        produced = convert(source, target, Path(tmp))
        converted = Source(produced)
        try:
            converted.data  # noqa: B018 — read before the folder goes
            converted.check_archive()  # within the limits before anything inflates it
            if target == "docx":
                from .docx import read as read_converted

                found = _original_marks(source)
                have = _converted_marks(produced)
            else:
                from .xlsx import read as read_converted

                found, have = None, (0, 0)
            record = read_converted(converted)
        except InputError as exc:  # said of the file the user named, not of the converted copy
            raise InputError(
                f"converted to .{target} by LibreOffice: {exc.reason}",
                path=source.path,
                line=exc.line,
                expected=exc.expected,
                message_zh=f"经 LibreOffice 转换为 .{target} 后：{exc.reason_zh or exc.reason}",
            ) from exc
    record.source_path, record.source_file, record.sha256 = source.path, source.path.name, source.sha256
    record.layout = LAYOUT.name
    kind_name = "RTF" if source.data.startswith(RTF) else source.path.suffix.lstrip(".") or "legacy office"
    record.warnings.insert(
        0,
        LedgerWarning(
            code="converted",
            en=f"this {kind_name} file was converted to .{target} by LibreOffice and read from that; "
            f"check the tasks against the original",
            zh=f"该 {kind_name} 文件已由 LibreOffice 转换为 .{target} 后读取，请与原文件核对",
        ),
    )
    if found is not None:
        measure, count = found
        got = have[0] if measure == "rows" else have[1]
        if got < count:
            lost = (
                f"{count - got} of {count} table rows"
                if measure == "rows"
                else f"about {count - got} of {count} table cells and rows"
            )
            record.warnings.insert(
                1,
                LedgerWarning(
                    code="conversion-lost-rows",
                    en=f"the converted document has fewer table rows than the original shows: {lost} "
                    "may be missing; save the file as .docx in Word or WPS to read it whole",
                    zh=f"转换后的文档表格行少于原文件（约缺 {count - got} 处），可能有任务缺失；"
                    "请在 Word 或 WPS 中另存为 .docx",
                ),
            )
    return record


LAYOUT = Layout(
    name="legacy-office",
    detect=detect,
    read=read,
    description="Word 97-2003 / WPS / RTF (.doc/.wps/.rtf/.et) converted by LibreOffice / "
    "旧版 Word、WPS、RTF 文件（经 LibreOffice 转换）",
    magic=(OLE2, RTF),
)
