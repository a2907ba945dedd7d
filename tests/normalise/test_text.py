import json
from pathlib import Path

import pytest

from feedback_nlp.config import NormaliseConfig
from feedback_nlp.normalise.text import normalise_records, normalise_text, record_spans, records_spans
from tests.conftest import seed_text

CASES = json.loads((Path(__file__).parents[1] / "data" / "normalise_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_text_normalise_cases(case):
    assert normalise_text(case["input"]).text == case["expected"], case["comment"]


def test_text_options_can_be_switched_off():
    cfg = NormaliseConfig(script="off", nfkc=False, fullwidth_to_halfwidth=False, fold_punctuation=False)
    text = "東西不錯！！！ＡＢＣ"
    assert normalise_text(text, cfg).text == text


def test_text_fullwidth_without_nfkc():
    cfg = NormaliseConfig(nfkc=False)
    assert normalise_text("ＡＢＣ１２３，好", cfg).text == "ABC123，好"


def test_text_line_map_points_to_original_lines():
    text = "导航:首页 > 客服\n\n第一行\n第二行\n第1页 / 共2页\n第三行"
    result = normalise_text(text)
    assert result.text == "第一行\n第二行\n第三行"
    assert result.line_map == [3, 4, 6]
    assert [(r.line, r.rule) for r in result.removed] == [(1, "breadcrumb"), (5, "page_footer")]
    assert result.report()["boilerplate_lines_removed"] == 2
    assert result.report(lines=True)["removed_lines"][0]["text"].startswith("导航")
    original_lines = result.original.split("\n")
    for out_line, src in zip(result.text.split("\n"), result.line_map):
        assert out_line == original_lines[src - 1]


def test_text_boilerplate_seed_001_hot_list_and_navigation():
    result = normalise_text(seed_text("001"))
    rules = {r.rule for r in result.removed}
    assert {"breadcrumb", "article_meta", "related_list"} <= rules
    assert "浏览" not in result.text.split("\n")[-1]
    assert "热点内容" not in result.text
    assert "导航" not in result.text.split("\n")[0]
    # the article itself is kept
    assert "服务补救" in result.text and len(result.text) > 0.9 * len(result.original)


def test_text_boilerplate_seed_003_and_004():
    r3 = normalise_text(seed_text("003"))
    assert {"welcome", "breadcrumb", "article_meta", "table_of_contents"} <= {r.rule for r in r3.removed}
    assert not r3.text.startswith("欢迎")
    r4 = normalise_text(seed_text("004"))
    removed = " ".join(r.text for r in r4.removed)
    assert "写写帮文库小编" in removed and "下载本文" in removed
    assert "客服中心接待业务4803次" in r4.text.replace(" ", "")
    # the site's watermark pasted into sentences is cut out, the sentences kept
    assert "范文之家" not in r4.text and "请保留此标记" not in r4.text
    cut = [r for r in r4.removed if not r.whole]
    assert cut and {r.rule for r in cut} == {"watermark"}
    assert r4.report()["boilerplate_cut_from_lines"] == len(cut)


def test_text_inline_watermark_cut_keeps_rest_of_line_and_its_number():
    text = "标题\n全镇实现工范文之家业产值57.99亿元（转载自范文之家http://www.example.com，请保留此标记。）同比增长。"
    result = normalise_text(text)
    assert result.text.split("\n")[1] == "全镇实现工业产值57.99亿元同比增长。"
    assert result.line_map == [1, 2]
    report = result.report(lines=True)
    assert report["boilerplate_lines_removed"] == 0
    assert [r["line"] for r in report["removed_lines"]] == [2, 2]
    assert all(r["cut_from_line"] for r in report["removed_lines"])


def test_text_boilerplate_keeps_sentences_with_cue_words():
    text = "客服电话打了三次都没人接，时间:2023年的事情，举报都没用，我要投诉这个客服的态度和处理时间问题，真的太过分了，希望有人能管一管"
    assert normalise_text(text).text.startswith("客服电话打了三次")


def test_text_seed_000_traditional_to_simplified():
    result = normalise_text(seed_text("000"))
    assert "赢得客户忠诚的五个要诀" in result.text
    assert result.changes["script_converted"] > 1000
    assert "第1页" not in result.text


@pytest.mark.parametrize("mode, expected", [("t2s", "软体"), ("tw2sp", "软件"), ("hk2s", "软体"), ("off", "軟體")])
def test_text_script_modes(mode, expected):
    assert normalise_text("軟體", NormaliseConfig(script=mode)).text == expected


def test_text_on_input_lines_keeps_line_numbers():
    norm = normalise_text("标题\n\n\n\n正文第一行\n  \n正文第二行")
    assert norm.text.count("\n") < 6  # runs of blank lines were dropped
    lines = norm.on_input_lines().split("\n")
    assert len(lines) == 7 and lines[0] == "标题" and lines[4] == "正文第一行" and lines[6] == "正文第二行"


@pytest.mark.parametrize(
    "text, pieces",
    [
        ("物業費太貴！！！", [("物", "物"), ("业", "業"), ("费", "費"), ("太", "太"), ("贵", "貴"), ("！", "！！！")]),
        ("[强][强]好", [("👍", "[强]"), ("👍", "[强]"), ("好", "好")]),
        ("买的是Ⅱ代", [("买", "买"), ("的", "的"), ("是", "是"), ("I", "Ⅱ"), ("I", "Ⅱ"), ("代", "代")]),
        # a line break between words ends a clause: "，" (CR LF is one break)
        ("  快递\u200b太慢\r\n了!!", [("快", "快"), ("递", "递"), ("太", "太"), ("慢", "慢"), ("，", "\r"), ("了", "了"), ("！", "!!")]),
        ("好的。\n谢谢\n", [("好", "好"), ("的", "的"), ("。", "。"), (" ", "\n"), ("谢", "谢"), ("谢", "谢")]),
    ],
)
def test_record_spans_give_each_character_its_source(text, pieces):
    normalised, spans = record_spans(text)
    assert normalised == normalise_records([text])[0]
    assert [(char, text[start:end]) for char, (start, end) in zip(normalised, spans)] == pieces


@pytest.mark.parametrize("brk", ["\r\n", "\r", "\n\n", " \n", "\n \n", "\u3000\r\n", "\x85", "\u2028", "\u2029"])
def test_records_read_every_kind_of_line_break_between_words_as_one_comma(brk):
    # a Windows export, a blank line, a JavaScript line separator: the same message as with "\n"
    text = "还没发货" + brk + "态度太差"
    assert normalise_records([text, "还没发货\n态度太差"]) == ["还没发货，态度太差"] * 2
    normalised, spans = record_spans(text)
    assert normalised == "还没发货，态度太差" and text[slice(*spans[4])] == brk[: spans[4][1] - spans[4][0]]
    # after a clause's mark, and at the ends, a break is a space, as "\n" is
    assert normalise_records(["好的。" + brk + "谢谢" + brk]) == ["好的。 谢谢"]


@pytest.mark.parametrize("typed, full", [("不好用!!!", "不好用！！！"), ("我不满意,,,", "我不满意，，，"), ("真的吗??", "真的吗？？")])
def test_records_a_run_of_ascii_marks_by_chinese_folds_as_its_full_width_run(typed, full):
    assert normalise_records([typed]) == normalise_records([full]) == [full[: len(full.rstrip(full[-1])) + 1]]


def test_record_spans_agree_with_normalise_records_on_messy_texts():
    rng = __import__("random").Random(1)
    pieces = ["物業費", "！！！", "。。。", "[强]", "[图片]", "\r\n", "\u200b", "Ⅱ", "ＡＢＣ", "  ", "太慢了!!", "ﬁ", "😡", "\ud83d"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))
        normalised, spans = record_spans(text)
        assert normalised == normalise_records([text])[0]
        assert len(spans) == len(normalised) and all(0 <= s <= e <= len(text) for s, e in spans)
        assert [s for s, _ in spans] == sorted(s for s, _ in spans)


@pytest.mark.parametrize("few_piece_chars", [None, 0, 10**9])
def test_records_spans_of_a_batch_are_those_of_each_text_alone(few_piece_chars, monkeypatch):
    # spans are worked out in lists for a text or two and in arrays for a batch: the two agree
    from feedback_nlp.normalise import text

    if few_piece_chars is not None:
        monkeypatch.setattr(text, "FEW_PIECE_CHARS", few_piece_chars)
    rng = __import__("random").Random(2)
    # with pieces NFKC does not fold character by character: Hangul jamo and a half-width kana
    # with its voiced mark compose
    pieces = ["物業費", "！！！", "。。。", "[强]", "\r\n", "\u200b", "Ⅱ", "ＡＢＣ", "  ", "太慢了!!", "ﬁ", "e\u0301", "😡", "，", "...",
              "\u1100\u1161", "ｶﾞ", "［OK］"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))) for _ in range(400)] + ["", "  ", "\n"]
    batch = records_spans(texts)
    assert batch == [record_spans(text) for text in texts]
    assert [normalised for normalised, _ in batch] == normalise_records(texts)


