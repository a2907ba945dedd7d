import codecs

import pytest

from feedback_nlp.errors import InputError, InputNotFoundError
from feedback_nlp.io.decode import decode_bytes, read_bytes

TEXT = "客服态度很差，等了半个小时也没人回复。退款什么时候到账？订单号 2023112012345678"
TRAD = "客服態度很差，等了半個小時也沒人回覆。退款什麼時候到賬？"


@pytest.mark.parametrize(
    "data, encoding, bom",
    [
        (TEXT.encode("utf-8"), "utf_8", False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf_8", True),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf_16_le", True),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf_16_be", True),
        (TEXT.encode("gbk"), "gb18030", False),
        (TEXT.encode("gb18030"), "gb18030", False),
    ],
)
def test_decode_detects_encoding(data, encoding, bom):
    decoded = decode_bytes(data, "x.txt")
    assert decoded.text == TEXT
    assert decoded.encoding == encoding
    assert decoded.bom is bom


def test_decode_big5_traditional():
    decoded = decode_bytes((TRAD * 3).encode("big5"), "reviews.txt")
    assert decoded.text == TRAD * 3
    assert decoded.encoding.startswith("big5")


def test_decode_utf16_without_bom_ascii_heavy():
    text = "order 12345: 已发货 shipped, tracking SF1234567890\n" * 5
    assert decode_bytes(text.encode("utf-16-le"), "x").text == text


def test_decode_truncated_utf8_keeps_the_rest():
    data = "退款什么时候到账".encode("utf-8")[:-1]
    decoded = decode_bytes(data, "cut.txt")
    assert decoded.text == "退款什么时候到" and decoded.undecodable == 2


def test_decode_forced_encoding_and_unknown_name():
    assert decode_bytes(TEXT.encode("gbk"), "x", encoding="gbk").text == TEXT
    with pytest.raises(InputError, match="x: unknown encoding 'klingon'"):
        decode_bytes(b"abc", "x", encoding="klingon")
    for codec in ("hex", "base64", "rot13", "idna"):  # Python's codecs that are no text encodings
        with pytest.raises(InputError, match=f"x: unknown encoding '{codec}'"):
            decode_bytes(b"abc", "x", encoding=codec)


def test_config_refuses_a_codec_that_is_no_text_encoding():
    from feedback_nlp.config import load_config
    from feedback_nlp.errors import ConfigError

    with pytest.raises(ConfigError, match="'hex' is not a text encoding Python knows"):
        load_config(None, ["input.encoding=hex"])


def test_decode_wrong_forced_encoding_is_refused():
    with pytest.raises(InputError, match="cannot be decoded as utf-8.*--encoding"):
        decode_bytes(TEXT.encode("gbk"), "chats.csv", encoding="utf-8")


def test_decode_binary_is_refused():
    with pytest.raises(InputError, match="photo.jpg: looks like a JPEG image, not text"):
        decode_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)), "photo.jpg")
    with pytest.raises(InputError, match="report.pdf: looks like a PDF, not text"):
        decode_bytes(b"%PDF-1.7\n" + TEXT.encode("utf-8"), "report.pdf")
    with pytest.raises(InputError, match="dump.bin: looks like a binary file, not text"):
        decode_bytes(bytes(range(256)) * 8, "dump.bin")


def test_decode_stray_nul_bytes_do_not_make_an_export_binary():
    # one damaged record among many must not cost the whole file
    data = ("\n".join(f"S{i},客服态度很差{i}" for i in range(200)) + "\n坏\x00记录\n").encode("gbk")
    decoded = decode_bytes(data, "chats.csv")
    assert decoded.encoding == "gb18030" and "客服态度很差199" in decoded.text


