"""Reading ledger text files: encodings met in government files, and the line model the
readers share (1-based line numbers, the unit of every error message)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import InputError

# Tried in order. UTF-8 first (strict, so GB18030 bytes fail it), then GB18030, a superset of
# GBK and GB2312, which is what Chinese office software writes when it does not write UTF-8.
_ENCODINGS = ("utf-8", "gb18030")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, *, path: Path) -> tuple[str, str]:
    """Decode bytes into text, naming the encoding. Binary data is refused with the line where
    it shows, so the user can tell a wrong file from a damaged one."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _clean(data[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _clean(data.decode("utf-16", errors="replace")), "utf-16"
    nul = -1 if _utf16_without_bom(data) else data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(
            "binary data, not a text ledger",
            path=path,
            line=line,
            expected="a text, .docx, .xlsx or .csv ledger",
            message_zh="二进制数据，不是文本台账",
        )
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _clean(data.decode(utf16, errors="replace")), utf16
    failures = []
    for encoding in _ENCODINGS:
        try:
            return _clean(data.decode(encoding)), encoding
        except UnicodeDecodeError as exc:
            failures.append(exc)
    # A few damaged bytes in an otherwise good file (a bad copy, a stray surrogate) are replaced
    # rather than refused; a file that is mostly undecodable is refused at the first bad byte.
    for encoding in _ENCODINGS:
        damaged = data.decode(encoding, errors="replace").count("\ufffd")
        if damaged <= max(16, len(data) // 100):
            return _clean(data.decode(encoding, errors="replace")), encoding
    first = failures[0]
    line = data.count(b"\n", 0, first.start) + 1
    raise InputError(
        f"cannot decode the text ({first.reason} at byte {first.start})",
        path=path,
        line=line,
        expected="UTF-8 or GB18030 text",
        message_zh="无法识别文本编码",
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark shows as NUL in every other byte of ASCII text
    (line breaks, tabs, digits), which no other text encoding does."""
    if len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for encoding, nuls, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls.count(0) >= 4 and others.count(0) * 3 <= nuls.count(0):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


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


def strip_html(cell: str) -> str:
    """Web-page dumps wrap cells in ``<p>`` and friends; the text inside is the cell."""
    return _HTML_TAG.sub("", cell).replace("&nbsp;", " ").strip()


_SPACES = re.compile(r"[ \u3000\u00a0]+")


def squash(text: str) -> str:
    """Collapse runs of spaces (PDF and Word dumps scatter them) into one and trim."""
    return _SPACES.sub(" ", text).strip()
