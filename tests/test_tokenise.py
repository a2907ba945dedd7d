import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

from feedback_nlp.config import TokeniseConfig
from feedback_nlp.errors import ConfigError, ResourceError
from feedback_nlp.normalise import normalise_text, read_text
from feedback_nlp.tokenise import Tokeniser, get_tokeniser, split_sentences, tokenise
from tests.conftest import seed_path


@pytest.fixture(scope="module")
def tok():
    return Tokeniser()


@pytest.mark.parametrize(
    "word",
    ["中差评", "退换货", "物业费", "派工单", "一次性解决率", "平均应答速度", "收缴率", "4S店", "T+1", "首问负责制"],
)
def test_tokenise_dictionary_terms_stay_whole(tok, word):
    assert word in tok.cut(f"关于{word}的问题")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("收缴率为93.81%。", "93.81%"),
        ("同比-26.95%，", "-26.95%"),
        ("面积29848.47㎡，", "29848.47㎡"),
        ("接待业务4803次，", "4803次"),
        ("共接到投诉33起", "33起"),
        ("合计1,234,567.89元", "1,234,567.89元"),
        ("等了3个月", "3个月"),
        ("截止2012年8月31日", "2012年8月31日"),
    ],
)
def test_tokenise_numbers_keep_unit_and_sign(tok, text, expected):
    assert expected in tok.cut(text)


@pytest.mark.parametrize("text, expected", [
    ("满意度从30%-40%提升", ["30%", "-", "40%"]),  # a range: the dash is no minus sign
    ("占比３０％－４０％", ["３０％", "－", "４０％"]),
    ("温度-5℃", ["-5℃"]),
])
def test_tokenise_a_percentage_range_keeps_its_second_figure_positive(tok, text, expected):
    words = tok.cut(text)
    assert any(words[i : i + len(expected)] == expected for i in range(len(words))), words


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("happy app闪退", ["happy", "app", "闪退"]),  # an ASCII dictionary word does not split longer words
        ("iPhone15 pro", ["iPhone15", "pro"]),
        ("V1.1版本", ["V1.1", "版本"]),
        ("2012-2013", ["2012", "-", "2013"]),
    ],
)
def test_tokenise_ascii_and_codes(tok, text, tokens):
    assert tok.cut(text) == tokens


def test_tokenise_offsets_cover_text(tok):
    text = "东西不错，但是客服太慢 等了3天\n退款呢？？"
    tokens = tok.tokenise(text)
    for t in tokens:
        assert text[t.start : t.end] == t.text
    assert "".join(tok.segment(text)) == text
    assert all(not t.text.isspace() for t in tokens)


def test_tokenise_stopwords_and_negation(tok):
    cfg = TokeniseConfig(drop_stopwords=True)
    words = Tokeniser(cfg).cut("我觉得这个客服的态度不好，没有解决问题")
    assert "的" not in words and "我" not in words
    assert "不好" in words or "不" in words
    assert "没有" in words
    assert "的" in tok.cut("我的订单")  # kept by default


