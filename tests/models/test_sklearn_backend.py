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


def test_style_adapted_learns_a_style_specific_weight_and_folds_into_linear_models():
    from feedback_nlp.models.linear import blend_styles
    from feedback_nlp.models.sklearn_backend import StyleAdapted

    # feature 0 means the label in messages only; feature 1 means it in both styles
    X = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 0, 1]] * 2 + [[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 0, 1]] * 2, dtype=np.float32))
    review = np.array([0] * 8 + [1] * 8)
    Y = np.array([[1], [1], [1], [0]] * 2 + [[0], [0], [1], [0]] * 2)
    model = StyleAdapted(NBLogistic(C=100.0, multilabel=True, classes=["a"], nb=False, tfidf=True)).fit(StyleAdapted.with_style(X, review), Y)
    scores = model.decision_function(StyleAdapted.with_style(X, review))
    assert ((scores[:, 0] > 0) == (Y[:, 0] == 1)).all()
    # the same scores from the two folded models over the raw features
    folded = blend_styles([model.linear_for("message"), model.linear_for("review")], X, np.stack([1 - review, review], axis=1))
    assert np.allclose(folded, scores)
    assert model.linear_for("message").coef_[0, 0] > 0 > model.linear_for("review").coef_[0, 0]
    model.calibrate_scores(scores, Y)
    assert np.array_equal(model.linear_for("message").calibration_, model.linear_for("review").calibration_)


def test_style_adapted_single_label_model_learns_per_style_and_gives_probabilities():
    from feedback_nlp.models.linear import blend_styles
    from feedback_nlp.models.sklearn_backend import StyleAdapted

    # feature 0 is praise in messages and a complaint in review lines; feature 1 a complaint in both
    X = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1]] * 6, dtype=np.float32))
    review = np.array([0] * 9 + [1] * 9)
    y = np.array(["pos", "neg", "neu"] * 3 + ["neg", "neg", "neu"] * 3)
    model = StyleAdapted(NBLogistic(C=100.0, classes=["neg", "neu", "pos"])).fit(StyleAdapted.with_style(X, review), y)
    probs = model.predict_proba(StyleAdapted.with_style(X, review))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert (model.classes_[probs.argmax(axis=1)] == y).all()
    message, reviews = model.linear_for("message"), model.linear_for("review")
    assert message.idf_ is None and not message.multilabel
    assert np.allclose(message.probabilities(blend_styles([message, reviews], X, np.stack([1 - review, review], axis=1))), probs)
    # a text halfway between the styles gets scores halfway between
    half = blend_styles([message, reviews], X[:1], np.array([[0.5, 0.5]]))
    assert np.allclose(half, (message.decision_function(X[:1]) + reviews.decision_function(X[:1])) / 2)


def test_style_adapted_learns_weights_for_several_styles():
    from feedback_nlp.models.linear import blend_styles
    from feedback_nlp.models.sklearn_backend import StyleAdapted

    # feature 0 is praise in messages and hotel reviews but a complaint in laptop reviews ("小")
    X = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 1]] * 6, dtype=np.float32))
    styles = ["message", "review_hotel", "review_laptop"]
    style = np.repeat([0, 1, 2], 4)
    y = np.array(["pos", "neg"] * 4 + ["neg", "neg"] * 2)
    onehot = np.eye(3)[style]
    model = StyleAdapted(NBLogistic(C=100.0, classes=["neg", "pos"]), styles=styles).fit(StyleAdapted.with_style(X, onehot), y)
    assert list(model.models_) == styles
    probs = model.predict_proba(StyleAdapted.with_style(X, onehot))
    assert (model.classes_[probs.argmax(axis=1)] == y).all()
    models = [model.linear_for(s) for s in styles]
    assert models[2].coef_[1, 0] < models[1].coef_[1, 0]  # feature 0 pulls less towards "pos" in laptop reviews
    # soft style weights mix the folded models' scores
    mixed = np.array([[0.2, 0.3, 0.5]])
    expected = sum(w * m.decision_function(X[:1]) for w, m in zip(mixed[0], models))
    assert np.allclose(blend_styles(models, X[:1], mixed), expected)
    assert np.allclose(model.decision_function(StyleAdapted.with_style(X[:1], mixed)), expected)


def test_weight_bits_reach_every_folded_model():
    from feedback_nlp.models.sklearn_backend import StyleAdapted

    X = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1]] * 4, dtype=np.float32))
    y = np.array(["pos", "neg", "neu"] * 4)
    assert NBLogistic(classes=["neg", "neu", "pos"], weight_bits=8).fit(X, y).linear_.settings()["weight_bits"] == 8
    assert "weight_bits" not in NBLogistic(classes=["neg", "neu", "pos"]).fit(X, y).linear_.settings()
    review = np.array([0] * 6 + [1] * 6)
    model = StyleAdapted(NBLogistic(classes=["neg", "neu", "pos"], weight_bits=8)).fit(StyleAdapted.with_style(X, review), y)
    assert all(model.linear_for(s).coef_scale_ is not None for s in ("message", "review"))
    assert model.base.weight_bits == 8  # the estimator's own settings are left as they were
