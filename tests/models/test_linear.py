import numpy as np
import scipy.sparse as sp

from feedback_nlp.models.linear import LinearModel, pruned


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


def test_pruning_zeroes_each_labels_small_weights_and_keeps_the_rest():
    coef = np.array([[10.0, -0.5, 0.09, -2.0], [1.0, 0.005, -0.02, 0.011]], np.float32)
    kept = pruned(coef, 0.01)
    # the share is of each row's own largest weight: 0.1 for the first row, 0.01 for the second
    np.testing.assert_array_equal(kept, np.array([[10.0, -0.5, 0.0, -2.0], [1.0, 0.0, -0.02, 0.011]], np.float32))
    np.testing.assert_array_equal(pruned(coef, 0.0), coef)
    assert coef[0, 2] == np.float32(0.09)  # the input is left as it was


def test_pruned_model_is_smaller_on_disk_and_loads_as_evaluated(tmp_path):
    rng = np.random.default_rng(3)
    coef = rng.standard_t(1.5, (3, 2000))  # heavy tails: a few large weights, many small ones
    full, small = (LinearModel(["a", "b", "c"], coef, [0.0, 0.1, -0.1], multilabel=True, prune=p) for p in (0.0, 0.01))
    assert (small.coef_ == 0).mean() > 0.3 and (full.coef_ == 0).mean() == 0
    full.save(tmp_path / "full.npz")
    small.save(tmp_path / "small.npz")
    assert (tmp_path / "small.npz").stat().st_size < 0.8 * (tmp_path / "full.npz").stat().st_size
    loaded = LinearModel.load(tmp_path / "small.npz", small.settings())
    X = sp.random(20, 2000, density=0.05, random_state=4, format="csr")
    np.testing.assert_array_equal(loaded.predict_proba(X), small.predict_proba(X))


def test_linear_weights_at_eight_bits_are_within_half_a_step_and_load_exactly(tmp_path):
    rng = np.random.default_rng(5)
    exact = rng.normal(0, 1, (3, 4000))
    exact[2] = 0.0  # a label whose weights were all pruned
    model = LinearModel(["a", "b", "c"], exact, [0.1, -0.2, 0.3], multilabel=True, weight_bits=8)
    step = np.abs(exact).max(axis=1) / 127
    assert (np.abs(model.coef_ - exact) <= step[:, None] / 2 + 1e-6).all()
    assert len(np.unique(model.coef_[0])) <= 255 and not model.coef_[2].any()
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        assert "coef" not in data.files and data["coef_int8"].dtype == np.int8 and data["coef_scale"].shape == (3,)
    loaded = LinearModel.load(path, model.settings())
    assert model.settings()["weight_bits"] == 8
    np.testing.assert_array_equal(loaded.coef_, model.coef_)  # the evaluated model is the loaded one, bit for bit
    X = sp.random(20, 4000, density=0.01, random_state=6, format="csr")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # pruning happens first, then the rounding; and the file is about half the float16 file
    half = LinearModel(["a", "b", "c"], exact, [0.1, -0.2, 0.3], multilabel=True)
    half.save(tmp_path / "half.npz")
    assert path.stat().st_size < 0.7 * (tmp_path / "half.npz").stat().st_size


def test_linear_weight_bits_and_weight_arrays_are_checked(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="weight_bits 4: 8 or 16"):
        LinearModel(["a"], np.ones((1, 3)), [0.0], weight_bits=4)
    model = LinearModel(["a", "b"], np.ones((2, 3)), [0.0, 0.0], multilabel=True, weight_bits=8)
    path = tmp_path / "m.npz"
    with open(path, "wb") as fh:  # both kinds of weights in one file
        np.savez(fh, coef=model.coef_, coef_int8=np.ones((2, 3), np.int8), coef_scale=np.ones(2, np.float32),
                 intercept=model.intercept_, calibration=model.calibration_)
    with pytest.raises(ValueError, match="either 'coef', or 'coef_int8' with 'coef_scale'"):
        LinearModel.load(path, model.settings())
    with pytest.raises(ValueError, match="3 weight scales for 2 labels"):
        LinearModel(["a", "b"], np.ones((2, 3), np.int8), [0.0, 0.0], scale=np.ones(3))
