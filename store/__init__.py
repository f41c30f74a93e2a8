"""Where the graph is kept: the ``Store`` protocol and its two implementations, an on-disk
pyoxigraph store (``LedgerStore``) and any SPARQL 1.1 server (``RemoteStore``).

The store only keeps and answers; reading files and building their RDF is the pipeline's
(``zwgk.pipeline``), so nothing here imports the loaders or the comparison code above it."""

from __future__ import annotations

import os

from .base import LedgerInfo, LoadSummary, PreparedLedger, Store, select_ledgers
from .embedded import LedgerStore, store_location
from .lock import acquire_lock, locked

__all__ = [
    "LedgerInfo",
    "LedgerStore",
    "LoadSummary",
    "PreparedLedger",
    "Store",
    "acquire_lock",
    "locked",
    "open_store",
    "select_ledgers",
    "store_location",
]


def open_store(
    *,
    location: str | os.PathLike[str] | None = None,
    endpoint: str | None = None,
    read_only: bool = False,
    wait: float = 0.0,
) -> Store:
    """The store a command works on: a remote SPARQL 1.1 store when an endpoint is given
    (``--endpoint`` / ``ZWGK_ENDPOINT``), else the embedded on-disk store at ``location``
    (``--store`` / ``ZWGK_STORE`` / ``./zwgk-data``). A writer waits up to ``wait`` seconds for
    another writer's lock."""
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore.open(endpoint, read_only=read_only)
    return LedgerStore.open(location, read_only=read_only, wait=wait)
