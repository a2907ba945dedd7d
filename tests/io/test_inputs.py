"""Which files a run reads, and how many records they hold for progress estimates."""

import json

import pytest

from feedback_nlp.errors import InputError, InputNotFoundError
from feedback_nlp.io.inputs import count_lines, expand_inputs, named_paths, visible_files


def test_inputs_expand_finds_known_files(tmp_path):
    (tmp_path / "a.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv.gz").write_bytes(b"")
    (tmp_path / "notes.pdf").write_bytes(b"")
    (tmp_path / "sub" / "EXPORT.CSV.GZ").write_bytes(b"")  # as Windows names it
    (tmp_path / "backup.tar.gz").write_bytes(b"")  # an archive of exports is no export: skipped, said so
    skipped = []
    found = expand_inputs([tmp_path], skipped)
    assert sorted(p.name for p in found) == ["EXPORT.CSV.GZ", "a.jsonl", "b.csv.gz"]
    assert sorted(p.name for p in skipped) == ["backup.tar.gz", "notes.pdf"]


def test_inputs_notes_and_program_logs_beside_the_exports_are_skipped(tmp_path):
    (tmp_path / "2024-01.csv").write_text("内容\n快递没到\n", encoding="utf-8")
    (tmp_path / "README.txt").write_text("导出说明：本目录为2024年1月客服聊天记录\n", encoding="utf-8")
    (tmp_path / "导出说明.txt").write_text("共2条\n", encoding="utf-8")
    (tmp_path / "export.log").write_text("2024-03-05 10:00:01 INFO export started, table=chat_msg\n", encoding="utf-8")
    (tmp_path / "chat.log").write_text("2024-03-05 10:00:01 顾客小王: 快递没到\n", encoding="utf-8")  # a transcript named .log
    (tmp_path / "reviews.txt").write_text("快递没到\n", encoding="utf-8")
    skipped = []
    found = expand_inputs([tmp_path], skipped)
    assert sorted(p.name for p in found) == ["2024-01.csv", "chat.log", "reviews.txt"]
    assert sorted(p.name for p in skipped) == ["README.txt", "export.log", "导出说明.txt"]
    # named on the command line, a file is read whatever it is
    assert expand_inputs([tmp_path / "README.txt"]) == [tmp_path / "README.txt"]


def test_inputs_visible_files_come_in_natural_order(tmp_path):
    for name in ("2024年10月.txt", "2024年2月.txt", "2024年1月.txt", "export_10.csv", "export_9.csv", ".hidden.txt", "~$2024年度总结.docx"):  # a lock file of Word
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in visible_files(tmp_path)] == [
        "2024年1月.txt", "2024年2月.txt", "2024年10月.txt", "export_9.csv", "export_10.csv", "sub/a.txt"]


def test_inputs_named_paths_must_exist_and_not_be_empty(tmp_path):
    assert named_paths(tmp_path) == [tmp_path]
    with pytest.raises(InputNotFoundError, match="nope.csv: no such file or folder"):
        named_paths([tmp_path / "nope.csv"])
    with pytest.raises(InputError, match="an empty path was given among the reports"):
        named_paths(["", tmp_path], what="reports")
    with pytest.raises(InputError, match="no inputs given"):
        named_paths([])


def test_inputs_count_lines_reads_gzip_and_json_documents(tmp_path):
    import gzip

    (tmp_path / "a.jsonl").write_text("1\n2\n3\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("x\n" * 5)
    assert count_lines([tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz", tmp_path / "missing"]) == 8
    # a .json file: JSON Lines, or one pretty-printed document whose objects take several lines each
    rows = [{"session": f"s{i}", "role": "customer", "content": "快递还没到", "meta": {"shop": 1}} for i in range(40)]
    (tmp_path / "lines.json").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "pretty.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    (tmp_path / "one_line.json").write_text(json.dumps({"data": rows}), encoding="utf-8")
    assert count_lines([tmp_path / "lines.json"]) == count_lines([tmp_path / "pretty.json"]) == 40
    assert count_lines([tmp_path / "one_line.json"]) == 1  # no better estimate without reading it


def test_inputs_count_lines_counts_the_rows_of_a_workbook(tmp_path):
    # progress estimates: a workbook is a zip file, whose line breaks say nothing of its rows
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["session", "role", "content"])
    for i in range(1200):
        book.active.append([f"s{i}", "customer", "快递还没到"])
    book.save(tmp_path / "sized.xlsx")
    streamed = openpyxl.Workbook(write_only=True)  # written without the sheet's size
    for name, n in (("1月", 30), ("2月", 20)):
        sheet = streamed.create_sheet(name)
        for i in range(n):
            sheet.append([f"s{i}", "customer", "<row> 不是一行"])
    streamed.save(tmp_path / "streamed.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert count_lines([tmp_path / "sized.xlsx"]) == 1201
    assert count_lines([tmp_path / "streamed.xlsx", tmp_path / "broken.xlsx"]) == 50


def test_inputs_count_lines_counts_the_messages_of_a_transcript(tmp_path):
    # a QQ or WeChat export takes three or more lines a message (time and speaker, the text, a blank
    # line): counting lines put the progress share at a third when the run ended
    from feedback_nlp.config import load_chatlog_config
    from feedback_nlp.io.records import Record, RecordReader

    qq = "".join(f"2023-01-05 10:{i % 60:02d}:01 顾客小王\n快递怎么还没到\n第二行\n\n" for i in range(300))
    (tmp_path / "qq.txt").write_text("会话ID: S1\n" + qq, encoding="gb18030")
    one_line = "".join(f"[2023/1/5 10:{i % 60:02d}] 客服: 您好\n" for i in range(120))
    (tmp_path / "one_line.log").write_text(one_line, encoding="utf-8")
    speaker_first = "".join(f"客服小李 2023-01-05 10:{i % 60:02d}:01\n您好\n\n" for i in range(50))
    (tmp_path / "speaker_first.txt").write_text(speaker_first, encoding="utf-8")
    (tmp_path / "plain.txt").write_text("物流太慢\n\n客服态度差\n发票怎么开\n", encoding="utf-8")
    # a list of reviews, a few of which quote a date and time, is a list: every line counts
    reviews = "".join("物流太慢，客服态度差\n" if i % 300 else "2009-5-3 17:25 下的单，到现在没发货\n" for i in range(2000))
    (tmp_path / "reviews.txt").write_text(reviews, encoding="utf-8")
    reader = RecordReader(load_chatlog_config())
    for name, expected in (("qq.txt", 300), ("one_line.log", 120), ("speaker_first.txt", 50), ("plain.txt", 4), ("reviews.txt", 2000)):
        assert count_lines([tmp_path / name]) == expected, name
    for name in ("qq.txt", "one_line.log", "speaker_first.txt", "reviews.txt"):
        assert sum(isinstance(r, Record) for r in reader.read(tmp_path / name)) == count_lines([tmp_path / name])


def test_inputs_chat_files_that_mention_notes_or_errors_are_not_skipped(tmp_path):
    (tmp_path / "售后说明会记录.txt").write_text("2024-03-05 10:00:01 顾客小王: 快递没到\n", encoding="utf-8")
    (tmp_path / "chat.log").write_text("2024-03-05 10:00:01 顾客小王: 快递没到\nERROR 页面打不开\n2024-03-05 10:01:00 客服: 亲\n",
                                       encoding="utf-8")
    skipped = []
    assert sorted(p.name for p in expand_inputs([tmp_path], skipped)) == ["chat.log", "售后说明会记录.txt"] and not skipped
