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
    picked = [r["text"] for r in _central([{"text": t} for t in texts], 3)]
    assert len(picked) == 3
    assert "买的东西质量很差" not in picked
    # of the two near-identical messages at most one is shown
    assert sum(t.startswith("快递三天了还没到") for t in picked) == 1
    # with fewer distinct complaints than asked for, the near-repeat is still left out
    assert len(_central([{"text": t} for t in texts[:2]], 3)) == 1


WRONG_CHATS = [
    ("export.jsonl", '{"session": "s1", "role": "customer", "text": "快递还没到"}\n'.encode(), "raw chat export"),
    ("export.csv", "session,role,text\ns1,customer,快递还没到\n".encode(), "raw chat export"),
    ("export_gbk.csv", "会话ID,角色,内容\ns1,客户,快递还没到\n".encode("gbk"),
     "has no 'causes' column; this looks like a raw chat export"),  # read as GB18030, as Excel saves a CSV
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
    shown = " ".join(e["text"] for e in fb["examples"]["logistics"])
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
    assert fb["complaints"] == 1
    assert fb["examples"]["price_billing"] == [{"text": "交电费网页卡住扣了两次钱 # 订单号见截图 - 客服一直不处理", "session": "s1"}]
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


def _write_chats(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _message(text, month, complaint=True, role="customer", sentiment="neg", session="s1", file="export.csv", line=1):
    return {"id": f"{session}-{line}", "session": session, "file": file, "line": line, "time": f"2023-{month:02d}-05 10:00:00",
            "role": role, "text": text, "causes": ["logistics"] if complaint else [], "is_complaint": complaint if role == "customer" else None,
            "sentiment": sentiment if role == "customer" else None, "sentiment_score": -0.8 if complaint else 0.5}


def test_feedback_counts_only_classified_customer_messages_and_lists_months_without_complaints(tmp_path):
    rows = [_message("快递一个星期了还没到", 1), _message("", 1, complaint=False, sentiment=None),  # a picture
            _message("谢谢，收到了", 2, complaint=False, sentiment="pos"), _message("物流三天没更新了", 3)]
    fb = analyse_chats(_write_chats(tmp_path / "c.jsonl", rows))
    assert (fb["customer_messages"], fb["customer_unclassified"], fb["complaints"], fb["complaint_share"]) == (3, 1, 2, 0.6667)
    assert sum(fb["sentiment"].values()) == fb["customer_messages"]
    assert fb["by_month"] == {"2023-01": 1, "2023-02": 0, "2023-03": 1}
    first = _feedback_sentences(fb)[0]
    assert first.startswith("共分析客户消息3条（另有1条客户消息未能分类，如图片、表情或只有标点，不计入）")


def test_feedback_says_when_the_classify_run_did_not_finish_or_the_file_is_not_whole(tmp_path):
    from feedback_nlp.summarise.review import Review

    path = _write_chats(tmp_path / "c.jsonl", [_message("快递一个星期了还没到", 1), _message("物流三天没更新了", 2)])
    assert analyse_chats(path)["incomplete"] is None
    (tmp_path / "c.jsonl.checkpoint.json").write_text("{}", encoding="utf-8")
    fb = analyse_chats(path)
    assert "did not finish" in fb["incomplete"] and "--resume" in fb["incomplete"]
    review = Review(year=2023, org=None, sections={}, metrics=[], dropped_articles=[], feedback=fb)
    assert any("did not finish" in w for w in review.warnings) and any("不完整" in n for n in review.notes)
    (tmp_path / "c.jsonl.checkpoint.json").unlink()
    (tmp_path / "c.jsonl.summary.json").write_text(json.dumps({"written": 5}), encoding="utf-8")
    assert "holds 2 messages, but the classify run that wrote it wrote 5" in analyse_chats(path)["incomplete"]


def test_feedback_sessions_of_two_exports_and_chats_without_a_session_column(tmp_path):
    rows = [_message("快递一个星期了还没到", 1, session="1", file="jan.csv"), _message("快递还没到，太慢了", 2, session="1", file="feb.csv")]
    fb = analyse_chats(_write_chats(tmp_path / "c.jsonl", rows))
    assert fb["sessions"] == 2 and fb["complained_again_sessions"] == 0
    # an analyst's copy without the session column: no session figures, no traceback
    for r in rows:
        del r["session"]
    fb = analyse_chats(_write_chats(tmp_path / "trimmed.jsonl", rows))
    assert fb["sessions"] is None and fb["complaints"] == 2
    assert not any(t.startswith("共") and "会话" in t for t in _feedback_sentences(fb))


def test_feedback_reads_a_classified_csv_saved_as_gbk_and_parquet_without_a_suffix(tmp_path):
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ["session", "time", "role", "text", "causes", "sentiment", "sentiment_score", "is_complaint"]
    rows = [["s1", "2023-03-01 10:00:00", "customer", "快递一个星期了还没到", '["logistics"]', "neg", "-0.9", "TRUE"]]
    with open(tmp_path / "c.csv", "w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows([columns, *rows])
    assert analyse_chats(tmp_path / "c.csv")["by_cause"] == {"logistics": 1}
    table = pa.table({"session": ["s1"], "time": ["2023-03-01 10:00:00"], "role": ["customer"], "text": ["快递一个星期了还没到"],
                      "causes": ['["logistics"]'], "sentiment": ["neg"], "sentiment_score": [-0.9], "is_complaint": [True]})
    pq.write_table(table, tmp_path / "messages_2023")
    assert analyse_chats(tmp_path / "messages_2023")["by_cause"] == {"logistics": 1}


def test_feedback_examples_come_from_the_whole_year_and_say_where_they_are(tmp_path):
    late = ["快递说好三天送到，现在都第六天了还没到", "快递一个星期了还没到，物流信息也不更新", "下单十天了包裹还在路上，物流太慢了"]
    broken = ["快递送到的时候箱子都压扁了，里面的东西也坏了", "包裹送到时外箱破损，东西摔坏了", "快递送来箱子破了，商品也压坏了",
              "收到的包裹被压坏了，快递太不小心了"]
    rows = [_message(f"{late[i % 3]}（订单尾号{i:04d}）", 1, line=i + 1) for i in range(400)]
    rows += [_message(f"{broken[i % 4]}（订单尾号{i:04d}）", 2 + i % 11, line=401 + i) for i in range(3600)]
    fb = analyse_chats(_write_chats(tmp_path / "c.jsonl", rows))
    examples = fb["examples"]["logistics"]
    assert any(any(b in e["text"] for b in broken) for e in examples)  # nine tenths of the complaints are of broken parcels
    assert all(e["file"] == "export.csv" and rows[e["line"] - 1]["text"] == e["text"] for e in examples)


def test_feedback_reads_a_long_classified_csv_whatever_character_its_first_64_kib_end_in(tmp_path):
    import codecs
    import csv
    import io

    from feedback_nlp.summarise.feedback import _chats_format

    for pad in range(6):  # the sample's end falls in a different place of a three-byte character each time
        rows = [["session", "time", "role", "text", "causes", "sentiment", "sentiment_score", "is_complaint"]]
        rows += [["s1", "2023-03-01 10:00:00", "customer", "快递一个星期了还没到" + "啊" * pad, '["logistics"]', "neg", "-0.9", "True"]] * 1200
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        (tmp_path / "c.csv").write_bytes(codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"))
        assert _chats_format(tmp_path / "c.csv", None) == ("csv", "utf-8-sig")


def test_feedback_a_stray_date_years_away_does_not_fill_the_months_between(tmp_path):
    rows = [_message("快递一个星期了还没到", 1), _message("物流三天没更新了", 3)]
    rows.append({**_message("快递还没到", 1), "time": "2009-01-05 10:00:00"})
    fb = analyse_chats(_write_chats(tmp_path / "c.jsonl", rows))
    assert fb["by_month"] == {"2009-01": 1, "2023-01": 1, "2023-03": 1}
