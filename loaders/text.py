"""Reading ledger text files: encodings met in government files, and the line model the
readers share (1-based line numbers, the unit of every error message)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

# Tried in order. UTF-8 first (strict, so GB18030 bytes fail it), then GB18030, a superset of
# GBK and GB2312, which is what Chinese office software writes when it does not write UTF-8.
_ENCODINGS = ("utf-8", "gb18030")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str
    sha256: str
    encoding: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, *, path: Path) -> tuple[str, str]:
    """Decode bytes into text, naming the encoding. Binary data is refused with the line where
    it shows, so the user can tell a wrong file from a damaged one."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _clean(data[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _clean(data.decode("utf-16", errors="replace")), "utf-16"
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(
            "binary data, not a text ledger",
            path=path,
            line=line,
            expected="a text, .docx, .xlsx or .csv ledger",
            message_zh="二进制数据，不是文本台账",
        )
    for encoding in _ENCODINGS:
        try:
            return _clean(data.decode(encoding)), encoding
        except UnicodeDecodeError as exc:
            last = exc
    line = data.count(b"\n", 0, last.start) + 1
    raise InputError(
        f"cannot decode the text ({last.reason} at byte {last.start})",
        path=path,
        line=line,
        expected="UTF-8 or GB18030 text",
        message_zh="无法识别文本编码",
    )


def _clean(text: str) -> str:
    """Normalise line endings and drop control characters and unpaired surrogates, which carry
    no meaning in a ledger and break RDF serialisers."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return text.encode("utf-8", errors="replace").decode("utf-8") if _has_surrogates(text) else text


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_source(path: Path) -> SourceText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror or exc}", path=path, message_zh="无法读取文件"
        ) from exc
    text, encoding = decode(data, path=path)
    return SourceText(path=path, text=text, sha256=sha256_of(data), encoding=encoding)


def strip_html(cell: str) -> str:
    """Web-page dumps wrap cells in ``<p>`` and friends; the text inside is the cell."""
    return _HTML_TAG.sub("", cell).replace("&nbsp;", " ").strip()


_SPACES = re.compile(r"[ \u3000\u00a0]+")


def squash(text: str) -> str:
    """Collapse runs of spaces (PDF and Word dumps scatter them) into one and trim."""
    return _SPACES.sub(" ", text).strip()
