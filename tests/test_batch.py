"""Batch classification of chat-log exports: formats, order with workers, rejects and counts,
sessions, redaction, resume after an interruption, and the CLI's messages."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from feedback_nlp import batch
from feedback_nlp.batch import classify_files
from feedback_nlp.cli import app
from feedback_nlp.errors import FeedbackNLPError, InputError
from feedback_nlp.summarise.feedback import analyse_chats


def make_export(path, n_sessions=30):
    rows = []
    for s in range(n_sessions):
        rows.append({"session_id": f"s{s}", "msg_id": f"s{s}-1", "time": f"2023-03-{s % 28 + 1:02d} 10:00:00", "role": "customer", "content": f"快递{s}天了还没到，电话13812345{s:03d}"})
        rows.append({"session_id": f"s{s}", "msg_id": f"s{s}-2", "time": f"2023-03-{s % 28 + 1:02d} 10:01:30", "role": "agent", "content": "亲，帮您查一下"})
        rows.append({"session_id": f"s{s}", "msg_id": f"s{s}-3", "time": f"2023-03-{s % 28 + 1:02d} 10:05:00", "role": "customer", "content": "客服态度太差了，还是没解决"})
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(5, '{"broken json')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_batch_counts_add_up_and_order_is_kept(tmp_path, tiny_model_dir):
    n = make_export(tmp_path / "chats.jsonl")
    out = tmp_path / "out" / "msgs.jsonl"
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=7, sessions_output=tmp_path / "out" / "s.jsonl")
    rows = read_jsonl(out)
    rejects = read_jsonl(tmp_path / "out" / "msgs.jsonl.rejects.jsonl")
    assert summary.read == n == len(rows) + len(rejects)
    assert summary.as_dict()["counts_add_up"]
    # the run itself leaves its summary beside the output, whatever becomes of its report
    saved = json.loads((tmp_path / "out" / "msgs.jsonl.summary.json").read_text(encoding="utf-8"))
    assert {k: saved[k] for k in ("read", "written", "rejected")} == {k: summary.as_dict()[k] for k in ("read", "written", "rejected")}
    assert rejects[0]["line"] == 6 and "not valid JSON" in rejects[0]["reason"]
    assert [r["line"] for r in rows] == sorted(r["line"] for r in rows)
    customer = [r for r in rows if r["role"] == "customer"]
    assert all(r["sentiment"] for r in customer) and all(r["sentiment"] is None for r in rows if r["role"] == "agent")
    assert customer[0]["fields"]["msg_id"] == "s0-1"
    sessions = read_jsonl(tmp_path / "out" / "s.jsonl")
    assert len(sessions) == 30
    assert sessions[0]["first_response_seconds"] == 90.0 and sessions[0]["duration_seconds"] == 300.0


def test_batch_outputs_of_two_formats_in_one_folder_keep_their_own_rejects(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl")
    classify_files([tmp_path / "chats.jsonl"], tmp_path / "out.jsonl", model=tiny_model_dir)
    (tmp_path / "more.jsonl").write_text('{"broken\n{"also broken\n', encoding="utf-8")
    classify_files([tmp_path / "chats.jsonl", tmp_path / "more.jsonl"], tmp_path / "out.csv", model=tiny_model_dir)
    assert len(read_jsonl(tmp_path / "out.jsonl.rejects.jsonl")) == 1
    assert len(read_jsonl(tmp_path / "out.csv.rejects.jsonl")) == 3


def test_batch_two_workers_same_output(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    classify_files([tmp_path / "chats.jsonl"], one, model=tiny_model_dir, chunk_size=5, workers=1)
    classify_files([tmp_path / "chats.jsonl"], two, model=tiny_model_dir, chunk_size=5, workers=2)
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_batch_csv_and_parquet(tmp_path, tiny_model_dir, fmt):
    """The format follows the output's name; no format is passed."""
    make_export(tmp_path / "chats.jsonl", n_sessions=5)
    out = tmp_path / f"msgs.{fmt}"
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, sessions_output=tmp_path / "s.csv")
    assert summary.sessions == 5
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.num_rows == summary.written and "causes" in table.column_names
    else:
        assert out.read_text(encoding="utf-8").count("\n") == summary.written + 1


def test_batch_parquet_whose_first_chunk_has_no_classified_message(tmp_path, tiny_model_dir):
    # agents' turns first: their score and complaint columns are empty, and must not fix those
    # columns' types as text for the messages that follow
    rows = ["session,role,content"] + [f"s{i},agent,亲，在的" for i in range(12)] + [f"s{i},customer,快递五天了还没到" for i in range(3)]
    (tmp_path / "chats.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    import pyarrow.parquet as pq

    out = tmp_path / "msgs.parquet"
    summary = classify_files([tmp_path / "chats.csv"], out, model=tiny_model_dir, chunk_size=5)
    table = pq.read_table(out)
    assert table.num_rows == summary.written == 15
    assert str(table.schema.field("sentiment_score").type) == "double" and str(table.schema.field("is_complaint").type) == "bool"
    assert table.column("is_complaint").to_pylist()[-3:] == [True] * 3


def test_batch_redact_masks_every_output(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=3)
    out = tmp_path / "msgs.jsonl"
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, redact=True)
    text = out.read_text(encoding="utf-8")
    assert "13812345000" not in text and "[PHONE#" in text
    assert summary.redacted["PHONE"] == 6  # in the text and again in the original fields


