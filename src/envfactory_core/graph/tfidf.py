"""A small TF-IDF index in the standard library: sparse vectors and top-k cosine by inverted index.

Linking compares every input with every output; a dense all-pairs loop is quadratic in Python.
The inverted index only touches pairs that share a word, which is what makes the lexical linker
fast enough for graphs of the paper's size (thousands of parameters) without numpy or sklearn.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

__all__ = ["SparseVector", "TfidfIndex"]

SparseVector = dict[str, float]


class TfidfIndex:
    """L2-normalised TF-IDF vectors of ``documents`` (token lists), with IDF over all of them.

    ``sublinear`` term frequency (1 + log tf) keeps a word repeated in a long description from
    dominating its name.
    """

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        frequency: Counter[str] = Counter()
        for tokens in documents:
            frequency.update(set(tokens))
        total = len(documents)
        self.idf = {token: math.log((1 + total) / (1 + count)) + 1.0 for token, count in frequency.items()}
        self.vectors: list[SparseVector] = [self._vector(tokens) for tokens in documents]

    def _vector(self, tokens: Sequence[str]) -> SparseVector:
        counts = Counter(tokens)
        weights = {token: (1.0 + math.log(count)) * self.idf[token] for token, count in counts.items()}
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        if norm == 0.0:
            return {}
        return {token: weight / norm for token, weight in weights.items()}

    def postings(self, members: Sequence[int]) -> dict[str, list[tuple[int, float]]]:
        """An inverted index over the documents ``members``: token → [(document, weight)]."""
        index: dict[str, list[tuple[int, float]]] = {}
        for document in members:
            for token, weight in self.vectors[document].items():
                index.setdefault(token, []).append((document, weight))
        return index

    def scores(self, document: int, postings: dict[str, list[tuple[int, float]]]) -> dict[int, float]:
        """Cosine of ``document`` with every indexed document that shares a token with it."""
        totals: dict[int, float] = {}
        get = totals.get
        for token, weight in self.vectors[document].items():
            posting = postings.get(token)
            if posting is None:
                continue
            for other, other_weight in posting:
                totals[other] = get(other, 0.0) + weight * other_weight
        return totals
