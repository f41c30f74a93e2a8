"""Near-duplicate search for alignment: TF-IDF vectors of word bags and, for each bag asked
about, every other bag whose cosine similarity reaches a score, computed with scipy's sparse
matrices a block of rows at a time instead of a Python loop over all pairs of tasks.

Ledgers copied from a province's template repeat the same texts, so the search is over distinct
word bags, not tasks: 100 county ledgers of the same 40 texts are 40 rows, however many copies
each has. The weights are those zwgk has always used (``1 + ln tf`` times the smoothed
``ln((n + 1) / (df + 1)) + 1``, the vector normalised), with ``n`` and ``df`` counted over
tasks, copies included, so that scores stay what they were when pairs were computed one by one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

Bag = tuple[tuple[str, float], ...]
"""A task's content words with their counts (a heading word counts half), sorted by word."""

ROWS_PER_BLOCK = 256
"""Rows multiplied at once: bounds the memory of one block of scores (rows × distinct bags)."""


def weight(count: float, *, df: int, n: int) -> float:
    """The TF-IDF weight of a word counted ``count`` times in a task (sub-linear term
    frequency; a heading word alone, 0.5, is taken as it is) and found in ``df`` of ``n`` tasks."""
    tf = 1 + math.log(count) if count >= 1 else count
    return tf * (math.log((n + 1) / (df + 1)) + 1)


def cosine(a: Bag, b: Bag, *, df: dict[str, int], n: int) -> float:
    """The score of two bags, as ``neighbours`` computes it, for the odd pair."""

    def vector(bag: Bag) -> dict[str, float]:
        values = {word: weight(count, df=df.get(word, 0), n=n) for word, count in bag}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        return {word: v / norm for word, v in values.items()}

    va, vb = vector(a), vector(b)
    return min(1.0, sum(v * vb[w] for w, v in va.items() if w in vb))


@dataclass(frozen=True)
class Neighbours:
    """One bag's neighbours: the indices of the bags that reach the score, and their scores
    (capped at 1), best first."""

    bag: int
    others: np.ndarray
    scores: np.ndarray


def tfidf_matrix(bags: Sequence[Bag], *, df: dict[str, int], n: int) -> csr_matrix:
    """One normalised row per bag, over the words of all ``bags``."""
    import numpy as np
    from scipy.sparse import csr_matrix

    columns: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for bag in bags:
        row = [weight(count, df=df[word], n=n) for word, count in bag]
        norm = math.sqrt(sum(v * v for v in row)) or 1.0
        for (word, _), value in zip(bag, row):
            indices.append(columns.setdefault(word, len(columns)))
            data.append(value / norm)
        indptr.append(len(indices))
    return csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(bags), max(1, len(columns))),
    )


def neighbours(
    matrix: csr_matrix,
    rows: Sequence[int],
    *,
    min_score: float,
    progress: Callable[[list[int]], None] | None = None,
) -> Iterator[Neighbours]:
    """For each bag of ``rows`` (indices into ``matrix``), every bag of ``matrix`` (itself
    included) whose cosine similarity reaches ``min_score``; ``progress`` is told the rows of
    each block finished."""
    import numpy as np

    transposed = matrix.T.tocsr()
    floor = min_score - 1e-12
    for start in range(0, len(rows), ROWS_PER_BLOCK):
        chunk = list(rows[start : start + ROWS_PER_BLOCK])
        block = (matrix[chunk] @ transposed).tocsr()
        for offset, bag in enumerate(chunk):
            lo, hi = block.indptr[offset], block.indptr[offset + 1]
            scores = np.minimum(block.data[lo:hi], 1.0)
            others = block.indices[lo:hi]
            keep = scores >= floor
            scores, others = scores[keep], others[keep]
            order = np.argsort(-scores, kind="stable")
            yield Neighbours(bag=bag, others=others[order], scores=scores[order])
        if progress is not None:
            progress(chunk)