def evidence_of(row):
    return [e for es in row["evidence"]["causes"].values() for e in es] + row["evidence"]["sentiment"]


def test_batch_explain_writes_the_evidence_of_each_customer_message(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=3)
    plain = tmp_path / "plain.csv"
    classify_files([tmp_path / "chats.jsonl"], plain, model=tiny_model_dir)
    assert "evidence" not in plain.read_text(encoding="utf-8-sig").splitlines()[0].split(",")  # off unless asked for
    out = tmp_path / "msgs.jsonl"
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, explain=True, workers=2, chunk_size=4)
    rows = read_jsonl(out)
    assert summary.as_dict()["counts_add_up"]
    customer = [r for r in rows if r["role"] == "customer"]
    assert all(r["evidence"] is None for r in rows if r["role"] == "agent")
    assert all(set(r["evidence"]["causes"]) == set(r["causes"]) for r in customer)
    assert "logistics" in customer[0]["evidence"]["causes"]
    entries = [(r["text"], e) for r in customer for e in evidence_of(r)]
    assert entries and all(text[e["start"] : e["end"]] == e["text"] for text, e in entries)
    # the same classification as without evidence
    classify_files([tmp_path / "chats.jsonl"], tmp_path / "without.jsonl", model=tiny_model_dir)
    assert [{k: v for k, v in r.items() if k != "evidence"} for r in rows] == read_jsonl(tmp_path / "without.jsonl")


def test_batch_explain_with_redact_points_into_the_masked_text(tmp_path, tiny_model_dir):
    lines = ["session,role,content", "s1,customer,快递13812345678还没到，太慢了", "s1,customer,打了13812345678没人接，快递丢了"]
    (tmp_path / "chats.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "msgs.jsonl"
    classify_files([tmp_path / "chats.csv"], out, model=tiny_model_dir, explain=True, redact=True)
    rows = read_jsonl(out)
    assert "13812345678" not in out.read_text(encoding="utf-8")
    assert all("[PHONE#" in r["text"] for r in rows)
    entries = [(r["text"], e) for r in rows for e in evidence_of(r)]
    assert entries and all(text[e["start"] : e["end"]] == e["text"] for text, e in entries)


def test_batch_cli_explain_is_off_in_batch_mode_unless_asked_for(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=2)
    for flags, expected in (([], False), (["--explain"], True)):
        out = tmp_path / f"o{len(flags)}.jsonl"
        result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(out), "-m", str(tiny_model_dir), "-w", "1", *flags])
        assert result.exit_code == 3, result.output  # the broken line is rejected
        assert ("evidence" in read_jsonl(out)[0]) == expected


def test_batch_resume_after_interruption(tmp_path, tiny_model_dir, monkeypatch):
    make_export(tmp_path / "chats.jsonl")
    out = tmp_path / "msgs.jsonl"
    reference = tmp_path / "ref.jsonl"
    classify_files([tmp_path / "chats.jsonl"], reference, model=tiny_model_dir, chunk_size=10)

    calls = {"n": 0}
    original = batch._account

    def crash_after_three(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            # half a chunk reaches the file, then the process dies before its checkpoint
            args[1].write(args[0][0:2] and [r for k, r in args[0][:2] if k == "message"])
            args[1].flush()
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(batch, "_account", crash_after_three)
    with pytest.raises(KeyboardInterrupt):
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10)
    monkeypatch.setattr(batch, "_account", original)
    # going on with another model would mix two models' labels in one output
    with pytest.raises(FeedbackNLPError, match=r"classified by .*tiny.*shipped default model.*--restart"):
        classify_files([tmp_path / "chats.jsonl"], out, chunk_size=10, resume=True)
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, resume=True)
    assert out.read_text(encoding="utf-8") == reference.read_text(encoding="utf-8")
    assert summary.as_dict()["counts_add_up"] and summary.read == 91 and summary.files == 1
    assert summary.model["path"] == str(tiny_model_dir) and summary.model["backend"] == "sklearn"
    assert summary.model["created"] and "training_data_sha256" in summary.model and "cause_names" in summary.model
    assert not (tmp_path / "msgs.jsonl.checkpoint.json").exists()


