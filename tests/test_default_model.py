"""The model shipped with the package: it loads, meets floors on the held-out test splits (a little
below what it reached when trained: see its metadata.json), and handles negation and contrast.
Known failures are listed as expected failures, not deleted."""

import copy
from pathlib import Path

import pytest

from feedback_nlp import FeedbackClassifier
from feedback_nlp.models.corpus import CORPORA_DIR, load_corpus, read_jsonl
from feedback_nlp.pipeline import DEFAULT_MODEL_DIR
from feedback_nlp.evaluate import evaluate


@pytest.fixture(scope="module")
def clf():
    return FeedbackClassifier.load()


def _test_split_items(raw_file: str, corpus: str) -> list[dict]:
    """The items of one raw corpus file that the hash split put in ``corpus``'s test split."""
    raw = {r["text"] for r in read_jsonl(CORPORA_DIR / "causes" / "raw" / raw_file)}
    return [r for r in read_jsonl(CORPORA_DIR / corpus / "test.jsonl") if r["text"] in raw]


def _exactly_right(pairs) -> int:
    """How many (item, result) pairs have exactly the item's causes."""
    return sum(set(r["causes"]) == {c["id"] for c in p["causes"]} for r, p in pairs)


@pytest.fixture(scope="module")
def test_metrics(clf):
    return evaluate(clf, load_corpus("sentiment")["test"], load_corpus("causes")["test"])


def test_default_model_loads_once_and_describes_itself(clf):
    assert FeedbackClassifier.load() is clf
    meta = clf.metadata
    assert meta["taxonomy_version"] == 1 and len(meta["causes"]) == 13
    assert meta["training_data"]["items"]["causes/train"] > 14000


def test_default_model_stays_under_10_mb():
    # the package ships the model and every retrain is committed: 7.1 MB when trained with pruned weights
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir())
    assert size < 10_000_000, f"the shipped model takes {size / 1e6:.1f} MB"


def test_default_model_test_split_floors(test_metrics, clf):
    # reached at training time: causes micro-F1 0.834, macro-F1 0.841; sentiment 0.902 (3-class),
    # 0.863 binary on review lines. The product targets (0.85 / 0.80 / 0.85 / 0.87) are not all met.
    # Messages without a cause given one: 58 of 628 (17 of the 267 praise messages among them;
    # 77 and 32 of 602 and 255 with the model before the praise messages were in training).
    causes, sentiment = test_metrics["causes"], test_metrics["sentiment"]
    assert causes["micro"]["f1"] >= 0.82
    assert causes["macro"]["f1"] >= 0.82
    assert sentiment["accuracy"] >= 0.88
    assert sentiment["review_binary_accuracy"] >= 0.85
    none, praise = causes["none_given_a_cause"], causes["praise_given_a_cause"]
    assert none["items"] >= 500 and none["given"] <= 0.11 * none["items"]
    assert praise["items"] >= 200 and praise["given"] <= 0.08 * praise["items"]
    recorded = clf.metadata["metrics"]["test"]
    assert abs(recorded["causes"]["micro"]["f1"] - causes["micro"]["f1"]) < 0.01


@pytest.mark.parametrize(
    "text, causes, sentiment",
    [
        ("不满意", None, "neg"),
        ("很满意", [], "pos"),
        ("服务态度不好", ["attitude"], "neg"),
        ("东西不错但是客服太慢", ["response_time"], "neg"),
        ("房间干净，但是隔音太差", ["environment"], "neg"),
        ("价格有点贵，但是质量确实好，推荐", None, "pos"),
        ("还没到？？", ["logistics"], "neg"),
        ("物业费太贵了，电梯还老坏", ["price_billing", "repair_maintenance"], "neg"),
        ("說好的7天無理由退貨，現在不給退", ["broken_promise", "refund_return"], "neg"),
        ("请问几点发货", [], "neu"),
        ("谢谢，问题解决了", [], "pos"),
    ],
)
def test_default_model_negation_contrast_and_causes(clf, text, causes, sentiment):
    result = clf.predict_one(text)
    assert result["sentiment"]["label"] == sentiment
    if causes is not None:
        assert sorted(c["id"] for c in result["causes"]) == sorted(causes)


