"""How alike sentences are: cosine similarity of their character bigrams weighted by idf.

Weighting by idf over the sentences compared keeps words that every sentence of a section shares
(问题, 存在, 工作) from making generic sentences look central, so ranking favours sentences
that say something specific. One sparse product computes all pairs.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


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
