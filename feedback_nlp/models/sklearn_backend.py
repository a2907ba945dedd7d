"""Linear models on naive-Bayes-weighted features (NB-LR), one binary model per label.

For each label the features are scaled by their log-count ratio between texts with and without
the label (Wang and Manning's NBSVM idea), then a logistic regression is fitted. The two steps fold
into one weight matrix on the raw binary features, so prediction is a single sparse product and
each weight says how much a word pushes a label: the evidence shown to analysts.

``NBLogistic`` follows scikit-learn's estimator contract: keyword hyperparameters stored as given,
``fit`` returns ``self``, ``predict_proba`` columns ordered by ``classes_``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class NBLogistic(ClassifierMixin, BaseEstimator):
    """NB-weighted logistic regression, one-vs-rest.

    nb=False gives plain one-vs-rest logistic regression (no NB scaling). tfidf=True weights the
    binary features by inverse document frequency and scales each text to unit length; the idf is
    folded into ``coef_`` too, so ``coef_`` always applies to the raw binary features.
    multilabel=False: ``y`` holds one class per row; ``predict_proba`` rows sum to 1.
    multilabel=True: ``y`` is a 0/1 matrix with one column per label in ``classes``;
    ``predict_proba`` gives each label's own probability, calibrated on held-out data by
    ``calibrate`` (Platt scaling).
    """

    def __init__(
        self, C=1.0, alpha=1.0, max_iter=3000, multilabel=False, classes=None, class_weight=None, nb=True, tfidf=False
    ):
        self.C = C
        self.alpha = alpha
        self.max_iter = max_iter
        self.multilabel = multilabel
        self.classes = classes
        self.class_weight = class_weight
        self.nb = nb
        self.tfidf = tfidf

    def _indicator(self, y) -> np.ndarray:
        if self.multilabel:
            self.classes_ = np.asarray(self.classes)
            return np.asarray(y, dtype=np.int8)
        y = np.asarray(y)
        self.classes_ = np.asarray(self.classes) if self.classes is not None else np.unique(y)
        return (y[:, None] == self.classes_[None, :]).astype(np.int8)

    def fit(self, X, y):
        X = sp.csr_matrix(X, dtype=np.float32)
        Y = self._indicator(y)
        Xb = (X > 0).astype(np.float32)
        n_labels, n_features = Y.shape[1], X.shape[1]
        self.idf_ = None
        if self.tfidf:
            df = np.bincount(Xb.indices, minlength=n_features).astype(np.float32)
            self.idf_ = (np.log((1.0 + X.shape[0]) / (1.0 + df)) + 1.0).astype(np.float32)
        Xw = self._weighted(X)
        self.coef_ = np.zeros((n_labels, n_features), dtype=np.float32)
        self.intercept_ = np.zeros(n_labels, dtype=np.float64)
        for j in range(n_labels):
            pos = Y[:, j] == 1
            if pos.all() or not pos.any():
                raise ValueError(f"label {str(self.classes_[j])!r} needs positive and negative training examples")
            p = np.asarray(Xb[pos].sum(axis=0)).ravel() + self.alpha
            q = np.asarray(Xb[~pos].sum(axis=0)).ravel() + self.alpha
            r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32) if self.nb else np.ones(n_features, np.float32)
            lr = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight)
            lr.fit(Xw.multiply(r).tocsr(), pos.astype(int))
            self.coef_[j] = lr.coef_[0] * r * (self.idf_ if self.idf_ is not None else 1.0)
            self.intercept_[j] = lr.intercept_[0]
        self.calibration_ = np.tile([1.0, 0.0], (n_labels, 1))
        return self

    def _row_norms(self, X) -> np.ndarray:
        sq = X.multiply(X).multiply(self.idf_**2) if self.idf_ is not None else X.multiply(X)
        norms = np.sqrt(np.asarray(sq.sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return norms

    def _weighted(self, X):
        if self.idf_ is None:
            return X
        return sp.csr_matrix(sp.diags(1.0 / self._row_norms(X)) @ X.multiply(self.idf_), dtype=np.float32)

    def decision_function(self, X) -> np.ndarray:
        X = sp.csr_matrix(X)
        scores = np.asarray(X @ self.coef_.T)
        if self.idf_ is not None:
            scores = scores / self._row_norms(X)[:, None]
        return scores + self.intercept_

    def calibrate(self, X, Y) -> NBLogistic:
        """Platt-scale each label's score on held-out data (multilabel models)."""
        scores = self.decision_function(X)
        Y = np.asarray(Y)
        for j in range(scores.shape[1]):
            if 0 < Y[:, j].sum() < len(Y):
                lr = LogisticRegression(C=1e4, max_iter=1000).fit(scores[:, [j]], Y[:, j])
                self.calibration_[j] = [lr.coef_[0, 0], lr.intercept_[0]]
        return self

    def predict_proba(self, X) -> np.ndarray:
        scores = self.decision_function(X)
        probs = _sigmoid(scores * self.calibration_[:, 0] + self.calibration_[:, 1])
        if not self.multilabel:
            probs = probs / probs.sum(axis=1, keepdims=True)
        return probs

    def predict(self, X):
        probs = self.predict_proba(X)
        if self.multilabel:
            return (probs >= 0.5).astype(int)
        return self.classes_[probs.argmax(axis=1)]
