import gzip
import json
from pathlib import Path

import pytest

from feedback_nlp.config import load_chatlog_config
from feedback_nlp.errors import InputError, InputNotFoundError
from feedback_nlp.io.inputs import expand_inputs
from feedback_nlp.io.records import Record, RecordReader, Reject


@pytest.fixture(scope="module")
def reader():
    return RecordReader(load_chatlog_config())


def read_all(reader, path):
    out = list(reader.read(path))
    return [r for r in out if isinstance(r, Record)], [r for r in out if isinstance(r, Reject)]


JSONL = [
    {"session_id": "s1", "msg_id": "m1", "time": "2023-01-01 10:00:00", "role": "customer", "content": "快递怎么还没到"},
    {"session_id": "s1", "msg_id": "m2", "role": "客服", "content": "亲，帮您查一下"},
    {"session_id": "s1", "msg_id": "m3", "content": ""},
    {"session_id": "s1", "msg_id": "m4", "content": {"nested": 1}},
]


def write_jsonl(path, rows, extra_lines=()):
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_records_jsonl_records_and_rejects(reader, tmp_path):
    path = tmp_path / "chats.jsonl"
    write_jsonl(path, JSONL, ['{"broken": ', "[1, 2]", '{"note": "no text field here"}'])
    records, rejects = read_all(reader, path)
    assert [(r.id, r.session, r.role) for r in records] == [("m1", "s1", "customer"), ("m2", "s1", "agent"), ("m3", "s1", "customer")]
    assert records[0].fields["msg_id"] == "m1" and records[0].line == 1
    assert records[2].text == ""  # an empty message (a picture, say) is a turn all the same
    reasons = {r.line: r.reason for r in rejects}
    assert "type dict" in reasons[4]
    assert "not valid JSON" in reasons[5]
    assert "expected a JSON object" in reasons[6]
    assert "no text field" in reasons[7] and "fields.text" in reasons[7] and "note" in reasons[7]
    assert len(records) + len(rejects) == 7


def test_records_gzip_and_gbk_csv(reader, tmp_path):
    path = tmp_path / "chats.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(r, ensure_ascii=False) for r in JSONL[:2]) + "\n")
    assert len(read_all(reader, path)[0]) == 2
    csv_path = tmp_path / "export.csv"
    csv_path.write_bytes("会话ID,发送人,消息内容\ns2,顾客小王,退款呢？？\ns2,客服小李,您好，很高兴为您服务\ns2,x\n".encode("gbk"))
    records, rejects = read_all(reader, csv_path)
    assert [(r.session, r.role, r.text) for r in records] == [("s2", "customer", "退款呢？？"), ("s2", "agent", "您好，很高兴为您服务")]
    assert rejects[0].line == 4 and "2 columns" in rejects[0].reason


def test_records_tsv_and_undecodable_bytes(reader, tmp_path):
    path = tmp_path / "export.tsv"
    good = "".join(f"空调不制冷，第{i}次报修了\tuser\n" for i in range(40)).encode("utf-8")
    path.write_bytes("text\trole\n".encode() + good + b"\xff\xfe\xfa bad\tuser\n")
    records, rejects = read_all(reader, path)
    assert len(records) == 40 and records[0].text == "空调不制冷，第0次报修了" and records[0].role == "customer"
    assert len(rejects) == 1 and "undecodable bytes" in rejects[0].reason and rejects[0].line == 42
    # the reject's raw text can be written as UTF-8: the bytes that could not be read show as \xNN
    assert rejects[0].raw.startswith("\\xff\\xfe") and rejects[0].raw.encode("utf-8")


def test_records_csv_unclosed_quote_loses_only_its_line(reader, tmp_path):
    rows = [f"s{i},顾客,第{i}条：快递还没到" for i in range(1, 31)]
    rows[9] = 's10,顾客,"第10条：引号没有关上，快递还没到'  # line 11 of the file
    rows[19] = 's20,顾客,"第20条：这条有换行\n的消息",'[:-1]  # a real multi-line field, closed
    path = tmp_path / "export.csv"
    path.write_bytes(("会话ID,发送人,消息内容\n" + "\n".join(rows) + "\n会话ID,发送人,消息内容\ns99,顾客,最后一条\n").encode("gbk"))
    records, rejects = read_all(reader, path)
    assert [(r.line, r.reason.split(" (")[0]) for r in rejects] == [(11, "unclosed quote"), (33, "repeated header row")]
    assert rejects[0].raw.startswith("s10,顾客,")
    texts = [r.text for r in records]
    assert len(records) == 30 and texts[9] == "第11条：快递还没到" and records[9].line == 12  # read again, right line
    assert "第20条：这条有换行\n的消息" in texts and texts[-1] == "最后一条"