def test_default_model_short_replies_of_the_test_split(clf):
    # "太…了" is mostly negative in review lines (太贵了, 太慢了); short praise must not read so.
    # 105 short replies are in the test split: 0.962 right, 6 of 74 praises counted as complaints
    # (0.886 and 9 when they were added; before they were in the corpus: 0.724 and 29)
    items = _test_split_items("written_short_replies.jsonl", "sentiment")
    predictions = clf.predict([r["text"] for r in items], explain=False)
    right = sum(p["sentiment"]["label"] == r["label"] for p, r in zip(predictions, items))
    praise = [p for p, r in zip(predictions, items) if r["label"] == "pos"]
    assert len(items) > 80 and right / len(items) >= 0.85
    assert sum(p["is_complaint"] for p in praise) <= 0.2 * len(praise)


@pytest.mark.parametrize("text, sentiment", [("👍", "pos"), ("👍👍", "pos"), ("😡", "neg"), ("👎", "neg"), ("👌", "neu")])
def test_default_model_reads_an_emoji_reply(clf, text, sentiment):
    result = clf.predict_one(text)
    assert result["sentiment"]["label"] == sentiment and result["causes"] == [] and result["warning"] is None


@pytest.mark.parametrize("text, sentiment", [("[强]", "pos"), ("[发怒][发怒]", "neg"), ("谢谢[抱拳]", "pos")])
def test_default_model_reads_messenger_emoticon_codes_as_their_emoji(clf, text, sentiment):
    assert clf.predict_one(text)["sentiment"]["label"] == sentiment


def test_default_model_emoji_messages_of_the_test_split(clf):
    # 28 emoji messages are in the test split (24 right); an emoji the model never learnt ("💩")
    # leaves its message unclassified, which counts as wrong here
    items = _test_split_items("written_emoji.jsonl", "sentiment")
    predictions = clf.predict([r["text"] for r in items], explain=False)
    right = sum(p["sentiment"]["label"] == r["label"] for p, r in zip(predictions, items))
    assert len(items) >= 25 and right / len(items) >= 0.8
    unread = [p for p in predictions if p["sentiment"]["label"] is None]
    assert all("none of its words" in p["warning"] for p in unread) and len(unread) <= 5


def test_default_model_sarcastic_praise_keeps_its_complaint(clf):
    result = clf.predict_one("真给力，三天了还没人回我")
    assert [c["id"] for c in result["causes"]] == ["response_time"] and result["is_complaint"]


@pytest.mark.parametrize("text", ["不是不好", "没有不满意的地方", "并不是不专业"])
def test_default_model_double_negation_is_not_read_as_negative(clf, text):
    result = clf.predict_one(text)
    assert result["sentiment"]["label"] != "neg" and result["sentiment"]["score"] > -0.1
    assert result["causes"] == []
    # the text is read without the two negations; evidence still points into the input
    assert all(text[e["start"] : e["end"]] == e["text"] for e in result["evidence"]["sentiment"] if "start" in e)


def test_default_model_a_message_of_two_lines_reads_each_line_as_its_own_clause(clf):
    # the first line's negation does not reach the second: the attitude complaint is kept, and
    # the evidence points at the words in the input, across the line break
    text = "还没发货\n态度太差"
    result = clf.predict_one(text)
    assert "attitude" in [c["id"] for c in result["causes"]] and result["sentiment"]["label"] == "neg"
    joined = clf.predict_one("还没发货，态度太差")
    assert result["cause_probabilities"] == joined["cause_probabilities"] and result["sentiment"] == joined["sentiment"]
    assert all(text[e["start"] : e["end"]] == e["text"] for entries in result["evidence"].values() for e in entries if "start" in e)


def test_default_model_a_negation_said_again_is_still_a_negation(clf):
    assert clf.predict_one("没没没收到货")["sentiment"]["label"] == "neg"
    result = clf.predict_one("不不不")
    assert result["sentiment"]["label"] is not None and "none of its words" not in (result.get("warning") or "")


@pytest.mark.xfail(reason="borderline: double negation '不是不好' reads as positive only by a small margin over neutral "
                   "(0.43 against 0.39), and has read as neutral after other retrainings", strict=False)
