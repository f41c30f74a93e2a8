"""One error family for zwgk, so that the CLI can turn every failure into one message and one
exit status (see ``cli.py``), and library users can catch ``ZwgkError`` alone."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


class ZwgkError(Exception):
    """Base of every error zwgk raises on purpose. ``exit_code`` is what the CLI exits with."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, message_zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh

    def __reduce__(self):
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

    def __reduce__(self):
        """Rebuilt with its keywords when it crosses a process boundary (parallel loads)."""
        return (_input_error, (self.reason, self.path, self.line, self.expected, self.reason_zh))


def _input_error(reason, path, line, expected, reason_zh) -> InputError:
    return InputError(reason, path=path, line=line, expected=expected, message_zh=reason_zh)


class StoreError(ZwgkError):
    """The store cannot be opened or written: locked by another process, missing, unreachable."""


class QueryError(ZwgkError):
    """A SPARQL query or a saved query's parameters are wrong."""


def _rebuild(cls, message, message_zh):
    return cls(message, message_zh=message_zh)