def test_a_step_that_changes_lengths_is_aligned_line_by_line():
    # a step other than a substitution or NFKC is aligned by difflib, within each joined text
    from feedback_nlp.normalise.text import _carried, identity_spans as _identity

    def step(text):  # each line that changes, changes its length
        return text.replace("ab", "x")

    lines = ["abcab", "cab", "", "xabc", "ab"]
    joined = "\n".join(lines)
    out, spans = _carried(step, joined, _identity(len(joined)))
    spans = [tuple(s) for s in spans.tolist()]
    assert out == step(joined)
    at, offset = 0, 0
    for line in lines:
        alone, alone_spans = _carried(step, line, _identity(len(line)))
        alone_spans = [tuple(s) for s in alone_spans.tolist()]
        assert out[at : at + len(alone)] == alone
        assert [(a - offset, b - offset) for a, b in spans[at : at + len(alone)]] == alone_spans
        at, offset = at + len(alone) + 1, offset + len(line) + 1


COMPLAINTS_WITH_CUE_WORDS = [
    "我要举报",
    "扫一扫付款后一直没到账",
    "我已经分享到朋友圈了，返现呢",
    "点击下载没反应，APP打不开",
    "你们盗用我的照片，侵权了，赶紧删除",
    "免责声明写得不清楚，退款被拒",
    "位置：小区3号楼门口，快递放哪了",
    "作者：很失望，书破了",
    "下一篇：快递还没到吗？",
    "电话：138-1234-5678",
    "客服很耐心，点赞",
    "驿站取件非要关注公众号再授权手机号，老人家真的不会弄",
    "买的正版书，封底写着版权所有翻印必究，结果拿到的是盗版，要求退款",
    "你们App关于页面写着Copyright 2015，这么老的版本还在用？",
    "商品吊牌上印着©标志，但是质量很差",
]


