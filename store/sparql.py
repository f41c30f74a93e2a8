"""SPARQL text as the store reads it, without parsing it: its form (SELECT, CONSTRUCT…), the
group where a query's WHERE clause opens, its prefixes. A remote store must know a query's form
to ask for results or a graph, and saved queries insert their parameters' VALUES at the group's
start; both need the same small tokenizer that never mistakes a ``{`` or ``?_x`` inside a string,
an IRI or a comment for syntax."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")

_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|'
    r"'''(?:[^'\\]|\\.|'(?!''))*'''|"
    r'"(?:[^"\\\n\r]|\\.)*"|'
    r"'(?:[^'\\\n\r]|\\.)*'",
    re.S,
)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\ufffd]+)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-.]*)?|:[A-Za-z0-9_\-.]*")
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w\-.]*)?:\s*<([^>]*)>", re.I)


# Reading a query's text -------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "var", "{", "}", "(", ")", "other"
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text that matter here, skipping comments, strings and IRIs, so that a
    ``{`` or ``?_x`` inside a string or a comment is never mistaken for syntax."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch in "\"'":
            m = _STRING.match(text, i)
            i = m.end() if m else n
        elif ch == "<" and (m := _IRIREF.match(text, i)):
            i = m.end()
        elif ch in "?$" and (m := _VARIABLE.match(text, i)):
            yield Token("var", m.group(1), i)
            i = m.end()
        elif ch in "{}()":
            yield Token(ch, ch, i)
            i += 1
        elif m := _WORD.match(text, i):
            yield Token("word", m.group(0), i)
            i = m.end()
        else:
            yield Token("other", ch, i)
            i += 1


def query_form(text: str) -> str:
    """``SELECT``, ``CONSTRUCT``, ``ASK``, ``DESCRIBE``, or ``UPDATE`` for anything else."""
    for token in tokens(text):
        if token.kind == "word":
            word = token.text.upper()
            if word in QUERY_FORMS:
                return word
            if word not in ("PREFIX", "BASE") and not token.text.endswith(":") and ":" not in token.text:
                return "UPDATE"
    return "UPDATE"


def form_index(tokens: list[Token]) -> int | None:
    return next((k for k, t in enumerate(tokens) if t.kind == "word" and t.text.upper() in QUERY_FORMS), None)


def group_open(tokens: list[Token], k: int) -> int | None:
    """Index of the first ``{`` from ``k`` on that is not inside parentheses."""
    parens = 0
    for j in range(k, len(tokens)):
        parens += {"(": 1, ")": -1}.get(tokens[j].kind, 0)
        if tokens[j].kind == "{" and parens == 0:
            return j
    return None


def group_end(tokens: list[Token], k: int) -> int:
    """Index just past the ``}`` that closes the group opened at ``tokens[k]``."""
    depth = 0
    for j in range(k, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[j].kind, 0)
        if depth == 0:
            return j + 1
    return len(tokens)


def where_group_start(text: str) -> int | None:
    """Offset just after the ``{`` that opens the query's outermost WHERE group (after a
    CONSTRUCT template), where parameter bindings are inserted; ``None`` if there is none."""
    toks = list(tokens(text))
    form_at = form_index(toks)
    if form_at is None:
        return None
    k = form_at + 1
    if toks[form_at].text.upper() == "CONSTRUCT" and k < len(toks) and toks[k].kind == "{":
        k = group_end(toks, k)
    opened = group_open(toks, k)
    return None if opened is None else toks[opened].start + 1


def prefixes(text: str) -> dict[str, str]:
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(text)}
