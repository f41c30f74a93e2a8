"""The library's entry points, what ``import zwgk`` offers: the CLI's commands as functions that
take and return Python objects. Each one that works on a store takes an open store (from
``open_store``) or, for convenience, a store location, which it opens and closes itself."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import LedgerRecord
    from .pipeline import LoadReport
    from .queries.saved import QueryResult
    from .shapes.report import ValidationReport
    from .store import Store


def open_store(
    location: str | os.PathLike[str] | None = None,
    *,
    endpoint: str | None = None,
    read_only: bool = False,
    wait: float = 0.0,
) -> Store:
    """Open the embedded store at ``location`` (default ``$ZWGK_STORE`` or ``./zwgk-data``), or a
    remote SPARQL 1.1 store at ``endpoint``. Close it, or use it in a ``with`` block."""
    from .store import open_store as _open

    return _open(location=location, endpoint=endpoint, read_only=read_only, wait=wait)


@contextmanager
def _opened(store: Store | str | os.PathLike[str] | None, *, read_only: bool) -> Iterator[Store]:
    from .store import Store as StoreType

    if isinstance(store, StoreType):
        yield store
        return
    with open_store(store, read_only=read_only) as opened:
        yield opened


def read(path: str | os.PathLike[str], *, layout: str | None = None) -> LedgerRecord:
    """Read one ledger file into the intermediate model (tasks, units, deadlines as printed),
    without building RDF or touching a store."""
    from .loaders import read_ledger

    return read_ledger(Path(path), layout=layout)


def load(
    paths: Sequence[str | os.PathLike[str]],
    *,
    store: Store | str | os.PathLike[str] | None = None,
    layout: str | None = None,
    jurisdiction: str | None = None,
    year: int | None = None,
    issuer: str | None = None,
    keep_going: bool = False,
    replace: bool = False,
) -> LoadReport:
    """Read ledger files (folders are searched) and load them, as ``zwgk load`` does: every file
    is read before the first write, and a refused file raises ``BatchRefused`` with the store
    unchanged unless ``keep_going``."""
    from .model import Overrides
    from .pipeline import load_paths

    overrides = Overrides(jurisdiction=jurisdiction, year=year, issuer=issuer)
    with _opened(store, read_only=False) as opened:
        return load_paths(
            opened, list(paths), layout=layout, overrides=overrides, keep_going=keep_going, replace=replace
        )


def validate(
    targets: Sequence[str] = (),
    *,
    store: Store | str | os.PathLike[str] | None = None,
    layout: str | None = None,
    engine: str = "sparql",
    shapes: Sequence[str | os.PathLike[str]] = (),
    only_shapes: bool = False,
) -> ValidationReport:
    """Validate against zwgk's shapes, as ``zwgk validate`` does: no target means every ledger
    of the store; a file (or folder) is read and validated without a store; anything else is a
    ledger id in the store. ``shapes`` (Turtle files or folders) adds an analyst's shapes to
    zwgk's, or, with ``only_shapes``, replaces them."""
    from .pipeline import validate_targets
    from .shapes import load
    from .store import Store as StoreType

    given = load(shapes, only=only_shapes)
    if isinstance(store, StoreType):
        return validate_targets(list(targets), opened=store, layout=layout, engine=engine, shapes=given)
    return validate_targets(list(targets), store=store, layout=layout, engine=engine, shapes=given)


def query(
    name: str | None = None,
    *,
    text: str | None = None,
    store: Store | str | os.PathLike[str] | None = None,
    params: dict[str, str] | None = None,
) -> QueryResult:
    """Run a saved query by name (see ``zwgk queries``), a ``.rq`` file, or SPARQL ``text``, with
    its parameters bound as typed terms. Read-only."""
    from .queries.saved import find, run

    saved = find(name=name, text=text)
    with _opened(store, read_only=True) as opened:
        return run(opened, saved, values=params or {})


def export(
    *,
    store: Store | str | os.PathLike[str] | None = None,
    format: str = "trig",
    ledger_ids: list[str] | None = None,
) -> bytes:
    """The store (or some ledgers) with the ontology as linked data (``turtle``, ``trig``,
    ``nquads``, ``jsonld``)."""
    from .export.graphs import export_store

    with _opened(store, read_only=True) as opened:
        return export_store(opened, format=format, ledger_ids=ledger_ids)
