"""One error family for zwgk, so that the CLI can turn every failure into one message and one
exit status (see ``cli.py``), and library users can catch ``ZwgkError`` alone."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, what a shell reports for a command stopped by the signal, so that a
script can tell "the user stopped it" from "the input was bad" (2)."""


class ZwgkError(Exception):
    """Base of every error zwgk raises on purpose. ``exit_code`` is what the CLI exits with."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, message_zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.message_zh))

    def render(self, *, lang: str = "en") -> str:
        if lang == "zh" and self.message_zh:
            return self.message_zh
        return self.message


class InputError(ZwgkError):
    """A file that cannot be read, parsed or understood. Names the file and the 1-based line."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        expected: str | None = None,
        message_zh: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.expected = expected
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        text = f"{where}: {message}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text, message_zh=f"{where}: {message_zh}" if message_zh else None)
        self.reason = message
        self.reason_zh = message_zh

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuilt with its keywords when it crosses a process boundary (parallel loads)."""
        return (_input_error, (self.reason, self.path, self.line, self.expected, self.reason_zh))


def _input_error(
    reason: str, path: str | None, line: int | None, expected: str | None, reason_zh: str | None
) -> InputError:
    return InputError(reason, path=path, line=line, expected=expected, message_zh=reason_zh)


class StoreError(ZwgkError):
    """The store cannot be opened or written: locked by another process, missing, unreachable."""


class QueryError(ZwgkError):
    """A SPARQL query or a saved query's parameters are wrong."""


class QueryTimeout(QueryError):
    """A query that did not finish within its time limit and was stopped."""


class DiskFull(StoreError):
    """The store's device is full (ENOSPC, or a file size limit): the write that failed was
    not applied and what it had begun to write was removed."""


# OS errors ------------------------------------------------------------------------------------

_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_READ_ONLY = (errno.EROFS,)
_DENIED = (errno.EACCES, errno.EPERM)
_NOT_A_FOLDER = (errno.EEXIST, errno.ENOTDIR)
_TEXTS = (
    ("no space left on device", errno.ENOSPC),
    ("disk quota exceeded", errno.EDQUOT),
    ("file too large", errno.EFBIG),
    ("read-only file system", errno.EROFS),
    ("permission denied", errno.EACCES),
    ("not a directory", errno.ENOTDIR),
)
"""pyoxigraph reports RocksDB's errors as an ``OSError`` without ``errno`` whose text carries
the system's message (``IO error: No space left on device: While appending to file: …``), so
the cause is also recognised by that text."""


def os_errno(exc: BaseException) -> int | None:
    """The ``errno`` of an OS error, also when pyoxigraph passed it on only as text."""
    number = getattr(exc, "errno", None)
    if isinstance(number, int):
        return number
    text = str(exc).lower()
    return next((code for words, code in _TEXTS if words in text), None)


def store_os_error(
    exc: OSError, *, location: str | os.PathLike[str], doing: str, doing_zh: str, unchanged: bool = True
) -> StoreError:
    """One message for an OS error met while ``doing`` something to the store at ``location``:
    what happened in words a user can act on (a read-only folder or mount, a file where the
    store folder should be, a full disk), never a traceback. ``doing`` completes "cannot …"
    (``"write to the store"``); ``doing_zh`` is the same in Chinese (``"写入数据库"``).
    ``unchanged`` says that the failed step left the store as it was (a write that is one
    transaction); pass False where earlier steps were already kept."""
    where = str(location)
    number = os_errno(exc)
    if number in _NO_SPACE:
        kept = "nothing of this write was kept and the store is as it was: " if unchanged else ""
        kept_zh = "本次写入未保留，数据库保持原样：" if unchanged else ""
        return DiskFull(
            f"cannot {doing} at {where}: no space left on the device (or a file size limit was reached); "
            f"{kept}free some space (df -h shows the device) and run the command again",
            message_zh=f"无法{doing_zh}（{where}）：磁盘空间已满（或超出文件大小限制）；{kept_zh}请释放空间后重新执行",
        )
    if number in _READ_ONLY:
        return StoreError(
            f"cannot {doing} at {where}: it is on a read-only file system; "
            "choose a store on a writable disk with --store DIR (reading commands still work)",
            message_zh=f"无法{doing_zh}（{where}）：该位置位于只读文件系统；请用 --store 指定可写的目录（只读命令仍可使用）",
        )
    if number in _DENIED:
        return StoreError(
            f"cannot {doing} at {where}: permission denied (a read-only folder, or another user's); "
            "choose a folder you can write with --store DIR, or ask its owner to give you write access",
            message_zh=f"无法{doing_zh}（{where}）：没有权限（目录只读或属于其他用户）；请用 --store 指定可写的目录",
        )
    if number in _NOT_A_FOLDER:
        return StoreError(
            f"cannot {doing} at {where}: the path (or a folder above it) is a file, not a folder; "
            "name a store folder with --store DIR",
            message_zh=f"无法{doing_zh}（{where}）：该路径（或其上级）是文件而不是目录；请用 --store 指定数据库目录",
        )
    reason = getattr(exc, "strerror", None) or str(exc)
    return StoreError(f"cannot {doing} at {where}: {reason}", message_zh=f"无法{doing_zh}（{where}）：{reason}")


def _rebuild(cls: type[ZwgkError], message: str, message_zh: str | None) -> ZwgkError:
    return cls(message, message_zh=message_zh)


@dataclass(frozen=True)
class Refusal:
    """A file of a batch that could not be read: which file, which line (when known) and why,
    in English and Chinese. Plain data, so that it pickles and prints the same everywhere."""

    file: str
    line: int | None
    message: str
    message_zh: str | None = None

    @classmethod
    def from_error(cls, error: ZwgkError, *, file: str | os.PathLike[str]) -> Refusal:
        if isinstance(error, InputError):
            message = error.reason + (f" (expected {error.expected})" if error.expected else "")
            return cls(file=error.path or str(file), line=error.line, message=message, message_zh=error.reason_zh)
        return cls(file=str(file), line=None, message=error.message, message_zh=error.message_zh)

    def reason(self, *, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" and self.message_zh else self.message

    def render(self, *, lang: str = "en") -> str:
        """``FILE, line N: why`` (``FILE 第N行：why`` in Chinese)."""
        if lang == "zh":
            return f"{self.file}" + (f" 第{self.line}行" if self.line else "") + f"：{self.reason(lang='zh')}"
        return f"{self.file}" + (f", line {self.line}" if self.line else "") + f": {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "message_zh": self.message_zh or self.message,
        }


class BatchRefused(InputError):
    """Files of a batch that cannot be read; nothing of the batch was written. It reads as the
    first refused file's error (``path``, ``line``), and carries every refusal and how many
    files were read, so that a caller can name them all."""

    def __init__(self, refused: list[Refusal], *, read: int) -> None:
        first = refused[0]
        super().__init__(first.message, path=first.file, line=first.line, message_zh=first.message_zh)
        self.refused = list(refused)
        self.read = read
        more = len(refused) - 1
        if more:
            self.message += f" (and {more} more file{'s' if more > 1 else ''} refused)"
            if self.message_zh:
                self.message_zh += f"（另有 {more} 个文件未能读取）"
            self.args = (self.message,)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_batch_refused, (self.refused, self.read))


def _batch_refused(refused: list[Refusal], read: int) -> BatchRefused:
    return BatchRefused(refused, read=read)