def test_batch_resume_without_checkpoint_says_so(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=2)
    with pytest.raises(Exception, match="no checkpoint"):
        classify_files([tmp_path / "chats.jsonl"], tmp_path / "m.jsonl", model=tiny_model_dir, resume=True)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_batch_undecodable_bytes_beside_the_message_do_not_stop_the_run(tmp_path, tiny_model_dir, fmt):
    # a Latin-1 byte in a nested value and in a key of a UTF-8 file, a GBK title line above a UTF-8
    # header: the messages are classified, the title rejected, the bytes kept as escapes
    (tmp_path / "a.jsonl").write_bytes(
        '{"text": "快递五天了还没到", "meta": {"note": "caf'.encode() + b"\xe9" + b'"}}\n'
        + b'{"text": "\xe5\xae\xa2\xe6\x9c\x8d\xe6\x80\x81\xe5\xba\xa6\xe5\xbe\x88\xe5\xb7\xae", "caf\xe9": 1}\n'
    )
    rows = "".join(f"第{i}次报修了，空调还是不制冷\n" for i in range(40))
    (tmp_path / "b.csv").write_bytes("客服聊天记录导出（2023年1月）\n".encode("gbk") + f"text\n{rows}".encode())
    out, rejects = tmp_path / f"msgs.{fmt}", tmp_path / "rejects.jsonl"
    summary = classify_files([tmp_path / "a.jsonl", tmp_path / "b.csv"], out, model=tiny_model_dir, rejects_output=rejects)
    assert (summary.read, summary.written, summary.rejected, summary.files_failed) == (43, 42, 1, [])
    assert "a title above the header row" in rejects.read_text(encoding="utf-8")
    written = out.read_text(encoding="utf-8-sig")
    assert "\\udce9" in written and "快递五天了还没到" in written and "客服态度很差" in written


runner = CliRunner()