def test_default_model_double_negation_reads_as_positive(clf):
    assert clf.predict_one("不是不好")["sentiment"]["label"] == "pos"


@pytest.mark.xfail(reason="unstable: hedged negation '不是很满意' flips between retrainings", strict=False)
def test_default_model_hedged_negation(clf):
    assert clf.predict_one("不是很满意")["sentiment"]["label"] == "neg"


@pytest.mark.xfail(reason="praise of the staff outweighs a matter left open: '很好' weighs more than the "
                   "weakly negative '没有解决', and 150 more messages of the pattern did not change it", strict=False)
@pytest.mark.parametrize("text", ["态度很好，但是问题没有解决", "客服很耐心，不过退款还是没到"])
def test_default_model_praise_before_an_open_matter_reads_as_negative(clf, text):
    assert clf.predict_one(text)["sentiment"]["label"] == "neg"


def test_default_model_question_that_opens_like_an_enquiry_keeps_its_complaint(clf):
    # read as neutral, which once dropped its cause (the neutral gate, now off)
    result = clf.predict_one("我上个月物业费交过了怎么账单上还显示欠费")
    assert result["is_complaint"] and [c["id"] for c in result["causes"]] == ["price_billing"]


@pytest.mark.parametrize(
    "text, causes",
    [
        ("您好，我被多扣了20块钱，能帮我查一下吗", ["price_billing"]),
        ("你好，我收到的商品少了一件", ["logistics"]),
        ("您好，我家水管漏水了，物业能派人来看看吗", ["repair_maintenance"]),
    ],
)
def test_default_model_calm_report_of_a_fault_keeps_its_cause(clf, text, causes):
    # a polite, calm report reads as neutral (guideline section 9, rule 1) and is still a complaint
    result = clf.predict_one(text)
    assert [c["id"] for c in result["causes"]] == causes and result["is_complaint"]
    assert result["sentiment"]["label"] != "pos"


def test_default_model_calm_reports_of_the_test_split(clf):
    # 47 items of written_calm_reports.jsonl are in the test split: of the 29 reports, 26 get a
    # cause and 20 exactly theirs (25 and 18 when they were added; 16 and 12 before they were in the
    # corpus, when the neutral gate dropped the causes of messages read as neutral); 1 of the 18
    # enquiries beside them gets one
    items = _test_split_items("written_calm_reports.jsonl", "causes")
    predictions = clf.predict([r["text"] for r in items], explain=False)
    reports = [(r, p) for r, p in zip(items, predictions) if r["causes"]]
    enquiries = [p for r, p in zip(items, predictions) if not r["causes"]]
    assert len(reports) >= 25 and len(enquiries) >= 15
    assert sum(bool(p["causes"]) for _, p in reports) >= 0.8 * len(reports)
    assert _exactly_right(reports) >= 0.55 * len(reports)
    assert sum(bool(p["causes"]) for p in enquiries) <= 0.15 * len(enquiries)


@pytest.mark.parametrize(
    "text", ["我已经打了12315", "已经第五次了", "第二次了", "12345我已经反映了", "等着收律师函吧", "我会走法律途径的"]
)
def test_default_model_escalation_without_a_matter_is_negative_and_has_no_cause(clf, text):
    # guideline section 6.6: a threat or report of escalation, or only how long or how often, is
    # negative; the channel is not a cause (read as neutral or positive before such messages were
    # in the corpus)
    result = clf.predict_one(text)
    assert result["sentiment"]["label"] == "neg" and result["causes"] == []


@pytest.mark.xfail(reason="a bare duration still reads as a late parcel or a slow reply", strict=False)
def test_default_model_bare_duration_has_no_cause(clf):
    # guideline section 6.6: time alone, with no matter named, is no cause; "这都第三天了" gets
    # logistics in every model trained so far (0.62 to 0.81 against thresholds of 0.35 to 0.4)
    assert clf.predict_one("这都第三天了")["causes"] == []


@pytest.mark.parametrize(
    "text, causes",
    [("退款一个月不到账，我去消协了", ["refund_return"]), ("投诉电话一直打不通", ["response_time"])],
)
def test_default_model_escalation_keeps_the_matter_it_names(clf, text, causes):
    result = clf.predict_one(text)
    assert [c["id"] for c in result["causes"]] == causes and result["sentiment"]["label"] == "neg"


