import numpy as np
import pytest
import scipy.sparse as sp

from feedback_nlp.models.sklearn_backend import NBLogistic


def _data():
    X = sp.csr_matrix(np.array([[1, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1], [0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 1, 0]], dtype=np.float32))
    y = np.array(["neg", "neg", "pos", "pos", "neg", "pos"])
    return X, y


def test_sklearn_backend_multiclass_overfits_and_orders_by_classes():
    X, y = _data()
    model = NBLogistic(C=100.0)
    assert model.fit(X, y) is model
    assert list(model.classes_) == ["neg", "pos"]
    assert (model.predict(X) == y).all()
    proba = model.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba[:, 0] > 0.5).tolist() == (y == "neg").tolist()


def test_sklearn_backend_fixed_classes_and_multilabel():
    X, _ = _data()
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 1], [1, 0], [0, 0]])
    model = NBLogistic(C=100.0, multilabel=True, classes=["a", "b"]).fit(X, Y)
    assert list(model.classes_) == ["a", "b"]
    assert (model.predict(X) == Y).all()
    model.calibrate(X, Y)
    assert model.predict_proba(X).shape == (6, 2)


def test_sklearn_backend_label_without_examples_is_an_error():
    X, _ = _data()
    with pytest.raises(ValueError, match="label 'b' needs positive and negative"):
        NBLogistic(multilabel=True, classes=["a", "b"]).fit(X, np.array([[1, 0], [0, 0], [1, 0], [0, 0], [1, 0], [0, 0]]))


def test_sklearn_backend_keeps_hyperparameters_unchanged():
    model = NBLogistic(C=0.3, alpha=0.5)
    assert model.get_params()["C"] == 0.3 and model.get_params()["alpha"] == 0.5