def test_read_bytes_errors_name_the_input(tmp_path):
    with pytest.raises(InputNotFoundError, match="missing.txt: no such file"):
        read_bytes(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.txt: file is empty"):
        read_bytes(empty)
    with pytest.raises(InputError, match="is a folder"):
        read_bytes(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 100)
    with pytest.raises(InputError, match="input.max_bytes"):
        read_bytes(big, max_bytes=10)


def test_decode_mostly_utf8_with_damaged_bytes_stays_utf8():
    data = ("退款还没到账，" * 40).encode("utf-8") + b"\xff\xfe" + "客服不回".encode("utf-8")
    decoded = decode_bytes(data, "x.txt")
    assert decoded.encoding == "utf_8" and decoded.undecodable == 2
    assert decoded.text.endswith("客服不回")


def _word_document(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("2023年客服中心工作总结", level=1)
    document.add_paragraph("一、主要工作")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "数值"
    table.cell(1, 0).text, table.cell(1, 1).text = "客服中心接待业务", "4803次"
    document.add_paragraph("二、存在的问题")
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "回复不及时"
    merged.cell(0, 2).text = "12起"
    same = document.add_table(rows=1, cols=3)  # this year and last year alike: two figures
    same.cell(0, 0).text, same.cell(0, 1).text, same.cell(0, 2).text = "一次性解决率", "95%", "95%"
    path = tmp_path / "report.docx"
    document.save(path)
    return path


def test_decode_word_document_keeps_paragraphs_and_table_rows_in_order(tmp_path):
    data, label = read_bytes(_word_document(tmp_path))
    decoded = decode_bytes(data, label)
    assert decoded.encoding == "docx"
    assert decoded.text.split("\n") == [
        "2023年客服中心工作总结", "一、主要工作", "指标 数值", "客服中心接待业务 4803次", "二、存在的问题", "回复不及时 12起",
        "一次性解决率 95% 95%",
    ]
    # a forced text encoding does not turn a Word document into garbage
    assert decode_bytes(data, label, encoding="gbk").text == decoded.text


def test_decode_damaged_word_document_and_old_office_files_are_refused(tmp_path):
    data, _ = read_bytes(_word_document(tmp_path))
    import io
    import zipfile

    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, b"<broken" if item.filename == "word/document.xml" else src.read(item))
    with pytest.raises(InputError, match="report.docx: a Word document that cannot be opened"):
        decode_bytes(damaged.getvalue(), "report.docx")
    with pytest.raises(InputError, match="old.doc: an old Office file"):
        decode_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.doc")


def test_decode_chinese_utf16_without_bom_is_text_not_binary():
    # CJK-heavy UTF-16 has almost no NUL bytes, so the NUL pattern cannot find it
    text = "关于开展年度业主满意度调查的通知\n各位业主：为进一步提升服务质量，物业服务中心将于12月1日开展调查。\n" * 20
    for codec, name in (("utf-16-le", "utf_16_le"), ("utf-16-be", "utf_16_be")):
        decoded = decode_bytes(text.encode(codec), "notice.txt")
        assert decoded.encoding == name and decoded.text == text
    # GBK and Big5 bytes of the same text are not mistaken for UTF-16
    assert decode_bytes(text.encode("gbk"), "notice.txt").encoding in ("gb18030", "gbk", "gb2312")
    traditional = "關於開展年度業主滿意度調查的通知\n各位業主：為進一步提升服務質量，物業服務中心將於12月1日開展調查。\n" * 20
    assert decode_bytes(traditional.encode("big5"), "notice.txt").encoding.startswith("big5")


@pytest.mark.parametrize("cut", [560, 561])  # 561 splits a character: Big5 then counts a byte more than GB18030
def test_decode_damaged_big5_is_read_as_big5_not_gb18030(cut):
    # charset-normalizer refuses the file for one stray byte; GB18030 decodes Big5 bytes too, as rare characters
    data = (TRAD * 20).encode("big5")
    decoded = decode_bytes(data[:cut] + b"\xff" + data[cut:], "reviews.txt")
    assert decoded.encoding == "big5" and decoded.confidence < 0.5 and decoded.undecodable >= 1
    assert decoded.text.startswith(TRAD * 5) and decoded.text.endswith(TRAD * 5)


def test_decode_damaged_gbk_and_cp950_pick_their_own_encoding():
    data = (TEXT * 20).encode("gbk")
    assert decode_bytes(data[:300] + b"\xff" + data[300:], "x.txt").encoding == "gb18030"
    # Windows' Big5 has the euro sign, which Big5 lacks
    data = ("退貨運費€12，" + TRAD * 20).encode("cp950")
    decoded = decode_bytes(data[:300] + b"\xff" + data[300:], "x.txt")
    assert decoded.encoding == "cp950" and decoded.text.startswith("退貨運費€12，")


@pytest.mark.parametrize(
    "text", ["一根数据线卖89，你们可真是“良心”价", "说好的‘七天无理由’呢……", "①发货慢②客服不回·差评——再也不买"],
    ids=["double-quotes", "single-quotes-ellipsis", "circled-numbers-dot-dash"],
)
def test_decode_short_utf16_without_bom_with_chinese_punctuation(text):
    decoded = decode_bytes(text.encode("utf-16-le"), "m.txt")
    assert decoded.encoding == "utf_16_le" and decoded.text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", ["这家再也不来了😤", "比心❤️", "楼道灯坏了半个月🌚\n🐌🐌🐌"], ids=["face", "heart-selector", "two-lines"])
def test_decode_short_utf16_without_bom_with_emoji(codec, text):
    # emoji are two UTF-16 units each (a surrogate pair) and often carry a variation selector
    decoded = decode_bytes(text.encode(codec), "m.txt")
    assert decoded.encoding == codec.replace("-", "_") and decoded.text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    ["This hotel is far from a 4-star hotel, very disappointed", "1.按摩电话太多", "智商税", "赞赞赞", "醉了"],
    ids=["english", "digits-then-chinese", "valid-utf8-by-chance", "both-orders-cjk", "two-characters"],
)
def test_decode_utf16_without_bom_that_also_decodes_otherwise(codec, text):
    # these bytes are also valid UTF-8 (with control characters), or CJK in the other byte order
    decoded = decode_bytes(text.encode(codec), "m.txt")
    assert decoded.encoding == codec.replace("-", "_") and decoded.text == text