def test_records_csv_multi_line_record_with_extra_columns_is_one_reject(reader, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes('会话ID,发送人,消息内容\ns1,顾客,"app一直闪退\n登录不上",多余1\ns1,顾客,退款呢\n'.encode("gbk"))
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["退款呢"]
    assert [(r.line, r.reason) for r in rejects] == [(2, "4 columns where the header has 3 (one record over 2 lines)")]


@pytest.mark.parametrize(
    "tail, rejected",
    [
        ('s1,顾客,"到底什么时候退\n', [(3, "unclosed quote")]),
        # a file cut off inside a message over two lines: the line after it is read again, as a row
        ('s1,顾客,"第一行\n没写完', [(3, "unclosed quote"), (4, "1 columns where the header has 3")]),
    ],
)
def test_records_csv_file_ending_inside_a_quoted_field_is_rejected(reader, tmp_path, tail, rejected):
    path = tmp_path / "export.csv"
    path.write_text("会话ID,发送人,消息内容\ns1,顾客,退款呢\n" + tail, encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["退款呢"]
    assert [(r.line, r.reason.split(" (")[0]) for r in rejects] == rejected
    assert "(the file ends inside a quoted field)" in rejects[0].reason and rejects[0].raw == tail.split("\n")[0]


def test_records_csv_quoted_message_whose_lines_look_like_rows_is_one_message(reader, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "会话ID,消息ID,角色,消息内容\n"
        'S1,1,顾客,"我的订单：\n订单号,商品,数量,状态\nA100,电视,1,未发货"\n'
        "S1,2,客服,亲，帮您查一下\n",
        encoding="utf-8",
    )
    records, rejects = read_all(reader, path)
    assert [(r.id, r.line, r.text) for r in records] == [
        ("1", 2, "我的订单：\n订单号,商品,数量,状态\nA100,电视,1,未发货"), ("2", 5, "亲，帮您查一下")]
    assert not rejects


@pytest.mark.parametrize("first", ["1", "S1"])
def test_records_csv_stray_quote_closed_by_chance_in_a_later_row_swallows_nothing(reader, tmp_path, first):
    # the record reads as one row of the header's width, but its later lines start as the rows go
    # on (the next message ids, or the same session): they are rows, read again after a reject
    following = ("2", "3") if first == "1" else ("S1", "S1")
    path = tmp_path / "export.csv"
    path.write_text(
        f'id,text,role\n{first},"我说的是这个,customer\n{following[0]},快递太慢了,customer\n'
        f'{following[1]},他说好",customer\n{first}x,电梯坏了,customer\n',
        encoding="utf-8",
    )
    records, rejects = read_all(reader, path)
    assert [r.line for r in rejects] == [2] and "unclosed quote" in rejects[0].reason
    assert [r.text for r in records][:1] == ["快递太慢了"] and records[-1].text == "电梯坏了"


def test_records_xlsx(reader, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["会话", "角色", "内容"])
    sheet.append(["x1", "买家", "发错货了"])
    sheet.append([None, None, None])
    sheet.append(["x1", "卖家", "亲，马上给您补发"])
    book.save(tmp_path / "chats.xlsx")
    records, rejects = read_all(reader, tmp_path / "chats.xlsx")
    assert [(r.session, r.role, r.line) for r in records] == [("x1", "customer", 2), ("x1", "agent", 4)]
    assert not rejects
    # gzipped, as every format may be
    (tmp_path / "chats.xlsx.gz").write_bytes(gzip.compress((tmp_path / "chats.xlsx").read_bytes()))
    again, rejects = read_all(reader, tmp_path / "chats.xlsx.gz")
    assert [(r.session, r.role, r.line) for r in again] == [("x1", "customer", 2), ("x1", "agent", 4)] and not rejects


def test_records_csv_field_longer_than_the_csv_module_reads_is_one_reject(tmp_path):
    # a picture pasted as base64 into a message: over max_text_chars, not an unclosed quote
    path = tmp_path / "export.csv"
    path.write_text('session,text\ns1,快递慢\ns2,"' + "图" * 140_000 + '"\ns3,好评\n', encoding="utf-8")
    records, rejects = read_all(RecordReader(load_chatlog_config()), path)
    assert [r.text for r in records] == ["快递慢", "好评"]
    assert [(r.line, r.reason) for r in rejects] == [(3, "text has 140,000 characters, over max_text_chars=5000")]


@pytest.mark.parametrize("rows", [10, 100])  # the quote runs to the end, or past the lines a record may have
def test_records_csv_title_line_opening_with_a_quote_does_not_swallow_the_header(reader, tmp_path, rows):
    path = tmp_path / "export.csv"
    body = "".join(f"s{i},快递第{i}天还没到\n" for i in range(rows))
    path.write_text('"客服聊天记录导出（2023年1月）\nsession_id,text\n' + body, encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert len(records) == rows and records[0].text == "快递第0天还没到" and records[0].line == 3
    assert [(r.line, r.reason) for r in rejects] == [(1, "a title above the header row, not a message")]


def test_records_json_nan_text_is_a_turn_without_text(reader, tmp_path):
    path = tmp_path / "chats.jsonl"
    path.write_text('{"session_id": "s1", "text": NaN}\n{"session_id": "s1", "text": "快递慢"}\n', encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["", "快递慢"] and not rejects


def test_records_json_lines_with_raw_control_characters_in_a_string_are_read(reader, tmp_path):
    # a tab or a NUL written into a string as it is (not as \t or \u0000) by an exporter
    path = tmp_path / "chats.jsonl"
    path.write_text('{"text": "快递\t还没到"}\n{"text": "客服\x00态度差"}\n', encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["快递\t还没到", "客服\x00态度差"] and not rejects


def test_records_transcript_sessions_and_continuations(reader, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a file given by its name: sessions are named after it
    path = Path("transcript.txt")
    path.write_text(
        "2023-01-05 10:12:01 顾客小王: 快递怎么还没到\n都三天了\n2023-01-05 10:12:30 客服小李：亲，帮您查一下\n\n"
        "会话ID: S-9\n2023-01-06 09:00:00 张女士: 杯子碎了\n",
        encoding="utf-8",
    )
    records, rejects = read_all(reader, path)
    assert [(r.session, r.role, r.text) for r in records] == [
        ("transcript.txt#s1", "customer", "快递怎么还没到\n都三天了"),
        ("transcript.txt#s1", "agent", "亲，帮您查一下"),
        ("S-9", "customer", "杯子碎了"),
    ]
    assert records[0].time == "2023-01-05 10:12:01" and not rejects


@pytest.mark.parametrize(
    "text",
    [
        # QQ / WeChat style: time and speaker on a line, the message below, a blank line between
        "2023-01-05 10:12:01 顾客小王\n快递怎么还没到\n\n都三天了\n\n2023-01-05 10:13:00 客服小李\n亲，帮您查一下\n\n"
        "2023-01-05 10:14:00 顾客小王\n\n",  # a blank line inside a message too
        # the speaker first
        "顾客小王 2023-01-05 10:12:01\n快递怎么还没到\n都三天了\n\n客服小李 2023-01-05 10:13:00\n亲，帮您查一下\n\n"
        "顾客小王 2023-01-05 10:14:00\n",
        # the time in brackets, a full-width colon
        "[2023-01-05 10:12:01] 顾客小王：快递怎么还没到\n都三天了\n【2023-01-05 10:13:00】客服小李：亲，帮您查一下\n"
        "[2023-01-05 10:14:00] 顾客小王：\n",
    ],
    ids=["time-speaker-then-text", "speaker-time-then-text", "bracketed-time"],
)
def test_records_transcript_layouts_of_chat_exports(reader, tmp_path, text):
    path = tmp_path / "chat.txt"
    path.write_text(text, encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.session, r.role, r.speaker, r.text) for r in records] == [
        (f"{path}#s1", "customer", "顾客小王", "快递怎么还没到\n都三天了"),
        (f"{path}#s1", "agent", "客服小李", "亲，帮您查一下"),
        (f"{path}#s1", "customer", "顾客小王", ""),  # a picture or sticker: an empty turn
    ]
    assert records[1].time == "2023-01-05 10:13:00" and not rejects


@pytest.mark.parametrize("first, second", [("下午3:05", "下午3:06"), ("3:05 PM", "3:06 PM")])
def test_records_transcript_with_a_12_hour_clock(reader, tmp_path, first, second):
    # 上午/下午 before the hour or AM/PM after it, as a CSV's time is read: each line a message
    from feedback_nlp.io.times import parse_time

    path = tmp_path / "chat.txt"
    path.write_text(f"2023-06-07 {first} 顾客小张: 东西坏了\n2023-06-07 {second} 客服小李：您好\n"
                    "2023-06-07 10:12:01 PMO经理: 好的\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert not rejects and [(r.speaker, r.text) for r in records] == [("顾客小张", "东西坏了"), ("客服小李", "您好"), ("PMO经理", "好的")]
    assert [parse_time(r.time).hour for r in records] == [15, 15, 10]


def test_records_plain_text_file_is_one_message_a_line(reader, tmp_path):
    # reviews or complaints pasted one a line: no time, no speaker
    path = tmp_path / "reviews.txt"
    path.write_text("快递三天了还没到\n\n客服态度太差了\n亲，4号拍的，今天都9号了物流还是已揽件\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.line, r.session, r.role, r.role_from_wording, r.text) for r in records] == [
        (1, f"{path}#1", "customer", False, "快递三天了还没到"),
        (3, f"{path}#3", "customer", False, "客服态度太差了"),
        # each line a customer's message: "亲，…" is how a Taobao customer writes too, not an agent's reply
        (4, f"{path}#4", "customer", False, "亲，4号拍的，今天都9号了物流还是已揽件"),
    ]
    assert not rejects
    # a first line that is only a text column's name is a header row, rejected with its reason
    path.write_text("\ufeff内容\n快递三天了还没到\n内容\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.line, r.text) for r in records] == [(2, "快递三天了还没到"), (3, "内容")]
    assert [(r.line, r.reason) for r in rejects] == [(1, "a header row (the name of a text column), not a message")]
    # a transcript with a few lines of preamble is still a transcript
    path.write_text("消息记录（此消息记录为文本格式，不支持重新导入）\n2023-01-05 10:12:01 顾客小王: 快递怎么还没到\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["快递怎么还没到"] and [r.line for r in rejects] == [1]


def test_records_word_document_is_one_message_a_paragraph_and_another_zip_is_named(reader, tmp_path):
    import zipfile

    import docx

    document = docx.Document()
    for line in ("快递三天了还没到", "", "客服态度太差了"):
        document.add_paragraph(line)
    document.save(tmp_path / "complaints.docx")
    records, rejects = read_all(reader, tmp_path / "complaints.docx")
    assert [r.text for r in records] == ["快递三天了还没到", "客服态度太差了"] and not rejects
    with zipfile.ZipFile(tmp_path / "backup.txt", "w") as archive:  # a ZIP archive under a text file's name
        archive.writestr("chats.csv", "content\n快递慢\n")
    with pytest.raises(InputError, match="backup.txt: looks like a ZIP archive"):
        read_all(reader, tmp_path / "backup.txt")


def test_records_a_list_of_reviews_one_of_which_starts_with_a_date_is_no_transcript(reader, tmp_path):
    path = tmp_path / "reviews.txt"
    reviews = ["东西不错", "物流太慢了", "2023-01-05 10:12 下单，到现在还没发货：太慢了", "价格太贵，乱收费", "客服态度恶劣", "退款一直不到账"]
    path.write_text("\n".join(reviews) + "\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == reviews and not rejects


@pytest.mark.parametrize("indent", [None, 2], ids=["one-line", "pretty-printed"])
def test_records_json_array_saved_as_json_lines_is_read_as_an_array(reader, tmp_path, indent):
    path = tmp_path / "chats.jsonl"
    path.write_text(json.dumps(JSONL[:2], ensure_ascii=False, indent=indent), encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.id for r in records] == ["m1", "m2"] and not rejects


def test_records_transcript_speaker_line_patterns_need_time_and_speaker(tmp_path):
    from feedback_nlp.errors import ConfigError

    with pytest.raises(ConfigError, match=r"needs the groups \(\?P<time>"):
        load_chatlog_config(overrides=["transcript.speaker_line_patterns=['^(?P<speaker>\\S+)$']"])


@pytest.mark.parametrize(
    "role, speaker, text, expected",
    [
        ("customer", None, "亲，帮您查一下", "customer"),  # an explicit role field wins
        ("ROBOT", None, "您好", "bot"),
        (None, "客服小李", "好的", "agent"),
        (None, "顾客张三", "好的", "customer"),
        (None, "小王", "您好，很高兴为您服务", "agent"),
        (None, "小王", "感谢您的耐心等待", "agent"),
        (None, "小王", "我的快递呢", "customer"),
    ],
)
def test_records_role_detection(reader, role, speaker, text, expected):
    assert reader.roles.detect(role, speaker, text) == expected


def test_records_role_values_are_read_the_same_once_remembered(monkeypatch):
    """A role field's value is looked up once and remembered; values past what is kept are read
    each time, and every answer stays what reading it afresh gives."""
    from feedback_nlp.io import records as records_module

    monkeypatch.setattr(records_module, "ROLE_VALUES_KEPT", 3)
    reader = RecordReader(load_chatlog_config(), canonical=lambda t: t.replace("顧", "顾"))
    values = ["顧客", " customer ", "ROBOT", "客服", "访客", "", "   ", 7, "顧客", "客服", 7]
    fresh = RecordReader(load_chatlog_config(), canonical=lambda t: t.replace("顧", "顾"))
    for _ in range(2):
        for value in values:
            fresh.roles._seen.clear()
            assert reader.roles.detect(value, None, "好的") == fresh.roles.detect(value, None, "好的"), value
    assert len(reader.roles._seen) == 3
    assert reader.roles.detect("顧客", None, "您好，很高兴为您服务") == "customer"


def test_records_errors_name_the_input(reader, tmp_path):
    with pytest.raises(InputNotFoundError, match="nope.jsonl: no such file"):
        list(reader.read(tmp_path / "nope.jsonl"))
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty.csv: file is empty"):
        list(reader.read(tmp_path / "empty.csv"))
    (tmp_path / "wrong.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"wrong.csv: no text field; looked for .* but found a, b"):
        list(reader.read(tmp_path / "wrong.csv"))


@pytest.mark.parametrize("written, forced, shown", [
    ("gbk", "utf-8", r"\xbb"),  # bytes that did not decode, shown as their values
    ("utf-8", "latin-1", "ä¼"),  # UTF-8 read as Latin-1: "ä¼\x9aè¯\x9dID"
])
def test_records_a_header_read_in_the_wrong_encoding_says_so(tmp_path, written, forced, shown):
    path = tmp_path / "chats.csv"
    path.write_bytes("会话ID,内容\n1,快递太慢\n".encode(written))
    with pytest.raises(InputError) as caught:
        list(RecordReader(load_chatlog_config(), encoding=forced).read(path))
    message = str(caught.value)
    assert "its column names do not read as text" in message and "if --encoding was given, leave it out" in message
    assert shown in message and message.encode("utf-8")  # no lone surrogate: a terminal and a JSON file can take it


@pytest.mark.parametrize("header", ["编号,评论\u00a0\u00a0\u00a0,评分", "Descrição,Preço,Nº", "Année,Été", "温度°C,价格¥"])
def test_records_a_header_with_accents_or_signs_is_no_wrong_encoding(tmp_path, header):
    # no text column among names that read as text: the names looked for are listed, as before
    path = tmp_path / "chats.csv"
    path.write_text(header + "\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="no text field; looked for"):
        list(RecordReader(load_chatlog_config()).read(path))


def test_records_too_long_text_is_rejected(tmp_path):
    reader = RecordReader(load_chatlog_config(overrides=["max_text_chars=10"]))
    path = tmp_path / "c.jsonl"
    write_jsonl(path, [{"text": "太长了" * 10}, {"text": "短"}])
    records, rejects = read_all(reader, path)
    assert len(records) == 1 and "over max_text_chars=10" in rejects[0].reason


@pytest.mark.parametrize("role, speaker, text", [("顧客", None, "好"), (None, "客服小李", "好"), (None, "小王", "您好，很高興為您服務")])
def test_records_role_detection_reads_traditional(role, speaker, text):
    from feedback_nlp.normalise.script import to_simplified

    reader = RecordReader(load_chatlog_config(), canonical=to_simplified)
    expected = "customer" if role == "顧客" else "agent"
    assert reader.roles.detect(role, speaker, text) == expected


def test_records_traditional_headers_find_their_fields(tmp_path):
    from feedback_nlp.normalise.script import to_simplified

    path = tmp_path / "big5.csv"
    path.write_bytes("會話ID,時間,角色,發送人,內容\nt1,2023-05-01 10:00:00,顧客,王先生,快遞還沒到\n".encode("big5"))
    reader = RecordReader(load_chatlog_config(), canonical=lambda t: to_simplified(t, mode="t2s"))
    (record,) = list(reader.read(path))
    assert (record.session, record.time, record.role, record.speaker) == ("t1", "2023-05-01 10:00:00", "customer", "王先生")


def test_records_headerless_file_error_is_short_and_says_what_to_do(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("s1," + "很长的消息" * 1000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="header row") as info:
        list(RecordReader(load_chatlog_config()).read(path))
    assert len(str(info.value)) < 400


def test_records_xlsx_date_cells_become_iso_text(reader, tmp_path):
    import datetime

    openpyxl = pytest.importorskip("openpyxl")
    from feedback_nlp.io.times import parse_time

    book = openpyxl.Workbook()
    book.active.append(["会话ID", "时间", "日期", "钟点", "角色", "内容"])
    book.active.append(["s1", datetime.datetime(2023, 1, 5, 10, 12, 1), datetime.date(2023, 1, 5), datetime.time(10, 12), "顾客", "快递怎么还没到"])
    book.save(tmp_path / "date.xlsx")
    (record,) = list(reader.read(tmp_path / "date.xlsx"))
    assert record.time == "2023-01-05 10:12:01" and parse_time(record.time) == datetime.datetime(2023, 1, 5, 10, 12, 1)
    # Excel keeps a date as a date and time: openpyxl reads it back as midnight
    assert record.fields["日期"] in ("2023-01-05", "2023-01-05 00:00:00") and record.fields["钟点"] == "10:12:00"
    json.dumps(record.fields)  # every field can be written


def test_records_xlsx_reads_every_sheet_and_names_it(reader, tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    monkeypatch.chdir(tmp_path)
    book = openpyxl.Workbook()
    book.active.title = "1月"
    book.active.append(["会话", "角色", "内容"])
    book.active.append(["x1", "买家", "发错货了"])
    february = book.create_sheet("2月")
    february.append(["会话", "角色", "内容"])
    february.append(["x2", "卖家", "亲，马上给您补发"])
    notes = book.create_sheet("说明")
    notes.append(["说明"])
    notes.append(["导出于2023年2月"])
    book.create_sheet("空白")
    book.save("chats.xlsx")
    records, rejects = read_all(reader, "chats.xlsx")
    name = "chats.xlsx"
    assert [(r.file, r.line, r.id, r.session, r.text) for r in records] == [
        (f"{name}[1月]", 2, "chats.xlsx[1月]:2", "x1", "发错货了"), (f"{name}[2月]", 2, "chats.xlsx[2月]:2", "x2", "亲，马上给您补发")]
    # a sheet without a text column loses no row silently: each is rejected with the reason
    assert [(r.file, r.line, r.raw) for r in rejects] == [(f"{name}[说明]", 2, "导出于2023年2月")]
    assert rejects[0].reason.startswith("no text field") and "fields.text" in rejects[0].reason


def test_records_xlsx_without_any_text_column_is_refused(reader, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.create_sheet("其他").append(["c"])
    book.save(tmp_path / "nothing.xlsx")
    with pytest.raises(InputError, match=r"nothing.xlsx\[Sheet\]: no text field; .* but found a, b"):
        list(reader.read(tmp_path / "nothing.xlsx"))


@pytest.mark.parametrize(
    "name, encoding, content",
    [
        ("chats.jsonl", "utf-8-sig", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in JSONL[:2])),
        ("chats.jsonl", "utf-16", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in JSONL[:2])),
        ("transcript.txt", "utf-8-sig", "2023-01-05 10:12:01 顾客小王: 快递怎么还没到\n2023-01-05 10:12:30 客服小李：亲，帮您查一下\n"),
        ("transcript.txt", "utf-16", "2023-01-05 10:12:01 顾客小王: 快递怎么还没到\n2023-01-05 10:12:30 客服小李：亲，帮您查一下\n"),
        ("export.csv", "utf-16", "会话ID,发送人,消息内容\ns2,顾客小王,快递怎么还没到\ns2,客服小李,亲，帮您查一下\n"),
    ],
    ids=["jsonl-utf8", "jsonl-utf16", "transcript-utf8", "transcript-utf16", "csv-utf16"],
)
def test_records_byte_order_mark_costs_no_record(reader, tmp_path, name, encoding, content):
    path = tmp_path / name
    path.write_text(content, encoding=encoding)  # "utf-16" writes a BOM
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["快递怎么还没到", "亲，帮您查一下"] and not rejects
    assert records[0].line == 1 + (name == "export.csv") and "\ufeff" not in str(records[0].fields)


@pytest.mark.parametrize("indent", [None, 2])  # one line, or pretty-printed over many
def test_records_json_array_is_read_as_records(reader, tmp_path, indent):
    path = tmp_path / "chats.json"
    path.write_text(json.dumps(JSONL[:2] + [[1, 2]], ensure_ascii=False, indent=indent), encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.id, r.line, r.role) for r in records] == [("m1", 1, "customer"), ("m2", 2, "agent")]
    assert [(r.line, r.reason, r.raw) for r in rejects] == [(3, "expected a JSON object, got list (item 3 of the array)", "[1, 2]")]


def test_records_broken_json_array_is_refused_once(reader, tmp_path):
    path = tmp_path / "chats.json"
    path.write_text(json.dumps(JSONL[:2], ensure_ascii=False, indent=2)[:30], encoding="utf-8")  # no whole item
    with pytest.raises(InputError, match=r"chats.json: not valid JSON \(.* at line \d+ column \d+\); .*convert it to JSON Lines"):
        list(reader.read(path))


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("damage", ["cut", "broken"])
def test_records_json_array_cut_off_keeps_the_messages_before_the_break(reader, tmp_path, indent, damage):
    # a download that stopped part way, or an item damaged in the middle: the items before it are
    # read, then the file is named as failed with where it broke
    text = json.dumps(JSONL[:3], ensure_ascii=False, indent=indent)
    third = text.rindex("{")
    text = text[: third + 5] if damage == "cut" else text[:third] + "{oops, " + text[third + 1 :]
    path = tmp_path / "chats.json"
    path.write_text(text, encoding="utf-8")
    read = []
    with pytest.raises(InputError, match=r"chats.json: not valid JSON after item 2 of the array \(.* at line \d+ column \d+\); "
                                         r"the 2 messages before it are kept, the rest could not be read: export the file again"):
        for item in reader.read(path):
            read.append(item)
    assert [(r.id, r.line) for r in read] == [("m1", 1), ("m2", 2)]


def test_records_cut_off_gzip_raises_input_error_after_the_records_before_it(reader, tmp_path):
    from feedback_nlp.io.inputs import count_lines

    rows = [{"session_id": f"s{i}", "msg_id": str(i), "content": f"第{i}条：快递{i * 7919 % 1000}天了还没到"} for i in range(5000)]
    whole = gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"))
    path = tmp_path / "chats.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    read = []
    with pytest.raises(InputError, match=r"chats.jsonl.gz: the gzip file is cut off or damaged"):
        read.extend(reader.read(path))
    assert 0 < len(read) < len(rows) and all(isinstance(r, Record) for r in read)
    assert 0 < count_lines([path]) < len(rows)  # the lines before the damage, no EOFError


def test_records_lines_pasted_in_from_another_encoding_are_read_in_it(reader, tmp_path, caplog):
    # a UTF-8 export with rows pasted in from a GBK and a Big5 export: those rows are read in their
    # own encoding and named in one warning; damaged bytes are still rejected
    path = tmp_path / "export.csv"
    good = "".join(f"空调不制冷，第{i}次报修了,user\n" for i in range(40)).encode("utf-8")
    path.write_bytes(
        "text,role\n".encode() + good + "退款一直没到账,顾客\n".encode("gbk") + "電話一直打不通,user\n".encode("big5")
        + good[:30] + b"\xff\xfe\xfa bad,user\n"
    )
    with caplog.at_level("WARNING", logger="feedback_nlp.io.records"):
        records, rejects = read_all(reader, path)
    assert records[40].text == "退款一直没到账" and records[40].role == "customer" and records[40].line == 42
    assert records[41].text == "電話一直打不通" and records[41].line == 43
    assert len(records) == 42 and [r.line for r in rejects] == [44] and "undecodable bytes" in rejects[0].reason
    assert "export.csv: mixes encodings: read as utf_8 except line 42 as gb18030; line 43 as big5" in caplog.text


def test_records_rows_pasted_as_utf8_into_a_gbk_export_are_read_whole(reader, tmp_path, caplog):
    # UTF-8 read as GBK often decodes without an error ("瀹㈡湇" for 客服): every cell of such a row,
    # the role too, is read as UTF-8, exactly, not left garbled or guessed at by the repair
    path = tmp_path / "export.csv"
    gbk = "".join(f"{i},顾客,空调不制冷，第{i}次报修了\n" for i in range(40))
    path.write_bytes("会话ID,角色,内容\n".encode("gbk") + gbk.encode("gbk") + "41,客服,好的马上处理\n41,顾客,东西坏了要退货\n".encode("utf-8"))
    with caplog.at_level("WARNING", logger="feedback_nlp.io.records"):
        records, rejects = read_all(reader, path)
    assert [(r.role, r.text) for r in records[40:]] == [("agent", "好的马上处理"), ("customer", "东西坏了要退货")]
    assert records[40].fields["角色"] == "客服" and not rejects
    assert all(r.text == f"空调不制冷，第{i}次报修了" for i, r in enumerate(records[:40]))
    assert "export.csv: mixes encodings: read as gb18030 except lines 42, 43 as utf_8" in caplog.text


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"], ids=["tab", "semicolon", "bar"])
def test_records_csv_with_another_delimiter(reader, tmp_path, delimiter):
    # a .csv saved as tab-separated, or with ";" by a European Excel: the header tells
    path = tmp_path / "export.csv"
    rows = [["会话ID", "时间", "角色", "内容"], ["1", "2023-01-01 10:00", "顾客", "快递怎么还没到, 都三天了"], ["1", "2023-01-01 10:01", "客服", "亲，帮您查一下"]]
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.role, r.text, r.session) for r in records] == [("customer", "快递怎么还没到, 都三天了", "1"), ("agent", "亲，帮您查一下", "1")]
    assert not rejects


@pytest.mark.parametrize("indent", [None, 2], ids=["one-line", "pretty-printed"])
def test_records_json_object_holding_the_list_of_messages(reader, tmp_path, indent):
    # many exports wrap the messages: {"total": 2, "data": [{...}, {...}]}
    path = tmp_path / "export.json"
    messages = [{"role": "customer", "content": "快递怎么还没到"}, {"role": "agent", "content": "亲，帮您查一下"}, {"role": "customer"}]
    path.write_text(json.dumps({"code": 0, "total": 3, "data": messages}, ensure_ascii=False, indent=indent), encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.line, r.role, r.text) for r in records] == [(1, "customer", "快递怎么还没到"), (2, "agent", "亲，帮您查一下"), (3, "customer", "")]
    assert not rejects


@pytest.mark.parametrize("name, indent", [("api.json", None), ("api.json", 2), ("api.jsonl", None)])
def test_records_an_api_response_holding_the_messages_is_read_as_its_messages(reader, tmp_path, name, indent):
    # {"code": 0, "msg": "ok", "data": [...]}: "msg" names a text field, yet the object is the
    # response, not a message; the list may also be one level down ({"data": {"total": 3, "list": [...]}})
    messages = [{"role": "customer", "content": "快递怎么还没到"}, {"role": "agent", "content": "亲，帮您查一下"}, {"role": "customer"}]
    for body in ({"code": 0, "msg": "ok", "data": messages}, {"code": 0, "message": "success", "data": {"total": 3, "list": messages}}):
        path = tmp_path / name
        path.write_text(json.dumps(body, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
        records, rejects = read_all(reader, path)
        assert [(r.line, r.role, r.text) for r in records] == [(1, "customer", "快递怎么还没到"), (2, "agent", "亲，帮您查一下"), (3, "customer", "")]
        assert not rejects
    # a message with a list of attachments is a message
    path = tmp_path / "m.jsonl"
    write_jsonl(path, [{"content": "看下图片", "attachments": [{"url": "a.png"}]}, {"content": "快递慢"}])
    assert [r.text for r in read_all(reader, path)[0]] == ["看下图片", "快递慢"]


@pytest.mark.parametrize("encoding", ["utf-16", "gbk"])
def test_records_a_text_file_excel_saved_with_tabs_is_read_as_a_table(reader, tmp_path, encoding):
    # Excel's "Unicode Text" and "Text (Tab delimited)": a header row, then rows, tabs between
    path = tmp_path / "export.txt"
    rows = ["会话ID\t时间\t角色\t内容", "S1\t2024/3/5 9:05\t客户\t快递五天了还没到", "S1\t2024/3/5 9:06\t客服\t亲，帮您查一下"]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    records, rejects = read_all(reader, path)
    assert [(r.line, r.session, r.time, r.role, r.text) for r in records] == [
        (2, "S1", "2024/3/5 9:05", "customer", "快递五天了还没到"), (3, "S1", "2024/3/5 9:06", "agent", "亲，帮您查一下")]
    assert not rejects
    # a list of reviews with a tab in one line is still one message a line
    path.write_text("快递太慢\t差评\n东西不错\n", encoding="utf-8")
    assert [r.text for r in read_all(reader, path)[0]] == ["快递太慢\t差评", "东西不错"]


def test_records_transcripts_are_read_whatever_names_the_exports_columns_are_given(tmp_path):
    # --text-field or --field given for a CSV in the same folder: the transcript keeps its reading
    config = load_chatlog_config(None, ['fields.text=["聊天记录"]', 'fields.time=["发送时间"]', 'fields.speaker=["发送人"]'])
    path = tmp_path / "wechat.txt"
    path.write_text("2024-03-06 10:12:01 顾客小王: 快递怎么还没到\n2024-03-06 10:13:05 客服小李: 亲，帮您查一下\n", encoding="utf-8")
    records, rejects = read_all(RecordReader(config), path)
    assert [(r.time, r.speaker, r.role, r.text) for r in records] == [
        ("2024-03-06 10:12:01", "顾客小王", "customer", "快递怎么还没到"), ("2024-03-06 10:13:05", "客服小李", "agent", "亲，帮您查一下")]
    plain = tmp_path / "reviews.txt"
    plain.write_text("快递太慢\n", encoding="utf-8")
    assert [r.text for r in read_all(RecordReader(config), plain)[0]] == ["快递太慢"]


def test_records_role_values_that_hold_a_role_word_and_values_that_name_none(reader):
    assert reader.roles.detect_how("人工客服", None, "快递没到")[:2] == ("agent", False)
    assert reader.roles.detect_how("智能客服", None, "您好")[:2] == ("bot", False)  # the longest word: not an agent
    assert reader.roles.detect_how("在线访客", None, "亲，在吗")[:2] == ("customer", False)
    # a code the config does not know: the wording tells, and the value is kept to be reported
    assert reader.roles.detect_how("2", None, "亲，帮您查一下") == ("agent", True, "2")
    assert reader.roles.detect_how("1", None, "快递没到") == ("customer", True, "1")
    assert reader.roles.detect_how("", None, "快递没到") == ("customer", True, None)


def test_records_json_lines_whose_text_is_under_a_name_not_mapped_are_refused(reader, tmp_path, monkeypatch):
    # as a CSV file without a text column is: not written as turns without text (pictures), silently
    path = tmp_path / "reviews.jsonl"
    write_jsonl(path, [{"session_id": f"s{i}", "comment": "快递五天了还没到"} for i in range(3)])
    with pytest.raises(InputError, match=r"reviews.jsonl: no text field; looked for .* but found session_id, comment; .*--text-field"):
        read_all(reader, path)
    # a long file is refused once its first messages have shown it, without reading it all
    monkeypatch.setattr("feedback_nlp.io.records.TEXTLESS_HELD", 2)
    with pytest.raises(InputError, match=r"reviews.jsonl: the first 2 messages have no text field"):
        read_all(reader, path)
    # turns without text before the first message with it are kept, in their order
    write_jsonl(path, [{"session_id": "s1", "msg_id": "m1"}, {"session_id": "s1", "content": "快递慢"}])
    records, rejects = read_all(reader, path)
    assert [(r.line, r.text) for r in records] == [(1, ""), (2, "快递慢")] and not rejects


def test_records_json_objects_holding_messages_one_a_line_are_all_read(reader, tmp_path):
    # a session (or a page of an export) a line: every line's messages, each in its line's session,
    # numbered on through the file; a line of another shape is rejected, not dropped
    sessions = [
        {"session_id": "s1", "messages": [{"role": "customer", "text": "快递五天了还没到"}, {"role": "agent", "text": "亲，帮您查一下"}]},
        {"session_id": "s2", "messages": [{"role": "customer", "text": "东西坏了"}]},
        {"total": 1},
        {"session_id": "s3", "messages": [{"role": "customer", "text": "价格太贵", "session_id": "own"}]},
    ]
    path = tmp_path / "sessions.json"
    path.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in sessions) + "\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.line, r.session, r.text) for r in records] == [
        (1, "s1", "快递五天了还没到"), (2, "s1", "亲，帮您查一下"), (3, "s2", "东西坏了"), (4, "own", "价格太贵")]
    assert [(r.line, r.reason) for r in rejects] == [(3, "expected an object holding its messages under 'messages', as the first line's does")]


def test_records_json_object_that_is_not_a_list_of_messages_is_named(reader, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"a": [{"text": "x"}], "b": [{"text": "y"}]}, indent=1), encoding="utf-8")
    with pytest.raises(InputError, match=r"export.json: a JSON object with lists of objects under 'a', 'b'; expected one list"):
        read_all(reader, path)
    path.write_text(json.dumps({"text": "快递怎么还没到"}, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(InputError, match=r"one JSON object with a text field, not a list of messages"):
        read_all(reader, path)
    # JSON Lines in a .json file are still read line by line
    path.write_text('{"text": "快递怎么还没到"}\n{"text": "好评"}\n', encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["快递怎么还没到", "好评"] and not rejects


def test_records_title_rows_above_the_header_are_set_aside(reader, tmp_path):
    # exports often put a title, and a blank line, above the header row
    csv_path = tmp_path / "export.csv"
    csv_path.write_text(
        "客服聊天记录导出（2023年1月）\n\n会话ID\t角色\t内容\n1\t顾客\t快递怎么还没到\n1\t客服\t\"亲，\n帮您查一下\"\n",
        encoding="utf-8",
    )
    records, rejects = read_all(reader, csv_path)
    assert [(r.line, r.role, r.text) for r in records] == [(4, "customer", "快递怎么还没到"), (5, "agent", "亲，\n帮您查一下")]
    assert [(r.line, r.reason, r.raw) for r in rejects] == [(1, "a title above the header row, not a message", "客服聊天记录导出（2023年1月）")]

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["客服聊天记录导出（2023年1月）"], [], ["会话ID", "角色", "内容"], [1, "顾客", "快递怎么还没到"]):
        sheet.append(row)
    xlsx_path = tmp_path / "export.xlsx"
    book.save(xlsx_path)
    records, rejects = read_all(reader, xlsx_path)
    assert [(r.line, r.role, r.text) for r in records] == [(4, "customer", "快递怎么还没到")]
    assert [(r.line, r.raw) for r in rejects] == [(1, "客服聊天记录导出（2023年1月）")]


def test_records_csv_without_a_text_column_in_its_first_rows_still_names_the_first_row(reader, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no text field.*found a, b"):
        read_all(reader, path)


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".jsonl"])
def test_records_utf16_file_cut_after_an_odd_byte(reader, tmp_path, suffix):
    # UTF-16 without a BOM whose last unit lost a byte: the codec cannot read the odd byte, and
    # "surrogateescape" refuses bytes below 0x80; the lines before it are read, the last rejected
    lines = {
        ".txt": [f"2023-01-05 10:12:0{i} 顾客小王: 快递第{i}天还没到" for i in range(5)],
        ".csv": ["text,role"] + [f"快递第{i}天还没到,customer" for i in range(5)],
        ".jsonl": [json.dumps({"role": "customer", "text": f"快递第{i}天还没到"}, ensure_ascii=False) for i in range(5)],
    }[suffix]
    path = tmp_path / f"export{suffix}"
    path.write_bytes("\n".join(lines).encode("utf-16-le") + b"\n")  # the line feed's second byte is missing
    records, rejects = read_all(reader, path)
    assert [r.text for r in records[:4]] == [f"快递第{i}天还没到" for i in range(4)]
    assert len(records) + len(rejects) == 5 and all("undecodable bytes" in r.reason for r in rejects)
    assert all(r.raw.encode("utf-8") for r in rejects)  # shown as \xNN, writable


def test_records_json_lone_surrogate_is_replaced_and_undecodable_bytes_still_rejected(reader, tmp_path):
    path = tmp_path / "chats.jsonl"
    path.write_bytes(
        b'{"role":"customer","text":"\\u8868\\u60c5\\u574f\\u4e86\\ud83d \\u5feb\\u9012\\u592a\\u6162","note":["\\ude00"]}\n'
        b'{"role":"customer","text":"\\ud83d\\ude00 ok"}\n'
        + '{"role":"customer","text":"坏字节'.encode("utf-8") + b"\xff\xfe" + b'"}\n'
    )
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["表情坏了\ufffd 快递太慢", "\U0001F600 ok"]  # a whole pair is one emoji
    assert records[0].fields["note"] == ["\ufffd"]
    json.dumps([r.fields for r in records], ensure_ascii=False).encode("utf-8")  # every field can be written
    assert [r.line for r in rejects] == [3] and "undecodable bytes" in rejects[0].reason
    assert rejects[0].raw.endswith("\\xff\\xfe\"}")


@pytest.mark.parametrize(
    "name, first, second",
    [
        ("export.csv", "会话ID,发送人,消息内容\ns1,顾客,退款呢\n", "会话ID,发送人,消息内容\ns2,顾客,发错货了\n"),
        ("chats.jsonl", '{"text": "退款呢"}\n', '{"text": "发错货了"}\n'),
        ("transcript.txt", "2023-01-05 10:12:01 顾客小王: 退款呢\n", "2023-01-06 09:00:00 张女士: 发错货了\n"),
    ],
    ids=["csv", "jsonl", "transcript"],
)
def test_records_joined_exports_each_with_a_byte_order_mark(reader, tmp_path, name, first, second):
    path = tmp_path / name  # cat a b: the second file's mark sits at the start of a line
    path.write_bytes(("\ufeff" + first + "\ufeff" + second).encode("utf-8"))
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["退款呢", "发错货了"]
    assert [r.reason for r in rejects] == (["repeated header row"] if name == "export.csv" else [])


def test_records_made_up_ids_and_sessions_differ_between_folders(reader, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for month in ("2023-01", "2023-02"):
        Path("months", month).mkdir(parents=True)
        Path("months", month, "chat.csv").write_text("发送人,消息内容\n顾客小王,退款呢\n", encoding="utf-8")
        Path("months", month, "chat.txt").write_text("2023-01-05 10:12:01 顾客小王: 退款呢\n", encoding="utf-8")
    records = [r for p in expand_inputs(["months"]) for r in reader.read(p)]
    assert len({r.id for r in records}) == len({r.session for r in records}) == len(records) == 4
    assert records[0].id.startswith(str(Path("months", "2023-01", "chat.csv")))
    # a single file given by its name keeps the short form
    Path("chat.csv").write_text("发送人,消息内容\n顾客小王,退款呢\n", encoding="utf-8")
    (record,) = list(reader.read("chat.csv"))
    assert (record.id, record.session) == ("chat.csv:2", "chat.csv#2")


def test_records_json_row_without_its_text_key_is_an_empty_turn(reader, tmp_path):
    path = tmp_path / "chats.jsonl"
    write_jsonl(path, [
        {"session_id": 123, "msg_id": 11, "role": "customer"},  # a picture: the exporter left out "content": null
        {"uid": 1, "content": "发错货了"},
        {"uid": 2},  # the keys of the row before, less its text
        {"note": "导出于2023年2月"},  # nothing a message has
    ])
    records, rejects = read_all(reader, path)
    assert [(r.id, r.session, r.text) for r in records] == [
        ("11", "123", ""), (f"{path}:2", f"{path}#2", "发错货了"), (f"{path}:3", f"{path}#3", "")]
    assert [r.line for r in rejects] == [4]
    assert rejects[0].reason.startswith("no text field") and "fields.text" in rejects[0].reason
    assert "header row" not in rejects[0].reason


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"text": "快递还没到", "role": "customer"}, False),
        ({"text": "快递\udcb5还没到", "role": "customer"}, True),
        ({"text": "快递还没到", "line": 3, "tags": ["a"], "role": "\udcc4"}, True),
        ({"text": None, "line": 3}, False),
        ({}, False),
    ],
)
def test_records_undecodable_values_found_in_rows_of_any_values(row, expected):
    from feedback_nlp.io.records import _undecodable_values

    assert _undecodable_values(row) is expected


def test_records_pickle_whole():
    """Records go to worker processes by pickle; every field must survive the trip."""
    import dataclasses
    import pickle

    from feedback_nlp.io.records import Record

    values = {f.name: f"v{i}" for i, f in enumerate(dataclasses.fields(Record))}
    values.update(line=7, fields={"内容": "快递", "n": 1}, role_from_wording=True)
    record = Record(**values)
    assert pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)) == record


def test_records_csv_message_of_many_quoted_lines_is_one_message(reader, tmp_path):
    import csv as csv_module

    long_message = "\n".join(f"第{i}点：快递太慢，客服态度差" for i in range(1, 61))  # 60 lines, under max_text_chars
    with open(tmp_path / "e.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv_module.writer(fh)
        writer.writerows([["session", "role", "text"], ["s1", "customer", long_message], ["s1", "agent", "亲，收到您的反馈"]])
    records, rejects = read_all(reader, tmp_path / "e.csv")
    assert not rejects and [r.text for r in records] == [long_message, "亲，收到您的反馈"] and records[1].line == 62


def test_records_json_sessions_one_a_line_whose_first_session_is_empty(reader, tmp_path):
    # a session the customer left without writing: its list of messages is empty
    sessions = [{"session_id": "s0", "messages": []},
                {"session_id": "s1", "messages": [{"role": "customer", "text": "快递五天了还没到"}]}]
    path = tmp_path / "sessions.json"
    path.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in sessions) + "\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [(r.line, r.session, r.text) for r in records] == [(1, "s1", "快递五天了还没到")] and not rejects


def test_records_a_date_and_a_time_of_day_in_two_columns_are_one_time(reader, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("会话ID,日期,时间,角色,内容\n1,2024-03-05,09:05:00,顾客,快递没到\n1,2024/3/5,下午3:05,客服,亲，帮您查一下\n"
                    "2,2024-03-06,,顾客,好的\n2,2024-03-06,2024-03-06 10:00,顾客,谢谢\n", encoding="utf-8")
    records, rejects = read_all(reader, path)
    assert [r.time for r in records] == ["2024-03-05 09:05:00", "2024/3/5 下午3:05", "2024-03-06", "2024-03-06 10:00"]
    assert not rejects


def test_records_an_export_with_a_column_for_each_side_reads_the_role_from_the_filled_one(reader, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("会话ID,客户,客服,内容\n1,张三,,快递怎么还没到\n1,,小李,好的，帮您查一下\n", encoding="utf-8")
    records, _ = read_all(reader, path)
    assert [(r.role, r.speaker, r.role_from_wording) for r in records] == [("customer", "张三", False), ("agent", "小李", False)]
    # one side's column alone is a name, not a role
    path.write_text("会话ID,客户,内容\n1,张三,快递怎么还没到\n", encoding="utf-8")
    assert read_all(reader, path)[0][0].role_from_wording


def test_records_messages_with_lists_of_their_own_are_messages_and_ambiguous_role_words_are_not_roles(reader, tmp_path):
    # a message quoting another, or with replies, is not a response wrapping messages
    path = tmp_path / "q.jsonl"
    write_jsonl(path, [{"session_id": "s1", "content": "这个问题还没解决", "quote": [{"content": "之前说三天发货"}]},
                       {"session_id": "s1", "content": "快点"}])
    records, rejects = read_all(reader, path)
    assert [r.text for r in records] == ["这个问题还没解决", "快点"] and not rejects
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"content": "东西坏了怎么办", "replies": [{"content": "亲，请拍照"}]}, ensure_ascii=False), encoding="utf-8")
    assert [r.text for r in read_all(reader, one)[0]] == ["东西坏了怎么办"]
    # a role word before another word does not name the role; one that ends the value does
    assert reader.roles.detect_how("客户经理", None, "好的，帮您查一下")[2] == "客户经理"
    assert reader.roles.detect_how("customer_service", None, "好的")[:2] == ("agent", False)
    # both sides' columns filled on every row (the two participants' names): the wording tells
    path = tmp_path / "both.csv"
    path.write_text("会话ID,客户,客服,内容\n1,张三,小李,快递怎么还没到\n1,张三,小李,亲，帮您查一下\n", encoding="utf-8")
    assert [r.role for r in read_all(reader, path)[0]] == ["customer", "agent"]
