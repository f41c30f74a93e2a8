"""The matching view of printed text: what the readers compare with the genre's vocabulary.

Ledgers arrive in full-width forms (｜，（一）１．), in traditional characters (任務內容 / 責任單位,
often from mirror sites with converter errors), and with inline pinyin glosses after characters
(規(guī)劃). The printed text is what the graph keeps; the *key* of a text is the same text with
each character replaced by its NFKC, simplified form, character for character, so that a
position found in the key is the same position in the printed text. Glosses become fillers of
the same length, and ``fold`` drops fillers and whitespace for plain vocabulary lookups.

Traditional→simplified mapping comes from zhconv (the MediaWiki conversion tables), imported
only when a text holds a character outside the common simplified range."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

FILLER = "\u2060"
"""What a pinyin gloss becomes in the key: a word joiner, never part of a word."""

_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\((?:[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}\d?)\)")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_WS = re.compile(r"[\s\u3000\u00a0" + FILLER + "]+")


def strip_invisible(text: str) -> str:
    """Zero-width and bidi control characters carry no meaning in a ledger and split one unit
    name into several; they are removed from the printed text as soon as it is decoded."""
    return _INVISIBLE.sub("", text)


@cache
def _char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        folded = ch
    if "\u3400" <= folded <= "\u9fff" or "\uf900" <= folded <= "\ufaff":
        folded = _simplified(folded)
    return folded


def _simplified(ch: str) -> str:
    import zhconv

    out = zhconv.convert(ch, "zh-cn")
    return out if len(out) == 1 else ch


_TABLE: dict[int, str] = {}
_KNOWN: set[str] = set()
"""Characters folded so far: ``str.translate`` then folds a text in one pass."""


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """The matching view of ``text``: same length, NFKC width-folded, simplified, glosses as
    fillers. Remembered for the last 65,536 texts: readers ask for the key of one cell or line
    many times, and a province's ledgers repeat its template's texts."""
    if not text:
        return text
    missing = set(text).difference(_KNOWN)
    if missing:
        for ch in missing:
            folded = _char(ch)
            if folded != ch:
                _TABLE[ord(ch)] = folded
        _KNOWN.update(missing)
    out = text.translate(_TABLE)
    if "(" in out:
        out = _GLOSS.sub(lambda m: FILLER * len(m.group()), out)
    return out


def fold(text: str) -> str:
    """The key without whitespace or fillers: what a vocabulary word is looked up in."""
    return _WS.sub("", key(text))


def unglossed(text: str) -> str:
    """The printed text without its pinyin glosses, for joining words that a gloss split."""
    return _GLOSS.sub("", text) if "(" in text else text
