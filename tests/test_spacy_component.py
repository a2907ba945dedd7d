import pytest

spacy = pytest.importorskip("spacy")


def test_spacy_make_nlp_uses_our_dictionary_and_keeps_text():
    from feedback_nlp.spacy_component import make_nlp

    nlp = make_nlp()
    text = "物業費收繳率93.81%，4S店的派工單 還沒處理"
    doc = nlp(text)
    assert doc.text == text
    words = [t.text for t in doc]
    assert "物業費" in words and "93.81%" in words and "4S店" in words
    assert doc._.feedback_normalised.startswith("物业费收缴率93.81%")
    norms = {t.text: t.norm_ for t in doc}
    assert norms["物業費"] == "物业费"
    # a token the normaliser leaves as it is keeps its form: spaCy's own norm would fold "！" to "!"
    doc = nlp("太貴了！…")
    assert [t.norm_ for t in doc][-2:] == ["！", "…"] and doc._.feedback_normalised.endswith("！…")


def test_spacy_tokenizer_follows_keep_whitespace_and_drop_stopwords_without_dropping_text(tmp_path):
    from feedback_nlp.config import TokeniseConfig
    from feedback_nlp.spacy_component import make_nlp

    text = "客服 態度  很差 app 閃退"
    plain = make_nlp(TokeniseConfig())(text)
    assert plain.text == text
    # a space after a word is its trailing space, as spaCy's own tokenizers do; a second one stays a token
    assert [(t.text, t.whitespace_) for t in plain][:3] == [("客服", " "), ("態度", " "), (" ", "")]
    kept = make_nlp(TokeniseConfig(keep_whitespace=True))(text)
    assert kept.text == text and [t.text for t in kept][:3] == ["客服", " ", "態度"] and not any(t.whitespace_ for t in kept)
    # drop_stopwords marks the words of the stop-word list (read in their Simplified form) as stop words
    (tmp_path / "stop.txt").write_text("态度\n", encoding="utf-8")
    nlp = make_nlp(TokeniseConfig(drop_stopwords=True, stopwords=tmp_path / "stop.txt"))
    doc = nlp(text)
    assert doc.text == text and {t.text for t in doc if t.is_stop} >= {"態度"} and not doc[0].is_stop


def test_spacy_registered_tokenizer_and_factory():
    import feedback_nlp.spacy_component  # noqa: F401  (registers the tokenizer and the factory)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "feedback_nlp.jieba_tokenizer.v1"}}})
    nlp.add_pipe("feedback_nlp_normaliser", config={"script": "off"})
    doc = nlp("退換貨很麻煩")
    assert [t.text for t in doc][0] == "退換貨"
    assert doc._.feedback_normalised == "退換貨很麻煩"


# a saved pipeline is loaded by a fresh interpreter that has not imported feedback_nlp: spaCy
# must find the tokenizer and the component through the package's entry points
_LOAD_IN_FRESH_PROCESS = """
import json, sys
import spacy
assert "feedback_nlp" not in sys.modules
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({"tokenizer": nlp.config["nlp"]["tokenizer"]["@tokenizers"], "pipes": nlp.pipe_names,
                  "words": [t.text for t in doc], "norms": [t.norm_ for t in doc],
                  "normalised": doc._.feedback_normalised}, ensure_ascii=False))
"""


def _build_with_make_nlp(user_dict):
    from feedback_nlp.config import TokeniseConfig
    from feedback_nlp.spacy_component import make_nlp

    return make_nlp(TokeniseConfig(user_dicts=(user_dict,)))


def _build_from_config(_user_dict):
    import feedback_nlp.spacy_component  # noqa: F401  (registers the tokenizer and the factory)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "feedback_nlp.jieba_tokenizer.v1"}}})
    nlp.add_pipe("feedback_nlp_normaliser")
    return nlp


def _build_from_config_with_settings(user_dict):
    import feedback_nlp.spacy_component  # noqa: F401  (registers the tokenizer and the factory)

    tokenizer = {"@tokenizers": "feedback_nlp.jieba_tokenizer.v1", "user_dicts": [str(user_dict)], "hmm": False}
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})
    nlp.add_pipe("feedback_nlp_normaliser")
    return nlp


@pytest.mark.parametrize(
    "build", [_build_with_make_nlp, _build_from_config, _build_from_config_with_settings],
    ids=["make_nlp", "config", "config-with-settings"],
)
def test_spacy_pipeline_round_trips_through_to_disk_and_spacy_load_in_a_fresh_process(build, tmp_path):
    import json
    import subprocess
    import sys

    user_dict = tmp_path / "words.txt"
    user_dict.write_text("很麻烦\n", encoding="utf-8")  # without it: 很 / 麻煩
    nlp = build(user_dict)
    text = "退換貨很麻煩，物業費收繳率93.81%"
    doc = nlp(text)
    expected = {
        "tokenizer": "feedback_nlp.jieba_tokenizer.v1",
        "pipes": ["feedback_nlp_normaliser"],
        "words": [t.text for t in doc],
        "norms": [t.norm_ for t in doc],
        "normalised": doc._.feedback_normalised,
    }
    assert ("很麻煩" in expected["words"]) == (build is not _build_from_config)
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    user_dict.unlink()  # the saved pipeline carries its own copy

    result = subprocess.run(
        [sys.executable, "-c", _LOAD_IN_FRESH_PROCESS, str(saved), text],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == expected

    loaded = spacy.load(saved)
    assert [t.text for t in loaded(text)] == expected["words"]
    loaded.to_disk(saved)  # saved again over itself: its word lists stay
    assert [t.text for t in spacy.load(saved)(text)] == expected["words"]
    copy = spacy.blank("zh", config=nlp.config).from_bytes(nlp.to_bytes())
    assert [t.text for t in copy(text)] == expected["words"]


def test_spacy_normaliser_bad_setting_names_the_component():
    import feedback_nlp.spacy_component  # noqa: F401
    from feedback_nlp.errors import ConfigError

    nlp = spacy.blank("zh")
    with pytest.raises(ConfigError, match=r"'norm' \(feedback_nlp_normaliser\): key 'script'.*'t2s'.*got 't2x'"):
        nlp.add_pipe("feedback_nlp_normaliser", name="norm", config={"script": "t2x"})


def test_spacy_tokenizer_bad_setting_in_the_config_is_named():
    import feedback_nlp.spacy_component  # noqa: F401
    from feedback_nlp.errors import ConfigError

    tokenizer = {"@tokenizers": "feedback_nlp.jieba_tokenizer.v1", "engine": "pkuseg"}
    with pytest.raises(ConfigError, match=r"jieba_tokenizer.v1': key 'engine'.*got 'pkuseg'.*\[nlp.tokenizer\]"):
        spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})


def test_spacy_tokenizer_reads_full_width_forms_as_their_ascii_and_names_a_lone_surrogate():
    from feedback_nlp.errors import InputError
    from feedback_nlp.spacy_component import make_nlp

    nlp = make_nlp()
    for text, words in (("ＡＰＰ閃退，４Ｓ店說是ｂｕｇ", ["ＡＰＰ", "閃退", "，", "４Ｓ店", "說", "是", "ｂｕｇ"]),
                        ("收繳率９３．８１％", ["收繳率", "９３．８１％"])):
        doc = nlp(text)
        assert [t.text for t in doc] == words and doc.text == text
    with pytest.raises(InputError, match=r"lone surrogate, '\\ud83d' at offset 2.*normalise it first"):
        nlp("好评\ud83d 谢谢")
