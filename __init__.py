"""zwgk: a knowledge graph of China's 政务公开 (government affairs openness) task ledgers.

The package root is the repository root: ``loaders/`` turn ledger files into the intermediate
model, ``rdf`` turns that into RDF in the terms of ``ontology/zwgk.ttl``, ``store`` keeps it in an
on-disk Oxigraph store, ``shapes/`` and ``queries/`` check and question it.

Importing ``zwgk`` is cheap on purpose: the CLI's start-up time depends on it.
"""

__version__ = "0.1.0"
