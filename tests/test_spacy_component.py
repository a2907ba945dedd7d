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


def test_spacy_registered_tokenizer_and_factory():
    import feedback_nlp.spacy_component  # noqa: F401  (registers the tokenizer and the factory)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "feedback_nlp.jieba_tokenizer.v1"}}})
    nlp.add_pipe("feedback_nlp_normaliser", config={"script": "off"})
    doc = nlp("退換貨很麻煩")
    assert [t.text for t in doc][0] == "退換貨"
    assert doc._.feedback_normalised == "退換貨很麻煩"