def test_batch_cli_messages(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=2)
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 3  # one broken line was rejected
    assert "7 records read = 6 written" in result.stderr and "+ 1 rejected" in result.stderr
    # a path that does not exist (or an empty one) is a usage error, found before any output is written
    fresh = tmp_path / "fresh" / "o.jsonl"
    for missing in (str(tmp_path / "missing.jsonl"), ""):
        result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), missing, "-o", str(fresh), "--model", str(tiny_model_dir)])
        assert result.exit_code == 2 and ("missing.jsonl: no such file" in result.stderr or "an empty path" in result.stderr)
        assert result.stderr.count("error") == 1 and not (tmp_path / "fresh").exists()
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(tmp_path / "empty.csv"), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 1 and "empty.csv: file is empty" in result.stderr
    (tmp_path / "wrong.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(tmp_path / "wrong.csv"), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 1 and "no text field" in result.stderr and "--text-field" in result.stderr
    result = runner.invoke(app, ["classify", str(tmp_path / "wrong.csv"), "-o", str(out), "--text-field", "b", "--model", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 0, result.stderr


def test_batch_cli_progress_lines_with_eta(tmp_path, tiny_model_dir, monkeypatch):
    import itertools

    from feedback_nlp import progress as progress_module

    make_export(tmp_path / "chats.jsonl", n_sessions=20)
    clock = itertools.count(0, 30)  # every progress call looks 30 s after the previous one
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(batch, "CHUNK_SIZE", 10)
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--model", str(tiny_model_dir), "-w", "1"])
    progress = [line for line in result.stderr.splitlines() if "left" in line]
    assert progress and "%" in progress[0] and "records" in progress[0] and "/s" in progress[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "big5", "utf-16"])
def test_batch_csv_in_each_encoding(tmp_path, tiny_model_dir, encoding):
    text = "會話,角色,內容\nk1,顧客,快遞五天了還沒到\nk1,客服,您好，很高興為您服務\n" if encoding == "big5" else "会话,角色,内容\nk1,顾客,快递五天了还没到\nk1,客服,您好，很高兴为您服务\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    out = tmp_path / "o.jsonl"
    mapping = ["--field", "session=會話", "--field", "role=角色", "--field", "text=內容"] if encoding == "big5" else []
    result = runner.invoke(app, ["classify", str(path), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1", *mapping])
    assert result.exit_code == 0, result.stderr
    rows = read_jsonl(out)
    assert [r["role"] for r in rows] == ["customer", "agent"]
    assert rows[0]["text"].startswith("快") and rows[0]["causes"] == ["logistics"]


def test_batch_cli_field_option_is_checked(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=1)
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--field", "text", "--model", str(tiny_model_dir)])
    assert result.exit_code == 2 and "write FIELD=COLUMN" in result.stderr
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--field", "colour=x", "--model", str(tiny_model_dir)])
    assert result.exit_code == 2 and "unknown key 'fields.colour'" in result.stderr


def test_batch_repairs_messages_stored_as_mojibake(tmp_path, tiny_model_dir):
    # a CSV written as UTF-8 whose text column had been read as GBK somewhere upstream
    texts = ["快递五天了还没到，客服也不回复", "客服态度很差，问什么都说不知道", "好的"]
    damaged = [t.encode("utf-8").decode("gbk", errors="ignore") for t in texts]
    lines = ["session,role,content"] + [f"s{i},customer,{t}" for i, t in enumerate(damaged)]
    (tmp_path / "chats.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "msgs.jsonl"
    summary = classify_files([tmp_path / "chats.csv"], out, model=tiny_model_dir)
    rows = read_jsonl(out)
    assert [r["text"] for r in rows[:2]] == texts[:2]
    assert all("mojibake" in r["warning"] for r in rows[:2])
    assert rows[0]["causes"] == ["logistics"] and rows[1]["causes"] == ["attitude"]
    # a message too short to judge alone stays as read, and is not said to be repaired
    assert rows[2]["text"] == damaged[2] and not (rows[2]["warning"] or "").startswith("text repaired")
    assert summary.repaired == 2 and summary.as_dict()["counts_add_up"]


def test_batch_keeps_messages_whose_time_is_not_a_date_and_says_so(tmp_path, tiny_model_dir):
    lines = ["session,time,role,content", "s1,2023/6/7 20:03,customer,快递还没到", "s1,2023-13-45 25:61:00,agent,亲，帮您查",
             "s1,昨天下午,customer,客服态度很差", "s2,,customer,快递还没到"]
    (tmp_path / "chats.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = classify_files([tmp_path / "chats.csv"], tmp_path / "msgs.jsonl", model=tiny_model_dir)
    rows = read_jsonl(tmp_path / "msgs.jsonl")
    assert len(rows) == 4 and summary.times_not_dates == 2  # an empty time is not a wrong one
    assert [bool(r["warning"] and "is not a date" in r["warning"]) for r in rows] == [False, True, True, False]
    assert rows[2]["causes"] == ["attitude"]  # still classified
    # the time as exported, and in one sortable form where it is a date
    assert rows[0]["time"] == "2023/6/7 20:03" and rows[0]["time_iso"] == "2023-06-07T20:03:00"
    assert [r["time_iso"] for r in rows[1:]] == [None, None, None]


def classify_interrupted(monkeypatch, n: int, *args, **kwargs) -> None:
    """``classify_files(*args, **kwargs)`` stopped with Ctrl-C while its ``n``-th chunk is being
    written, as a user would stop it."""
    original = interrupt_at_chunk(monkeypatch, n)
    with pytest.raises(KeyboardInterrupt):
        classify_files(*args, **kwargs)
    monkeypatch.setattr(batch, "_account", original)


def interrupt_at_chunk(monkeypatch, n: int):
    """Make a batch run stop with Ctrl-C when its ``n``-th chunk is being written; returns the
    function to put back."""
    original = batch._account
    calls = {"n": 0}

    def account(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(batch, "_account", account)
    return original


def test_batch_refuses_to_overwrite_an_unfinished_run(tmp_path, tiny_model_dir, monkeypatch):
    make_export(tmp_path / "chats.jsonl")
    out = tmp_path / "msgs.jsonl"
    original = interrupt_at_chunk(monkeypatch, 3)
    monkeypatch.setattr(batch, "CHUNK_SIZE", 10)
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 130 and "--resume" in result.stderr and "--restart" in result.stderr
    monkeypatch.setattr(batch, "_account", original)
    kept = out.read_text(encoding="utf-8")
    assert kept  # the chunks done before the interruption
    # a plain rerun would throw that work away: it is refused, naming the output and what to pass
    with pytest.raises(FeedbackNLPError, match=r"stopped after .* input records.*--resume.*--restart"):
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir)
    assert out.read_text(encoding="utf-8") == kept
    with pytest.raises(FeedbackNLPError, match="pass one of them"):
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, resume=True, restart=True)
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, restart=True)
    assert summary.read == 91 and summary.as_dict()["counts_add_up"]
    assert not (tmp_path / "msgs.jsonl.checkpoint.json").exists()


@pytest.mark.parametrize("explain", [False, True])
def test_batch_csv_output_opens_in_excel_and_resumes_byte_for_byte(tmp_path, tiny_model_dir, monkeypatch, explain):
    make_export(tmp_path / "chats.jsonl")
    reference, out = tmp_path / "ref.csv", tmp_path / "msgs.csv"
    classify_files([tmp_path / "chats.jsonl"], reference, fmt="csv", model=tiny_model_dir, chunk_size=10, explain=explain)
    assert reference.read_bytes().startswith(b"\xef\xbb\xbfid,")  # a byte order mark: Excel reads UTF-8
    classify_interrupted(monkeypatch, 4, [tmp_path / "chats.jsonl"], out, fmt="csv", model=tiny_model_dir, chunk_size=10,
                         explain=explain)
    classify_files([tmp_path / "chats.jsonl"], out, fmt="csv", model=tiny_model_dir, chunk_size=10, resume=True, explain=explain)
    assert out.read_bytes() == reference.read_bytes()  # no second mark (nor header) where the run went on
    assert analyse_chats(out)["messages"] > 0


def test_batch_interrupted_parquet_is_not_emptied_by_resume(tmp_path, tiny_model_dir, monkeypatch):
    make_export(tmp_path / "chats.jsonl")
    out = tmp_path / "msgs.parquet"
    classify_interrupted(monkeypatch, 4, [tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10)
    size = out.stat().st_size
    with pytest.raises(FeedbackNLPError, match="a Parquet output cannot be resumed; pass --restart"):
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, resume=True)
    assert out.stat().st_size == size  # what was written is still there
    with pytest.raises(FeedbackNLPError, match=r"pass --restart to start again and overwrite it \(a Parquet output"):
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10)
    classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, restart=True)


def test_batch_workers_read_only_a_few_chunks_ahead_of_the_writer():
    """The pool is fed as results are written, so memory does not grow with the input."""
    read = []

    class Done:
        def __init__(self, value):
            self.value = value

        def get(self):
            return self.value

    class Pool:
        def apply_async(self, func, args):
            return Done(args[0])

    def chunks():
        for i in range(100):
            read.append(i)
            yield [i]

    results = batch._bounded(Pool(), chunks(), ahead=4)
    for written, chunk in enumerate(results):
        assert chunk == [written]  # in input order
        assert len(read) - written <= 4
    assert written == 99


def test_batch_cli_reject_summary_keeps_each_count_apart_from_its_reason(tmp_path, tiny_model_dir):
    lines = ["session,role,content", "s1,customer,快递还没到", "s1,customer,太慢了,多余", "s1,customer,太慢了,多余",
             "s1,customer", "s1,customer,"]
    (tmp_path / "chats.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.csv"), "-o", str(tmp_path / "o.jsonl"), "--model", str(tiny_model_dir)])
    assert result.exit_code == 3
    line = next(x for x in result.stderr.splitlines() if "rejected (" in x)
    assert "4 columns where the header has 3 (2); " in line and "2 columns where the header has 3 (1)" in line


