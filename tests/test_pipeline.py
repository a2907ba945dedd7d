"""FeedbackClassifier: a tiny model learnt here (overfit, save, load, identical predictions), input
handling, evidence spans, and the refusal of changed or foreign model files."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from feedback_nlp.errors import FeedbackNLPError
from feedback_nlp.models.base import ModelError
from feedback_nlp.pipeline import FeedbackClassifier
from tests.conftest import TINY_CAUSES, TINY_DATA, build_tiny_classifier

CAUSES = TINY_CAUSES
DATA = TINY_DATA


@pytest.fixture(scope="module")
def tiny():
    return build_tiny_classifier()


def test_pipeline_overfits_tiny_set(tiny):
    for (text, causes, sentiment), result in zip(DATA, tiny.predict([t for t, _, _ in DATA])):
        assert sorted(c["id"] for c in result["causes"]) == sorted(causes), text
        assert result["sentiment"]["label"] == sentiment, text
        assert result["is_complaint"] == (bool(causes) or sentiment == "neg")
        assert -1.0 <= result["sentiment"]["score"] <= 1.0
        assert set(result["cause_probabilities"]) == set(CAUSES)


def test_pipeline_save_load_round_trip(tiny, tmp_path):
    tiny.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["format"] == "feedback_nlp.model" and "scikit-learn" in meta["versions"]
    assert set(meta["files"]) == {"featurizer.json", "causes.npz", "sentiment.npz"}
    assert meta["models"]["causes"]["multilabel"] is True
    loaded = FeedbackClassifier.load(tmp_path / "m")
    texts = [t for t, _, _ in DATA] + ["快递慢", "態度很差！！！"]
    assert loaded.predict(texts) == tiny.predict(texts)


def test_pipeline_model_carries_the_word_lists_it_was_trained_with(tmp_path):
    import shutil

    import numpy as np

    from feedback_nlp.features import TextFeaturizer
    from feedback_nlp.models.sklearn_backend import NBLogistic
    from feedback_nlp.pipeline import LinearClassifier

    words = tmp_path / "mine" / "words.txt"
    words.parent.mkdir()
    words.write_text("快递小哥 100 n\n物业费账单 100 n\n", encoding="utf-8")
    codes = tmp_path / "mine" / "codes.yaml"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "configs" / "chat_codes.yaml", codes)
    texts = [t for t, _, _ in DATA]
    feat = TextFeaturizer(min_df=1, normalise={"remove_boilerplate": False, "chat_codes_file": str(codes)},
                          tokenise={"user_dicts": [str(words)]})
    X = feat.fit_transform(texts)
    causes = NBLogistic(C=50.0, multilabel=True, classes=CAUSES).fit(X, np.array([[int(c in cs) for c in CAUSES] for _, cs, _ in DATA]))
    sentiment = NBLogistic(C=50.0, classes=["neg", "neu", "pos"]).fit(X, [s for _, _, s in DATA])
    meta = build_tiny_classifier().metadata
    clf = LinearClassifier(feat, causes.linear_, sentiment.linear_, {k: meta[k] for k in ("backend", "thresholds", "cause_names",
                                                                                         "neutral_bias", "positive_gate", "neutral_gate")})
    probe = ["快递小哥五天了还没到", "物业费账单不对", "[强]"]
    expected = clf.predict(probe)
    clf.save(tmp_path / "m")
    shutil.rmtree(tmp_path / "mine")  # the model goes to another machine, without the user's files
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text(encoding="utf-8"))
    assert {"word_lists/user_dicts_0.txt", "word_lists/chat_codes_file.yaml"} <= set(meta["files"])
    saved = json.loads((tmp_path / "m" / "featurizer.json").read_text(encoding="utf-8"))["params"]
    assert saved["tokenise"]["user_dicts"] == ["word_lists/user_dicts_0.txt"]  # relative: the folder can move
    shutil.move(tmp_path / "m", tmp_path / "moved")
    loaded = FeedbackClassifier.load(tmp_path / "moved")
    assert loaded.predict(probe) == expected
    assert "快递小哥" in loaded.featurizer.analyse(["快递小哥到了"])[0].terms
    loaded.save(tmp_path / "again")  # a loaded model saves its word lists again
    assert FeedbackClassifier.load(tmp_path / "again").predict(probe) == expected
    # a word list changed after training would change every prediction: refused like any model file
    with open(tmp_path / "moved" / "word_lists" / "user_dicts_0.txt", "a", encoding="utf-8") as fh:
        fh.write("还没到 100 v\n")
    with pytest.raises(ModelError, match="user_dicts_0.txt: contents do not match"):
        FeedbackClassifier.load(tmp_path / "moved")


def test_pipeline_refuses_changed_model_file(tiny, tmp_path):
    tiny.save(tmp_path / "m")
    path = tmp_path / "m" / "causes.npz"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ModelError, match="do not match the hash"):
        FeedbackClassifier.load(tmp_path / "m")


@pytest.mark.parametrize("part, edit", [
    ("featurizer.json", lambda path: path.write_text("{}", encoding="utf-8")),
    ("featurizer.json", lambda path: path.write_text("[]", encoding="utf-8")),
    ("causes.npz", lambda path: _rewrite_npz(path, calibration=np.ones((len(CAUSES), 1)))),
    ("causes.npz", lambda path: _rewrite_npz(path, idf=np.ones(3, np.float32))),
])
def test_pipeline_names_a_damaged_part_whose_hash_was_written_again(tiny, tmp_path, part, edit):
    # edited, and its hash in metadata.json with it: refused as a damaged part, not a traceback later
    from feedback_nlp.models.base import sha256_file

    tiny.save(tmp_path / "m")
    edit(tmp_path / "m" / part)
    meta_path = tmp_path / "m" / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["files"][part] = sha256_file(tmp_path / "m" / part)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match=rf"{part}: not a .*(retrain|restore)"):
        FeedbackClassifier.load(tmp_path / "m")


def _rewrite_npz(path, **arrays):
    with np.load(path) as data:
        kept = {name: data[name] for name in data.files}
    with open(path, "wb") as fh:
        np.savez(fh, **{**kept, **arrays})


def test_pipeline_refuses_foreign_or_missing_directories(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        FeedbackClassifier.load(tmp_path / "nope")
    (tmp_path / "x").mkdir()
    with pytest.raises(ModelError, match="no metadata.json"):
        FeedbackClassifier.load(tmp_path / "x")
    (tmp_path / "x" / "metadata.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(FeedbackNLPError, match="not a feedback_nlp model"):
        FeedbackClassifier.load(tmp_path / "x")


def test_pipeline_reads_the_formats_before_eight_bit_weights(tiny, tmp_path):
    # a model saved with float16 weights is what formats 1 and 2 held; their directories still load
    assert "weight_bits" not in tiny.causes_model.settings()
    tiny.save(tmp_path / "m")
    meta_path = tmp_path / "m" / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    texts = ["快递太慢了", "谢谢"]
    for version in (1, 2):
        meta_path.write_text(json.dumps({**meta, "format_version": version}), encoding="utf-8")
        assert FeedbackClassifier.load(tmp_path / "m").predict(texts) == tiny.predict(texts)


def test_pipeline_refuses_newer_format_and_mismatched_parts(tiny, tmp_path):
    import numpy as np

    from feedback_nlp.models.base import sha256_file

    tiny.save(tmp_path / "m")
    meta_path = tmp_path / "m" / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "format_version": 99}), encoding="utf-8")
    with pytest.raises(ModelError, match="newer than this feedback_nlp"):
        FeedbackClassifier.load(tmp_path / "m")
    # weights for another vocabulary, with a matching hash: caught by the shape check
    npz = tmp_path / "m" / "causes.npz"
    with np.load(npz) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["coef"] = arrays["coef"][:, :-1]
    np.savez_compressed(npz, **arrays)
    meta["files"]["causes.npz"] = sha256_file(npz)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="features"):
        FeedbackClassifier.load(tmp_path / "m")


def _edited(tiny, tmp_path, edit) -> object:
    tiny.save(tmp_path / "m")
    meta_path = tmp_path / "m" / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    edit(meta)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "m"


def _reordered(meta: dict, part: str, key: str) -> None:
    """The model's labels listed (as trained models list them) and its part's labels reversed."""
    meta[key] = list(meta["models"][part]["classes"])
    meta["models"][part]["classes"] = meta[key][::-1]


def _as_trained(meta: dict) -> None:
    """The lists of labels and names a trained model's metadata has beside its parts' own."""
    meta["causes"] = list(meta["models"]["causes"]["classes"])
    meta["cause_names"] = {c: c.upper() for c in meta["causes"]}
    meta["sentiment_labels"] = list(meta["models"]["sentiment"]["classes"])


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda m: m["thresholds"].pop(CAUSES[0]), f"no value for {CAUSES[0]}"),
        (lambda m: m.pop("thresholds"), "no value for"),
        (lambda m: m["thresholds"].update({CAUSES[0]: "high"}), f"thresholds.{CAUSES[0]}"),
        (lambda m: m["thresholds"].update({CAUSES[0]: "0.3"}), f"thresholds.{CAUSES[0]}"),  # a number typed as text
        (lambda m: m.update(neutral_bias="0.1"), "neutral_bias"),
        (lambda m: m.update(format_version=0), "format_version"),
        (lambda m: m.update(format_version="one"), "format_version"),
        (lambda m: m.update(positive_gate=None), "positive_gate"),
        (lambda m: m.pop("positive_gate"), "'positive_gate' missing"),
        (lambda m: m.pop("neutral_bias"), "'neutral_bias' missing"),
        (lambda m: m["thresholds"].update({CAUSES[0]: -1}), "greater than or equal to 0"),
        (lambda m: m["thresholds"].update({CAUSES[0]: 5}), "less than or equal to 1"),
        (lambda m: m.pop("backend"), "names no 'backend'"),
        (lambda m: m.pop("files"), "files"),
        (lambda m: m["models"].pop("sentiment"), "a part was removed"),
        (lambda m: m["files"].pop("featurizer.json"), "featurizer.json is not listed"),
        (lambda m: _reordered(m, "sentiment", "sentiment_labels"), "the sentiment part has the labels"),
        (lambda m: _reordered(m, "causes", "causes"), "the causes part has the labels"),
        (lambda m: m.update(format_version="99"), "format_version"),  # no version, not a newer one
        (lambda m: m["models"]["causes"].update(multilabel=False), "'multilabel' False"),
        (lambda m: m["models"]["sentiment"].update(multilabel=True), "'multilabel' True"),
        (lambda m: (_as_trained(m), m.update(sentiment_labels=None)), "'sentiment_labels' missing"),
        (lambda m: m.update(cause_names=["服务态度"]), "cause_names"),
        # every list of causes reordered alike but the names: one cause's weights would get another's name
        (lambda m: (_as_trained(m), m["causes"].reverse(),
                    [part["classes"].reverse() for name, part in m["models"].items() if name.startswith("causes")]),
         "do not name the same causes in the same order"),
    ],
    ids=["threshold-missing", "thresholds-removed", "threshold-text", "threshold-number-as-text", "bias-number-as-text",
         "format-zero", "format-text", "gate-null", "gate-missing",
         "bias-missing", "threshold-negative", "threshold-over-one", "backend-missing", "files-missing", "part-removed", "file-unlisted",
         "sentiment-labels-reordered", "cause-labels-reordered", "format-number-as-text", "causes-one-label",
         "sentiment-several-labels", "sentiment-labels-missing", "cause-names-list", "causes-renamed"],
)
def test_pipeline_names_what_was_edited_in_metadata(tiny, tmp_path, edit, message):
    directory = _edited(tiny, tmp_path, edit)
    with pytest.raises(ModelError, match="metadata.json") as caught:
        FeedbackClassifier.load(directory)
    assert message in str(caught.value)


def test_pipeline_names_a_metadata_file_saved_in_another_encoding(tiny, tmp_path):
    directory = _edited(tiny, tmp_path, lambda m: m.update(cause_names={c: "服务态度" for c in m["models"]["causes"]["classes"]}))
    path = directory / "metadata.json"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))  # as an editor on Windows may save it
    with pytest.raises(ModelError, match="metadata.json is not UTF-8"):
        FeedbackClassifier.load(directory)


def test_pipeline_a_model_without_cause_names_names_causes_by_id(tiny, tmp_path):
    directory = _edited(tiny, tmp_path, lambda m: m.update(cause_names=None))
    (result,) = FeedbackClassifier.load(directory).predict(["快递五天了还没到"])
    assert [(c["id"], c["name"]) for c in result["causes"]] == [("logistics", "logistics")]


def test_pipeline_warns_about_a_model_from_a_newer_release(tiny, tmp_path, caplog):
    directory = _edited(tiny, tmp_path, lambda m: m["versions"].update(feedback_nlp="99.0"))
    with caplog.at_level("WARNING"):
        loaded = FeedbackClassifier.load(directory)
    assert "feedback_nlp 99.0" in caplog.text and "upgrade" in caplog.text
    assert loaded.predict(["快递慢"])[0]["causes"]


@pytest.mark.parametrize(
    "item, field, message",
    [
        (None, "error", "text is missing (None)"),
        (float("nan"), "error", "text is missing (nan)"),
        (42, "error", "type int"),
        ("快递慢".encode("gbk"), "error", "text has type bytes; pass a string (decode bytes first: feedback_nlp.read_text(data).text"),
        ("", "warning", "empty text"),
        ("   ", "warning", "empty text"),
        ("the parcel is late", "warning", "no Chinese characters"),
        ("？？？", "warning", "not classified"),
        ("12345", "warning", "not classified"),
        ("😀😀", "warning", "not classified"),
        ("\x00", "warning", "not classified"),
        ("快递慢" * 1000, "warning", "only the first 2,000"),
        # UTF-8 read as GBK: "快递五天了还没到，客服也不回复"
        ("快递五天了还没到，客服也不回复".encode("utf-8").decode("gbk", errors="ignore"), "warning", "mojibake"),
    ],
)
def test_pipeline_bad_items_do_not_break_the_batch(tiny, item, field, message):
    results = tiny.predict(["快递五天了还没到", item, "客服态度很差"])
    assert len(results) == 3
    assert message in results[1][field]
    assert [c["id"] for c in results[0]["causes"]] == ["logistics"]
    assert [c["id"] for c in results[2]["causes"]] == ["attitude"]
    # an item that was not classified has no sentiment, and says so; one that was has a label (the
    # tiny model knows no English word and none of the mojibake's characters: those two are not read)
    unclassified = results[1]["error"] is not None or "not classified" in (results[1]["warning"] or "") or not item.strip()
    assert unclassified is (item is None or item != item or not isinstance(item, str) or not item.strip()
                            or "not classified" in message or item == "the parcel is late" or "mojibake" in message)
    assert (results[1]["sentiment"]["label"] is None) is unclassified
    assert not unclassified or (results[1]["is_complaint"] is False and results[1]["causes"] == [])
    # and no probabilities, of causes as of sentiment: 0.0 would count in an average over messages
    assert (results[1]["cause_probabilities"] == {} == results[1]["sentiment"]["probabilities"]) is unclassified


def test_pipeline_a_long_text_keeps_every_warning(tiny):
    # cut to its first characters and not Chinese: both are said, the first is not overwritten
    (result,) = tiny.predict(["the parcel is late. " * 200])
    assert "only the first 2,000" in result["warning"]
    assert "no Chinese characters" in result["warning"]


def test_pipeline_reads_emoji_it_knows_and_leaves_text_it_knows_nothing_of_unclassified(tiny):
    known, unknown, rare = tiny.predict(["👍", "😀", "龘"])
    # an emoji alone is a reply: read when the model learnt it, with no warning about words (which
    # way the tiny model reads it is not the point; the shipped model's tests check that)
    assert known["sentiment"]["label"] is not None and known["warning"] is None
    # with no feature the model knows, its scores would be the priors: not classified, said so
    for result in (unknown, rare):
        assert result["sentiment"]["label"] is None and "none of its words" in result["warning"]
        assert result["causes"] == [] and result["is_complaint"] is False and result["evidence"]["sentiment"] == []


def test_pipeline_chat_placeholders_are_turns_not_text(tiny):
    picture, two, with_words, emoticon = tiny.predict(["[图片]", "[图片] [语音]", "[图片]快递五天了还没到", "[OK]"])
    # a picture sent in place of text is not a neutral or negative message
    for result, codes in ((picture, "[图片]"), (two, "[图片][语音]")):
        assert result["sentiment"]["label"] is None and result["causes"] == []
        assert f"only {codes}, a picture" in result["warning"]
    # beside words the placeholder is dropped, and evidence still points into the input
    assert [c["id"] for c in with_words["causes"]] == ["logistics"]
    for entry in with_words["evidence"]["causes"]["logistics"]:
        assert "[图片]快递五天了还没到"[entry["start"] : entry["end"]] == entry["text"]
    # an emoticon code is not English text
    assert "no Chinese" not in (emoticon["warning"] or "")


def test_pipeline_a_placeholder_beside_digits_is_not_read_and_beside_an_emoji_is(tiny):
    # "[图片]" holds the characters 图片, but it is no word of the customer's: a picture and an
    # order number say nothing to classify, and must not count as a complaint
    (number,) = tiny.predict(["[图片]20231108"])
    assert number["sentiment"]["label"] is None and number["is_complaint"] is False
    assert "no words" in number["warning"]
    # a picture and an emoji is a reply, read as the emoji alone is
    alone, beside = tiny.predict(["👍", "[图片]👍"])
    assert beside["sentiment"]["label"] == alone["sentiment"]["label"] is not None
    assert "only [图片]" not in (beside["warning"] or "")


def test_pipeline_leading_whitespace_does_not_count_towards_the_length_limit(tiny):
    text = " " * 2500 + "快递五天了还没到" * 300
    (result,) = tiny.predict([text])
    assert [c["id"] for c in result["causes"]] == ["logistics"]
    assert "text has 2,400 characters after 2,500 leading spaces" in result["warning"]
    for entry in result["evidence"]["causes"]["logistics"]:
        assert entry["start"] >= 2500 and text[entry["start"] : entry["end"]] == entry["text"]
    # nor does trailing whitespace: a short text padded by its export is whole, and no warning says otherwise
    assert tiny.predict_one("快递五天了还没到" + " " * 2500)["warning"] is None
    assert "after 1 leading space or line break;" in tiny.predict_one("\n" + "快递五天了还没到" * 300)["warning"]


@pytest.mark.parametrize("texts, hint", [({"快递慢": 1}, "values()"), ({"快递慢"}, "a list")], ids=["dict", "set"])
def test_pipeline_refuses_containers_whose_iteration_is_not_the_texts(tiny, texts, hint):
    with pytest.raises(TypeError, match="not a") as caught:
        tiny.predict(texts)
    assert hint in str(caught.value)


def test_pipeline_reads_a_pandas_column_with_empty_cells(tiny):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"text": ["快递五天了还没到", None, "客服态度很差"]}).astype({"text": "string"})
    with pytest.raises(TypeError, match=r"df\['text'\]"):
        tiny.predict(frame)
    results = tiny.predict(frame["text"])
    assert "text is missing" in results[1]["error"]
    assert [c["id"] for c in results[2]["causes"]] == ["attitude"]


def test_pipeline_iter_predict_reads_a_generator_one_batch_at_a_time(tiny):
    texts = [t for t, _, _ in DATA] * 5
    read = []

    def source():
        for text in texts:
            read.append(text)
            yield text

    results = tiny.iter_predict(source(), explain=False, batch_size=4)
    assert not read  # nothing is read before the first result is asked for
    first = next(results)
    assert len(read) == 4
    assert [first, *results] == tiny.predict(texts, explain=False)
    with pytest.raises(TypeError, match=r"iter_predict\(\) takes a list of texts, not a dict"):
        tiny.iter_predict({"快递慢": 1})


@pytest.mark.parametrize("size", [0, -1, 2.5, "10", True, 2**63])
def test_pipeline_refuses_a_batch_size_that_would_lose_or_break_the_batch(tiny, size):
    with pytest.raises(ValueError, match="batch_size"):
        tiny.predict(["快递慢", "好评"], batch_size=size)


@pytest.mark.parametrize("explain", ["no", "false", None, 2])
def test_pipeline_refuses_an_explain_that_is_not_true_or_false(tiny, explain):
    # "false" from a config or a command line would be true, and cost evidence on every text
    for call in (lambda: tiny.predict(["快递慢"], explain=explain), lambda: tiny.iter_predict(["快递慢"], explain=explain),
                 lambda: tiny.predict_one("快递慢", explain=explain)):
        with pytest.raises(TypeError, match=r"explain=.*; pass True or False"):
            call()
    assert "evidence" not in tiny.predict_one("快递慢", explain=np.bool_(False))
    assert "evidence" in tiny.predict_one("快递慢", explain=1)


@pytest.mark.parametrize("texts", [None, 5])
def test_pipeline_says_what_predict_takes_when_given_no_list(tiny, texts):
    with pytest.raises(TypeError, match=r"predict\(\) takes a list of texts, not (NoneType|int); pass \[text\]"):
        tiny.predict(texts)


def test_pipeline_takes_numpy_integers_as_a_batch_size(tiny):
    # a size worked out with numpy (len(df) // 8) is a whole number too
    assert tiny.predict(["快递慢", "好评", "快递慢"], batch_size=np.int64(2)) == tiny.predict(["快递慢", "好评", "快递慢"])


def test_pipeline_characters_beyond_the_basic_block_are_chinese(tiny):
    # CJK extension B (𠮷) and compatibility ideographs (豈, as Big5/HKSCS data hold them)
    for result in tiny.predict(["𠮷野家", "\uf900更"]):
        assert "no Chinese characters" not in (result["warning"] or "")


def test_pipeline_load_of_a_file_asks_for_the_folder(tmp_path):
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    with pytest.raises(ModelError, match="is a file; pass the model folder"):
        FeedbackClassifier.load(tmp_path / "README.md")


def test_pipeline_refuses_one_string_for_a_list(tiny):
    with pytest.raises(TypeError, match="predict_one"):
        tiny.predict("快递五天了还没到")
    assert tiny.predict_one("快递五天了还没到")["causes"][0]["id"] == "logistics"


def test_pipeline_clean_short_texts_get_no_mojibake_warning(tiny):
    # real short messages whose characters could also be damaged bytes
    results = tiny.predict(["体验极差", "几点开门", "有点麻烦", "厚了点，沉了点！"])
    assert not any("mojibake" in (r["warning"] or "") for r in results)


def test_pipeline_evidence_spans_point_into_the_input(tiny):
    text = "快遞五天了還沒到！！！客服態度很差"  # Traditional and repeated marks: normalised text differs
    result = tiny.predict_one(text)
    for cause, entries in result["evidence"]["causes"].items():
        assert entries, cause
        for e in entries:
            assert text[e["start"] : e["end"]] == e["text"]
    logistics = " ".join(e["text"] for e in result["evidence"]["causes"]["logistics"])
    assert "快遞" in logistics or "沒" in logistics or "到" in logistics


def test_pipeline_evidence_spans_leave_out_spaces_and_invisible_characters(tiny):
    for text in ("  快递  五天了还没到", "快递\u200b五天了还没到"):
        entries = [e for es in tiny.predict_one(text)["evidence"]["causes"].values() for e in es]
        assert entries and all(e["text"] == e["text"].strip().replace("\u200b", "") for e in entries)
        assert all(text[e["start"] : e["end"]] == e["text"] for e in entries)


def test_pipeline_evidence_spans_hold_the_words_they_name(tiny):
    # every step of normalising that changes the length, together: a CR LF, repeated marks, an
    # emoticon code, a numeral NFKC spells out, Traditional characters and a zero-width space
    from feedback_nlp.normalise.text import normalise_records

    pieces = ["快遞五天了還沒到", "！！！", "。。。", "[强]", "\r\n", "\u200b", "客服態度很差", "Ⅱ", "  ", "太慢了!!", "快递慢"]
    rng = __import__("random").Random(0)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(2, 7))) for _ in range(200)]
    checked = 0
    for text, result in zip(texts, tiny.predict(texts)):
        for e in [e for es in result["evidence"]["causes"].values() for e in es] + result["evidence"]["sentiment"]:
            # the input's span, normalised, holds the term's words (a word pair's span also holds
            # the marks between the two words)
            written = normalise_records([text[e["start"] : e["end"]]])[0].replace(" ", "")
            words = e["term"].lstrip("!").split(" ")
            assert written.startswith(words[0].lstrip("!")) and written.endswith(words[-1].lstrip("!")), (text, e)
            checked += 1
    assert checked > 300


def test_pipeline_evidence_of_an_emoticon_code_is_the_code(tiny):
    text = "快递慢[发怒][发怒]"
    spans = [e for es in tiny.predict_one(text)["evidence"]["causes"].values() for e in es]
    spans += tiny.predict_one(text)["evidence"]["sentiment"]
    assert all(text[e["start"] : e["end"]] == e["text"] for e in spans)
    assert all(e["text"] == "[发怒]" for e in spans if e["term"] == "😡")


def test_pipeline_evidence_is_quick_on_long_texts(tiny):
    import time

    text = ("物業費太貴！！客服態度很差。。。" * 200)[:2000]
    start = time.perf_counter()
    result = tiny.predict_one(text)
    # aligning the normalised text with the input once took seconds on such a text
    assert time.perf_counter() - start < 1.0
    assert all(text[e["start"] : e["end"]] == e["text"] for es in result["evidence"]["causes"].values() for e in es)


def test_pipeline_a_broken_character_does_not_break_the_batch(tiny):
    half_emoji = json.loads('"快递太慢了\\ud83d"')  # a JSON escape cut in two
    results = tiny.predict(["快递慢", half_emoji, "\ud83d", "快递慢[强]\ud83d", "快递慢\ud83d[图片]"])
    assert all("broken character" in r["warning"] for r in results[3:])
    assert results[0]["causes"] and results[0]["warning"] is None
    assert results[1]["causes"] and "broken character" in results[1]["warning"]
    assert results[2]["sentiment"]["label"] is None and results[2]["error"] is None
    # not classified, and still told why: the broken character as well as the empty rest
    assert "broken character" in results[2]["warning"] and "no words" in results[2]["warning"]
    # evidence names each word as the input has it, the broken character inside it included
    text = "快\ud83d递五天了还没到"
    for batch in ([text], [text] * 20):
        for entries in tiny.predict(batch)[0]["evidence"]["causes"].values():
            assert entries and all(text[e["start"] : e["end"]] == e["text"] for e in entries)


def test_pipeline_mojibake_with_replaced_bytes_is_warned_about_without_a_log_per_text(tiny, caplog):
    damaged = "12345答应我三天内回访，一周了什么都没有".encode().decode("gbk", errors="replace")
    with caplog.at_level("WARNING"):
        result = tiny.predict_one(damaged)
    assert "cannot be repaired" in result["warning"] and "errors='ignore'" in result["warning"]
    assert not caplog.records  # a batch of such messages must not flood the log


def test_pipeline_confidence_agrees_with_the_probability_shown(tiny):
    from feedback_nlp.pipeline.base import confidence_level

    results = tiny.predict([t for t, _, _ in DATA] + ["快递慢", "態度很差！！！", "还行吧"])
    for result in results:
        for cause in result["causes"]:
            assert cause["confidence"] == confidence_level(cause["probability"])
        sentiment = result["sentiment"]
        assert sentiment["confidence"] == confidence_level(sentiment["probabilities"][sentiment["label"]])


def test_pipeline_is_thread_safe(tiny):
    texts = [t for t, _, _ in DATA] * 30
    expected = tiny.predict(texts, explain=False)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda t: tiny.predict_one(t, explain=False), texts))
    assert results == expected
    # with evidence, batches (worked out all at once) and single texts side by side
    batches = [texts[i : i + 40] for i in range(0, len(texts), 40)]
    expected = [tiny.predict(batch) for batch in batches]
    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(tiny.predict, batches * 3)) == expected * 3
        assert list(pool.map(tiny.predict_one, texts)) == [r for batch in expected for r in batch]


def test_pipeline_batches_give_the_same_results(tiny):
    texts = [t for t, _, _ in DATA] * 5
    assert tiny.predict(texts, batch_size=4) == tiny.predict(texts, batch_size=1000)


def test_pipeline_style_parts_round_trip_and_must_come_together(tiny, tmp_path):
    import numpy as np

    from feedback_nlp.models.linear import LinearModel
    from feedback_nlp.pipeline import LinearClassifier

    n = tiny.featurizer.n_features_
    # a style model that reads every text as a review line, and review weights that never fire
    style = LinearModel(["review"], np.zeros((1, n)), [10.0], multilabel=True)
    silent = LinearModel(tiny.causes_model.classes_, np.zeros_like(tiny.causes_model.coef_), [-10.0] * len(CAUSES), multilabel=True)
    model = LinearClassifier(tiny.featurizer, tiny.causes_model, tiny.sentiment_model, tiny.metadata, {"causes": {"review": silent}}, style)
    texts = [t for t, _, _ in DATA]
    assert all(not r["causes"] for r in model.predict(texts))
    model.save(tmp_path / "s")
    meta = json.loads((tmp_path / "s" / "metadata.json").read_text(encoding="utf-8"))
    assert {"causes_review.npz", "style.npz"} <= set(meta["files"])
    assert FeedbackClassifier.load(tmp_path / "s").predict(texts) == model.predict(texts)
    with pytest.raises(ModelError, match="style model"):
        LinearClassifier(tiny.featurizer, tiny.causes_model, tiny.sentiment_model, tiny.metadata, {"causes": {"review": silent}}, None)


def test_pipeline_several_styles_mix_their_weights_round_trip_and_are_checked(tiny, tmp_path):
    import numpy as np

    from feedback_nlp.models.linear import LinearModel
    from feedback_nlp.pipeline import LinearClassifier

    n = tiny.featurizer.n_features_
    styles = ["message", "review_book", "review_hotel"]
    # a style model that reads every text as a hotel review; hotel weights that always say "pos"
    style = LinearModel(styles, np.zeros((3, n)), [-10.0, -10.0, 10.0])
    labels = tiny.sentiment_model.classes_
    always_pos = LinearModel(labels, np.zeros_like(tiny.sentiment_model.coef_), [10.0 if c == "pos" else -10.0 for c in labels])
    sets = {"review_book": tiny.sentiment_model, "review_hotel": always_pos}
    model = LinearClassifier(tiny.featurizer, tiny.causes_model, tiny.sentiment_model, tiny.metadata, {"sentiment": sets}, style)
    texts = [t for t, _, _ in DATA]
    results = model.predict(texts)
    assert {r["sentiment"]["label"] for r in results} == {"pos"}
    # causes are not split by style, so they are the plain model's
    assert [r["causes"] for r in results] == [r["causes"] for r in tiny.predict(texts)]
    model.save(tmp_path / "s")
    meta = json.loads((tmp_path / "s" / "metadata.json").read_text(encoding="utf-8"))
    assert {"sentiment_review_book.npz", "sentiment_review_hotel.npz", "style.npz"} <= set(meta["files"])
    assert FeedbackClassifier.load(tmp_path / "s").predict(texts) == results
    # a set of weights for a style the style model does not know, or a style left without weights
    with pytest.raises(ModelError, match="review_laptop"):
        LinearClassifier(tiny.featurizer, tiny.causes_model, tiny.sentiment_model, tiny.metadata,
                         {"sentiment": {**sets, "review_laptop": always_pos}}, style)
    with pytest.raises(ModelError, match="0 times"):
        LinearClassifier(tiny.featurizer, tiny.causes_model, tiny.sentiment_model, tiny.metadata,
                         {"sentiment": {"review_hotel": always_pos}}, style)


def test_pipeline_no_evidence_field_without_explain(tiny):
    results = tiny.predict(["快递五天了还没到", "？？？", None, ""], explain=False)
    assert all("evidence" not in r for r in results)
    assert all("evidence" in r for r in tiny.predict(["快递五天了还没到", "？？？"]))


def test_pipeline_with_thresholds_chooses_causes_at_the_thresholds_given(tiny, tmp_path):
    texts = [t for t, _, _ in DATA]
    before = tiny.predict(texts, explain=False)
    cause = CAUSES[0]
    lowered = tiny.with_thresholds({cause: 0.0})
    # every cause the model lets through at all (not gated as praise) now gets the lowered one;
    # the other causes and everything else are as before
    for b, a in zip(before, lowered.predict(texts, explain=False)):
        assert a["cause_probabilities"] == b["cause_probabilities"] and a["sentiment"] == b["sentiment"]
        assert [c for c in a["causes"] if c["id"] != cause] == [c for c in b["causes"] if c["id"] != cause]
    gained = [a for a in lowered.predict(texts, explain=False) if cause in {c["id"] for c in a["causes"]}]
    assert len(gained) > sum(cause in {c["id"] for c in b["causes"]} for b in before)
    # one number for every cause, then one cause again; the original is untouched
    strict = tiny.with_thresholds(1.0).with_thresholds({cause: 0.5})
    assert strict.threshold_overrides_ == {**dict.fromkeys(CAUSES, 1.0), cause: 0.5}
    assert all(c["id"] == cause for r in strict.predict(texts, explain=False) for c in r["causes"])
    assert tiny.threshold_overrides_ == {} and tiny.predict(texts, explain=False) == before
    # the model directory keeps the thresholds it was trained with
    strict.save(tmp_path / "m")
    assert FeedbackClassifier.load(tmp_path / "m").predict(texts, explain=False) == before


@pytest.mark.parametrize("thresholds, message", [
    ({"atitude": 0.3}, "atitude is not a cause of this model; its causes are"),
    ({CAUSES[0]: 1.5}, "a threshold is a probability from 0 to 1"),
    ({CAUSES[0]: float("nan")}, "a threshold is a probability from 0 to 1"),
    ({CAUSES[0]: "0.3"}, "a threshold is a probability from 0 to 1"),
    (1.5, r"^thresholds: 1\.5 for every cause; a threshold is a probability from 0 to 1$"),
    (float("-inf"), r"^thresholds: -inf for every cause;"),
    ("0.3", "give one number for every cause, or cause ids with numbers"),
])
def test_pipeline_with_thresholds_refuses_what_is_not_a_threshold(tiny, thresholds, message):
    with pytest.raises(FeedbackNLPError, match=message):
        tiny.with_thresholds(thresholds)


def test_pipeline_with_thresholds_takes_numpy_numbers(tiny):
    assert tiny.with_thresholds({CAUSES[0]: np.int64(1)}).threshold_overrides_ == {CAUSES[0]: 1.0}
    assert tiny.with_thresholds(np.int64(0)).threshold_overrides_ == dict.fromkeys(CAUSES, 0.0)
    with pytest.raises(FeedbackNLPError, match="a threshold is a probability"):
        tiny.with_thresholds({CAUSES[0]: np.bool_(True)})


def test_pipeline_a_cause_is_chosen_as_its_probability_is_shown(tiny):
    # at a threshold equal to the probability shown the cause is chosen, whether the unrounded
    # probability lay a little above it or a little below (rounded up); above it, it is not
    texts = ["快递慢", "客服态度还行", "还行吧", "快递还可以", "态度一般般，价格也贵", "太慢", "还没到", "客服"]
    checked = 0
    for text, result in zip(texts, tiny.predict(texts, explain=False)):
        for cause, p in result["cause_probabilities"].items():
            if 0.05 < p < 0.95:
                at, above = (tiny.with_thresholds({cause: t}).predict_one(text, explain=False) for t in (p, p + 0.0001))
                assert cause in {c["id"] for c in at["causes"]} and cause not in {c["id"] for c in above["causes"]}
                checked += 1
    assert checked >= 6
    # a threshold of 1 switches its cause off, a probability that rounds to 1 included
    assert not any(r["causes"] for r in tiny.with_thresholds(1.0).predict(texts + [t for t, _, _ in DATA], explain=False))


def test_evidence_weights_round_as_round_does():
    import numpy as np

    from feedback_nlp.pipeline.evidence import rounded

    rng = np.random.default_rng(0)
    # random weights, and values on or next to a half of the last digit, where scaling could tip them
    values = np.concatenate([rng.random(20000) * 3, np.arange(20000) / 2000.0, np.arange(20000) / 2000.0 + 1e-12,
                             np.arange(20000) / 2000.0 - 1e-12, [0.0, 1e-9, 2.675, 1.0005, 0.0015]])
    assert [repr(v) for v in rounded(values, 3)] == [repr(round(v, 3)) for v in values.tolist()]


def test_occurrences_count_each_key():
    import numpy as np

    from feedback_nlp.pipeline.evidence import occurrences

    keys = np.random.default_rng(1).integers(0, 50, 1000)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    assert occurrences(keys).tolist() == counts[inverse].tolist()
    assert occurrences(np.zeros(0, np.int64)).tolist() == []


def test_largest_per_group_is_what_sorting_by_group_then_value_gives():
    import numpy as np

    from feedback_nlp.pipeline.evidence import largest_per_group

    rng = np.random.default_rng(3)
    for _ in range(500):
        n = int(rng.integers(0, 60))
        groups = np.sort(rng.integers(0, 8, n))
        values = np.round(rng.normal(size=n), int(rng.integers(0, 3)))  # few decimals: many ties
        values[rng.random(n) < 0.1] = np.nan
        for k in (1, 3, 5):
            # every positive value, by group, then largest first, ties in index order: the first k of each group
            positive = np.flatnonzero(values > 0)
            ranked = sorted(positive.tolist(), key=lambda i: (groups[i], -values[i], i))
            expected = [i for i in ranked if sum(groups[j] == groups[i] for j in ranked[: ranked.index(i)]) < k]
            assert largest_per_group(values, groups, k).tolist() == expected


def test_pipeline_leaves_the_garbage_collector_as_it_found_it(tiny, monkeypatch):
    # the collector is paused while a batch is classified, and back as it was after it, in every thread
    import gc

    texts = [t for t, _, _ in DATA] * 10
    assert gc.isenabled()
    seen = []
    score = type(tiny)._score

    def watched(self, batch):
        seen.append(gc.isenabled())
        return score(self, batch)

    monkeypatch.setattr(type(tiny), "_score", watched)
    tiny.predict(texts)
    assert seen == [False] and gc.isenabled()
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda t: tiny.predict_one(t), texts))
    assert not any(seen[1:]) and gc.isenabled()
    gc.disable()
    try:
        tiny.predict(texts)
        assert not gc.isenabled()  # a caller's choice stays
    finally:
        gc.enable()

    def failing(self, batch):
        raise RuntimeError("a backend failed")

    monkeypatch.setattr(type(tiny), "_score", failing)
    with pytest.raises(RuntimeError):
        tiny.predict(texts)
    assert gc.isenabled()
