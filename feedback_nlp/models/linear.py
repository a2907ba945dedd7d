"""A fitted one-vs-rest linear model, reduced to its arrays: what prediction needs.

Prediction uses only numpy and scipy, so services and batch workers do not import scikit-learn.
Saved as a ``.npz`` file read with ``allow_pickle=False`` (plain arrays, no objects, nothing to
execute) plus a few settings in JSON.

Weights are kept at half precision (float16 values, computed in float32), or with
``weight_bits=8`` as 8-bit integers times one scale per label (the label's largest weight / 127):
it halves (quarters) the model files, and the model that is trained, calibrated and evaluated is
exactly the one that is saved and loaded, since the rounding happens when the model is made, not
when it is written.

Weights can also be pruned when the model is made (``prune``): each weight smaller than a share of
its label's largest weight is set to zero. Most weights of these models are tiny (words seen a few
times, or seen alike with and without a label); the compressed files shrink with them, and the
calibration, thresholds and metrics of training are those of the pruned model.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ARRAYS = ("coef", "coef_int8", "coef_scale", "intercept", "calibration", "idf")
WEIGHT_BITS = (8, 16)
_HALF_MAX = float(np.finfo(np.float16).max)


def half_precision(coef) -> np.ndarray:
    """``coef`` rounded to float16 values, held as float32 for the sparse products; weights too
    large for float16 (never seen in these models) are kept as they are."""
    coef = np.ascontiguousarray(coef, dtype=np.float32)
    return coef.astype(np.float16).astype(np.float32) if _fits_half(coef) else coef


def int8_weights(coef) -> tuple[np.ndarray, np.ndarray]:
    """``coef`` as 8-bit integers and one scale per row (its largest magnitude / 127; 1 for a row
    of zeros), so that ``int8 * scale`` is within half a step of each weight."""
    coef = np.asarray(coef, dtype=np.float32)
    scale = (np.abs(coef).max(axis=1) / 127.0 if coef.size else np.ones(len(coef))).astype(np.float32)
    scale[scale == 0] = 1.0
    return np.clip(np.rint(coef / scale[:, None]), -127, 127).astype(np.int8), scale


def pruned(coef, share: float) -> np.ndarray:
    """``coef`` with each weight whose magnitude is below ``share`` of its row's largest set to zero
    (a copy; ``coef`` itself when ``share`` is 0)."""
    if not share:
        return coef
    coef = np.array(coef, dtype=np.float32)
    if coef.size:
        magnitude = np.abs(coef)
        coef[magnitude < share * magnitude.max(axis=1, keepdims=True)] = 0.0
    return coef


def _fits_half(coef: np.ndarray) -> bool:
    return not coef.size or bool(np.abs(coef).max() < _HALF_MAX)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class LinearModel:
    """Scores ``X @ coef.T + intercept`` (with optional idf weighting and unit-length rows),
    Platt-calibrated per label; rows sum to 1 unless ``multilabel``. ``prune``: weights below this
    share of their label's largest are set to zero (``pruned``). ``weight_bits``: 16 (float16
    values) or 8 (``int8_weights``); ``coef`` given with ``scale`` is already 8-bit."""

    def __init__(self, classes, coef, intercept, calibration=None, idf=None, multilabel=False, prune=0.0, weight_bits=16,
                 scale=None):
        if weight_bits not in WEIGHT_BITS:
            raise ValueError(f"weight_bits {weight_bits!r}: 8 or 16")
        self.classes_ = np.asarray(classes)
        if scale is None and weight_bits == 8:
            coef, scale = int8_weights(pruned(coef, prune))
        self.coef_scale_ = None if scale is None else np.asarray(scale, dtype=np.float32)  # one per label, 8-bit weights
        if self.coef_scale_ is None:
            self.coef_ = half_precision(pruned(coef, prune))
        else:
            ints = np.asarray(coef, dtype=np.int8)
            if self.coef_scale_.shape != (len(ints),):
                raise ValueError(f"{self.coef_scale_.shape[0]} weight scales for {len(ints)} labels")
            self.coef_ = np.ascontiguousarray(ints.astype(np.float32) * self.coef_scale_[:, None])
        self.intercept_ = np.asarray(intercept, dtype=np.float64)
        self.calibration_ = (
            np.asarray(calibration, dtype=np.float64) if calibration is not None else np.tile([1.0, 0.0], (len(self.classes_), 1))
        )
        self.idf_ = None if idf is None else np.asarray(idf, dtype=np.float32)
        self.multilabel = multilabel

    def row_norms(self, X) -> np.ndarray:
        """The length of each row of ``X`` under idf (1 for an empty row). Squares times idf^2 summed
        by one sparse product: the same sums as scipy's elementwise ``multiply`` and ``sum`` give, to
        the bit, in a tenth of the time on a single text."""
        X = _csr(X)
        # binary features (all this project makes) are their own squares
        squares = X if (X.data == 1).all() else sp.csr_matrix((X.data * X.data, X.indices, X.indptr), shape=X.shape)
        weights = self._idf_squared() if self.idf_ is not None else np.ones(X.shape[1], X.dtype)
        norms = np.sqrt(np.asarray(squares @ weights).ravel())
        norms[norms == 0] = 1.0
        return norms

    def _idf_squared(self) -> np.ndarray:
        """``idf_ ** 2``, worked out once per idf array (for one text it took longer than the rest
        of ``row_norms``)."""
        cached = getattr(self, "_idf_squared_cache", None)
        if cached is None or cached[0] is not self.idf_:
            cached = self._idf_squared_cache = (self.idf_, self.idf_**2)
        return cached[1]

    def decision_function(self, X) -> np.ndarray:
        X = _csr(X)
        scores = np.asarray(X @ self.coef_.T)
        if self.idf_ is not None:
            scores = scores / self.row_norms(X)[:, None]
        return scores + self.intercept_

    def calibrated(self, scores: np.ndarray) -> np.ndarray:
        """Per-label probabilities of decision scores (Platt scaling, no normalisation)."""
        return sigmoid(scores * self.calibration_[:, 0] + self.calibration_[:, 1])

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        """Probabilities of decision scores: calibrated, and for single-label models scaled to sum to 1."""
        probs = self.calibrated(scores)
        if not self.multilabel:
            probs = probs / probs.sum(axis=1, keepdims=True)
        return probs

    def predict_proba(self, X) -> np.ndarray:
        return self.probabilities(self.decision_function(X))

    def predict(self, X):
        probs = self.predict_proba(X)
        if self.multilabel:
            return (probs >= 0.5).astype(int)
        return self.classes_[probs.argmax(axis=1)]

    # ---- persistence ----------------------------------------------------------------------
    def settings(self) -> dict:
        out = {"classes": [str(c) for c in self.classes_], "multilabel": self.multilabel, "idf": self.idf_ is not None}
        return out if self.coef_scale_ is None else {**out, "weight_bits": 8}

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {"intercept": self.intercept_, "calibration": self.calibration_}
        coef = np.ascontiguousarray(self.coef_)  # a view into a classifier's matrix of all weights is not
        if self.coef_scale_ is not None:
            # coef_ is int8 * scale, so the integers come back exactly
            arrays |= {"coef_int8": np.rint(coef / self.coef_scale_[:, None]).astype(np.int8), "coef_scale": self.coef_scale_}
        else:
            half = coef.astype(np.float16) if _fits_half(coef) else None
            exact = half is not None and np.array_equal(half.astype(np.float32), coef)  # written without loss
            arrays["coef"] = half if exact else coef
        if self.idf_ is not None:
            arrays["idf"] = self.idf_
        with open(path, "wb") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path: Path, settings: dict) -> LinearModel:
        with np.load(path, allow_pickle=False) as data:
            unknown = set(data.files) - set(ARRAYS)
            if unknown:
                raise ValueError(f"unexpected arrays {sorted(unknown)}")
            arrays = {name: data[name] for name in data.files}
        eight = "coef_int8" in arrays
        if ("coef" in arrays) == eight or eight != ("coef_scale" in arrays):
            raise ValueError("the weights must be either 'coef', or 'coef_int8' with 'coef_scale'")
        model = cls(
            settings["classes"],
            arrays["coef_int8" if eight else "coef"],
            arrays["intercept"],
            arrays["calibration"],
            arrays.get("idf"),
            multilabel=bool(settings["multilabel"]),
            scale=arrays.get("coef_scale"),
        )
        k = len(model.classes_)
        if model.coef_.ndim != 2 or model.coef_.shape[0] != k or model.intercept_.shape != (k,):
            raise ValueError(f"array shapes {model.coef_.shape} do not match {k} labels")
        if model.calibration_.shape != (k, 2):
            raise ValueError(f"calibration of shape {model.calibration_.shape} for {k} labels (expected ({k}, 2))")
        if model.idf_ is not None and model.idf_.shape != (model.coef_.shape[1],):
            raise ValueError(f"{model.idf_.shape[0] if model.idf_.ndim else 0} idf weights for {model.coef_.shape[1]} features")
        return model


def _csr(X) -> sp.csr_matrix:
    """``X`` as a CSR matrix; one that already is goes on as it is (a conversion costs as much as
    a small product)."""
    return X if sp.issparse(X) and X.format == "csr" else sp.csr_matrix(X)


def blend_styles(models: list[LinearModel], X, weights: np.ndarray, products: np.ndarray | None = None) -> np.ndarray:
    """Decision scores of ``X`` mixed over styles of text: each style's model scores every text,
    and the scores are weighted by the text's probability of each style (``weights``, one column
    per model), so a text near a boundary does not jump. The models share their idf.
    ``products``: ``X @ [m.coef_ for m in models].T`` when the caller has it (one sparse product)."""
    X = _csr(X)
    k = len(models[0].classes_)
    if products is None:
        products = np.asarray(X @ np.vstack([m.coef_ for m in models]).T)
    if models[0].idf_ is not None:
        products = products / models[0].row_norms(X)[:, None]
    weights = np.asarray(weights, dtype=np.float64)
    # texts x styles x labels; summed over styles in order, as adding them one by one would
    scores = products.reshape(len(products), len(models), k) + np.stack([m.intercept_ for m in models])
    return (weights[:, :, None] * scores).sum(axis=1)


MESSAGE = "message"  # the style of messages written to an organisation; the others are kinds of review line


def _is_binary_style(style: LinearModel) -> bool:
    return style.multilabel and list(style.classes_) == ["review"]


def style_names(style: LinearModel) -> list[str]:
    """The styles a style model tells apart. A model with the one class ``review`` tells review
    lines from messages."""
    return [MESSAGE, "review"] if _is_binary_style(style) else [str(c) for c in style.classes_]


def style_probabilities(style: LinearModel, scores: np.ndarray) -> np.ndarray:
    """Each text's probability of each of ``style_names(style)``, from the style model's decision scores."""
    if _is_binary_style(style):
        p = style.calibrated(scores)[:, 0]
        return np.stack([1.0 - p, p], axis=1)
    return style.probabilities(scores)


def covers(head_style: str, style: str) -> bool:
    """Whether weights learnt for ``head_style`` serve texts of ``style``: the same style, or a
    kind of it (``review`` serves ``review_hotel``)."""
    return style == head_style or style.startswith(head_style + "_")


def style_weights(head_styles: list[str], styles: list[str], probs: np.ndarray) -> np.ndarray:
    """Each text's weight for each of a model's ``head_styles``: the summed probabilities of the
    ``styles`` each covers."""
    return np.stack([probs[:, columns].sum(axis=1) for columns in _covered(tuple(head_styles), tuple(styles))], axis=1)


@functools.lru_cache(maxsize=64)
def _covered(head_styles: tuple[str, ...], styles: tuple[str, ...]) -> list[list[int]]:
    """For each of ``head_styles``, the indices of the ``styles`` it covers."""
    return [[i for i, s in enumerate(styles) if covers(h, s)] for h in head_styles]
