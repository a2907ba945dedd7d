"""How alike sentences are: cosine similarity of their character bigrams weighted by idf.

Weighting by idf over the sentences compared keeps words that every sentence of a section shares
(问题, 存在, 工作) from making generic sentences look central, so ranking favours sentences
that say something specific. One sparse product computes all pairs.

Near-repeats are a different question: template pages carry the same sentence with a few words
changed ("成为xx公司的售后服务的客服人员以来，我努力工作，完成了全年…任务"), and idf weighting
makes the words they share count little. ``overlap_matrix`` is the plain share of the shorter
sentence's character bigrams found in the other.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

NEAR_REPEAT = 0.6  # a text sharing this share of its character bigrams with one kept is a near-repeat


def similarity_matrix(texts: list[str]) -> np.ndarray:
    """Pairwise similarity in [0, 1] of ``texts`` (n x n, zero diagonal)."""
    n = len(texts)
    if n < 2:
        return np.zeros((n, n))
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), binary=True, lowercase=False)
    try:
        X = vectorizer.fit_transform(texts)
    except ValueError:  # no text has two characters
        return np.zeros((n, n))
    sim = (X @ X.T).toarray()
    np.fill_diagonal(sim, 0.0)
    return np.clip(sim, 0.0, 1.0)


def overlap_matrix(texts: list[str]) -> np.ndarray:
    """Share of the shorter text's distinct character bigrams that the other has (n x n, zero diagonal)."""
    n = len(texts)
    if n < 2:
        return np.zeros((n, n))
    try:
        X = CountVectorizer(analyzer="char", ngram_range=(2, 2), binary=True, lowercase=False).fit_transform(texts)
    except ValueError:  # no text has two characters
        return np.zeros((n, n))
    shared = (X @ X.T).toarray().astype(float)
    sizes = np.asarray(X.sum(axis=1)).ravel()
    overlap = shared / np.maximum(np.minimum.outer(sizes, sizes), 1)
    np.fill_diagonal(overlap, 0.0)
    return overlap
