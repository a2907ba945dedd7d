"""Training end to end on a small corpus cut from the real one (same format, same loader)."""

import json

import pytest

from feedback_nlp.config import load_train_config
from feedback_nlp.models.corpus import CORPORA_DIR, SPLITS, read_jsonl
from feedback_nlp.pipeline import FeedbackClassifier
from feedback_nlp.train import train


def make_small_corpora(target, per_label=12):
    for name in ("sentiment", "causes"):
        (target / name).mkdir(parents=True)
        for split in SPLITS:
            rows = read_jsonl(CORPORA_DIR / name / f"{split}.jsonl")
            picked, counts = [], {}
            for row in rows:
                labels = (row["causes"] or ["-"]) if name == "causes" else [row["label"]]
                if any(counts.get(l, 0) < per_label for l in labels):
                    picked.append(row)
                    for l in labels:
                        counts[l] = counts.get(l, 0) + 1
            with open(target / name / f"{split}.jsonl", "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in picked)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpora")
    make_small_corpora(base)
    cfg = load_train_config(overrides=[f"corpora_dir={base}", "features.min_df=1"])
    return base, train(cfg)


def test_train_records_metrics_and_provenance(small):
    _base, clf = small
    meta = clf.metadata
    assert set(meta["metrics"]) == {"dev", "test"}
    assert 0.0 <= meta["metrics"]["test"]["causes"]["micro"]["f1"] <= 1.0
    assert len(meta["training_data"]["sha256"]) == 64
    assert meta["config"]["features"]["min_df"] == 1
    assert set(meta["thresholds"]) == set(meta["causes"])


def test_train_model_learns_its_training_data(small):
    base, clf = small
    rows = read_jsonl(base / "causes" / "train.jsonl")
    results = clf.predict([r["text"] for r in rows], explain=False)
    hits = sum(1 for r, p in zip(rows, results) if set(r["causes"]) == {c["id"] for c in p["causes"]})
    assert hits / len(rows) > 0.6  # a small model still fits most of what it saw


def test_train_saved_model_predicts_the_same(small, tmp_path):
    _base, clf = small
    clf.save(tmp_path / "m")
    texts = ["快递一个星期还没到，客服也不回", "物业费又涨了", "谢谢"]
    assert FeedbackClassifier.load(tmp_path / "m").predict(texts) == clf.predict(texts)