@pytest.mark.parametrize("text", COMPLAINTS_WITH_CUE_WORDS)
def test_text_boilerplate_keeps_complaints_that_use_its_cue_words(text):
    result = normalise_text(text)
    assert result.text == text and result.removed == []


def test_text_boilerplate_keeps_complaints_among_boilerplate_lines():
    text = "\n".join(["当前位置：首页 > 投诉 > 正文", *COMPLAINTS_WITH_CUE_WORDS, "关于我们 | 联系我们 | 举报"])
    result = normalise_text(text)
    assert result.text.split("\n") == COMPLAINTS_WITH_CUE_WORDS
    assert [r.rule for r in result.removed] == ["breadcrumb", "page_footer"]


@pytest.mark.parametrize(
    "line, rule",
    [
        ("您的位置：新闻中心 > 正文", "breadcrumb"),
        ("作者：张三 来源：新华网", "article_meta"),
        ("发布日期：2021年3月2日", "article_meta"),
        ("点击下载", "download_notice"),
        ("分享到：微信 QQ空间 新浪微博", "download_notice"),
        ("微信扫一扫，关注我们", "download_notice"),
        ("扫描二维码下载APP", "download_notice"),
        ("觉得不错，请点赞↓↓↓", "download_notice"),
        ("如有侵权请联系删除", "copyright"),
        ("版权所有 © 2008-2021 范文之家", "copyright"),
        ("Copyright © 2012 xx网 All Rights Reserved", "copyright"),
        ("版权所有：某某公司，京ICP备12345678号", "copyright"),
        ("免责声明：本站资源来自网络", "copyright"),
        ("上一篇：2012年度服务中心年终工作总结", "page_footer"),
        ("上一页 下一页", "page_footer"),
        ("客服热线：400-800-1234", "contact_line"),
        ("传真：(010) 12345678", "contact_line"),
    ],
)
def test_text_boilerplate_removes_the_forms_pages_write(line, rule):
    result = normalise_text(f"正文第一行\n{line}\n正文第二行")
    assert result.text == "正文第一行\n正文第二行"
    assert [(r.line, r.rule) for r in result.removed] == [(2, rule)]


@pytest.mark.parametrize(
    "text, char, source",
    [
        ("[捂脸]差差", "差", "差"),  # a repeated character after a code keeps its own place
        ("。。很很", "很", "很"),
        ("！！没!", "没", "没"),
        ("e\u0301慢Ⅱ", "慢", "慢"),  # NFKC joins e and its accent and spells out Ⅱ in one step
        ("ﬁ诉e\u0301", "诉", "诉"),
    ],
)
def test_record_spans_keep_their_place_next_to_joined_and_folded_characters(text, char, source):
    normalised, spans = record_spans(text)
    starts = [start for c, (start, end) in zip(normalised, spans) if c == char]
    assert starts and all(text[start : start + len(source)] == source for start in starts)
    assert all(end > start for start, end in spans)


def test_record_spans_are_quick_on_texts_that_change_every_other_character():
    import time

    for text in ("好。。" * 650, "e\u0301慢" * 600, "[强]好" * 400):
        started = time.perf_counter()
        normalised, spans = record_spans(text)
        assert time.perf_counter() - started < 0.5 and len(spans) == len(normalised)