def test_tokenise_user_dict_from_config(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("# our own terms\n云闪付钱包 100 n\n极速退款通道\n小米13 n\n", encoding="utf-8")
    words = Tokeniser(TokeniseConfig(user_dicts=(path,))).cut("用云闪付钱包走极速退款通道，小米13屏幕坏了")
    assert "云闪付钱包" in words and "极速退款通道" in words and "小米13" in words


def test_tokenise_bad_user_dict_names_the_entry(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("词 n 12\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="bad.txt entry 1"):
        Tokeniser(TokeniseConfig(user_dicts=(path,)))
    with pytest.raises(ResourceError, match="not found"):
        Tokeniser(TokeniseConfig(user_dicts=(tmp_path / "none.txt",)))


def test_tokenise_unknown_engine():
    with pytest.raises(ConfigError, match="unknown tokenise.engine"):
        from feedback_nlp.tokenise import _make_engine

        _make_engine("thulac", False)


def test_tokenise_pickles_with_user_dicts(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("极速退款通道 100 n\n", encoding="utf-8")
    original = Tokeniser(TokeniseConfig(user_dicts=(path,)))
    copy = pickle.loads(pickle.dumps(original))
    assert copy.cut("走极速退款通道") == original.cut("走极速退款通道") == ["走", "极速退款通道"]


def test_tokenise_shared_instance_is_thread_safe():
    texts = ["物业费收缴率为93.81%，渗水问题一直没人处理"] * 200
    expected = tokenise(texts[0])
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(tokenise, texts))
    assert all(r == expected for r in results)
    assert get_tokeniser() is get_tokeniser(TokeniseConfig())


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_tokenise_engines_agree_on_seeds(prefix):
    pytest.importorskip("rjieba")
    fast = Tokeniser(TokeniseConfig(engine="rjieba"))
    reference = Tokeniser(TokeniseConfig(engine="jieba"))
    text = normalise_text(read_text(seed_path(prefix)).text).text
    lines = [line for line in text.split("\n") if line]
    differ = [line for line in lines if fast.cut(line) != reference.cut(line)]
    assert not differ, f"{len(differ)} of {len(lines)} lines differ, first: {differ[:1]}"


def test_tokenise_jieba_cache_is_per_user(tmp_path, monkeypatch):
    monkeypatch.setenv("FEEDBACK_NLP_CACHE_DIR", str(tmp_path / "c"))
    Tokeniser(TokeniseConfig(engine="jieba"))
    assert list((tmp_path / "c").glob("jieba*.cache"))


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("客服太慢了！退款呢？好的。", ["客服太慢了！", "退款呢？", "好的。"]),
        ("他说：“不行！”然后挂了。", ["他说：“不行！”", "然后挂了。"]),
        ("七、工作计划1.做好收费工作。2.做好报修。", ["七、工作计划", "1.做好收费工作。", "2.做好报修。"]),
        ("增长1.5倍；同比下降2.3%", ["增长1.5倍；", "同比下降2.3%"]),
        ("第一行\n\n第二行…第三行", ["第一行", "第二行…", "第三行"]),
        ("Order shipped. OK", ["Order shipped. OK"]),
        ("", []),
    ],
)
def test_tokenise_split_sentences(text, sentences):
    result = split_sentences(text)
    assert [s.text for s in result] == sentences
    for s in result:
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_tokenise_a_lone_surrogate_is_a_token_of_its_own(engine):
    # half of an emoji cut in two in a JSON export: a Python string may hold it; both engines cut it alike
    from feedback_nlp.config import TokeniseConfig
    from feedback_nlp.normalise.script import to_simplified
    from feedback_nlp.tokenise import get_tokeniser

    text = "好评\ud83d 谢谢"
    tokens = get_tokeniser(TokeniseConfig(engine=engine)).tokenise(text)
    assert [(t.text, t.start, t.end) for t in tokens] == [("好评", 0, 2), ("\ud83d", 2, 3), ("谢谢", 4, 6)]
    assert to_simplified("好评\ud83d 謝謝") == "好评\ud83d 谢谢"


@pytest.mark.parametrize(
    "text, words",
    [
        # a one-character unit that starts a word with what follows is that word's
        ("我是3栋2单元的业主", ["2", "单元"]),
        ("酒店却变成1单间", ["1", "单间"]),
        ("从3方面入手", ["3", "方面"]),
        ("07-06-8周末到的", ["8", "周末"]),
        # a currency, a time of day, dotted and slashed dates and a version stay whole
        ("退我300人民币", ["300人民币"]),
        ("一般平时6:30起床", ["6:30", "起床"]),
        ("日期2024.3.5到期", ["2024.3.5"]),
        ("2024/3/5下单", ["2024/3/5"]),
        ("升级到1.2.3版本后闪退", ["1.2.3", "版本"]),
        # counts keep their units as before
        ("收到2单，订了3间房，等了3天", ["2单", "3间", "3天"]),
    ],
)
def test_tokenise_units_dates_and_times_do_not_take_the_start_of_the_next_word(text, words):
    found = [t.text for t in tokenise(text)]
    assert all(w in found for w in words), found
    assert "".join(found) == text.replace(" ", "")


def test_split_sentences_keeps_ordinals_and_web_addresses_whole():
    assert [s.text for s in split_sentences("本季度排名第1、第2名都是我们")] == ["本季度排名第1、第2名都是我们"]
    assert [s.text for s in split_sentences("详见http://a.com/list?id=3&p=2 谢谢！好的")] == ["详见http://a.com/list?id=3&p=2 谢谢！", "好的"]
    # as before: ASCII marks between sentences, numbered items mid-line
    assert [s.text for s in split_sentences("真的吗?太好了!")] == ["真的吗?", "太好了!"]
    assert [s.text for s in split_sentences("为什么还没发货?3天了")] == ["为什么还没发货?", "3天了"]
    assert [s.text for s in split_sentences("工作计划1.做好服务2.加强培训")] == ["工作计划", "1.做好服务", "2.加强培训"]
    # a Word list whose items were joined by Shift+Enter (a space between them); not a span of two numbers
    assert [s.text for s in split_sentences("1、全年共接待来电19742次 2、受理报修5457件 3、满意率95.8% 4、一次解决率88.6%")] == [
        "1、全年共接待来电19742次", "2、受理报修5457件", "3、满意率95.8%", "4、一次解决率88.6%"]
    assert [s.text for s in split_sentences("满意率提高 2、3个百分点")] == ["满意率提高 2、3个百分点"]


@pytest.mark.parametrize(
    "text, tokens",
    [
        # an emoji of several code points is one token: skin tone, presentation selector, a family
        # joined by zero-width joiners, a flag, a keycap, a subdivision flag's tags
        ("好评👍🏻👍🏻", ["好评", "👍🏻", "👍🏻"]),
        ("❤️❤️谢谢", ["❤️", "❤️", "谢谢"]),
        ("客服太慢了👨\u200d👩\u200d👧", ["客服", "太慢", "了", "👨\u200d👩\u200d👧"]),
        ("🇨🇳加油", ["🇨🇳", "加油"]),
        ("按1️⃣号键", ["按", "1️⃣", "号", "键"]),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f好", ["🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "好"]),
        # single pictographs, and numbers, as before
        ("😡😡", ["😡", "😡"]),
        ("等了3天😡", ["等", "了", "3天", "😡"]),
    ],
)
@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_tokenise_keeps_emoji_sequences_whole(text, tokens, engine):
    found = get_tokeniser(TokeniseConfig(engine=engine)).tokenise(text)
    assert [t.text for t in found] == tokens
    assert all(text[t.start : t.end] == t.text for t in found)