@pytest.mark.parametrize(
    "text, codec",
    [("垃圾", "gb18030"), ("醉了", "gb18030"), ("一、硬件", "gb18030"), ("赞赞赞", "gb18030"),
     ("設施老舊", "big5"), ("好滴~", "big5"), ("我問下我老公", "big5"), ("沒什麼意思。後悔中。", "big5"),
     # in GB18030 these read as kana beside characters ("ぃ骸種"): Big5's C6A1 on are no common characters
     ("不滿意", "big5"), ("手機", "big5"), ("什麼", "big5")],
)
def test_decode_short_gbk_and_big5(text, codec):
    # a few characters give charset-normalizer too little to go on; both encodings decode most of
    # these bytes, and the reading with common characters is the right one
    decoded = decode_bytes(text.encode(codec), "m.txt")
    assert decoded.encoding == codec and decoded.text == text


@pytest.mark.parametrize("message", ["垃圾", "不满意", "多少钱", "太贵了", "谢谢", "快递怎么还没到"])
def test_decode_export_of_ids_and_times_with_a_few_short_gbk_messages(message):
    # hundreds of ASCII bytes around one short message: too little Chinese for charset-normalizer,
    # which took such files for Big5 ("垃圾" as "嶼僵")
    rows = ["session_id,message_id,time,role,text"]
    rows += [f"S2023110800{i:04d},M{i:08d},2023-11-08 10:{i:02d}:00,customer,ok" for i in range(8)]
    rows.insert(3, f"S1,M1,2023-11-08 10:00:00,customer,{message}")
    data = "\n".join(rows).encode("gbk")
    assert len(data) > 512
    decoded = decode_bytes(data, "export.csv")
    assert decoded.encoding == "gb18030" and decoded.text.splitlines()[3].endswith(f",customer,{message}")


@pytest.mark.parametrize("text, codec, expected", [
    ("谢谢".encode("gbk"), "gb18030", "谢谢"),  # also valid UTF-8: "лл"
    ("订单123谢谢".encode("gbk"), "gb18030", "订单123谢谢"),
    ("спасибо".encode("utf-8"), "utf_8", "спасибо"),  # Russian stays Russian: no common characters in GBK
    ("café".encode("utf-8"), "utf_8", "café"),  # accented Latin letters are not taken for GBK
    ("Ελλάδα".encode("utf-8"), "utf_8", "Ελλάδα"),
])
def test_decode_short_gbk_that_is_valid_utf8_too(text, codec, expected):
    decoded = decode_bytes(text, "m.txt")
    assert (decoded.encoding, decoded.text) == (codec, expected)


@pytest.mark.parametrize("text, codec", [
    ("配置強勁", "big5"),  # its second bytes are ASCII: also CJK UTF-16 ("環涸檱沫")
    ("🙄🙄🙄", "gb18030"),
    ("赞一个", "utf-16-le"),  # 一 is U+4E00: one NUL byte, in the place a BE text of ASCII has them
    ("赞一个", "utf-16-be"),
])
def test_decode_a_few_characters_that_read_as_utf16_and_as_gbk_or_big5(text, codec):
    decoded = decode_bytes(text.encode(codec), "m.txt")
    assert decoded.text == text and decoded.encoding == codec.replace("-", "_")


