"""Terms of customer messages: negation scope, double negation, the clause after a contrast word."""

import pytest

from feedback_nlp.features import AFFIRMED, TextFeaturizer


@pytest.fixture(scope="module")
def plain():
    return TextFeaturizer()


@pytest.fixture(scope="module")
def double():
    return TextFeaturizer(double_negation=True)


def test_features_negation_marks_the_following_words(plain):
    (a,) = plain.analyse(["不是很满意"])
    assert a.terms == ["不是", "!很", "!满意"]
    (a,) = plain.analyse(["不满意，服务很好"])
    assert "好" in a.terms and "!好" not in a.terms  # a clause end closes the scope


def test_features_contrast_clause_is_kept_as_the_tail(plain):
    (a,) = plain.analyse(["东西不错但是发货太慢"])
    assert a.tail == ["发货", "太慢"]
    assert a.text[a.tail_offset :] == "发货太慢"


@pytest.mark.parametrize(
    "text, read_as",
    [
        ("没有不满意的地方", "满意的地方"),  # a negation word right after another
        ("不是不好", "好"),  # a word that starts with a negation: only its negating character goes
        ("不是没有问题", "有问题"),
        ("也不是不能用，就是有点卡", "也能用，就是有点卡"),
    ],
)
def test_features_double_negation_cancels(double, plain, text, read_as):
    (a,) = double.analyse([text])
    assert a.text == read_as
    assert a.terms.count(AFFIRMED) == 1 and not any(t.startswith("!") for t in a.terms if t != AFFIRMED)
    # the marker stands on the word that was negated twice; the other terms on their own text
    at = a.terms.index(AFFIRMED)
    assert a.spans[at] == a.spans[at + 1]
    assert all(a.text[s:e] == t for t, (s, e) in zip(a.terms, a.spans) if t != AFFIRMED)
    # off by default: models saved before the option read text as they were trained
    (b,) = plain.analyse([text])
    assert b.text == text and any(t.startswith("!") for t in b.terms)


def test_features_double_negation_leaves_single_and_distant_negations_alone(double, plain):
    # "不…不发货" are two negations of two verbs; "不仅" and "非常" do not negate
    for text in ("不是很满意", "服务不好", "没有人回复", "我不知道为什么不发货", "不是不仅贵", "不是非常满意"):
        assert double.analyse([text])[0].terms == plain.analyse([text])[0].terms


def test_features_a_negation_said_again_is_no_double_negation(double):
    # "不不不" is "no", said three times: it keeps its words, and the model has them
    (a,) = double.analyse(["不不不"])
    assert a.text == "不不不" and a.terms == ["不", "不", "不"]
    # a run of negations cancels in pairs, not all at once: "不是不是不好" keeps one negation
    (a,) = double.analyse(["不是不是不好"])
    assert a.text == "不是好" and a.terms.count(AFFIRMED) == 1 and "!好" in a.terms


def test_features_a_line_break_ends_a_negations_scope(plain):
    # as a comma would: the second line is not negated by the first
    (a,) = plain.analyse(["快递一直没到\n客服态度很好"])
    (b,) = plain.analyse(["快递一直没到，客服态度很好"])
    assert a.terms == b.terms and "态度" in a.terms and "!态度" not in a.terms
    # after a mark that ends the clause already, and at the ends, a line break is a space
    (a,) = plain.analyse(["\n不满意。\n谢谢\n"])
    assert a.text == "不满意。 谢谢"


@pytest.mark.parametrize(
    "text, negated, not_negated",
    [
        # a space after the negated words ends the clause, as chats write a comma; "不 满意" still negates
        ("快递没到 客服态度很好", ["!到"], ["!客服", "!态度"]),
        ("没问题 谢谢你们了", ["!问题"], ["!谢谢"]),
        # not between words spaced one or two characters apart, nor beside a Latin word
        ("不 满意", ["!满意"], []),
        ("不 是 很 满意", ["!满意"], []),
        ("手机没有 5G 信号", ["!信号"], []),
        # a contrast word or a conjunction starts a new clause without punctuation
        ("不满意但是还行", ["!满意"], ["!但是", "!还"]),
        ("不满意因为太慢", ["!满意"], ["!因为", "!太慢"]),
        ("不发货而且态度差", ["!发货"], ["!而且", "!态度差"]),
        # right after the negation a conjunction is what it negates: the reason is denied
        ("不是因为价格贵，是物流太慢", ["!因为", "!价格", "!贵"], []),
        # particles and pronouns use none of the scope
        ("没人给我处理", ["!处理"], ["!我"]),
        # an emoji ends the clause; a bracket is passed over and negates nothing
        ("不满意😡😡", ["!满意"], ["!😡"]),
        ("快递没到😡客服也不理人", ["!到"], ["!😡", "!客服"]),
        ("不要（急）", ["!急"], ["!（", "!）"]),
        # negation words that are one word to the tokeniser
        ("物业无法解决问题", ["!解决问题"], []),
        ("从来不回消息", ["!回", "!消息"], []),
        ("未能解决", ["!解决"], []),
        # "没收到" is not received, not 没收 (confiscate); fixed words whose 不 negates nothing after them
        ("我还没收到货", ["!收到"], ["没收"]),
        ("不客气", [], ["!客气"]),
        ("不小心下错单了", [], ["!小心", "!下"]),
    ],
)
def test_features_negation_scope_ends_where_the_clause_does(plain, text, negated, not_negated):
    (a,) = plain.analyse([text])
    assert all(t in a.terms for t in negated), a.terms
    assert not any(t in a.terms for t in not_negated), a.terms
    assert all(a.text[s:e] == t.lstrip("!") for t, (s, e) in zip(a.terms, a.spans))


