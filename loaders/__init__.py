"""Ledger readers: one module per layout, one signature, one registry.

Each layout module defines ``LAYOUT = Layout(name=…, detect=…, read=…)``:

- ``detect(source) -> float``: how sure the module is (0 to 1) that it can read the source, from
  the structure of the text (cell terminators, tabs, 序号 runs, outline numbering…), never from
  the file name.
- ``read(source) -> LedgerRecord``: the tasks, or an ``InputError`` naming the line.

``read_ledger`` picks the most confident layout (``layout=`` overrides the choice) and fills the
metadata. Modules are imported lazily so that a command that reads no ledger pays nothing.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import InputError
from .model import LedgerRecord, Overrides

# Registry: layout name → module. Order breaks ties between equally confident layouts.
REGISTRY: dict[str, str] = {
    "docx": "zwgk.loaders.docx",
    "xlsx": "zwgk.loaders.xlsx",
    "csv": "zwgk.loaders.csv_table",
    "pipe-cells": "zwgk.loaders.pipe_cells",
    "tsv": "zwgk.loaders.delimited",
    "word-dump": "zwgk.loaders.word_dump",
    "cell-per-line": "zwgk.loaders.cell_per_line",
    "prose": "zwgk.loaders.prose",
}

MIN_CONFIDENCE = 0.3
SUFFIXES = (".txt", ".text", ".htm", ".html", ".csv", ".tsv", ".docx", ".xlsx", ".md")
MAX_BYTES = int(os.environ.get("ZWGK_MAX_FILE_MB", "32")) * 1024 * 1024
"""A ledger is a few hundred kilobytes; a file far larger is refused before it is read."""

# Formats that users send by mistake, by their first bytes: what they are and what to do.
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Word/Excel 97-2003 file (.doc/.xls)",
     "save it as .docx or .xlsx, then load it / 请另存为 .docx 或 .xlsx 后再加载"),
    (b"%PDF", "a PDF document", "export its text or tables (e.g. to .txt or .xlsx) first / 请先导出为文本或表格"),
    (b"\x89PNG", "a PNG image", "zwgk reads text, .docx, .xlsx and .csv ledgers / 请提供文本或表格文件"),
    (b"\xff\xd8\xff", "a JPEG image", "zwgk reads text, .docx, .xlsx and .csv ledgers / 请提供文本或表格文件"),
    (b"GIF8", "a GIF image", "zwgk reads text, .docx, .xlsx and .csv ledgers / 请提供文本或表格文件"),
    (b"Rar!", "a RAR archive", "unpack it and load the files inside / 请先解压"),
    (b"\x1f\x8b", "a gzip archive", "unpack it and load the files inside / 请先解压"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "unpack it and load the files inside / 请先解压"),
)


@dataclass
class Source:
    """A ledger file as the readers see it: bytes always, text decoded on demand."""

    path: Path

    @cached_property
    def data(self) -> bytes:
        try:
            size = self.path.stat().st_size
            if size > MAX_BYTES:
                raise InputError(
                    f"the file is {size / 2**20:.0f} MB, larger than any ledger "
                    f"(limit {MAX_BYTES // 2**20} MB, set ZWGK_MAX_FILE_MB to change it)",
                    path=self.path, line=1, expected="a ledger file of at most a few MB",
                    message_zh=f"文件过大（{size / 2**20:.0f} MB）",
                )
            return self.path.read_bytes()
        except OSError as exc:
            raise InputError(
                f"cannot read the file: {exc.strerror or exc}", path=self.path, message_zh="无法读取文件"
            ) from exc

    @cached_property
    def sha256(self) -> str:
        from .text import sha256_of

        return sha256_of(self.data)

    @cached_property
    def text(self) -> str:
        from .text import decode

        return decode(self.data, path=self.path)[0]

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def nonblank_lines(self) -> list[str]:
        """The lines with any content: what every text layout's ``detect`` measures shares of."""
        return [line for line in self.lines if line.strip()]

    def is_zip(self) -> bool:
        return self.data[:4] == b"PK\x03\x04"

    def record(self, *, layout: str) -> LedgerRecord:
        return LedgerRecord(
            source_path=self.path, source_file=self.path.name, sha256=self.sha256, layout=layout
        )


@dataclass(frozen=True)
class Layout:
    name: str
    detect: Callable[[Source], float]
    read: Callable[[Source], LedgerRecord]
    description: str = ""
    binary: bool = False
    """Reads the bytes itself (.docx, .xlsx); text layouts are skipped for such files."""


def layout_names() -> list[str]:
    return [name for name in REGISTRY if _module(name) is not None]


def _module(name: str):
    try:
        return importlib.import_module(REGISTRY[name])
    except ModuleNotFoundError as exc:
        if exc.name == REGISTRY[name]:
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
    return module.LAYOUT


def detect_layout(source: Source) -> Layout:
    """The most confident layout, or an error saying what was found."""
    if not source.data.strip():
        raise InputError(
            "the file is empty", path=source.path, line=1, expected="a ledger table or key-points text",
            message_zh="文件为空",
        )
    for magic, what, advice in MAGIC:
        if source.data.startswith(magic):
            raise InputError(
                f"this is {what}, not a ledger zwgk can read: {advice}",
                path=source.path, line=1, expected="a text, .docx, .xlsx or .csv ledger",
                message_zh=f"不是可读取的台账文件：{advice}",
            )
    scored: list[tuple[float, int, Layout]] = []
    binary = source.is_zip()
    for order, name in enumerate(layout_names()):
        layout = get_layout(name)
        if layout.binary != binary:
            continue
        score = layout.detect(source)
        if score > 0:
            scored.append((score, -order, layout))
    if not scored or max(scored, key=lambda s: s[:2])[0] < MIN_CONFIDENCE:
        found = "a ZIP container that is neither .docx nor .xlsx" if binary else _describe(source)
        raise InputError(
            f"no known ledger layout recognised; found {found}",
            path=source.path,
            line=1,
            expected="a table with a header such as 序号/主要任务/牵头单位/责任单位/完成时限, "
            "or key points numbered 一、（一）",
            message_zh="无法识别台账版式",
        )
    return max(scored, key=lambda s: s[:2])[2]


def _describe(source: Source) -> str:
    lines = source.nonblank_lines
    first = lines[0].strip()[:40] if lines else ""
    return f"{len(lines)} non-empty lines beginning {first!r}"


def read_ledger(
    path: str | Path, *, layout: str | None = None, overrides: Overrides | None = None
) -> LedgerRecord:
    """Read one ledger file into the intermediate model."""
    from .metadata import apply_metadata

    source = Source(Path(path))
    chosen = get_layout(layout) if layout else detect_layout(source)
    record = chosen.read(source)
    if not record.tasks:
        raise InputError(
            f"no tasks found (read as layout {chosen.name!r})",
            path=source.path,
            line=1,
            expected="rows with task text under a recognised header",
            message_zh="未找到任何任务",
        )
    lines = source.lines if not chosen.binary else [record.title or ""]
    apply_metadata(record, lines=lines, overrides=overrides)
    return record


def ledger_files(paths: list[str | Path]) -> list[Path]:
    """Files named, and the ledger files inside folders named (sorted, recursively)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                       and not p.name.startswith((".", "~$")))
            )
        elif path.exists():
            out.append(path)
        else:
            raise InputError("no such file or folder", path=path, message_zh="文件或文件夹不存在")
    return out