def test_batch_keeps_empty_messages_as_turns_without_classifying_them(tmp_path, tiny_model_dir):
    lines = ["session,time,role,content", "s1,2023-06-07 10:00:00,customer,快递还没到", "s1,2023-06-07 10:03:00,agent,",
             "s1,2023-06-07 10:04:00,customer,   "]
    (tmp_path / "chats.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = classify_files([tmp_path / "chats.csv"], tmp_path / "msgs.jsonl", model=tiny_model_dir,
                             sessions_output=tmp_path / "s.jsonl")
    rows = read_jsonl(tmp_path / "msgs.jsonl")
    assert summary.rejected == 0 and summary.written == 3 and summary.classified == 1
    assert [r["sentiment"] is None for r in rows] == [False, True, True]
    assert all("empty text" in r["warning"] for r in rows[1:])
    # the agent's picture answered the customer: it counts in the session's first response time
    assert read_jsonl(tmp_path / "s.jsonl")[0]["first_response_seconds"] == 180.0


def test_batch_keeps_picture_placeholders_as_turns_without_classifying_them(tmp_path, tiny_model_dir):
    lines = ["session,role,content", "s1,customer,[图片]", "s1,customer,[图片]快递还没到", "s1,customer,[语音]"]
    (tmp_path / "chats.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = classify_files([tmp_path / "chats.csv"], tmp_path / "msgs.jsonl", model=tiny_model_dir)
    rows = read_jsonl(tmp_path / "msgs.jsonl")
    assert summary.rejected == 0 and summary.written == 3 and summary.classified == 1
    assert [r["sentiment"] is None for r in rows] == [True, False, True]
    assert "only [图片]" in rows[0]["warning"] and "only [语音]" in rows[2]["warning"]
    assert rows[1]["causes"] == ["logistics"]  # beside words the placeholder is dropped


def test_batch_says_when_only_the_wording_told_the_roles(tmp_path, tiny_model_dir):
    rows = ["会话ID,时间,发送方,内容", "S1,2025-05-04 19:59:34,业主-周超,请问物业费可以按年交吗？",
            "S1,2025-05-04 20:01:29,坐席07,您好，很高兴为您服务，请问有什么可以帮您？", "S1,2025-05-04 20:02:00,坐席07,好的，我这边记录了。"]
    (tmp_path / "with_speaker.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    result = runner.invoke(app, ["classify", str(tmp_path / "with_speaker.csv"), "-o", str(out), "-m", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 0, result.stderr
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["role"] for r in written] == ["customer", "agent", "agent"]  # 发送方 names the speaker
    assert written[0]["speaker"] == "业主-周超" and "no role field" not in result.stderr
    # without the speaker column only the wording tells, and the agent's plain reply reads as a customer's
    (tmp_path / "bare.csv").write_text("\n".join(",".join(r.split(",")[:2] + r.split(",")[3:]) for r in rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(tmp_path / "bare.csv"), "-o", str(tmp_path / "b.jsonl"), "-m", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 0, result.stderr
    assert "no role field or speaker's name told the role of 3 of 3 messages" in result.stderr and "--field role=" in result.stderr
    summary = json.loads((tmp_path / "b.jsonl.summary.json").read_text(encoding="utf-8"))
    assert summary["roles_from_wording"] == 3


def test_batch_refuses_a_damaged_model_before_starting_workers(tmp_path, tiny_model_dir):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_model_dir, broken)
    (broken / "featurizer.json").unlink()
    make_export(tmp_path / "chats.jsonl", n_sessions=4)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(out), "-m", str(broken), "-w", "2"])
    assert result.exit_code == 2 and "featurizer.json is missing" in result.stderr
    assert not out.exists() and "--resume" not in result.stderr  # nothing written, nothing to resume


def test_batch_worker_that_cannot_load_its_model_reports_it_with_the_first_chunk(tmp_path):
    from feedback_nlp.models.base import ModelError

    state = dict(batch._worker_state)
    try:
        batch._init_pool_worker(str(tmp_path / "no_model"), False)  # a pool would otherwise restart it for ever
        with pytest.raises(ModelError, match="not found"):
            batch._process_chunk([])
    finally:
        batch._worker_state.clear()
        batch._worker_state.update(state)


