"""Training linear models on naive-Bayes-weighted features (NB-LR), one binary model per label.

For each label the features are scaled by their log-count ratio between texts with and without
the label (Wang and Manning's NBSVM idea), then scikit-learn's logistic regression is fitted. The
two steps fold into one weight matrix on the raw binary features, so the fitted model is a
``LinearModel`` (``models/linear.py``): prediction is a single sparse product, needs no
scikit-learn, and each weight says how much a word pushes a label, which is the evidence shown to
analysts.

``NBLogistic`` follows scikit-learn's estimator contract: keyword hyperparameters stored as given,
``fit`` returns ``self``, ``predict_proba`` columns ordered by ``classes_``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from ..errors import InputError
from .linear import MESSAGE, LinearModel, blend_styles


def platt_parameters(scores: np.ndarray, Y) -> list[tuple[int, list[float]]]:
    """(label index, [slope, intercept]) of a Platt scaling of each label's held-out scores; labels
    with no positive or no negative example are left out."""
    Y = np.asarray(Y)
    out = []
    for j in range(scores.shape[1]):
        if 0 < Y[:, j].sum() < len(Y):
            lr = LogisticRegression(C=1e4, max_iter=1000).fit(scores[:, [j]], Y[:, j])
            out.append((j, [lr.coef_[0, 0], lr.intercept_[0]]))
    return out


def idf_weighted(X) -> tuple[np.ndarray, sp.csr_matrix]:
    """Each feature's smoothed inverse document frequency over the rows of ``X``
    (``log((1 + n) / (1 + df)) + 1``), and ``X`` weighted by it with each row scaled to unit
    length, as a ``LinearModel`` with that idf treats the texts it scores."""
    df = np.bincount(sp.csr_matrix(X > 0).indices, minlength=X.shape[1]).astype(np.float32)
    idf = (np.log((1.0 + X.shape[0]) / (1.0 + df)) + 1.0).astype(np.float32)
    unit = LinearModel(["_"], np.zeros((1, X.shape[1]), np.float32), [0.0], idf=idf)
    return idf, sp.csr_matrix(sp.diags(1.0 / unit.row_norms(X)) @ X.multiply(idf), dtype=np.float32)


class NBLogistic(ClassifierMixin, BaseEstimator):
    """NB-weighted logistic regression, one-vs-rest.

    nb=False gives plain one-vs-rest logistic regression (no NB scaling). tfidf=True weights the
    binary features by inverse document frequency and scales each text to unit length; the idf is
    folded into the weights too, so they always apply to the raw binary features.
    multilabel=False: ``y`` holds one class per row; ``predict_proba`` rows sum to 1.
    multilabel=True: ``y`` is a 0/1 matrix with one column per label in ``classes``;
    ``predict_proba`` gives each label's own probability, calibrated on held-out data by
    ``calibrate`` (Platt scaling).
    loss="squared_hinge" fits a linear SVM (squared hinge loss) instead of logistic regression;
    its scores are turned into probabilities by ``calibrate`` alone (multilabel models).
    prune > 0 sets each weight below that share of its label's largest to zero, and weight_bits
    (16 or 8) is the precision the weights are kept at (``LinearModel``).
    """

    def __init__(
        self,
        C=1.0,
        alpha=1.0,
        max_iter=3000,
        multilabel=False,
        classes=None,
        class_weight=None,
        nb=True,
        tfidf=False,
        loss="logistic",
        prune=0.0,
        weight_bits=16,
    ):
        self.C = C
        self.alpha = alpha
        self.max_iter = max_iter
        self.multilabel = multilabel
        self.classes = classes
        self.class_weight = class_weight
        self.nb = nb
        self.tfidf = tfidf
        self.loss = loss
        self.prune = prune
        self.weight_bits = weight_bits

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
        idf, Xw = idf_weighted(X) if self.tfidf else (None, X)
        coef = np.zeros((n_labels, n_features), dtype=np.float32)
        intercept = np.zeros(n_labels, dtype=np.float64)
        for j in range(n_labels):
            pos = Y[:, j] == 1
            if pos.all() or not pos.any():
                raise InputError(f"label {str(self.classes_[j])!r} needs positive and negative training examples; "
                                 f"{'every' if pos.all() else 'no'} training item has it: label more items")
            if self.nb:
                p = np.asarray(Xb[pos].sum(axis=0)).ravel() + self.alpha
                q = np.asarray(Xb[~pos].sum(axis=0)).ravel() + self.alpha
                r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
            else:
                r = np.ones(n_features, np.float32)
            lr = self._binary_model()
            lr.fit(Xw.multiply(r).tocsr(), pos.astype(int))
            coef[j] = lr.coef_[0] * r * (idf if idf is not None else 1.0)
            intercept[j] = lr.intercept_[0]
        self.linear_ = LinearModel(
            self.classes_, coef, intercept, idf=idf, multilabel=self.multilabel, prune=self.prune, weight_bits=self.weight_bits
        )
        return self

    def _binary_model(self):
        if self.loss == "squared_hinge":
            # liblinear visits the items in a random order: seeded, so that training is reproducible
            return LinearSVC(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight, random_state=0)
        if self.loss != "logistic":
            raise ValueError(f"loss {self.loss!r}: use 'logistic' or 'squared_hinge'")
        return LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight)

    def calibrate(self, X, Y) -> NBLogistic:
        """Platt-scale each label's score on held-out data (multilabel models)."""
        return self.calibrate_scores(self.linear_.decision_function(X), Y)

    def calibrate_scores(self, scores: np.ndarray, Y) -> NBLogistic:
        """Platt-scale each label's score, given held-out decision scores and their labels."""
        for j, params in platt_parameters(scores, Y):
            self.linear_.calibration_[j] = params
        return self

    @property
    def coef_(self) -> np.ndarray:
        return self.linear_.coef_

    def decision_function(self, X) -> np.ndarray:
        return self.linear_.decision_function(X)

    def predict_proba(self, X) -> np.ndarray:
        return self.linear_.predict_proba(X)

    def predict(self, X):
        return self.linear_.predict(X)


