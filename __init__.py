"""zwgk: a knowledge graph of China's 政务公开 (government affairs openness) task ledgers.

The package reads as the pipeline (docs/architecture.md): ``loaders/`` read ledger files into
the model (``model``), ``ontology/`` builds their RDF, ``store/`` keeps it, ``shapes/`` and
``queries/`` check and question it, ``compare/``, ``export`` and ``serve/`` show it, and
``pipeline`` puts the stages together.

The entry points are available here: ``zwgk.open_store``, ``zwgk.read``, ``zwgk.load``,
``zwgk.validate``, ``zwgk.query``, ``zwgk.export`` (see ``zwgk.api``). They are imported on
first use, so that importing ``zwgk`` stays cheap: the CLI's start-up time depends on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["export", "load", "open_store", "query", "read", "validate"]

if TYPE_CHECKING:
    from .api import export, load, open_store, query, read, validate


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'zwgk' has no attribute {name!r}")
