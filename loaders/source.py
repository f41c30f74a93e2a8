"""A ledger file as every reader sees it (``Source``: its bytes, read within ``limits``, and
its text decoded on demand) and what a reader is (``Layout``). Kept apart from the registry in
``loaders/__init__.py`` so that readers import these two without importing the registry that
imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import InputError
from ..model import LedgerRecord


@dataclass
class Source:
    """A ledger file as the readers see it: bytes always, text decoded on demand."""

    path: Path

    @cached_property
    def data(self) -> bytes:
        """The file's bytes, at most ``limits.MAX_FILE_BYTES`` of them actually read."""
        from .limits import read_bounded

        return read_bounded(self.path)

    @cached_property
    def _archive_refusal(self) -> InputError | None:
        from .limits import check_archive

        try:
            check_archive(self.data, path=self.path)
        except InputError as exc:
            return exc
        return None

    def check_archive(self) -> None:
        """Refuse a ZIP-based office file whose members would inflate past the limits
        (``limits.check_archive``), before a reader hands it to a library; checked once per file."""
        if self._archive_refusal is not None:
            raise self._archive_refusal

    @cached_property
    def sha256(self) -> str:
        from .text import sha256_of

        return sha256_of(self.data)

    @cached_property
    def text(self) -> str:
        from ..analysis.normalise import strip_invisible
        from .text import decode

        return strip_invisible(decode(self.data, path=self.path)[0])

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
        return LedgerRecord(source_path=self.path, source_file=self.path.name, sha256=self.sha256, layout=layout)


@dataclass(frozen=True)
class Layout:
    name: str
    detect: Callable[[Source], float]
    read: Callable[[Source], LedgerRecord]
    description: str = ""
    magic: tuple[bytes, ...] = ()
    """First bytes of the binary formats the reader reads itself (``PK\\x03\\x04`` for .docx and
    .xlsx, ``%PDF``…). A file that starts so is read by those readers only; text readers have
    none and read every other file."""
    whole_rows: bool = False
    """Reads cells as whole rows of the header's width and refuses a text whose cells do not
    fill such rows: when it reads, its rows are exact (``readings`` prefers it)."""
    delimiter: str | None = None
    """For readers of whole rows, one per line: the delimiter (see ``grids.DELIMITERS``). Such a
    reading is exact when every row is printed whole, and is preferred then to a reading that
    had to guess the rows (``readings``)."""
