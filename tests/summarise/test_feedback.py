"""Representative customer messages for the review's feedback section."""

import json

from feedback_nlp.summarise.feedback import _central, analyse_chats
from feedback_nlp.summarise.render import _feedback_sentences


def test_feedback_examples_are_central_and_not_near_repeats():
    texts = [
        "快递三天了还没到，物流信息一直不更新",
        "快递三天了还没到，物流信息一直不更新，电话13800000000",  # the same complaint, a number added
        "快递一直没到，物流信息也不更新，太慢了",
        "物流太慢了，快递到现在还没到",
        "客服说帮我查物流，结果一直没回复",
        "买的东西质量很差",  # far from the others: not central
    ]
    picked = _central(texts, 3)
    assert len(picked) == 3
    assert "买的东西质量很差" not in picked
    # of the two near-identical messages at most one is shown
    assert sum(t.startswith("快递三天了还没到") for t in picked) == 1
    # with fewer distinct complaints than asked for, the near-repeat is still left out
    assert len(_central(texts[:2], 3)) == 1


WRONG_CHATS = [
    ("export.jsonl", '{"session": "s1", "role": "customer", "text": "快递还没到"}\n'.encode(), "raw chat export"),
    ("export.csv", "session,role,text\ns1,customer,快递还没到\n".encode(), "raw chat export"),
    ("export_gbk.csv", "会话ID,角色,内容\ns1,客户,快递还没到\n".encode("gbk"),
     "is not UTF-8 text as classify writes it; this looks like a raw chat export"),
    ("sessions.csv", b"session,messages,customer_messages,agent_messages,causes,trend,complained_again\ns1,2,1,1,[],stable,False\n",
     "per-session output of classify"),
    ("out.jsonl.rejects.jsonl", '{"file": "a.csv", "line": 3, "reason": "empty text", "raw": "s1,客户,"}\n'.encode(),
     "reject file of classify"),
]


def test_feedback_refuses_a_missing_file_and_files_that_are_not_classified_messages(tmp_path):
    import pytest

    from feedback_nlp.errors import InputError, InputNotFoundError
    from feedback_nlp.summarise.feedback import analyse_chats

    with pytest.raises(InputNotFoundError, match="no such file"):
        analyse_chats(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="is a folder"):
        analyse_chats(tmp_path)
    for name, content, message in WRONG_CHATS:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InputError, match=message):
            analyse_chats(tmp_path / name)


def test_feedback_reads_every_output_format_alike(tmp_path, tiny_model_dir):
    from feedback_nlp.batch import classify_files
    from feedback_nlp.summarise.feedback import analyse_chats
    from tests.test_batch import make_export

    make_export(tmp_path / "chats.jsonl", n_sessions=8)
    results = {}
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"classified.{fmt}"
        classify_files([tmp_path / "chats.jsonl"], out, fmt=fmt, model=tiny_model_dir)
        fb = analyse_chats(out)
        results[fmt] = (fb["complaints"], fb["by_cause"], fb["sentiment"], fb["examples"])
    assert results["jsonl"] == results["csv"] == results["parquet"]
    assert results["parquet"][2] and results["parquet"][3]  # sentiment and examples, not empty


