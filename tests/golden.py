"""The samples' RDF as the builder writes it, kept gzipped next to the tests that compare it
(tests/data/golden/<sample>.nq.gz). ``python tests/golden.py --write`` rewrites them after a
change to the RDF that is meant; the diff of the decompressed files is the review."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pyoxigraph as ox

from zwgk.loaders import read_ledger
from zwgk.ontology.builder import build_ledger

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ledgers"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


def built(path: Path) -> ox.Dataset:
    """The sample's ledger graph, as a dataset whose blank nodes are canonical."""
    dataset = ox.Dataset(build_ledger(read_ledger(path)).quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def golden(path: Path) -> ox.Dataset:
    data = gzip.decompress((GOLDEN / (path.stem + ".nq.gz")).read_bytes())
    dataset = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def write() -> None:
    for path in sorted(SAMPLES.iterdir()):
        lines = sorted(
            set(ox.serialize(build_ledger(read_ledger(path)).quads, format=ox.RdfFormat.N_QUADS).decode().splitlines())
        )
        text = "\n".join(lines) + "\n"
        (GOLDEN / (path.stem + ".nq.gz")).write_bytes(gzip.compress(text.encode(), mtime=0))
        print(path.name, len(lines))


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/golden.py --write")
    write()