def test_default_model_calm_question_where_to_complain_is_not_a_complaint(clf):
    result = clf.predict_one("请问投诉电话是多少")
    assert result["sentiment"]["label"] == "neu" and not result["is_complaint"]


@pytest.mark.parametrize("text", ["物业费可以用支付宝交吗", "快递能改派到公司吗", "请问换货要多久", "退款到账了，谢谢", "师傅修得很快，点赞"])
def test_default_model_topic_without_a_complaint_is_not_a_complaint(clf, text):
    # an enquiry or thanks that names a topic customers complain about (guideline R1, section 4)
    assert not clf.predict_one(text)["is_complaint"]


@pytest.mark.parametrize(
    "raw_file, most_unnamed_with_a_cause, least_named_exact",
    [
        # 32 escalation messages in the test split: 4 of the 18 without a cause get one and 12 of
        # the 14 with causes get exactly theirs (3 and 12 with the model before them), 29 get their
        # sentiment (29 before; on the 20 of dev, 18 against 13)
        ("written_escalation.jsonl", 0.25, 0.7),
        # 43 topic mentions in the test split: 7 of the 32 without a cause get one (7 before; on the
        # 30 of dev, 7 against 8), all 11 with causes get exactly theirs, 39 get their sentiment (36)
        ("written_topic_mentions.jsonl", 0.25, 0.8),
    ],
)
def test_default_model_written_messages_of_the_test_split(clf, raw_file, most_unnamed_with_a_cause, least_named_exact):
    items = _test_split_items(raw_file, "causes")
    sentiment = {r["text"]: r["label"] for r in load_corpus("sentiment")["test"]}
    predictions = clf.predict([r["text"] for r in items], explain=False)
    named = [(r, p) for r, p in zip(items, predictions) if r["causes"]]
    unnamed = [p for r, p in zip(items, predictions) if not r["causes"]]
    assert len(named) >= 8 and len(unnamed) >= 15
    assert sum(bool(p["causes"]) for p in unnamed) <= most_unnamed_with_a_cause * len(unnamed)
    assert _exactly_right(named) >= least_named_exact * len(named)
    assert sum(p["sentiment"]["label"] == sentiment[r["text"]] for r, p in zip(items, predictions)) >= 0.8 * len(items)


def test_default_model_praise_that_names_a_topic_of_the_test_split_is_not_a_complaint(clf):
    # 37 praise messages in the test split, about the topic of every cause ("退款好快😍"): 6 get a
    # cause (10 with the model before them); the 27 of the praise-and-complaint file that name a
    # complaint: 21 get exactly its causes (19 before)
    praise = _test_split_items("written_praise_topics.jsonl", "causes")
    assert len(praise) >= 30 and all(not r["causes"] for r in praise)
    assert sum(bool(p["causes"]) for p in clf.predict([r["text"] for r in praise], explain=False)) <= 0.25 * len(praise)
    mixed = [r for r in _test_split_items("written_praise_contrast.jsonl", "causes") if r["causes"]]
    predictions = clf.predict([r["text"] for r in mixed], explain=False)
    assert len(mixed) >= 20
    assert _exactly_right(zip(mixed, predictions)) >= 0.7 * len(mixed)


def test_default_model_broken_goods_of_the_test_split_are_product_quality(clf):
    # 24 messages about broken or spoiled goods in the test split: 18 get product_quality, and 1
    # gets repair_maintenance, which the guideline keeps for facilities and repairs (11 and 7 with
    # the first model trained on them, 17 and 4 before the short reports of defects)
    items = [r for r in _test_split_items("written_goods_defects.jsonl", "causes") if "product_quality" in r["causes"]]
    predictions = clf.predict([r["text"] for r in items], explain=False)
    assert len(items) >= 20
    assert sum("product_quality" in {c["id"] for c in p["causes"]} for p in predictions) >= 0.65 * len(items)
    wrong = [r for r, p in zip(items, predictions) if "repair_maintenance" in {c["id"] for c in p["causes"]} - set(r["causes"])]
    assert len(wrong) <= 0.15 * len(items)