class StyleAdapted(ClassifierMixin, BaseEstimator):
    """A linear model whose weights are shared by several styles of text (messages to an
    organisation, review lines, or review lines of each domain) plus one adjustment per style
    (feature augmentation: every feature is seen once for all texts and once for texts of its own
    style).

    The last ``len(styles)`` columns of ``X`` give each text's weight for each style (one-hot when
    fitting; at prediction, the style model's probabilities); the others are the featurizer's.
    ``base`` is an unfitted ``NBLogistic``, multi-label (the cause models) or not (the sentiment
    model). With ``base.tfidf``, features are idf-weighted and each text scaled to unit length
    before augmenting; NB scaling, if ``base.nb``, is learnt on the augmented features. Either way
    the fitted weights fold into one ``LinearModel`` per style (``linear_for``) over the raw
    features, as ``NBLogistic``'s do."""

    def __init__(self, base=None, styles=(MESSAGE, "review")):
        self.base = base
        self.styles = styles

    @staticmethod
    def with_style(X, weights: np.ndarray):
        """``X`` with the style columns appended: ``weights`` has one column per style, or is one
        value per text, its probability of being a review line (the styles message and review)."""
        weights = np.asarray(weights, np.float32)
        if weights.ndim == 1:
            weights = np.stack([1.0 - weights, weights], axis=1)
        return sp.hstack([sp.csr_matrix(X), sp.csr_matrix(weights)]).tocsr()

    def _split(self, X):
        X = sp.csr_matrix(X, dtype=np.float32)
        k = len(self.styles)
        return X[:, :-k], np.asarray(X[:, -k:].todense())

    def decision_function(self, X) -> np.ndarray:
        """Scores of the styles' models mixed by the style columns."""
        X, weights = self._split(X)
        return blend_styles([self.models_[s] for s in self.styles], X, weights)

    def fit(self, X, Y):
        X, weights = self._split(X)
        style = weights.argmax(axis=1)
        self.idf_ = None
        if self.base.tfidf:
            self.idf_, X = idf_weighted(X)
        own = [sp.diags((style == k).astype(np.float32)) @ X for k in range(len(self.styles))]
        # each style's summed weights are pruned and rounded, not the shared and own parts
        base = clone(self.base).set_params(tfidf=False, prune=0.0, weight_bits=16)
        fitted = base.fit(sp.hstack([X, *own]).tocsr(), Y).linear_
        n = X.shape[1]
        shared = fitted.coef_[:, :n]
        scale = self.idf_ if self.idf_ is not None else 1.0
        self.models_ = {
            name: LinearModel(fitted.classes_, (shared + fitted.coef_[:, (k + 1) * n : (k + 2) * n]) * scale, fitted.intercept_,
                              idf=self.idf_, multilabel=fitted.multilabel, prune=self.base.prune, weight_bits=self.base.weight_bits)
            for k, name in enumerate(self.styles)
        }
        self.classes_ = fitted.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of the mixed scores (the styles share their calibration)."""
        return self.models_[self.styles[0]].probabilities(self.decision_function(X))

    def linear_for(self, style: str) -> LinearModel:
        return self.models_[style]

    def calibrate_scores(self, scores: np.ndarray, Y) -> StyleAdapted:
        """Platt-scale each label's score on held-out data; the styles share the scaling."""
        for j, params in platt_parameters(scores, Y):
            for model in self.models_.values():
                model.calibration_[j] = params
        return self
