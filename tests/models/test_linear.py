import numpy as np
import scipy.sparse as sp

from feedback_nlp.models.linear import LinearModel


def _random_model(scale=1.0):
    rng = np.random.default_rng(0)
    coef = rng.normal(0, scale, (3, 50))
    return LinearModel(["a", "b", "c"], coef, [0.1, -0.2, 0.3], idf=rng.uniform(1, 5, 50).astype(np.float32), multilabel=True)


def test_linear_weights_are_saved_at_half_precision_and_load_exactly(tmp_path):
    model = _random_model()
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        assert data["coef"].dtype == np.float16
    loaded = LinearModel.load(path, model.settings())
    assert loaded.coef_.dtype == np.float32
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    X = sp.random(20, 50, density=0.2, random_state=1, format="csr")
    # the model that was evaluated before saving is the one that is loaded: same scores, bit for bit
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_linear_weights_are_rounded_when_the_model_is_made():
    exact = np.random.default_rng(2).normal(0, 1, (3, 50))
    model = LinearModel(["a", "b", "c"], exact, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(model.coef_, exact.astype(np.float16).astype(np.float32))
    assert np.abs(model.coef_ - exact).max() < 1e-3 * np.abs(exact).max()


def test_linear_weights_beyond_half_precision_are_kept_in_full(tmp_path):
    model = _random_model(scale=1e5)
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        assert data["coef"].dtype == np.float32
    assert np.isfinite(LinearModel.load(path, model.settings()).coef_).all()
    np.testing.assert_array_equal(LinearModel.load(path, model.settings()).coef_, model.coef_)