def test_default_model_short_reports_of_defects_of_the_test_split(clf):
    # 22 short messages in the test split on the boundary of goods and facilities ("手机坏了",
    # "路灯坏了", "请问坏了可以保修吗"): 18 get exactly their causes (14 with the model before them)
    items = _test_split_items("written_short_defects.jsonl", "causes")
    predictions = clf.predict([r["text"] for r in items], explain=False)
    assert len(items) >= 15
    assert _exactly_right(zip(items, predictions)) >= 0.7 * len(items)


@pytest.mark.parametrize(
    "texts, cause, least",
    [
        # goods the customer bought: 8 of 8 get product_quality (4 with the model before)
        (["电子秤坏了", "闹钟坏了", "蓝牙音箱坏了", "加湿器坏了", "新买的台灯不亮", "买的锅漏了", "充电线坏了", "鞋底断了"], "product_quality", 7),
        # facilities: 7 of 7 get repair_maintenance (7 before)
        (["路灯不亮了", "小区大门的道闸坏了", "酒店房间的空调坏了", "楼道的声控灯坏了", "房间的热水器坏了", "楼下单元门的锁坏了",
          "车库的灯坏了好几天了"], "repair_maintenance", 6),
    ],
)
def test_default_model_tells_broken_goods_from_broken_facilities(clf, texts, cause, least):
    assert sum(cause in {c["id"] for c in p["causes"]} for p in clf.predict(texts, explain=False)) >= least


PRICE_PRAISE = ["定价合理", "管理费收得公道", "收费标准合理", "这价钱挺好", "价格优惠", "服务费不高", "这价位可以了", "价格划算", "电费不贵",
                "租金合理", "价格很实惠，推荐", "价格蛮便宜的"]
PRICE_COMPLAINTS = ["价格太高了", "收费太离谱", "物业费收得太多", "比上次贵了不少", "乱收费", "多扣了我20块", "这么贵谁买", "服务费凭什么这么高"]


def test_default_model_praise_of_a_price_is_not_a_price_complaint(clf):
    # 12 messages that praise a price: 6 get price_billing and 2 read negative (9 and 5 with the
    # model before the price messages); 8 complaints in like words: all get price_billing (8)
    praise = clf.predict(PRICE_PRAISE, explain=False)
    assert sum("price_billing" in {c["id"] for c in p["causes"]} for p in praise) <= 7
    assert sum(p["sentiment"]["label"] == "neg" for p in praise) <= 3
    complaints = clf.predict(PRICE_COMPLAINTS, explain=False)
    assert sum("price_billing" in {c["id"] for c in p["causes"]} for p in complaints) >= 7
    # the 16 price messages of the test split: 10 get exactly their causes (8 before)
    items = _test_split_items("written_price_praise.jsonl", "causes")
    predictions = clf.predict([r["text"] for r in items], explain=False)
    assert len(items) >= 12
    assert _exactly_right(zip(items, predictions)) >= 0.55 * len(items)


def test_default_model_slow_representative_is_response_time_only(clf):
    assert [c["id"] for c in clf.predict_one("客服太慢")["causes"]] == ["response_time"]


def test_default_model_evidence_points_at_words(clf):
    text = "物业费太贵了，电梯还老坏"
    result = clf.predict_one(text)
    for cause, entries in result["evidence"]["causes"].items():
        for e in entries:
            assert text[e["start"] : e["end"]] == e["text"]
    words = {e["text"] for e in result["evidence"]["causes"]["price_billing"]}
    assert "物业费" in words


def test_default_model_evidence_names_a_word_its_character_ngrams_carry(clf):
    # 退货退款 is one word too rare to have a weight of its own; its characters carry the cause
    text = "手机屏幕碎了，退货退款要多久？"
    entries = clf.predict_one(text)["evidence"]["causes"]["refund_return"]
    assert entries[0]["text"] == "退货退款" and text[entries[0]["start"] : entries[0]["end"]] == "退货退款"