def test_batch_run_into_an_input_folder_leaves_its_own_files_out(tmp_path, tiny_model_dir, caplog):
    folder = tmp_path / "f"
    folder.mkdir()
    make_export(folder / "a.jsonl", n_sessions=3)
    out, sessions = folder / "out.jsonl", folder / "s.csv"
    first = classify_files([folder], out, model=tiny_model_dir, sessions_output=sessions)
    side = batch.side_file(out, "summary.json")
    side.write_text("{}", encoding="utf-8")  # as the command writes it
    batch.side_file(out, "checkpoint.json").write_text("{}", encoding="utf-8")
    with caplog.at_level("WARNING", logger="feedback_nlp.batch"):
        second = classify_files([folder], out, model=tiny_model_dir, sessions_output=sessions, restart=True)
    assert second.read == first.read == 10 and second.files == 1
    note = next(r.message for r in caplog.records if "left out of the inputs" in r.message)
    for name in ("out.jsonl", "out.jsonl.rejects.jsonl", "out.jsonl.summary.json", "out.jsonl.checkpoint.json", "s.csv"):
        assert str(folder / name) in note


@pytest.mark.parametrize("option", ["output", "rejects_output", "sessions_output"])
def test_batch_refuses_to_write_over_an_input(tmp_path, tiny_model_dir, option):
    export = tmp_path / "s.jsonl"
    make_export(export, n_sessions=2)
    before = export.read_bytes()
    paths = {"output": tmp_path / "out.jsonl", option: tmp_path / "." / "s.jsonl"}  # another spelling, the same file
    output = paths.pop("output")
    with pytest.raises(FeedbackNLPError, match=r"s\.jsonl: is an input and also this run's .*choose another"):
        classify_files([export], output, model=tiny_model_dir, **paths)
    assert export.read_bytes() == before
    result = runner.invoke(app, ["classify", str(export), "-o", str(export), "-m", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 2 and "s.jsonl: is an input and also this run's output" in result.stderr
    assert "choose another -o" in result.stderr and export.read_bytes() == before


def test_batch_a_cut_off_gzip_is_named_and_the_other_files_are_classified(tmp_path, tiny_model_dir):
    import gzip

    make_export(tmp_path / "chats.jsonl", n_sessions=1000)
    (tmp_path / "in").mkdir()
    whole = gzip.compress((tmp_path / "chats.jsonl").read_bytes())
    (tmp_path / "in" / "a_cut.jsonl.gz").write_bytes(whole[: len(whole) * 3 // 4])
    make_export(tmp_path / "in" / "b.jsonl", n_sessions=2)
    out = tmp_path / "o.jsonl"
    summary = classify_files([tmp_path / "in"], out, model=tiny_model_dir)
    assert summary.files == 2 and len(summary.files_failed) == 1 and "a_cut.jsonl.gz" in summary.files_failed[0]
    assert summary.as_dict()["counts_add_up"] and summary.read > 7  # b.jsonl, and what came before the damage
    assert any(r["file"].endswith("b.jsonl") for r in read_jsonl(out))
    result = runner.invoke(app, ["classify", str(tmp_path / "in"), "-o", str(out), "-m", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 1 and "a_cut.jsonl.gz" in result.stderr and "Aborted" not in result.stderr


def test_batch_a_damaged_compressed_stream_counts_as_an_unreadable_file(tmp_path):
    """However the reader reports a cut-off gzip (EOFError, zlib.error), the file is named and
    what was read before it is kept."""
    import zlib

    class Reader:
        def read(self, path):
            yield "first"
            raise (EOFError if path.name == "a.gz" else zlib.error)("Compressed file ended before the end-of-stream marker")

    summary = batch.Summary()
    items = list(batch._items([tmp_path / "a.gz", tmp_path / "b.gz"], Reader(), summary))
    assert items == ["first", "first"] and summary.files == 2
    assert [f.split(":")[0] for f in summary.files_failed] == [str(tmp_path / "a.gz"), str(tmp_path / "b.gz")]
    assert "after 1 records" in summary.files_failed[0]


@pytest.mark.parametrize("change", [{"redact": True}, {"explain": True}, {"sessions_output": "s.jsonl"}, {"encoding": "gbk"},
                                    {"chatlog": "text"}])
def test_batch_resume_with_other_settings_is_refused(tmp_path, tiny_model_dir, monkeypatch, change):
    from feedback_nlp.config import load_chatlog_config

    make_export(tmp_path / "chats.jsonl")
    out = tmp_path / "msgs.jsonl"
    classify_interrupted(monkeypatch, 3, [tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10)
    kept = out.read_text(encoding="utf-8")
    if "sessions_output" in change:
        change = {"sessions_output": tmp_path / change["sessions_output"]}
    if "chatlog" in change:
        change = {"chatlog": load_chatlog_config(None, ['fields.text=["content"]'])}
    named = {"redact": "--redact (then off, now on)", "explain": "--explain (then off, now on)", "sessions_output": "--sessions (then none", "encoding": "--encoding (then auto, now gbk)",
             "chatlog": "the field mapping"}[next(iter(change))]
    with pytest.raises(FeedbackNLPError, match=r"--resume: .*other settings") as caught:
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, resume=True, **change)
    assert named in str(caught.value) and "--restart" in str(caught.value)
    assert out.read_text(encoding="utf-8") == kept  # refused before anything was cut or written
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, resume=True)
    assert summary.read == 91 and summary.as_dict()["counts_add_up"]


def test_batch_resume_names_the_same_output_relative_or_absolute(tmp_path, tiny_model_dir, monkeypatch):
    make_export(tmp_path / "chats.jsonl")
    monkeypatch.chdir(tmp_path)
    classify_interrupted(monkeypatch, 3, ["chats.jsonl"], Path("msgs.jsonl"), model=tiny_model_dir, chunk_size=10, sessions_output=Path("s.csv"))
    summary = classify_files(["chats.jsonl"], tmp_path / "msgs.jsonl", model=tiny_model_dir, chunk_size=10,
                             resume=True, sessions_output=tmp_path / "s.csv")
    assert summary.read == 91 and summary.as_dict()["counts_add_up"]


def test_batch_sessions_file_must_be_its_own_and_one_of_feedback_nlp(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl")
    notes = tmp_path / "notes.csv"
    notes.write_text("a user's own table\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a sessions file written by feedback-nlp"):
        classify_files([tmp_path / "chats.jsonl"], tmp_path / "msgs.jsonl", model=tiny_model_dir, sessions_output=notes)
    assert notes.read_text(encoding="utf-8") == "a user's own table\n"
    with pytest.raises(InputError, match="give each its own file"):
        classify_files([tmp_path / "chats.jsonl"], tmp_path / "msgs.jsonl", model=tiny_model_dir,
                       sessions_output=tmp_path / "msgs.jsonl")
    # a folder is refused before the run, not when the sessions are written at its end
    (tmp_path / "folder").mkdir()
    for flag in ("sessions_output", "rejects_output"):
        with pytest.raises(InputError, match="names a folder; name the file to write"):
            classify_files([tmp_path / "chats.jsonl"], tmp_path / "msgs.jsonl", model=tiny_model_dir, **{flag: tmp_path / "folder"})
        assert not (tmp_path / "msgs.jsonl.checkpoint.json").exists()
    # a sessions file the tool wrote is written over, in any of its formats
    for name in ("s.csv", "s.jsonl", "s.parquet"):
        classify_files([tmp_path / "chats.jsonl"], tmp_path / "msgs.jsonl", model=tiny_model_dir, sessions_output=tmp_path / name)
        summary = classify_files([tmp_path / "chats.jsonl"], tmp_path / "msgs.jsonl", model=tiny_model_dir,
                                 sessions_output=tmp_path / name)
        assert summary.sessions > 0


def test_batch_interrupted_run_leaves_no_summary_or_sessions_of_an_earlier_run(tmp_path, tiny_model_dir, monkeypatch):
    make_export(tmp_path / "chats.jsonl")
    out, sessions = tmp_path / "msgs.jsonl", tmp_path / "s.csv"
    args = ["classify", str(tmp_path / "chats.jsonl"), "-o", str(out), "--sessions", str(sessions), "-m", str(tiny_model_dir), "-w", "1"]
    assert runner.invoke(app, args).exit_code == 3
    summary = tmp_path / "msgs.jsonl.summary.json"
    assert json.loads(summary.read_text(encoding="utf-8"))["read"] == 91 and sessions.exists()
    monkeypatch.setattr(batch, "CHUNK_SIZE", 10)
    original = interrupt_at_chunk(monkeypatch, 3)
    assert runner.invoke(app, args).exit_code == 130
    assert out.read_text(encoding="utf-8") and not summary.exists() and not sessions.exists()
    monkeypatch.setattr(batch, "_account", original)
    assert runner.invoke(app, [*args, "--resume"]).exit_code == 3
    assert json.loads(summary.read_text(encoding="utf-8"))["read"] == 91 and sessions.exists()


def test_batch_thresholds_set_for_a_run_are_used_recorded_and_kept_on_resume(tmp_path, tiny_model_dir, monkeypatch):
    make_export(tmp_path / "chats.jsonl")
    plain = classify_files([tmp_path / "chats.jsonl"], tmp_path / "plain.jsonl", model=tiny_model_dir)
    assert plain.thresholds is None
    out = tmp_path / "msgs.jsonl"
    summary = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, thresholds={"attitude": 1.0})
    assert summary.thresholds == {"attitude": 1.0} and summary.as_dict()["thresholds"] == {"attitude": 1.0}
    assert plain.causes["attitude"] > 0 and "attitude" not in summary.causes
    assert {c: n for c, n in summary.causes.items()} == {c: n for c, n in plain.causes.items() if c != "attitude"}
    assert all("attitude" not in (r["causes"] or []) for r in read_jsonl(out))
    with pytest.raises(FeedbackNLPError, match="attitud is not a cause of this model"):
        classify_files([tmp_path / "chats.jsonl"], tmp_path / "other.jsonl", model=tiny_model_dir, thresholds={"attitud": 0.2})
    assert not (tmp_path / "other.jsonl").exists()
    # an interrupted run goes on only with the thresholds it began with
    original = batch._account

    calls = []

    def crash(*args, **kwargs):  # after two chunks and their checkpoints
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(batch, "_account", crash)
    with pytest.raises(KeyboardInterrupt):
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, restart=True, thresholds={"attitude": 1.0})
    monkeypatch.setattr(batch, "_account", original)
    with pytest.raises(FeedbackNLPError, match=r"--threshold \(then attitude=1.0, now none\)"):
        classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, resume=True)
    resumed = classify_files([tmp_path / "chats.jsonl"], out, model=tiny_model_dir, chunk_size=10, resume=True, thresholds={"attitude": 1.0})
    assert resumed.as_dict()["counts_add_up"] and resumed.causes == summary.causes


def test_batch_rejects_of_one_kind_are_counted_together_whatever_their_figures(tmp_path, tiny_model_dir):
    from feedback_nlp.batch import reason_kind

    rows = ["text"] + ["快递太慢了"] * 3 + ["x" * 5001, "y" * 5020, "z" * 6000]
    (tmp_path / "chats.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    summary = classify_files([tmp_path / "chats.csv"], tmp_path / "out.jsonl", model=tiny_model_dir)
    assert summary.rejected == 3 and dict(summary.rejected_by_reason) == {"text has … characters, over max_text_chars=5000": 3}
    # the reject file keeps each reason whole
    reasons = [r["reason"] for r in read_jsonl(tmp_path / "out.jsonl.rejects.jsonl")]
    assert reasons[0] == "text has 5,001 characters, over max_text_chars=5000"
    assert reason_kind("3 columns where the header has 5") == "3 columns where the header has 5"  # too few, apart from too many
    assert reason_kind("text has 140,000 characters, over max_text_chars=5000") == "text has … characters, over max_text_chars=5000"
    assert reason_kind("unclosed quote (the quoted field runs over 6 lines); the lines after it are read again") == "unclosed quote"


def test_batch_redact_leaves_no_phone_or_id_number_in_any_output(tmp_path, tiny_model_dir):
    phone, id_card = "13812345678", "110101199003074578"
    rows = [
        {"session_id": phone, "msg_id": f"{phone}-1", "time": "2023-06-07 10:00:00", "role": "customer", "text": "快递太慢了"},
        {"session_id": "s2", "time": "2023-06-07 10:00:00", "role": "customer", "text": "退款一直不到账", "mobile": int(phone),
         "user": {"name": "王五", "contacts": [{"phone": phone}], "id_card": id_card}, "score": 5},
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "in" / "b.csv").write_text(f"{phone},2023-06-07 10:00:00,顾客,快递太慢了\n", encoding="utf-8")  # no header: refused
    out = tmp_path / "out"
    result = runner.invoke(app, ["classify", str(tmp_path / "in"), "-o", str(out / "m.jsonl"), "--sessions", str(out / "s.csv"),
                                 "--redact", "--explain", "--model", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 1 and "b.csv" in result.stderr  # the file without a header failed, named
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        assert phone not in text and id_card not in text, path.name
    assert phone not in result.stderr
    messages = read_jsonl(out / "m.jsonl")
    assert messages[0]["session"].startswith("[PHONE#") and messages[1]["fields"]["score"] == 5  # other numbers stay numbers
    assert messages[1]["fields"]["user"]["contacts"][0]["phone"].startswith("[PHONE#")
    # the same session masked the same way in every row, so sessions still group
    assert len({m["session"] for m in messages}) == 2


def test_batch_stopped_before_its_first_checkpoint_says_to_run_again_not_resume(tmp_path, tiny_model_dir, monkeypatch):
    make_export(tmp_path / "chats.jsonl")
    out = tmp_path / "msgs.jsonl"
    original = interrupt_at_chunk(monkeypatch, 1)
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1"])
    message = " ".join(result.stderr.split())
    assert result.exit_code == 130 and "nothing to resume: run the same command again" in message and "--resume" not in message
    monkeypatch.setattr(batch, "_account", original)
    result = runner.invoke(app, ["classify", str(tmp_path / "chats.jsonl"), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1"])
    assert result.exit_code == 3 and out.read_text(encoding="utf-8").count("\n") > 0  # the same command, again: done


def test_batch_cli_names_a_file_it_cannot_read_in_its_own_style(tmp_path, tiny_model_dir):
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.csv").write_bytes(b"")
    (folder / "ok.csv").write_text("内容\n快递太慢\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "feedback_nlp", "classify", str(folder), "-o", str(tmp_path / "out.jsonl"),
                          "--model", str(tiny_model_dir)], capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if "empty.csv" in line]
    # named with its reason as the run meets it (so that a run stopped later still names it), and
    # again in the report at the end, in the same words
    assert lines == [f"feedback-nlp: error: {folder / 'empty.csv'}: file is empty; nothing to read"] * 2, run.stderr
    assert "WARNING" not in run.stderr and "ERROR" not in run.stderr