def test_decode_file_that_mixes_encodings_reads_each_line_in_its_own():
    utf8 = "".join(f"第{i}行：客服态度很好，物流也很快\n" for i in range(1, 201)).encode("utf-8")
    gbk = "".join(f"第{i}行：退款一直没到账，电话也打不通\n" for i in range(201, 204)).encode("gbk")
    big5 = "第204行：電話一直打不通\n".encode("big5")
    decoded = decode_bytes(utf8 + gbk + big5 + utf8[:40], "export.txt")
    assert decoded.encoding == "utf_8" and decoded.undecodable == 0
    assert "第202行：退款一直没到账，电话也打不通\n第203行" in decoded.text and "第204行：電話一直打不通\n第1行" in decoded.text
    assert decoded.other_lines == {"gb18030": [201, 202, 203], "big5": [204]}
    assert decoded.mixed_warning("export.txt").startswith(
        "export.txt: mixes encodings: read as utf_8 except lines 201, 202, 203 as gb18030; line 204 as big5;"
    )
    # half and half (charset-normalizer gives up on it), and mostly GBK with UTF-8 lines
    half = decode_bytes(utf8 + gbk * 60, "export.txt")
    assert half.encoding == "utf_8" and half.other_lines["gb18030"] == list(range(201, 381))
    mostly_gbk = decode_bytes(gbk * 70 + b"".join(utf8.splitlines(keepends=True)[:6]), "export.txt")
    assert mostly_gbk.encoding == "gb18030" and mostly_gbk.other_lines == {"utf_8": list(range(211, 217))}
    assert mostly_gbk.text.endswith("第6行：客服态度很好，物流也很快\n")


def test_decode_utf8_with_a_bom_and_a_pasted_gbk_line_reads_that_line_as_gbk():
    # Notepad writes UTF-8 with a BOM; a line pasted from a GBK export was garbled, or a short file refused
    utf8 = "".join(f"第{i}行：客服态度很好，物流也很快\n" for i in range(1, 31)).encode("utf-8")
    gbk = "第31行：退款一直没到账，电话也打不通\n".encode("gbk")
    decoded = decode_bytes(codecs.BOM_UTF8 + utf8 + gbk, "export.txt")
    assert decoded.bom and decoded.encoding == "utf_8" and decoded.other_lines == {"gb18030": [31]}
    assert decoded.text.endswith("第31行：退款一直没到账，电话也打不通\n") and decoded.undecodable == 0
    short = decode_bytes(codecs.BOM_UTF8 + "你好".encode("utf-8") + b"\n" + "退款没到".encode("gbk"), "m.txt")
    assert (short.text, short.encoding, short.other_lines) == ("你好\n退款没到", "utf_8", {"gb18030": [2]})
    assert decode_bytes(codecs.BOM_UTF8 + "你好".encode("utf-8"), "m.txt").text == "你好"


def test_decode_damaged_utf8_is_not_read_as_gbk():
    # damaged UTF-8 often decodes as GB18030, but as rare characters: it stays damaged UTF-8
    utf8 = "".join(f"第{i}行：客服态度很好，物流也很快\n" for i in range(1, 201)).encode("utf-8")
    decoded = decode_bytes(utf8[:301] + utf8[302:], "export.txt")
    assert decoded.encoding == "utf_8" and decoded.undecodable >= 1 and not decoded.other_lines


def test_decode_cut_off_word_document_is_named_damaged(tmp_path):
    import io
    import zipfile

    data, _ = read_bytes(_word_document(tmp_path))
    with pytest.raises(InputError, match=r"trunc.docx: a Word document that is damaged or incomplete .*save it again"):
        decode_bytes(data[:3000], "trunc.docx")
    # another damaged ZIP archive is still named as one
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data/sheet.bin", bytes(range(256)) * 40)
    with pytest.raises(InputError, match="x.zip: looks like a ZIP archive"):
        decode_bytes(archive.getvalue()[:3000], "x.zip")