def test_default_model_evidence_is_the_same_one_text_at_a_time_and_in_a_batch(clf, monkeypatch):
    # a few texts are worked out in plain Python, a batch's all together in arrays: both must name
    # the same words with the same weights (review lines and messages use different sets of
    # weights), to the bit
    from feedback_nlp.pipeline import linear

    texts = [r["text"] for r in read_jsonl(CORPORA_DIR / "causes" / "test.jsonl")[:300]]
    texts += [r["text"] for r in read_jsonl(CORPORA_DIR / "sentiment" / "test.jsonl")[:300]]
    texts += ["快遞五天了還沒到！！！客服態度很差", "东西不错但是客服太慢", "  物业费太贵了\u200b", "[强][强]", "不是不好，就是慢",
              "没有不满意的地方", "Ａｐｐ登不上 ，，，", "e\u0301好评①号楼", "价格。。。太贵了！！！！？？", "好" * 300,
              "发货ｶﾞ", "ﬁ［OK］", "价格贵１２３豈", "\u1100\u1161 服务差"]  # kana and jamo that NFKC composes
    batch = clf.predict(texts)
    assert sum(len(r["evidence"]["causes"]) for r in batch) > 150  # the batch path holds many requests
    assert [clf.predict_one(t)["evidence"] for t in texts] == [r["evidence"] for r in batch]
    # batches of a few texts, and the same batches through the arrays
    few = [clf.predict(texts[i : i + 7]) for i in range(0, len(texts), 7)]
    monkeypatch.setattr(linear, "FEW_TEXTS", 0)
    assert few == [clf.predict(texts[i : i + 7]) for i in range(0, len(texts), 7)]
    assert [r for part in few for r in part] == batch


def test_default_model_is_loaded_once_by_threads_at_the_same_time():
    from concurrent.futures import ThreadPoolExecutor

    from feedback_nlp.pipeline import linear

    linear._load_default.cache_clear()
    with ThreadPoolExecutor(max_workers=4) as pool:
        loaded = list(pool.map(lambda _: FeedbackClassifier.load(), range(4)))
    assert all(model is loaded[0] for model in loaded)


def test_default_model_plain_question_is_not_a_complaint(clf):
    # the cause models themselves leave a question about shipping below the logistics threshold:
    # no gate on neutral messages is needed for it (and such a gate drops calm reports' causes)
    text = "请问什么时候发货"
    result = clf.predict_one(text)
    logistics = clf.cause_ids_.index("logistics")
    assert clf.neutral_gate_ > 1
    assert result["cause_probabilities"]["logistics"] < clf.thresholds_[logistics]
    assert result["causes"] == [] and not result["is_complaint"]


def test_default_model_bare_enquiries_written_apart_are_not_complaints(clf):
    # tests/data/enquiries_heldout.jsonl: 30 short enquiries that name a complaint topic ("退货流程是啥",
    # "修空调的几点到") and 15 complaints asked as questions, written apart from the corpus's bare
    # enquiries and not in the corpus: 24 and 13 when those were added (23 and 13 before)
    rows = read_jsonl(Path(__file__).parent / "data" / "enquiries_heldout.jsonl")
    results = clf.predict([r["text"] for r in rows], explain=False)
    plain = [p for r, p in zip(rows, results) if not r["causes"]]
    complaints = [p for r, p in zip(rows, results) if r["causes"]]
    assert len(plain) == 30 and len(complaints) == 15
    assert sum(not p["causes"] for p in plain) >= 22
    assert sum(bool(p["causes"]) for p in complaints) >= 12


def _by_phenomenon(clf, name: str) -> dict[str, list]:
    """The items of a held-out file of ``tests/data/`` by their phenomenon, each as (item, the causes
    predicted, the sentiment predicted)."""
    rows = read_jsonl(Path(__file__).parent / "data" / name)
    by: dict[str, list] = {}
    for r, p in zip(rows, clf.predict([r["text"] for r in rows], explain=False)):
        by.setdefault(r["phenomenon"], []).append((r, {c["id"] for c in p["causes"]}, p["sentiment"]["label"]))
    return by


