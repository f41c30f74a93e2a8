"""Checking ledgers against SHACL shapes: the shapes (``*.ttl`` here, data), two engines that
give the same report — the shapes compiled to SPARQL and run inside the store (``compiled``, the
default) and pyshacl (``pyshacl_engine``, the reference) — and the report itself."""

from __future__ import annotations

from collections.abc import Sequence

from ..store import Store
from .catalogue import Shapes, load
from .pyshacl_engine import validate_quads
from .report import FAIL_ON, SEVERITIES, LedgerValidation, Notice, ShaclResult, ValidationReport, ValidationResult

__all__ = [
    "ENGINES",
    "FAIL_ON",
    "SEVERITIES",
    "LedgerValidation",
    "Notice",
    "ShaclResult",
    "Shapes",
    "ValidationReport",
    "ValidationResult",
    "load",
    "validate_quads",
    "validate_store",
]

ENGINES = ("sparql", "pyshacl")
"""``sparql``: the shapes compiled to SPARQL and run inside the store (``compiled``, the
default: seconds for a province); ``pyshacl``: the reference engine, one ledger at a time."""


def validate_store(
    store: Store,
    *,
    ledger_ids: Sequence[str] | None = None,
    engine: str = "sparql",
    shapes: Shapes | None = None,
) -> ValidationReport:
    """Validate the ledgers of an open ``LedgerStore`` (all, or those named; an unknown id raises
    ``StoreError``) with either engine against zwgk's shapes or ``shapes`` (see ``load``); both
    engines give the same report."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    if engine == "sparql" and store.local is not None:
        from .compiled import validation_report

        return validation_report(store, ledger_ids=ledger_ids, shapes=shapes)
    # A remote store is validated by pyshacl over each ledger's quads, fetched through the
    # Graph Store Protocol: the compiled engine needs the embedded store's query engine.
    infos = store.resolve_ids(list(ledger_ids) if ledger_ids is not None else None)
    ledgers = []
    for info in infos:
        quads = store.quads(ledger_ids=[info.id], include_ontology=False)
        ledgers.append(validate_quads(quads, ledger_id=info.id, source_file=info.source_file, shapes=shapes))
    return ValidationReport(ledgers=tuple(ledgers))