def test_feedback_examples_read_masked_data_as_words_and_shares_say_what_they_are_of(tmp_path):
    rows = [
        {"role": "customer", "text": "快递三天了还没到，电话13812345678，地址杭州市西湖区文三路90号", "causes": ["logistics"],
         "is_complaint": True, "sentiment": "neg", "time": "2023-03-01 10:00:00", "session": "s1"},
        {"role": "customer", "text": "客服态度差，快递也慢", "causes": ["attitude", "logistics"],
         "is_complaint": True, "sentiment": "neg", "time": "2023-03-02 10:00:00", "session": "s2"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    fb = analyse_chats(path)
    shown = " ".join(fb["examples"]["logistics"])
    assert "〔电话已隐去〕" in shown and "〔地址已隐去〕" in shown and "13812345678" not in shown and "#" not in shown
    causes = next(t for t in _feedback_sentences(fb) if t.startswith("投诉原因分布"))
    assert "共提及3次" in causes and "（占66.7%）" in causes  # two complaints, three mentions


def test_feedback_months_read_the_dates_exports_write_and_count_the_rest_as_undated(tmp_path):
    times = ["2023/6/7 20:03", "2023年7月1日 09:15", "2023-07-02T10:00:00+08:00", "2023-13-45 25:61:00", "昨天下午", None]
    rows = [{"role": "customer", "text": "快递还没到", "causes": ["logistics"], "is_complaint": True, "sentiment": "neg",
             "time": t, "session": f"s{i}"} for i, t in enumerate(times)]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    fb = analyse_chats(path)
    assert fb["by_month"] == {"2023-06": 1, "2023-07": 2}
    assert fb["complaints_undated"] == 3


def test_feedback_names_a_cause_of_ones_own_as_the_model_that_classified_does(tmp_path):
    rows = [{"role": "customer", "text": "家里手机信号一直只有一格", "causes": ["network_signal"], "is_complaint": True,
             "sentiment": "neg", "time": "2025-03-01 10:00:00", "session": "s1"},
            {"role": "customer", "text": "快递还没到", "causes": ["logistics"], "is_complaint": True,
             "sentiment": "neg", "time": "2025-03-02 10:00:00", "session": "s2"}]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    # without the run's summary beside the file, a cause the shipped taxonomy lacks shows as its id
    causes = next(t for t in _feedback_sentences(analyse_chats(path)) if t.startswith("投诉原因分布"))
    assert "network_signal1次" in causes and "物流配送1次" in causes
    summary = {"model": {"cause_names": {"network_signal": "网络信号", "logistics": "物流配送"}}}
    (tmp_path / "c.jsonl.summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    fb = analyse_chats(path)
    causes = next(t for t in _feedback_sentences(fb) if t.startswith("投诉原因分布"))
    assert "网络信号1次" in causes and fb["cause_names"]["network_signal"] == "网络信号"


def test_feedback_reads_a_csv_saved_by_excel_and_quotes_a_message_of_several_lines_as_one(tmp_path):
    import csv

    from feedback_nlp.summarise.render import to_docx, to_markdown
    from feedback_nlp.summarise.review import Review

    columns = ["session", "time", "role", "text", "causes", "sentiment", "sentiment_score", "is_complaint"]
    rows = [["s1", "2023-03-01 10:00:00", "customer", "交电费网页卡住扣了两次钱\n# 订单号见截图\x0b- 客服一直不处理", '["price_billing"]',
             "neg", "-0.9", "TRUE"],  # Excel writes booleans in capitals
            ["s2", "2023-03-02 10:00:00", "customer", "好的谢谢", "[]", "pos", "0.8", "FALSE"]]
    with open(tmp_path / "c.csv", "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([columns, *rows])
    fb = analyse_chats(tmp_path / "c.csv")
    assert fb["complaints"] == 1 and fb["examples"]["price_billing"] == ["交电费网页卡住扣了两次钱 # 订单号见截图 - 客服一直不处理"]
    review = Review(year=2023, org=None, sections={}, metrics=[], dropped_articles=[], feedback=fb)
    assert "\n# 订单号" not in to_markdown(review)
    to_docx(review, tmp_path / "r.docx")  # a control character would make Word's XML invalid
    assert (tmp_path / "r.docx").stat().st_size > 0


def test_feedback_skips_blank_lines_and_names_a_broken_one(tmp_path):
    import pytest

    from feedback_nlp.errors import InputError

    row = {"role": "customer", "text": "快递慢", "causes": ["logistics"], "is_complaint": True, "sentiment": "neg", "session": "s1"}
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n\n" + json.dumps(row, ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert analyse_chats(path)["complaints"] == 2
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2 is not valid JSON"):
        analyse_chats(path)