def test_default_model_phenomena_written_apart(clf):
    # tests/data/phenomena_heldout.jsonl: 140 messages written apart from the corpus and not in it,
    # on five patterns that were misread: staff passing the buck (推诿, 踢皮球, "不归我们管") read as
    # sales_pressure or as nothing, praise of a price with a negation ("价格不贵") read as a price
    # complaint, plain questions about returns read as refund_return, and praise of the staff before
    # a problem left unsolved read as praise. With the model before the files written for them, and
    # with the model trained on them: attitude in 16 and 19 of 25 shirking complaints; no price cause
    # in 11 and 13 of 15 price praises; no cause in 16 and 20 of 25 return enquiries; refund_return in
    # 13 and 14 of 15 return complaints; competence in 14 and 18 of 20 praise-then-unsolved messages
    # (negative: 18 and 20); exactly right 100 and 112 of 140 (18 shirking and 111 after the files of
    # topics and symptoms below)
    by = _by_phenomenon(clf, "phenomena_heldout.jsonl")
    assert {k: len(v) for k, v in by.items()} == {"shirking": 25, "price_praise": 20, "price_complaint": 15, "return_enquiry": 25,
                                                  "return_complaint": 15, "praise_then_unresolved": 20, "unresolved": 10,
                                                  "resolved_praise": 10}
    assert sum("attitude" in got for _, got, _ in by["shirking"]) >= 17
    assert sum("price_billing" not in got for r, got, _ in by["price_praise"] if not r["causes"]) >= 12
    assert sum("price_billing" in got for _, got, _ in by["price_complaint"]) >= 14
    assert sum(not got for _, got, _ in by["return_enquiry"]) >= 18
    assert sum("refund_return" in got for _, got, _ in by["return_complaint"]) >= 13
    unsolved = by["praise_then_unresolved"]
    assert sum("competence" in got for _, got, _ in unsolved) >= 16 and sum(label == "neg" for *_, label in unsolved) >= 18
    assert sum(not got and label == "pos" for _, got, label in by["resolved_praise"]) >= 9
    assert sum(set(r["causes"]) == got for r, got, _ in (x for v in by.values() for x in v)) >= 105


def test_default_model_topics_and_symptoms_written_apart(clf):
    # tests/data/topics_symptoms_heldout.jsonl: 100 messages written apart from the corpus and not in
    # it: enquiries and praise that name a cause's topic without a complaint ("小区的垃圾一般每天几点
    # 清运？", "退款秒到"), and complaints of goods told by their symptom, without 质量 or 坏 ("牛奶明明
    # 没过期，倒出来却结成一坨一坨的"). With the model before the files written for them, and with the
    # model trained on them: no cause for 24 and 25 of 30 enquiries and 22 and 23 of 25 praises;
    # product_quality for 26 and 27 of 30 symptoms; exactly right 83 and 86 of 100
    by = _by_phenomenon(clf, "topics_symptoms_heldout.jsonl")
    assert {k: len(v) for k, v in by.items()} == {"topic_enquiry": 30, "topic_praise": 25, "product_symptom": 30, "symptom_praise": 15}
    assert sum(not got for _, got, _ in by["topic_enquiry"]) >= 23
    assert sum(not got for _, got, _ in by["topic_praise"]) >= 21
    assert sum("product_quality" in got for _, got, _ in by["product_symptom"]) >= 25
    assert sum(not got for _, got, _ in by["symptom_praise"]) >= 10
    assert sum(set(r["causes"]) == got for v in by.values() for r, got, _ in v) >= 82


def test_default_model_neutral_gate_drops_causes_of_neutral_messages(clf):
    # the gate (model.neutral_gate) still works when a model is trained with one
    text = "您好，我被多扣了20块钱，能帮我查一下吗"
    gated = copy.copy(clf)
    gated.neutral_gate_ = 0.7
    result = clf.predict_one(text)
    assert result["sentiment"]["probabilities"]["neu"] >= 0.7
    assert result["causes"] and gated.predict_one(text)["causes"] == []


def test_default_model_evidence_shows_no_pull_too_small_to_show(clf):
    # a word whose pull rounds to 0.000 is no evidence: these texts had one, in a batch and alone
    texts = ["几点过来不用等位", "骑手大概几分钟到", "4、宽带网很慢。", "最难以忍受的是电话和网络：", "1. 酒店设施比较旧"]
    for results in (clf.predict(texts * 4), [clf.predict_one(t) for t in texts]):
        entries = [e for r in results for es in (*r["evidence"]["causes"].values(), r["evidence"]["sentiment"]) for e in es]
        assert entries and all(e["weight"] > 0 for e in entries)
