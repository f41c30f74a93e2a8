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
    return term_frequency(count) * inverse_document_frequency(df=df, n=n)


def term_frequency(count: float) -> float:
    return 1 + math.log(count) if count >= 1 else count


def inverse_document_frequency(*, df: int, n: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1


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
    """One normalised row per bag, over the words of all ``bags``. Each word's idf and each
    count's tf are computed once by ``weight`` (the same floats as word by word); their products
    and the rows' norms by numpy, over the whole matrix at once."""
    import numpy as np
    from scipy.sparse import csr_matrix

    columns: dict[str, int] = {}
    indptr, indices, counts = [0], [], []
    for bag in bags:
        for word, count in bag:
            indices.append(columns.setdefault(word, len(columns)))
            counts.append(count)
        indptr.append(len(indices))
    idf = np.asarray([inverse_document_frequency(df=df[word], n=n) for word in columns], dtype=np.float64)
    tf = {count: term_frequency(count) for count in set(counts)}
    columns_of = np.asarray(indices, dtype=np.int64)
    data = np.asarray([tf[count] for count in counts], dtype=np.float64) * idf[columns_of]
    starts = np.asarray(indptr, dtype=np.int64)
    sizes = np.diff(starts)
    squares = np.zeros(len(bags), dtype=np.float64)
    nonempty = sizes > 0
    squares[nonempty] = np.add.reduceat(data * data, starts[:-1][nonempty]) if data.size else 0.0
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    data /= np.repeat(norms, sizes)
    return csr_matrix((data, columns_of, starts), shape=(len(bags), max(1, len(columns))))


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
