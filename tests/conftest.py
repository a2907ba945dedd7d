"""Shared fixtures. Seeds are real Chinese pages kept outside the repository (../shared/seeds);
tests that need them skip with a clear reason when the folder is absent."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_path(prefix: str) -> Path:
    """Path of the seed whose name starts with ``prefix`` (e.g. "004"), or skip the test."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed {prefix} not found: the real test pages live in {SEEDS} (outside the repository)")
    return matches[0]


def load_script(name: str):
    """A script of ``scripts/`` imported as a module, to test its functions."""
    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Keep caches (jieba's dictionary cache) out of the user's home during tests."""
    monkeypatch.setenv("FEEDBACK_NLP_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


TINY_CAUSES = ["logistics", "attitude"]
TINY_DATA = [
    ("快递五天了还没到", ["logistics"], "neg"),
    ("物流太慢了，包裹一直不动", ["logistics"], "neg"),
    ("客服态度很差，爱答不理", ["attitude"], "neg"),
    ("客服说话很冲，态度恶劣", ["attitude"], "neg"),
    ("快递慢，客服态度还差", ["logistics", "attitude"], "neg"),
    ("请问怎么开发票", [], "neu"),
    ("订单什么时候发货", [], "neu"),
    ("东西很好，非常满意", [], "pos"),
    ("谢谢，服务很周到👍", [], "pos"),
]


def build_tiny_classifier():
    """A two-cause classifier learnt from nine messages: for tests of the API, not of accuracy."""
    import numpy as np

    from feedback_nlp.features import TextFeaturizer
    from feedback_nlp.models.sklearn_backend import NBLogistic
    from feedback_nlp.pipeline import LinearClassifier

    texts = [t for t, _, _ in TINY_DATA]
    feat = TextFeaturizer(word_ngrams=(1, 2), char_ngrams=(1, 2), min_df=1, normalise={"remove_boilerplate": False})
    X = feat.fit_transform(texts)
    Y = np.array([[int(c in causes) for c in TINY_CAUSES] for _, causes, _ in TINY_DATA])
    causes = NBLogistic(C=50.0, multilabel=True, classes=TINY_CAUSES).fit(X, Y)
    sentiment = NBLogistic(C=50.0, classes=["neg", "neu", "pos"]).fit(X, [s for _, _, s in TINY_DATA])
    meta = {
        "backend": "sklearn",
        "thresholds": {"logistics": 0.5, "attitude": 0.5},
        "cause_names": {"logistics": "物流配送", "attitude": "服务态度"},
        "neutral_bias": 0.0,
        "positive_gate": 1.01,  # no gates: the tiny data has no praise or questions to learn them from
        "neutral_gate": 1.01,
    }
    return LinearClassifier(feat, causes.linear_, sentiment.linear_, meta)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny"
    build_tiny_classifier().save(path)
    return path
