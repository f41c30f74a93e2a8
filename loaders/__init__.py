"""Ledger readers: one module per convention, one signature, one registry, one choice.

Each reader module defines a ``Layout(name=…, detect=…, read=…)`` (a module may define several,
registered as ``module:ATTRIBUTE``):

- ``detect(source) -> float``: whether the file shows the reader's conventions at all (0 when it
  does not), from the structure of the text, never from the file name. It is a cheap filter.
- ``read(source) -> LedgerRecord``: the tasks, or an ``InputError`` naming the line.

``read_ledger`` reads a text file with every reader whose conventions it shows and keeps the
reading that is most plausible on one scale for all (``loaders/score.py``: how much of the text
the reading explains, whether its tasks read as tasks and its units as units, whether its
numbering runs on), with that reading's warnings. A file is refused only when no reading finds
a plausible task, and the refusal says what was found. ``layout=`` forces one reader. Modules
are imported lazily so that a command that reads no ledger pays nothing.

What a file may make zwgk read is bounded in ``limits``: ``Source.data`` reads at most
``limits.MAX_FILE_BYTES`` (bytes actually read, whatever the file system says its size is), and
``Source.check_archive`` refuses a ZIP-based office file whose members would inflate past the
limits before a reader hands it to python-docx, openpyxl or lxml.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning, Overrides
from .source import Layout, Source

# Registry: layout name → module (or module:attribute). Order breaks ties between equally
# plausible readings.
REGISTRY: dict[str, str] = {
    "docx": "zwgk.loaders.docx",
    "xlsx": "zwgk.loaders.xlsx",
    "xls": "zwgk.loaders.xls",
    "opendocument": "zwgk.loaders.opendocument",
    "legacy-office": "zwgk.loaders.legacy",
    "pdf": "zwgk.loaders.pdf",
    "html": "zwgk.loaders.html",
    "tsv": "zwgk.loaders.delimited",
    "csv": "zwgk.loaders.csv_table",
    "bar-rows": "zwgk.loaders.rows:BAR_ROWS",
    "comma-rows": "zwgk.loaders.rows:COMMA_ROWS",
    "space-rows": "zwgk.loaders.rows:SPACE_ROWS",
    "word-dump": "zwgk.loaders.word_dump",
    "cell-per-line": "zwgk.loaders.cell_per_line",
    "bar-cell-rows": "zwgk.loaders.stream:BAR_ROW_LAYOUT",
    "paragraph-cell-rows": "zwgk.loaders.stream:PARAGRAPH_ROW_LAYOUT",
    "bar-cells": "zwgk.loaders.stream:BAR_LAYOUT",
    "paragraph-cells": "zwgk.loaders.stream:PARAGRAPH_LAYOUT",
    "prose": "zwgk.loaders.prose",
}

MIN_PLAUSIBILITY = 0.02
"""Below this no reading explains the text: a few words that happen to look like a task."""
SUFFIXES = (
    ".txt",
    ".text",
    ".htm",
    ".html",
    ".shtml",
    ".csv",
    ".tsv",
    ".md",
    ".docx",
    ".xlsx",
    ".doc",
    ".xls",
    ".wps",
    ".et",
    ".odt",
    ".ods",
    ".rtf",
    ".pdf",
)
NOT_LEDGERS = ("readme", "license", "licence", "changelog", "contributing", "notice", "authors")
"""File names (without suffix) that a folder of ledgers holds beside them and that are not ledgers."""
# Formats that users send by mistake, by their first bytes: what they are and what to do.
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a legacy Word/Excel 97-2003 file (.doc/.xls)",
        "save it as .docx or .xlsx, then load it / 请另存为 .docx 或 .xlsx 后再加载",
    ),
    (
        b"%PDF",
        "a PDF document",
        "install zwgk's PDF support (pip install pdfplumber) or export its text or tables "
        "first / 请安装 PDF 支持或先导出为文本或表格",
    ),
    (b"\x89PNG", "a PNG image", "zwgk reads text, .docx, .xlsx and .csv ledgers / 请提供文本或表格文件"),
    (b"\xff\xd8\xff", "a JPEG image", "zwgk reads text, .docx, .xlsx and .csv ledgers / 请提供文本或表格文件"),
    (b"GIF8", "a GIF image", "zwgk reads text, .docx, .xlsx and .csv ledgers / 请提供文本或表格文件"),
    (b"Rar!", "a RAR archive", "unpack it and load the files inside / 请先解压"),
    (b"\x1f\x8b", "a gzip archive", "unpack it and load the files inside / 请先解压"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "unpack it and load the files inside / 请先解压"),
)


def layout_names() -> list[str]:
    return [name for name in REGISTRY if _module(name) is not None]


def _module(name: str) -> ModuleType | None:
    module_name = REGISTRY[name].split(":")[0]
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def get_layout(name: str) -> Layout:
    module = _module(name) if name in REGISTRY else None
    if module is None:
        raise InputError(
            f"unknown layout {name!r}",
            expected="one of " + ", ".join(layout_names()),
            message_zh=f"未知版式 {name!r}",
        )
    _, _, attribute = REGISTRY[name].partition(":")
    layout: Layout = getattr(module, attribute or "LAYOUT")
    return layout


def _refuse_early(source: Source) -> None:
    """Empty files and formats sent by mistake, told apart by their first bytes."""
    if not source.data.strip():
        raise InputError(
            "the file is empty",
            path=source.path,
            line=1,
            expected="a ledger table or key-points text",
            message_zh="文件为空",
        )
    for magic, what, advice in MAGIC:
        if source.data.startswith(magic):
            raise InputError(
                f"this is {what}, not a ledger zwgk can read: {advice}",
                path=source.path,
                line=1,
                expected="a text, .docx, .xlsx or .csv ledger",
                message_zh=f"不是可读取的台账文件：{advice}",
            )


@dataclass(frozen=True)
class Reading:
    layout: Layout
    record: LedgerRecord
    plausibility: float


def readings(source: Source) -> list[Reading]:
    """Every reading of the file by a reader whose conventions it shows, most plausible first."""
    out: list[Reading] = []
    _compare(source, each=out.append)
    # Sorted stably: among equally plausible readings the registry's order decides.
    return sorted(out, key=lambda reading: reading.plausibility, reverse=True)


def _compare(source: Source, *, each: Callable[[Reading], object] | None = None) -> Reading | None:
    """Read the file with every reader whose conventions it shows, in the registry's order,
    hand each reading to ``each`` if given, and return the most plausible (the first among
    equals), which gets the warnings of the readers that failed. Only that one is held here
    between two readings, so that ``_best`` keeps one record of a big file at a time, not one
    per reader."""
    from .score import Page, plausibility

    layouts = [get_layout(name) for name in layout_names()]
    binary = any(source.data.startswith(m) for layout in layouts for m in layout.magic)
    if not binary:
        _refuse_early(source)
    failed: list[LedgerWarning] = []
    refusals: list[InputError] = []
    best: Reading | None = None
    page: Page | None = None  # what every reading of the text is measured against: made once
    for layout in layouts:
        if binary != any(source.data.startswith(m) for m in layout.magic):
            continue
        try:
            if layout.detect(source) <= 0:  # an InputError here is the reader's refusal (pdf)
                continue
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 — one reader's defect must not stop the others
            failed.append(_failed(layout, exc))
            continue
        try:
            record = layout.read(source)
        except InputError as exc:
            refusals.append(exc)
            continue
        except Exception as exc:  # noqa: BLE001 — one reader's defect must not stop the others
            failed.append(_failed(layout, exc))
            continue
        if binary:
            value = 1.0 if record.tasks else 0.0
        else:
            page = page or Page.of(source.lines)
            value = plausibility(record, lines=source.lines, page=page).value
            if record.tasks and (
                layout.whole_rows or (layout.delimiter and _whole_rows(source, record, layout.delimiter))
            ):
                value += WHOLE_ROWS
        reading = Reading(layout=layout, record=record, plausibility=value)
        del record
        if each is not None:
            each(reading)
        if best is None or value > best.plausibility:
            best = reading
        del reading
    if binary and best is None and refusals:
        # A binary format's reader says best why the file cannot be read (a scanned or
        # password-protected PDF, a damaged workbook): its message, not a generic one.
        raise refusals[0]
    if best is not None and failed:
        best.record.warnings.extend(failed)
    return best


def _failed(layout: Layout, exc: Exception) -> LedgerWarning:
    return LedgerWarning(
        code="reader-failed",
        en=f"the {layout.name} reader failed on this file ({type(exc).__name__}: {exc}); "
        "other readings were compared without it — please report it",
        zh=f"{layout.name} 读取器处理该文件时出错（{type(exc).__name__}），已用其他读取结果比较，请报告此问题",
    )


WHOLE_ROWS = 0.1
"""What a reading of whole rows gains over readings that guessed the rows from cell contents."""


def _whole_rows(source: Source, record: LedgerRecord, delimiter: str) -> bool:
    from .grids import row_completeness

    first = min(t.line for t in record.tasks)
    last = max(t.end_line or t.line for t in record.tasks)
    return row_completeness(source.lines, delimiter=delimiter, first=first, last=last) >= 0.95


def _mark_cut_row(source: Source, record: LedgerRecord, delimiter: str) -> None:
    """A text that stops inside its last row (a page saved or copied only in part): that row
    has fewer cells than the others. Its task is kept with a warning, and what the empty cells
    would have inherited from the rows above is taken back: it is not on the page."""
    import re

    from .grids import DELIMITERS

    if any(w.code == "truncated" for w in record.warnings):
        return
    pattern = DELIMITERS[delimiter]
    last = record.tasks[-1]
    content = [i for i, line in enumerate(source.lines, start=1) if line.strip()]
    counts = [len(pattern.findall(source.lines[t.line - 1].strip(" \u3000"))) for t in record.tasks[:-1]]
    if not content or not counts or content[-1] > (last.end_line or last.line) + 1:
        return
    mode = max(set(counts), key=counts.count)
    tail = source.lines[content[-1] - 1]
    if len(pattern.findall(tail.strip(" \u3000"))) >= mode or re.search(r"[。；;]\s*$", tail):
        return
    if content[-1] <= (last.end_line or last.line):
        last.cut_off()
    record.warnings.append(
        LedgerWarning(
            code="truncated",
            line=content[-1],
            en="the text stops in the middle of this row: the task is kept, the cells after the cut are not",
            zh="文本在此行中断：保留该任务，中断处之后的单元格缺失",
        )
    )


def _best(source: Source) -> Reading:
    """The most plausible reading (the first in the registry's order among equals), each other
    reading dropped as soon as a more plausible one is made or it is found less plausible."""
    found = _compare(source)
    if found is None or found.plausibility < MIN_PLAUSIBILITY:
        what = "a ZIP container that is neither .docx nor .xlsx" if source.is_zip() else _describe(source)
        raise InputError(
            f"no ledger found: {what}",
            path=source.path,
            line=1,
            expected="a table with a header such as 序号/主要任务/牵头单位/责任单位/完成时限, "
            "or key points numbered 一、（一）",
            message_zh="未找到台账：既没有带表头的任务表，也没有编号的工作要点",
        )
    return found


def _describe(source: Source) -> str:
    from .outline import heading
    from .table import UNKNOWN, column_role

    lines = source.nonblank_lines
    first = lines[0].strip()[:40] if lines else ""
    items = sum(1 for line in lines if heading(line))
    titles = sorted(
        {
            cell.strip()
            for line in lines
            for cell in line.replace("｜", "|").split("|")
            if 0 < len(cell.strip()) <= 12 and column_role(cell) != UNKNOWN
        }
    )[:6]
    said = f"{len(lines)} non-empty lines beginning {first!r}"
    said += f"; {items} numbered lines" if items else "; no numbered lines"
    said += f"; column titles {'/'.join(titles)} but no rows under them" if titles else "; no column titles"
    return said


# What a file's first bytes say it is, and the suffixes such a file has: a wrong suffix is a
# warning (the content decides how the file is read), never a refusal.
KINDS: tuple[tuple[bytes, str, str, tuple[str, ...]], ...] = (
    (b"PK\x03\x04", "a ZIP-based office file", "ZIP 格式的办公文档", (".docx", ".xlsx", ".odt", ".ods", ".zip")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a legacy Word/Excel/WPS file",
        "旧版 Word/Excel/WPS 文件",
        (".doc", ".xls", ".wps", ".et", ".dps"),
    ),
    (b"%PDF", "a PDF document", "PDF 文档", (".pdf",)),
    (b"{\\rtf", "an RTF document", "RTF 文档", (".rtf", ".doc")),
)
TEXT_SUFFIXES = (".txt", ".text", ".htm", ".html", ".shtml", ".csv", ".tsv", ".md")


def _suffix_warning(source: Source) -> LedgerWarning | None:
    suffix = source.path.suffix.lower()
    for magic, what, what_zh, suffixes in KINDS:
        if source.data.startswith(magic):
            if suffix in suffixes:
                return None
            return LedgerWarning(
                code="wrong-suffix",
                en=f"the file is named {suffix or 'without a suffix'} but is {what}; it was read as such",
                zh=f"文件扩展名为 {suffix or '（无）'}，实际为{what_zh}，已按实际格式读取",
            )
    if suffix and suffix not in TEXT_SUFFIXES:
        return LedgerWarning(
            code="wrong-suffix",
            en=f"the file is named {suffix} but is text; it was read as text",
            zh=f"文件扩展名为 {suffix}，实际为文本，已按文本读取",
        )
    return None


def read_ledger(path: str | Path, *, layout: str | None = None, overrides: Overrides | None = None) -> LedgerRecord:
    """Read one ledger file into the intermediate model: the most plausible reading of it."""
    from .metadata import apply_metadata

    source = Source(Path(path))
    if layout:
        chosen = get_layout(layout)
        if not any(source.data.startswith(m) for m in chosen.magic):
            _refuse_early(source)
        record = chosen.read(source)
    else:
        reading = _best(source)
        chosen, record = reading.layout, reading.record
    if chosen.delimiter and record.tasks:
        _mark_cut_row(source, record, chosen.delimiter)
    if not record.tasks:
        raise InputError(
            f"no tasks found (read as layout {chosen.name!r})",
            path=source.path,
            line=1,
            expected="rows with task text under a recognised header",
            message_zh="未找到任何任务",
        )
    wrong = _suffix_warning(source)
    if wrong is not None:
        record.warnings.insert(0, wrong)
    lines = source.lines if not chosen.magic else [record.title or ""]
    apply_metadata(record, lines=lines, overrides=overrides)
    return record


def ledger_files(paths: list[str | Path]) -> list[Path]:
    """Files named, and the ledger files inside folders named (sorted, recursively)."""
    return folder_files(paths)[0]


@dataclass(frozen=True)
class Skipped:
    """A file in a folder that is not read, and why (in English and Chinese)."""

    path: Path
    en: str
    zh: str


def folder_files(paths: list[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """The files to read and the files of the folders that are not read, each with its reason:
    hidden files and folders, Office lock files (~$…), README/LICENSE and the like, and files
    whose suffix is no ledger format. A file named on the command line is always read (its
    content, not its suffix, decides how)."""
    out: list[Path] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                if item.is_dir():
                    continue
                relative = item.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    skipped.append(Skipped(item, "hidden", "隐藏文件"))
                elif not item.is_file():
                    skipped.append(
                        Skipped(
                            item,
                            "not a regular file (a device, pipe, socket or broken link)",
                            "不是普通文件（设备、管道、套接字或失效链接）",
                        )
                    )
                elif item.name.startswith("~$"):
                    skipped.append(Skipped(item, "an Office lock file", "Office 锁定文件"))
                elif item.stem.lower() in NOT_LEDGERS:
                    skipped.append(Skipped(item, "a project file, not a ledger", "说明文件，不是台账"))
                elif item.suffix.lower() not in SUFFIXES:
                    skipped.append(
                        Skipped(
                            item,
                            f"not a ledger format ({item.suffix or 'no suffix'})",
                            f"不是台账格式（{item.suffix or '无扩展名'}）",
                        )
                    )
                else:
                    out.append(item)
        elif path.exists():
            out.append(path)
        else:
            raise InputError("no such file or folder", path=path, message_zh="文件或文件夹不存在")
    return out, skipped