def test_every_protected_character_is_one_nfkc_changes():
    # record_spans skips nfkc_safe for pieces NFKC leaves alone, which is right only while every
    # protected character is one that NFKC would change
    import unicodedata

    from feedback_nlp.normalise.text import _PROTECTED

    assert not [c for c in _PROTECTED if unicodedata.is_normalized("NFKC", c)]


def test_nfkc_is_unicodedata_nfkc_for_every_character():
    # nfkc normalises only runs of the characters NFKC may change, each with the character before it
    import unicodedata

    from feedback_nlp.normalise.text import nfkc

    chars = [chr(cp) for cp in range(0x20000) if not 0xD800 <= cp < 0xE000]
    assert [c for c in chars if nfkc(c) != unicodedata.normalize("NFKC", c)] == []
    # each next to the kinds of character it could join or be reordered with
    for neighbour in ("a", "e", "好", "가", "\u1100", "\u0301", "\u0323", "\u3099", "\uff76", "\u0b47"):
        for c in chars[:0x3100]:
            for text in (neighbour + c, c + neighbour):
                assert nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


def test_nfkc_is_unicodedata_nfkc_on_mixed_strings():
    import random
    import unicodedata

    from feedback_nlp.normalise.text import nfkc

    rng = random.Random(0)
    pool = [chr(c) for r in ((0x300, 0x370), (0x900, 0x960), (0xB3E, 0xB58), (0xCC0, 0xCD7), (0x1100, 0x1200),
                             (0x3099, 0x309F), (0xAC00, 0xAC20), (0xF900, 0xF910), (0xFF00, 0xFF70)) for c in range(*r)]
    pool += list("abcAEOU好的，。！？ ～１２３㎡①…ﬁかはカハ\n") + ["\U0001F600", "\U0001D15E", "\U0001D165", "\U00011099", "\U000110BA",
                                                          "\U0002F800"]
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 10))) for _ in range(30000)]
    assert [t for t in texts if nfkc(t) != unicodedata.normalize("NFKC", t)] == []
    messy = "ＡＢＣ１２３，好！！！東西不錯～～ e\u0301 \u1100\u1161\u11a8 ① ㎡ 😀 ﬁ\n" * 50
    assert nfkc(messy) == unicodedata.normalize("NFKC", messy)


def test_text_boilerplate_list_heading_takes_only_list_items_after_it():
    # "猜你喜欢" in a chat log: the turns after it are no list of links
    turns = ["客户：而且我上周买的空调到现在还没发货", "客户：再不发货我就投诉了", "快递到了，但是箱子破了。"]
    result = normalise_text("\n".join(["正文", "猜你喜欢", *turns]))
    assert result.text.split("\n") == ["正文", *turns]
    # a list of titles, with or without view counters, still goes; at most max_items of them
    titles = [f"售后服务工作总结范文{i}" for i in range(30)]
    result = normalise_text("\n".join(["正文", "相关文章", *titles]))
    assert result.text.split("\n") == ["正文", *titles[20:]]


@pytest.mark.parametrize("text, as_text, as_record", [
    ("家人👨\u200d👩\u200d👧好", "家人👨\u200d👩\u200d👧好", "家人👨\u200d👩\u200d👧好"),  # one emoji: a family
    ("🤦\u200d♂️无语", "🤦\u200d♂️无语", "🤦\u200d♂️无语"),
    ("客服\u200d态度", "客服态度", "客服态度"),  # a joiner outside an emoji is still removed
    # a vertical tab, or pdftotext's page break: a space, and the lines keep their numbers
    ("Order 12345\x0bPaid", "Order 12345 Paid", "Order 12345 Paid"),
    ("客服电话打不通\x0c退款也没到\n第二行", "客服电话打不通 退款也没到\n第二行", "客服电话打不通 退款也没到，第二行"),
])
def test_text_keeps_emoji_sequences_and_spaces_vertical_tabs_and_form_feeds(text, as_text, as_record):
    assert normalise_text(text).text == as_text
    assert normalise_records([text])[0] == as_record
    normalised, spans = record_spans(text)
    assert normalised == as_record and len(spans) == len(normalised)


def test_text_on_input_lines_has_as_many_lines_as_the_input():
    for text in ("a\nb\nc\n", "a\nb\nc", "a\n\n\n\nb\n"):
        lines = normalise_text(text).on_input_lines().split("\n")
        assert len(lines) == len(text.splitlines()), text


def test_text_nfkc_keeps_superscripts_and_fractions_that_are_figures():
    text = "建筑面积12000m²，用水30m³，满意率½，⅓的客户"
    assert normalise_text(text).text == text and normalise_records([text])[0] == text