def test_features_a_fixed_word_is_no_second_negation(double):
    # 不停 is "non-stop": "不要不停地打电话" is one negation, of 不停, not a double one
    (a,) = double.analyse(["不要不停地打电话了"])
    assert a.text == "不要不停地打电话了" and AFFIRMED not in a.terms and "!不停" in a.terms
    # "被没收了" is still confiscated
    (a,) = double.analyse(["东西被没收了"])
    assert "没收" in a.terms


def test_features_double_negation_is_saved_with_the_vocabulary(double):
    fitted = TextFeaturizer(double_negation=True, min_df=1).fit(["没有不满意", "不是不好"])
    data = fitted.to_dict()
    assert data["params"]["double_negation"] is True
    assert TextFeaturizer.from_dict(data).analyse(["不是不好"])[0].terms == [AFFIRMED, "好"]
    del data["params"]["double_negation"]  # a featurizer saved before the option existed
    assert TextFeaturizer.from_dict(data).double_negation is False


@pytest.mark.parametrize("word_ngrams", [(1, 2), (1, 3), (2, 2)])
def test_features_few_texts_and_many_give_the_same_matrix_and_hits(monkeypatch, word_ngrams):
    # a few short texts take the lookup and sorting paths, a batch the array and COO paths: the
    # features and n-gram hits must not depend on which
    import numpy as np

    import feedback_nlp.features as features

    texts = ["快递三天了还没到，客服也不回", "東西不錯但是客服太慢！！", "ＡＰＰ登不上去", "", "好评👍", "a"] * 3
    featurizer = TextFeaturizer(word_ngrams=word_ngrams, min_df=1).fit(texts[:6])
    texts += ["快递三天了还没回", "客服也不到"]  # known terms in pairs the vocabulary lacks
    monkeypatch.setattr(features, "SMALL_BATCH_CHARS", 10**9)
    monkeypatch.setattr(features, "SMALL_BATCH_TERMS", 10**9)
    small = featurizer.transform(texts, hits=True)
    monkeypatch.setattr(features, "SMALL_BATCH_CHARS", 0)
    monkeypatch.setattr(features, "SMALL_BATCH_TERMS", 0)
    large = featurizer.transform(texts, hits=True)
    # word n-grams of several terms are looked up as numbers, where the vocabulary allows it
    assert (featurizer._word_codes is None) == (word_ngrams == (2, 2))
    assert (small[1].word_columns == -1).any() and (small[1].word_columns >= 0).any()
    assert small[0].nnz > 0 and (small[0] != large[0]).nnz == 0
    assert np.array_equal(small[0].indices, large[0].indices) and small[0].has_sorted_indices
    assert small[0].indices.dtype == large[0].indices.dtype and small[0].indptr.dtype == large[0].indptr.dtype
    for name in ("char_rows", "char_starts", "char_columns", "word_rows", "word_columns"):
        assert np.array_equal(getattr(small[1], name), getattr(large[1], name)), name
    assert len(small[1].char_rows) > 0
    for few in (["", "~"], ["快递"], []):  # no n-gram at all, one text, none
        X = featurizer.transform(few)
        assert X.shape == (len(few), featurizer.n_features_) and X.has_sorted_indices
        assert [X.indptr[i + 1] > X.indptr[i] for i in range(len(few))] == [text == "快递" for text in few]


def test_binary_matrix_is_scipys_with_repeats_counted_once():
    import numpy as np
    import scipy.sparse as sp

    from feedback_nlp.features import _binary_csr

    rng = np.random.default_rng(4)
    for n_rows, n_cols, n in ((5, 7, 40), (1, 3, 0), (300, 50_000, 20_000), (4, 2, 8)):
        rows, cols = rng.integers(0, n_rows, n), rng.integers(0, n_cols, n)
        X = _binary_csr(rows, cols, (n_rows, n_cols))
        expected = sp.coo_matrix((np.ones(n, np.float32), (rows, cols)), shape=(n_rows, n_cols)).tocsr()
        expected.data[:] = 1.0
        assert X.shape == expected.shape and X.dtype == np.float32 and X.has_sorted_indices
        assert np.array_equal(X.indptr, expected.indptr) and np.array_equal(X.indices, expected.indices)
        assert np.array_equal(X.data, expected.data) and X.indices.dtype == expected.indices.dtype


def test_code_table_finds_every_code_and_only_those():
    import numpy as np

    from feedback_nlp.features import CodeTable

    rng = np.random.default_rng(0)
    for n in (0, 1, 5, 1000, 50000):
        codes = np.unique(rng.integers(0, 2**62, n))
        # codes that share their low or high bits, as n-gram codes of neighbouring characters do
        codes = np.unique(np.concatenate([codes, np.arange(n) * 2**40, np.arange(n) + 7]))
        columns = rng.permutation(len(codes))
        table = CodeTable(codes, columns)
        assert len(table) == len(codes)
        assert np.array_equal(table.lookup(codes), columns)
        others = np.setdiff1d(rng.integers(0, 2**62, 3 * n + 10), codes)
        assert (table.lookup(others) == -1).all()
        mixed = np.concatenate([codes, others])[rng.permutation(len(codes) + len(others))]
        expected = {int(c): int(v) for c, v in zip(codes, columns)}
        assert table.lookup(mixed).tolist() == [expected.get(int(c), -1) for c in mixed]
    assert CodeTable(np.array([3]), np.array([9])).lookup(np.zeros(0, np.int64)).tolist() == []
