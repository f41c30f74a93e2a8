"""Each sample's RDF is the golden graph kept beside the tests (compared as graphs, blank
nodes canonicalised): a refactoring that changes one triple fails here, and a change that is
meant rewrites the golden files with ``python tests/golden.py --write``."""

from __future__ import annotations

import pytest
from golden import SAMPLES, built, golden


@pytest.mark.parametrize("path", sorted(SAMPLES.iterdir()), ids=lambda p: p.stem)
def test_sample_rdf_is_the_golden_graph(path):
    expected, actual = golden(path), built(path)
    missing = {str(q) for q in expected} - {str(q) for q in actual}
    extra = {str(q) for q in actual} - {str(q) for q in expected}
    assert (sorted(missing)[:5], sorted(extra)[:5]) == ([], [])
    assert len(actual) == len(expected)
