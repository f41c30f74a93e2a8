"""Deterministic identifiers. Every IRI is derived from what the document says (jurisdiction,
year, 文号 or title, names, positions), never from run order or time, so that loading the same
ledger twice yields the same triples and two ledgers naming one body meet on one IRI."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

ZW = "https://w3id.org/zwgk/ontology#"
ONTOLOGY_GRAPH = "https://w3id.org/zwgk/ontology"
ID = "https://w3id.org/zwgk/id/"


def digest(*parts: object, length: int = 10) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def ledger_id(*, jurisdiction: str | None, year: int | None, document: str) -> str:
    """``2021-3f2a9c1b0d``: the year for people, a digest of the identity for uniqueness."""
    return f"{year or 'undated'}-{digest(jurisdiction, year, _norm(document))}"


def ledger(lid: str) -> str:
    return f"{ID}ledger/{lid}"


def graph(lid: str) -> str:
    return f"{ID}graph/{lid}"


def task(lid: str, key: str) -> str:
    """A task by its key (``task_keys``), not its position: a row inserted above it leaves it
    where it was."""
    return f"{ledger(lid)}/task/{key}"


def task_keys(tasks: list[tuple[tuple[str, ...], str, str | None]]) -> list[str]:
    """Stable keys of a ledger's tasks, given as (indicator path, text, printed number) in reading
    order: a digest of the path and the text, so that inserting or deleting a row changes no
    other task's key. Two tasks that say the same thing under the same heading are told apart by
    their printed number, or else by their order among those twins."""
    keys = [digest(*path, _norm(text)) for path, text, _ in tasks]
    seen: dict[str, int] = {}
    twins = {k for k, n in Counter(keys).items() if n > 1}
    out = []
    for key, (_, _, number) in zip(keys, tasks, strict=True):
        if key not in twins:
            out.append(key)
            continue
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{key}-{_norm(number)}" if number else f"{key}-{seen[key]}")
    counts = Counter(out)
    # twins that also print one number (a document that repeats a row whole) fall back to order
    return [k if counts[k] == 1 else f"{k}-{i}" for i, k in enumerate(out, start=1)]


def indicator(lid: str, path: tuple[str, ...]) -> str:
    return f"{ledger(lid)}/indicator/{digest(*path)}"


def scheme(lid: str) -> str:
    return f"{ledger(lid)}/indicators"


def level(lid: str, depth: int) -> str:
    return f"{scheme(lid)}/level/{depth}"


def jurisdiction(*, name: str, code: str | None, within: str | None = None) -> str:
    """By GB/T 2260 code when known; otherwise by name under the enclosing jurisdiction, so that
    two 城关镇 of different counties stay two places."""
    if code:
        return f"{ID}jurisdiction/{code}"
    return f"{ID}jurisdiction/{digest(within, _norm(name)) if within else digest(_norm(name))}"


def agency(*, jurisdiction_key: str | None, name: str) -> str:
    return f"{ID}agency/{digest(jurisdiction_key or '-', length=8)}-{digest(_norm(name))}"


def source(sha256: str, *, line: int | None = None, end_line: int | None = None) -> str:
    """The source file, or a span of its lines as an RFC 5147 fragment. RFC 5147 counts line
    boundaries from 0, so the 12th line alone is ``#line=11,12``."""
    base = f"{ID}source/{sha256}"
    if line is None:
        return base
    return f"{base}#line={line - 1},{max(end_line or line, line)}"


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)