def test_decode_short_big5_hkscs_and_the_confidence_of_a_tie():
    cantonese = "你哋啲客服真係好差，等咗成個禮拜"  # characters Big5 lacks: Big5-HKSCS, not GB18030 garbage
    decoded = decode_bytes(cantonese.encode("big5hkscs"), "m.txt")
    assert (decoded.text, decoded.encoding) == (cantonese, "big5hkscs") and decoded.confidence >= 0.5
    # common characters in both readings: a guess, below the default input.min_confidence, which warns
    for text, codec in (("垃圾", "gbk"), ("謝謝", "big5")):
        assert decode_bytes(text.encode(codec), "m.txt").confidence < 0.5
    assert decode_bytes("快递怎么还没到".encode("gbk"), "m.txt").confidence >= 0.5


def test_decode_refuses_text_files_packed_in_a_tar_and_a_file_of_nul_bytes(tmp_path):
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = "快递慢\n".encode("utf-8")
        info = tarfile.TarInfo("m.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(InputError, match="t.tar: looks like a tar archive, not text"):
        decode_bytes(buffer.getvalue(), "t.tar")
    with pytest.raises(InputError, match="z.bin: looks like a binary file, not text"):
        decode_bytes(b"\x00" * 4096, "z.bin")
    # a stray NUL or two in an export is no binary file
    assert decode_bytes("快递慢\x00\n客服好\n".encode("utf-8") * 50, "e.txt").encoding == "utf_8"


def test_decode_word_document_reads_all_the_text_word_shows(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("正文第一段")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "外层单元格"
    inner = table.cell(0, 1).add_table(rows=1, cols=2)  # a table inside a cell
    inner.cell(0, 0).text, inner.cell(0, 1).text = "嵌套表格里的投诉", "4803次"
    body = document.element.body
    for xml in (
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>内容控件里的段落：客户满意度95%</w:t></w:r></w:p></w:sdtContent></w:sdt>',
        f'<w:p {nsdecls("w")}><w:r><w:t>修订前文字，</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>插入的文字</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>删掉的文字</w:delText></w:r></w:del><w:r><w:t>，结尾。</w:t></w:r></w:p>',
        f'<w:p {nsdecls("w")}><w:r><w:t>共有</w:t></w:r><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>12</w:t></w:r></w:fldSimple>'
        '<w:r><w:t>页</w:t></w:r></w:p>',
        # a line break inside a paragraph (Shift+Enter): still one paragraph, one line
        f'<w:p {nsdecls("w")}><w:r><w:t>电梯故障</w:t><w:br/><w:t>已修复</w:t></w:r></w:p>',
        f'<w:p {nsdecls("w")}><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>第3页</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
    ):
        body.insert(len(body) - 1, parse_xml(xml))
    path = tmp_path / "r.docx"
    document.save(path)
    data, label = read_bytes(path)
    assert decode_bytes(data, label).text.split("\n") == [
        "正文第一段", "外层单元格 嵌套表格里的投诉 4803次", "内容控件里的段落：客户满意度95%", "修订前文字，插入的文字，结尾。", "共有12页", "电梯故障 已修复", "第3页",
    ]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_decode_file_that_mixes_encodings_whatever_its_line_ends(end):
    utf8 = "".join(f"第{i}行：客服态度很好，物流也很快{end}" for i in range(1, 31)).encode("utf-8")
    gbk = f"第31行：退款一直没到账，电话也打不通{end}".encode("gbk")
    decoded = decode_bytes(utf8 + gbk, "export.txt")
    assert decoded.other_lines == {"gb18030": [31]} and decoded.text.endswith(f"很快{end}第31行：退款一直没到账，电话也打不通{end}")


def test_decode_word_table_rows_keep_blank_cells_and_cells_merged_down_in_their_columns(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    for row, cells in enumerate([("类别", "指标", "2025年", "2024年"), ("客户服务", "业主满意率", "95.8%", "94.2%"),
                                 ("", "线上报修占比", "42.5%", ""), ("", "", "", "")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # the category merged down two rows
    path = tmp_path / "t.docx"
    document.save(path)
    data, label = read_bytes(path)
    # the merged cell shows its text in each row it spans; a blank cell keeps its place as "—";
    # a row without any text is an empty line
    assert decode_bytes(data, label).text.split("\n") == [
        "类别 指标 2025年 2024年", "客户服务 业主满意率 95.8% 94.2%", "客户服务 线上报修占比 42.5% —", ""]
