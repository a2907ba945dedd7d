import json
from pathlib import Path
import re
import shutil

import pytest
from typer.testing import CliRunner

from feedback_nlp.cli import app
from tests.conftest import seed_path

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_cli_help_on_every_command():
    assert run("--help").exit_code == 0
    result = run("normalise", "--help")
    assert result.exit_code == 0 and "--t2s" in result.output


def test_cli_normalise_gbk_file_to_stdout(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_bytes("客服態度太差了！！！".encode("big5"))
    result = run("normalise", str(path))
    assert result.exit_code == 0
    assert result.stdout == "客服态度太差了！\n"
    assert "big5" in result.stderr and "to Simplified" in result.stderr


def test_cli_normalise_refuses_to_write_over_its_inputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("客服態度很好\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("快遞還沒到\n", encoding="utf-8")
    for args in (["a.txt", "-o", "a.txt"], ["a.txt", "-o", "."], ["a.txt", "b.txt", "-o", "."], [".", "-o", "."]):
        result = run("normalise", *args)
        assert result.exit_code == 2 and "would write over the input" in result.stderr, args
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "客服態度很好\n"  # nothing written
    assert run("normalise", "a.txt", "b.txt", "-o", "out").exit_code == 0
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "客服态度很好\n"


def test_cli_normalise_no_t2s_and_tokens(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("東西不錯但是客服太慢", encoding="utf-8")
    assert run("normalise", str(path), "--no-t2s").stdout == "東西不錯但是客服太慢\n"
    assert run("normalise", str(path), "--as", "tokens").stdout == "东西 不错 但是 客服 太慢\n"


def test_cli_normalise_stdin():
    result = run("normalise", "-", "--as", "sentences", input="退款呢？还没到！".encode("utf-8"))
    assert result.exit_code == 0 and result.stdout == "退款呢？\n还没到！\n"
    # input.max_bytes holds for stdin as for files
    result = run("normalise", "-", "--set", "input.max_bytes=10", input="快递太慢了太慢了太慢了".encode("utf-8"))
    assert result.exit_code == 1 and "<stdin>: over the limit of 10 bytes" in result.stderr


def test_cli_bad_inputs_are_reported_and_others_processed(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("好的", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    out = tmp_path / "out"
    result = run("normalise", str(empty), str(tmp_path / "missing.txt"), str(binary), str(good), "-o", str(out))
    assert result.exit_code == 1
    assert f"{empty}: file is empty" in result.stderr
    assert "missing.txt: no such file" in result.stderr
    assert "image.png: looks like a PNG image" in result.stderr
    assert "3 of 4 inputs failed" in result.stderr
    assert (out / "good.txt").read_text(encoding="utf-8") == "好的\n"


def test_cli_report_lists_removed_lines(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("当前位置:首页 > 案例\n空调报修后等了5天\n第1页 / 共1页\n", encoding="utf-8")
    result = run("normalise", str(path), "--report")
    assert result.stdout == "空调报修后等了5天\n"
    report = json.loads(result.stderr[result.stderr.index("{") :])
    assert report["boilerplate_lines_removed"] == 2
    assert [r["rule"] for r in report["removed_lines"]] == ["breadcrumb", "page_footer"]


def test_cli_mojibake_seed_to_folder(tmp_path):
    result = run("normalise", str(seed_path("002")), str(seed_path("004")), "-o", str(tmp_path))
    assert result.exit_code == 0
    assert "mojibake repaired on" in result.stderr
    repaired = (tmp_path / seed_path("002").with_suffix(".txt").name).read_text(encoding="utf-8")
    assert "售后客服年终工作总结报告模板" in repaired.split("\n")[0]


def test_cli_bad_config_key_is_one_line_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("好", encoding="utf-8")
    result = run("normalise", str(path), "--set", "normalise.colour=red")
    assert result.exit_code == 2
    assert "unknown key 'normalise.colour'" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("mode", ["xml"])
def test_cli_unknown_output_mode(tmp_path, mode):
    path = tmp_path / "a.txt"
    path.write_text("好", encoding="utf-8")
    result = run("normalise", str(path), "--as", mode)
    assert result.exit_code == 2
    assert "use text, sentences or tokens" in result.stderr


def test_cli_classify_one_message_as_json(tiny_model_dir):
    result = run("classify", "快递五天了还没到", "--model", str(tiny_model_dir), "--json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["text"] == "快递五天了还没到"
    assert [c["id"] for c in row["causes"]] == ["logistics"]
    assert row["evidence"]["causes"]["logistics"]


def test_cli_classify_file_table(tiny_model_dir, tmp_path):
    path = tmp_path / "msgs.txt"
    path.write_bytes("客服态度很差，爱答不理\n\n谢谢，服务很周到\n".encode("gbk"))
    result = run("classify", str(path), "--model", str(tiny_model_dir))
    assert result.exit_code == 0, result.stderr
    assert "attitude" in result.stdout and "pos" in result.stdout
    assert "evidence" in result.stdout
    # without evidence the table has no empty evidence column
    result = run("classify", str(path), "--model", str(tiny_model_dir), "--no-explain")
    assert result.exit_code == 0, result.stderr
    assert "attitude" in result.stdout and "evidence" not in result.stdout


def test_cli_classify_table_names_the_nearest_cause_of_a_complaint_without_one(tiny_model_dir, tmp_path):
    from feedback_nlp.cli.classify import _causes_cell

    path = tmp_path / "msgs.txt"
    path.write_text("客服态度很差，爱答不理\n", encoding="utf-8")
    result = run("classify", str(path), "--model", str(tiny_model_dir), "--no-explain", "--threshold", "attitude=1.0")
    assert result.exit_code == 0, result.stderr
    assert "nearest" in result.stdout and "neg" in result.stdout
    negative = {"label": "neg"}
    assert _causes_cell({"causes": [], "cause_probabilities": {"attitude": 0.42, "logistics": 0.05}, "sentiment": negative},
                        {"attitude": 0.43, "logistics": 0.45}) == "- (nearest: attitude 0.42 < 0.43)"
    # nothing near, a message that is not negative, or one given a cause: no hint
    assert _causes_cell({"causes": [], "cause_probabilities": {"attitude": 0.05}, "sentiment": negative}, {"attitude": 0.43}) == "-"
    assert _causes_cell({"causes": [], "cause_probabilities": {"attitude": 0.42}, "sentiment": {"label": "neu"}},
                        {"attitude": 0.43}) == "-"
    given = [{"id": "attitude", "probability": 0.9}]
    assert _causes_cell({"causes": given, "cause_probabilities": {"attitude": 0.9}, "sentiment": negative}, {"attitude": 0.43}) == "attitude 0.90"


def test_cli_classify_file_json_keeps_line_numbers(tiny_model_dir, tmp_path):
    path = tmp_path / "msgs.txt"
    path.write_text("客服态度很差，爱答不理\n\n   \n快递五天了还没到\n", encoding="utf-8")
    result = run("classify", str(path), "--model", str(tiny_model_dir), "--json", "--no-explain")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["text"]) for r in rows] == [(1, "客服态度很差，爱答不理"), (4, "快递五天了还没到")]
    table = run("classify", str(path), "--model", str(tiny_model_dir))
    assert "line" in table.stdout and "│    4 │" in table.stdout


def test_cli_device_for_a_scikit_learn_model_is_reported_as_ignored(tiny_model_dir, tmp_path, caplog):
    with caplog.at_level("WARNING", logger="feedback_nlp.pipeline"):
        result = run("classify", "快递慢", "--model", str(tiny_model_dir), "--device", "cuda", "--json")
    assert result.exit_code == 0, result.stderr
    assert any("device='cuda'" in r.message and "ignored" in r.message for r in caplog.records)
    caplog.clear()
    (tmp_path / "c.jsonl").write_text('{"session": "s1", "role": "customer", "text": "快递还没到"}\n', encoding="utf-8")
    with caplog.at_level("WARNING", logger="feedback_nlp.pipeline"):
        result = run("classify", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "o.jsonl"), "-m", str(tiny_model_dir),
                     "--runtime", "onnx", "-w", "1")
    assert result.exit_code == 0, result.stderr
    assert [r.message.count("runtime='onnx'") for r in caplog.records] == [1]  # once, not again by the worker
    assert json.loads((tmp_path / "o.jsonl.summary.json").read_text(encoding="utf-8"))["sessions"] is None


def test_cli_classify_missing_model_and_file(tmp_path, tiny_model_dir):
    result = run("classify", "快递慢", "--model", str(tmp_path / "none"))
    assert result.exit_code == 2 and "not found" in result.stderr
    result = run("classify", str(tmp_path / "msgs.txt"), "--model", str(tiny_model_dir))
    assert result.exit_code == 2 and "msgs.txt: no such file" in result.stderr


@pytest.mark.parametrize("message", ["价格/质量都很差", "链接https://m.jd.com/123打不开", "快递太慢了" * 60])
def test_cli_classify_message_with_a_slash_or_long_is_a_message(tiny_model_dir, message):
    result = run("classify", message, "--model", str(tiny_model_dir), "--json", "--no-explain")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["text"] == message


def test_cli_classify_what_is_plainly_a_path_must_exist(tiny_model_dir, tmp_path):
    for missing in (str(tmp_path / "msgs.txt"), "exports/chats.jsonl", str(tmp_path / "notes")):
        result = run("classify", missing, "--model", str(tiny_model_dir))
        assert result.exit_code == 2 and f"{missing}: no such file" in result.stderr, missing


@pytest.mark.parametrize("end", ["\r\n", "\r", "\n"])
def test_cli_classify_file_lines_end_in_any_way(tiny_model_dir, tmp_path, end):
    path = tmp_path / "msgs.txt"
    path.write_bytes(end.join(["客服态度很差", "", "快递五天了还没到", ""]).encode("utf-8"))
    for args in ((str(path),), ("-",)):
        result = run("classify", *args, "--model", str(tiny_model_dir), "--json", "--no-explain", input=path.read_bytes())
        assert result.exit_code == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [(r["line"], r["text"]) for r in rows] == [(1, "客服态度很差"), (3, "快递五天了还没到")]


def test_cli_classify_redact_masks_single_messages(tiny_model_dir):
    message = "我叫张三，电话13812345678，快递太慢了，太生气了"
    result = run("classify", message, "--model", str(tiny_model_dir), "--json", "--redact")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    assert "13812345678" not in result.stdout and "张三" not in result.stdout and "[PHONE#" in row["text"]
    plain = json.loads(run("classify", message, "--model", str(tiny_model_dir), "--json").stdout)
    assert row["causes"] == plain["causes"] and row["sentiment"] == plain["sentiment"]  # classified as written
    evidence = [e for items in (*row["evidence"]["causes"].values(), row["evidence"]["sentiment"]) for e in items]
    assert evidence and all(row["text"][e["start"]:e["end"]] == e["text"] for e in evidence)  # spans on the masked text
    table = run("classify", message, "--model", str(tiny_model_dir), "--redact")
    assert table.exit_code == 0 and "13812345678" not in table.stdout and "[PHONE#" in table.stdout


def test_cli_evaluate_writes_json_and_png(tiny_model_dir, tmp_path):
    from tests.test_train import make_small_corpora

    make_small_corpora(tmp_path / "corpora", per_label=3)
    out = tmp_path / "eval"
    result = run("evaluate", "--model", str(tiny_model_dir), "--data", "dev", "--corpora", str(tmp_path / "corpora"), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert "micro" in metrics["causes"] and "accuracy" in metrics["sentiment"]
    assert (out / "metrics.png").read_bytes()[:4] == b"\x89PNG"
    assert "micro" in result.stdout
    # every message as labelled and as predicted, its errors named, for reading them one by one
    items = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(items) == metrics["causes"]["items"]
    for item in items:
        known = set(item["causes"]) - set(item.get("unknown_to_model", ()))  # the tiny model has two of the causes
        assert set(item["missed"]) == known - set(item["predicted"])
        assert set(item["extra"]) == set(item["predicted"]) - set(item["causes"])
        assert set(item["probabilities"]) == known | set(item["predicted"])
    wrong = sum(1 for item in items if item["missed"] or item["extra"])
    assert f"{wrong} of {len(items)} messages have a cause missed or extra" in result.stderr
    # what a decision at each confidence level is worth: every cause given is counted at one level
    given = sum(len(item["predicted"]) for item in items)
    levels = metrics["causes"]["by_confidence"]
    assert sum(m["items"] for m in levels.values()) == given
    sentiment = metrics["sentiment"]
    assert sum(m["items"] for m in sentiment["by_confidence"].values()) == sentiment["items"] - sentiment["unclassified"]
    assert 0 <= metrics["causes"]["calibration"]["brier"] <= 1
    # how far another sample could move each figure
    micro = metrics["intervals"]["causes_micro_f1"]
    assert micro["value"] == pytest.approx(metrics["causes"]["micro"]["f1"]) and micro["low"] <= micro["value"] <= micro["high"]
    assert metrics["intervals"]["sentiment_accuracy"]["value"] == pytest.approx(metrics["sentiment"]["accuracy"])
    assert f"causes micro-F1 {micro['value']:.3f} [{micro['low']:.3f}, {micro['high']:.3f}]" in " ".join(result.stdout.split())
    # the confusion matrix printed as a table: a row per label as labelled, with its count per label predicted
    matrix = sentiment["confusion_matrix"]
    lines = [" ".join(line.replace("│", " ").split()) for line in result.stdout.splitlines()]
    for label, row in zip(sentiment["labels"], matrix):
        recall = f"{row[sentiment['labels'].index(label)] / sum(row):.3f}" if sum(row) else "-"
        assert f"{label} {' '.join(map(str, row))} {recall}" in lines
    assert "causes given, by confidence: high" in result.stdout and "ECE" in result.stdout
    # review lines and messages scored apart, each figure from its own items
    by_style = metrics["causes"]["by_style"]
    known = set(metrics["causes"]["per_label"])  # the causes the model has
    for style, is_review in (("review", True), ("message", False)):
        mine = [item for item in items if item["review"] is is_review]
        tp = sum(len(set(i["causes"]) & set(i["predicted"])) for i in mine)
        labelled, given = sum(len(known & set(i["causes"])) for i in mine), sum(len(i["predicted"]) for i in mine)
        assert by_style[style]["items"] == len(mine) > 0
        assert by_style[style]["micro"] == pytest.approx(2 * tp / (labelled + given), abs=1e-4)
    assert f"causes micro-F1 of review lines {by_style['review']['micro']:.3f}" in result.stdout
    # messages without a cause that were given one, and the praise among them (sentiment pos)
    sentiment_of = {json.loads(line)["text"]: json.loads(line)["label"]
                    for line in (tmp_path / "corpora" / "sentiment" / "dev.jsonl").read_text(encoding="utf-8").splitlines()}
    none = [i for i in items if not i["causes"]]
    praise = [i for i in none if sentiment_of.get(i["text"]) == "pos"]
    assert metrics["causes"]["none_given_a_cause"] == {"items": len(none), "given": sum(bool(i["predicted"]) for i in none)}
    expected = {"items": len(praise), "given": sum(bool(i["predicted"]) for i in praise)} if praise else None
    assert len(none) > 0 and metrics["causes"].get("praise_given_a_cause") == expected
    assert f"items without a cause given one: {metrics['causes']['none_given_a_cause']['given']} of {len(none)}" in " ".join(result.stdout.split())


def test_cli_evaluate_compares_models_on_the_same_items(tiny_model_dir, tmp_path):
    from tests.test_train import make_small_corpora

    make_small_corpora(tmp_path / "corpora", per_label=3)
    # a second model: the same one, giving logistics at any probability
    strict = tmp_path / "strict"
    shutil.copytree(tiny_model_dir, strict)
    meta = json.loads((strict / "metadata.json").read_text(encoding="utf-8"))
    meta["thresholds"]["logistics"] = 0.0
    (strict / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    out = tmp_path / "cmp"
    corpora = ("--data", "dev", "--corpora", str(tmp_path / "corpora"), "-o", str(out))
    result = run("evaluate", "-m", str(tiny_model_dir), "-m", str(strict), *corpora)
    assert result.exit_code == 0, result.stderr
    comparison = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert comparison["models"] == [str(tiny_model_dir), str(strict)]
    # each model's own files, and each figure of both with the second's difference and interval
    given = []
    for k, folder in enumerate(comparison["folders"]):
        metrics = json.loads((Path(folder) / "metrics.json").read_text(encoding="utf-8"))
        assert comparison["figures"]["causes_micro_f1"]["values"][k] == metrics["causes"]["micro"]["f1"]
        assert comparison["figures"]["sentiment_accuracy"]["values"][k] == metrics["sentiment"]["accuracy"]
        items = [json.loads(line) for line in (Path(folder) / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
        given.append(sum("logistics" in item["predicted"] for item in items))
    read = [item for item in items if item["predicted_sentiment"] is not None]  # the rest the model knows nothing of
    assert given[1] == len(read) > given[0]
    for figure in comparison["figures"].values():
        (diff,) = figure["against_first"]
        assert diff["low"] <= diff["difference"] <= diff["high"]
    assert "2 - 1 (95% interval)" in result.stdout and "models compared on dev" in result.stdout
    # models that name different causes are not compared
    result = run("evaluate", "-m", str(tiny_model_dir), "-m", "shipped", *corpora)
    assert result.exit_code == 2 and "the models name different causes" in result.stderr


def test_cli_normalise_folder_tree_and_output_paths(tmp_path):
    (tmp_path / "in" / "2023").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("快递慢", encoding="utf-8")
    (tmp_path / "in" / "2023" / "a.txt").write_text("客服好", encoding="utf-8")
    result = run("normalise", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    # subfolders are read and each file keeps its path inside the folder
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "快递慢\n"
    assert (tmp_path / "out" / "2023" / "a.txt").read_text(encoding="utf-8") == "客服好\n"
    # a.csv beside a.txt keeps its own name instead of becoming a_2.txt
    (tmp_path / "in" / "a.csv").write_text("物业费贵", encoding="utf-8")
    result = run("normalise", str(tmp_path / "in"), "-o", str(tmp_path / "out2"))
    assert sorted(p.name for p in (tmp_path / "out2").glob("*.txt")) == ["a.csv.txt", "a.txt"]
    # a file named "a" does not take the name of a.txt beside it
    (tmp_path / "in" / "a").write_text("无后缀", encoding="utf-8")
    result = run("normalise", str(tmp_path / "in"), "-o", str(tmp_path / "out3"))
    assert (tmp_path / "out3" / "a.txt").read_text(encoding="utf-8") == "快递慢\n"
    assert (tmp_path / "out3" / "a_2.txt").read_text(encoding="utf-8") == "无后缀\n"
    # one input into a folder that does not exist yet
    result = run("normalise", str(tmp_path / "in" / "a.txt"), "-o", str(tmp_path / "new" / "deeper" / "x.txt"))
    assert result.exit_code == 0 and (tmp_path / "new" / "deeper" / "x.txt").is_file()
    # several inputs cannot go into one existing file
    result = run("normalise", str(tmp_path / "in"), "-o", str(tmp_path / "new" / "deeper" / "x.txt"))
    assert result.exit_code == 2 and "names a folder" in result.stderr


def test_cli_normalise_a_folder_of_one_file_or_an_existing_output_folder(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("快递慢", encoding="utf-8")
    # a folder of inputs writes into -o as a folder, however many files it holds
    assert run("normalise", str(tmp_path / "in"), "-o", str(tmp_path / "out")).exit_code == 0
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "快递慢\n"
    # one file into a folder that exists goes inside it
    (tmp_path / "there").mkdir()
    assert run("normalise", str(tmp_path / "in" / "a.txt"), "-o", str(tmp_path / "there")).exit_code == 0
    assert (tmp_path / "there" / "a.txt").read_text(encoding="utf-8") == "快递慢\n"
    # and so does one file into a name ending in a slash: a folder, not a file named like it
    assert run("normalise", str(tmp_path / "in" / "a.txt"), "-o", f"{tmp_path / 'fresh'}/").exit_code == 0
    assert (tmp_path / "fresh" / "a.txt").read_text(encoding="utf-8") == "快递慢\n"


def test_cli_normalise_verbose_goes_on_past_a_bad_input_and_a_bad_setting_stops_the_run_once(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("快递慢", encoding="utf-8")
    (tmp_path / "in" / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "in" / "c.txt").write_text("客服好", encoding="utf-8")
    result = run("-v", "normalise", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "1 of 3 inputs failed" in result.stderr and "Traceback" in result.stderr
    assert (tmp_path / "out" / "c.txt").read_text(encoding="utf-8") == "客服好\n"
    result = run("normalise", str(tmp_path / "in" / "a.txt"), str(tmp_path / "in" / "c.txt"), "--as", "tokens",
                 "--set", f"tokenise.user_dicts=[{tmp_path / 'none.txt'}]", "-o", str(tmp_path / "out2"))
    assert result.exit_code == 2 and result.stderr.count("none.txt not found") == 1 and "inputs failed" not in result.stderr


def test_cli_classify_folder_without_output_and_bad_workers(tmp_path):
    result = run("classify", str(tmp_path))
    assert result.exit_code == 2 and "is a folder" in result.stderr and "-o" in result.stderr
    (tmp_path / "c.jsonl").write_text('{"session": "s1", "role": "customer", "text": "快递还没到"}\n', encoding="utf-8")
    result = run("classify", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out.jsonl"), "-w", "0")
    assert result.exit_code == 2 and "--workers 0" in result.stderr
    result = run("classify", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out.csv"), "--format", "parquet")
    assert result.exit_code == 2 and "the name says csv but the format asked for is parquet" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_cli_classify_lists_the_files_it_skipped(tmp_path, tiny_model_dir):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "c.jsonl").write_text('{"session": "s1", "role": "customer", "text": "快递还没到"}\n', encoding="utf-8")
    (tmp_path / "in" / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / "in" / "pic.png").write_bytes(b"\x89PNG\r\n")
    out = tmp_path / "out.jsonl"
    result = run("classify", str(tmp_path / "in"), "-o", str(out), "-m", str(tiny_model_dir), "-w", "1")
    assert result.exit_code == 0, result.stderr
    assert "skipped 2 files" in result.stderr and "README.md" in result.stderr and "pic.png" in result.stderr
    summary = json.loads((tmp_path / "out.jsonl.summary.json").read_text(encoding="utf-8"))
    assert len(summary["files_skipped"]) == 2 and summary["read"] == 1


def test_cli_paths_that_cannot_be_used_are_one_line_errors(tmp_path, tiny_model_dir):
    report = tmp_path / "r.txt"
    report.write_text("2022年客服中心工作总结\n全年共受理客户来电12000次。\n", encoding="utf-8")
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    for args in (
        ("review", str(report), "-o", str(blocker / "review.md")),
        ("normalise", str(report), "-o", str(blocker / "out.txt")),
        ("classify", str(report), "-o", str(blocker / "out.jsonl"), "--model", str(tiny_model_dir)),
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "a file stands where this path needs a folder" in result.stderr and "Traceback" not in result.stderr
    result = run("review", str(report), "-o", str(tmp_path / "review.pdf"))
    assert result.exit_code == 2 and ".md (Markdown), .docx (Word) or .json" in result.stderr
    assert not (tmp_path / "review.pdf").exists()
    result = run("review", "", "-o", str(tmp_path / "review.md"))
    assert result.exit_code == 2 and "an empty path" in result.stderr
    result = run("normalise", str(report), "--encoding", "latin9x")
    assert result.exit_code == 2 and "--encoding 'latin9x' is not a text encoding" in result.stderr


def test_cli_review_does_not_read_its_own_earlier_draft(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "r.txt").write_text("2022年客服中心工作总结\n一、工作概况\n全年共受理客户来电12000次，满意率达到96%。\n", encoding="utf-8")
    out = folder / "review.md"
    for _ in range(2):
        result = run("review", str(folder), "-o", str(out))
        assert result.exit_code == 0 and "1 report ->" in result.stderr
    assert "review.md:" not in out.read_text(encoding="utf-8")  # nothing quoted from the first draft
    (folder / "chats.csv").write_text("a,b\n", encoding="utf-8")
    result = run("review", str(folder), "-o", str(out))
    assert "skipped 1 file in the input folders that are not .txt, .md or .docx: chats.csv" in result.stderr
    # drafts under other names, Markdown and Word, are not reports either
    for name in ("earlier.md", "earlier.docx"):
        assert run("review", str(folder), "-o", str(folder / name)).exit_code == 0
    result = run("review", str(folder), "-o", str(tmp_path / "again.md"))
    assert result.exit_code == 0 and "1 report ->" in result.stderr
    assert "left out 3 reviews drafted by feedback-nlp review earlier" in result.stderr
    assert "earlier." not in (tmp_path / "again.md").read_text(encoding="utf-8")
    # a report named as the output is not overwritten: the run is refused before drafting
    (folder / "notes.md").write_text("2022年客服中心工作总结\n全年共受理客户来电12000次。\n", encoding="utf-8")
    for given in (folder, folder / "notes.md"):
        result = run("review", str(given), "-o", str(folder / "notes.md"))
        assert result.exit_code == 2 and "notes.md is one of the reports read, not an earlier draft" in result.stderr
    assert "全年共受理客户来电12000次" in (folder / "notes.md").read_text(encoding="utf-8")


def test_cli_export_files_read_as_text_get_a_note(tmp_path, tiny_model_dir):
    export = tmp_path / "export.csv"
    export.write_text("会话ID,消息内容\ns1,快递还没到\n", encoding="utf-8")
    result = run("normalise", str(export))
    assert result.exit_code == 0 and "normalised as plain text" in result.stderr and "classify FILE -o OUTPUT" in result.stderr
    result = run("classify", str(export), "--model", str(tiny_model_dir))
    assert result.exit_code == 0 and "read line by line" in result.stderr and "add -o OUTPUT" in result.stderr


def test_cli_normalise_keep_lines_matches_the_lines_review_cites(tmp_path):
    from feedback_nlp import draft_review

    seed = seed_path("004")
    result = run("normalise", str(seed), "--keep-lines")
    assert result.exit_code == 0
    lines = result.stdout.split("\n")
    quoted = [s for sents in draft_review([seed]).sections.values() for s in sents]
    assert quoted and all(s.text in lines[s.line - 1] for s in quoted)
    assert run("normalise", str(seed), "--keep-lines", "--as", "sentences").exit_code == 2


def test_cli_review_drafts_without_an_unreadable_report_and_exits_1(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("2022年客服中心工作总结\n一、工作概况\n全年共受理客户来电12000次。\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = run("review", str(folder), "-o", str(tmp_path / "review.md"))
    assert result.exit_code == 1, result.stderr
    assert "1 of 2 reports ->" in result.stderr and "b.txt could not be read" in result.stderr
    assert "12000次" in (tmp_path / "review.md").read_text(encoding="utf-8")


def test_cli_sigterm_stops_a_batch_run_as_ctrl_c_does():
    import os
    import signal

    from feedback_nlp.cli.classify import _stop_on_sigterm

    before = signal.getsignal(signal.SIGTERM)
    stopped_by: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        with _stop_on_sigterm(stopped_by):
            os.kill(os.getpid(), signal.SIGTERM)
    assert stopped_by == [signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) == before


def test_cli_evaluate_ones_own_labelled_file(tiny_model_dir, tmp_path):
    rows = [{"text": "快递太慢，客服也不管", "causes": ["logistics", "attitude"], "sentiment": "neg"},
            {"text": "宽带装好了，师傅很专业", "causes": []}]
    data = tmp_path / "mine.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "eval"
    result = run("evaluate", "--model", str(tiny_model_dir), "--data", str(data), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["data"] == str(data) and metrics["model"] == str(tiny_model_dir)
    assert metrics["causes"]["per_label"]["logistics"]["support"] == 1 and metrics["sentiment"]["items"] == 1
    # an item with no words gets no sentiment: scored as wrong and said so, not a crash
    rows.append({"text": "666", "causes": [], "sentiment": "pos"})
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = run("evaluate", "--model", str(tiny_model_dir), "--data", str(data), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "1 item was not classified (no words, or none the model knows) and counts as wrong" in " ".join(result.stdout.split())
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["sentiment"]["unclassified"] == 1
    data.write_text('{"text": "信号差", "causes": ["network_signal"]}\n', encoding="utf-8")
    result = run("evaluate", "--model", str(tiny_model_dir), "--data", str(data), "-o", str(out))
    assert result.exit_code == 2 and "mine.jsonl line 1: unknown cause: 'network_signal'" in result.stderr


def test_cli_train_refuses_a_file_as_its_output_before_training(tmp_path):
    (tmp_path / "afile.txt").write_text("x", encoding="utf-8")
    result = run("train", "-o", str(tmp_path / "afile.txt"))
    assert result.exit_code == 2 and "afile.txt is a file; a model is a folder" in result.stderr
    assert "training with" not in result.stderr  # refused before any training
    # a file above the folder, or where the split of one's own file goes
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "data").write_text("x", encoding="utf-8")
    (tmp_path / "mine.jsonl").write_text('{"text": "快递慢", "causes": ["logistics"]}\n', encoding="utf-8")
    for output, data, message in ((tmp_path / "afile.txt" / "model", [], "afile.txt is a file, not a folder"),
                                  (tmp_path / "old", ["--data", str(tmp_path / "mine.jsonl")], "old/data is a file")):
        result = run("train", "-o", str(output), *data)
        assert result.exit_code == 2 and message in result.stderr and "training with" not in result.stderr, result.stderr
    result = run("evaluate", "--data", "test", "-o", str(tmp_path / "afile.txt"))
    assert result.exit_code == 2 and "afile.txt is a file; evaluation results go in a folder" in result.stderr


def test_cli_train_with_ones_own_file(tmp_path):
    from tests.test_train import _own_file, make_small_corpora

    result = run("train", "--data-only", "-o", str(tmp_path / "m"))
    assert result.exit_code == 2 and "pass --data FILE too" in result.stderr
    make_small_corpora(tmp_path / "corpora", per_label=8)
    rows = _own_file(tmp_path / "mine.jsonl", tmp_path / "corpora")
    result = run("train", "--set", f"corpora_dir={tmp_path / 'corpora'}", "--set", "features.min_df=1",
                 "--set", "model.sentiment_noise_filter=0", "--data", str(tmp_path / "mine.jsonl"), "-o", str(tmp_path / "m"))
    assert result.exit_code == 0, result.stderr
    assert f"{len(rows) - 4} records split into train" in result.stderr and "4 left out" in result.stderr
    assert "causes on the test split of mine.jsonl" in result.stdout
    assert re.search(r"saved to \S+ \(\d+\.\d MB\)", result.stderr)  # the size, which a shipped model keeps small
    assert {p.name for p in (tmp_path / "m" / "data").iterdir()} == {"train.jsonl", "dev.jsonl", "test.jsonl", "left_out.jsonl"}
    # scoring the model on the file it was trained on, or on its training split, is warned about
    for data, warning in ((tmp_path / "mine.jsonl", "mine.jsonl is the file"), (tmp_path / "m" / "data" / "train.jsonl", "messages of")):
        result = run("evaluate", "-m", str(tmp_path / "m"), "--data", str(data), "-o", str(tmp_path / "e"))
        message = " ".join(result.stderr.split())
        assert result.exit_code == 0 and "warning: " in message and warning in message, message
        assert f"{tmp_path / 'm' / 'data' / 'test.jsonl'}" in message
    result = run("evaluate", "-m", str(tmp_path / "m"), "--data", str(tmp_path / "m" / "data" / "test.jsonl"), "-o", str(tmp_path / "e"))
    assert result.exit_code == 0 and "warning: " not in result.stderr
    # trained again into the same folder on the corpora alone: the old split goes with the old model
    result = run("train", "--set", f"corpora_dir={tmp_path / 'corpora'}", "--set", "features.min_df=1",
                 "--set", "model.sentiment_noise_filter=0", "-o", str(tmp_path / "m"))
    assert result.exit_code == 0 and f"removed {tmp_path / 'm' / 'data'}" in result.stderr
    assert not (tmp_path / "m" / "data").exists()


def test_cli_thresholds_chosen_by_the_user_in_classify_and_evaluate(tiny_model_dir, tmp_path):
    from tests.test_train import make_small_corpora

    make_small_corpora(tmp_path / "corpora", per_label=3)
    corpora = ["--data", "dev", "--corpora", str(tmp_path / "corpora")]
    result = run("evaluate", "--model", str(tiny_model_dir), *corpora, "-o", str(tmp_path / "plain"))
    assert result.exit_code == 0, result.stderr
    plain = json.loads((tmp_path / "plain" / "metrics.json").read_text(encoding="utf-8"))
    points = plain["causes"]["operating_points"]
    assert plain["thresholds_set"] is None and points["thresholds"] == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert set(points["per_label"]) == set(plain["causes"]["per_label"]) == set(points["model_thresholds"])
    assert "causes micro-F1 with every threshold at 0.1:" in " ".join(result.stdout.split())
    # the figures at a threshold are those of an evaluation with every threshold set to it
    result = run("evaluate", "--model", str(tiny_model_dir), *corpora, "-o", str(tmp_path / "set"), "--threshold", "0.3")
    assert result.exit_code == 0, result.stderr
    at = json.loads((tmp_path / "set" / "metrics.json").read_text(encoding="utf-8"))
    assert set(at["thresholds_set"].values()) == {0.3} and "thresholds set for this evaluation: " in result.stderr
    assert at["causes"]["micro"]["f1"] == pytest.approx(points["micro"]["f1"][2], abs=1e-4)
    for cause, figures in points["per_label"].items():
        assert at["causes"]["per_label"][cause]["recall"] == pytest.approx(figures["recall"][2], abs=1e-4)
    # a threshold for one cause, in classify; mistakes are named
    result = run("classify", "快递太慢了", "--model", str(tiny_model_dir), "--json", "--threshold", "1", "--threshold", "logistics=0")
    assert result.exit_code == 0, result.stderr
    assert [c["id"] for c in json.loads(result.stdout)["causes"]] == ["logistics"]
    assert "thresholds set: " in result.stderr and "logistics 0" in result.stderr
    for bad, message in (("logistcs=0.3", "logistcs is not a cause of this model"), ("high", "--threshold 'high': write a probability"),
                         ("2", "thresholds: 2.0 for every cause; a threshold is a probability from 0 to 1"),
                         ("logistics=2", "thresholds: logistics = 2.0; a threshold is a probability from 0 to 1")):
        result = run("classify", "快递太慢了", "--model", str(tiny_model_dir), "--threshold", bad)
        assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_cli_info_checks_the_files_and_names_what_the_model_is(tiny_model_dir, tmp_path):
    import shutil

    meta = json.loads((tiny_model_dir / "metadata.json").read_text(encoding="utf-8"))
    result = run("info", "-m", str(tiny_model_dir))
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert f"({meta['backend']}, " in out and f"{len(meta['files'])} files checked against their hashes" in out
    assert f"trained {meta['created']}" in out
    for cause, threshold in meta["thresholds"].items():
        assert f"{cause} " in out and f" {threshold:g} " in out
    result = run("info", "-m", str(tiny_model_dir), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == meta
    # the folder may be given as export-onnx takes it, without -m
    assert run("info", str(tiny_model_dir), "--json").stdout == result.stdout
    result = run("info", str(tiny_model_dir), "-m", str(tmp_path))
    assert result.exit_code == 2 and "two model directories given" in result.stderr
    # a changed file is refused, named, as loading refuses it
    copy = tmp_path / "m"
    shutil.copytree(tiny_model_dir, copy)
    name = sorted(meta["files"])[0]
    (copy / name).write_bytes((copy / name).read_bytes() + b"x")
    result = run("info", "-m", str(copy))
    assert result.exit_code == 2 and name in result.stderr
    result = run("info", "-m", str(tmp_path / "nothing"))
    assert result.exit_code == 2 and "not found" in result.stderr
    # fields that loading does not read, edited by hand: one line naming the file, not a traceback
    for edit in ({"training_data": {"items": {"causes/train": "18,829"}}}, {"metrics": {"dev": {"causes": {"items": 3}}}}):
        edited = tmp_path / f"edited{len(edit)}{sorted(edit)[0]}"
        shutil.copytree(tiny_model_dir, edited)
        (edited / "metadata.json").write_text(json.dumps({**meta, **edit}), encoding="utf-8")
        result = run("info", "-m", str(edited))
        assert result.exit_code == 2 and "metadata.json: a field of its description cannot be read" in result.stderr, result.output


def test_cli_classify_without_output_refuses_batch_options_and_a_file_with_no_message(tiny_model_dir, tmp_path):
    for options, named in ((["--workers", "2", "--format", "csv"], "--format, --workers are for batch mode"),
                           (["--resume"], "--resume is for batch mode"), (["--field", "text=内容"], "--field is for batch mode"),
                           (["--text-field", "内容", "--sessions", str(tmp_path / "s.csv")], "--sessions, --text-field are")):
        result = run("classify", "快递太慢了", "--model", str(tiny_model_dir), *options)
        assert result.exit_code == 2 and named in result.stderr and "add -o OUTPUT" in " ".join(result.stderr.split())
    blank = tmp_path / "blank.txt"
    for content, message in (("\n  \n\n", "every line is blank; no message to classify"), ("", "file is empty")):
        blank.write_text(content, encoding="utf-8")
        result = run("classify", str(blank), "--model", str(tiny_model_dir))
        assert result.exit_code == 2 and f"{blank}: {message}" in " ".join(result.stderr.split())
    # a first line that is a text column's name is a header row: noted, not classified
    blank.write_text("内容\n快递太慢了\n", encoding="utf-8")
    result = run("classify", str(blank), "--model", str(tiny_model_dir), "--json")
    assert result.exit_code == 0 and [json.loads(line)["line"] for line in result.stdout.splitlines()] == [2]
    assert "line 1: '内容' is a header row" in " ".join(result.stderr.split())
    blank.write_text("内容\n", encoding="utf-8")
    result = run("classify", str(blank), "--model", str(tiny_model_dir))
    assert result.exit_code == 2 and "its only line is a header row ('内容')" in " ".join(result.stderr.split())
    # standard input is for single messages; a batch run says so, not that "-" is missing
    result = run("classify", "-", "-o", str(tmp_path / "out.jsonl"), "--model", str(tiny_model_dir))
    assert result.exit_code == 2 and "-: standard input is read only without -o" in " ".join(result.stderr.split())
    # the options that apply to single messages still do
    result = run("classify", "快递太慢了", "--model", str(tiny_model_dir), "--json", "--redact", "--encoding", "utf-8")
    assert result.exit_code == 0 and json.loads(result.stdout)["text"] == "快递太慢了"


def test_cli_classify_batch_output_that_names_a_folder_is_refused_with_a_file_to_give(tiny_model_dir, tmp_path):
    export = tmp_path / "a.csv"
    export.write_text("text\n快递太慢了\n", encoding="utf-8")
    (tmp_path / "existing").mkdir()
    for output in (f"{tmp_path}/new/", str(tmp_path / "existing")):
        result = run("classify", str(export), "-o", output, "--model", str(tiny_model_dir), "-w", "1")
        message = " ".join(result.stderr.split())
        assert result.exit_code == 2 and f"-o {output}: names a folder" in message, message
        assert f"e.g. -o {output.rstrip('/')}/messages.jsonl" in message
    assert not (tmp_path / "new").exists()  # no file named like the folder
    result = run("classify", str(export), "-o", str(tmp_path / "new" / "messages.jsonl"), "--model", str(tiny_model_dir), "-w", "1")
    assert result.exit_code == 0 and (tmp_path / "new" / "messages.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_cli_classify_batch_names_role_values_it_cannot_read_and_takes_them_as_told(tiny_model_dir, tmp_path):
    import json

    export = tmp_path / "a.csv"
    export.write_text("会话ID,角色,内容\n1,1,快递五天了还没到\n1,2,非常抱歉，马上帮您催一下\n1,1,好的\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("classify", str(export), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1")
    message = " ".join(result.stderr.split())
    assert result.exit_code == 0 and "the role field holds values that name no role: '1' (2), '2' (1)" in message, message
    assert "--role-value 1=customer --role-value 2=agent" in message
    assert json.loads((tmp_path / "out.jsonl.summary.json").read_text(encoding="utf-8"))["role_values_unknown"] == {"1": 2, "2": 1}
    result = run("classify", str(export), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1", "--restart",
                 "--role-value", "1=customer", "--role-value", "2=agent")
    assert result.exit_code == 0 and "name no role" not in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["role"] for r in rows] == ["customer", "agent", "customer"]
    result = run("classify", str(export), "-o", str(out), "--model", str(tiny_model_dir), "--role-value", "2=staff")
    assert result.exit_code == 2 and "ROLE one of customer, agent, bot, system" in " ".join(result.stderr.split())
    result = run("classify", "快递太慢", "--model", str(tiny_model_dir), "--role-value", "2=agent")
    assert result.exit_code == 2 and "--role-value is for batch mode" in " ".join(result.stderr.split())


def test_cli_classify_batch_says_how_each_export_was_read(tiny_model_dir, tmp_path):
    import json

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.csv").write_bytes("会话ID;时间;角色;内容\n1;2024-03-05 09:05;顾客;快递没到\n".encode("gbk"))
    (folder / "b.csv").write_bytes("会话ID;时间;角色;内容\n2;2024-03-05 09:07;顾客;太慢了\n".encode("gbk"))
    (folder / "chat.txt").write_text("2024-03-06 10:12:01 顾客小王: 快递怎么还没到\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("classify", str(folder), "-o", str(out), "--model", str(tiny_model_dir), "-w", "1")
    message = " ".join(result.stderr.split())
    assert result.exit_code == 0
    assert ("read 2 files (a.csv, b.csv) as csv (gb18030, ';'): session=会话ID, time=时间, role=角色, text=内容; "
            "not found: message id, speaker") in message, message
    assert "read chat.txt as transcript (utf_8)" in message
    read_as = json.loads((tmp_path / "out.jsonl.summary.json").read_text(encoding="utf-8"))["read_as"]
    assert read_as[str(folder / "a.csv")]["columns"]["text"] == "内容" and read_as[str(folder / "chat.txt")]["as"] == "transcript"


def test_cli_info_shows_no_f1_for_a_cause_no_test_item_has_and_none_was_given(tiny_model_dir, tmp_path):
    import shutil

    meta = json.loads((tiny_model_dir / "metadata.json").read_text(encoding="utf-8"))
    causes = list(meta["thresholds"])
    per_label = {c: {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0} if c == causes[0] else
                 {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2} for c in causes}
    test = {"causes": {"per_label": per_label, "labels_absent": [causes[0]], "micro": {"f1": 1.0}, "macro": {"f1": 1.0}, "items": 4}}
    copy = tmp_path / "m"
    shutil.copytree(tiny_model_dir, copy)
    (copy / "metadata.json").write_text(json.dumps({**meta, "metrics": {"test": test}}), encoding="utf-8")
    result = run("info", "-m", str(copy))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if f" {causes[0]} " in line)
    assert "0.000" not in row and " - " in row


def test_cli_classify_a_mojibake_argument_is_repaired_as_a_file_would_be(tiny_model_dir):
    garbled = "快递五天了还没到，客服也不回消息".encode("utf-8").decode("gbk", errors="ignore")
    result = run("classify", garbled, "--model", str(tiny_model_dir), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["text"] == "快递五天了还没到，客服也不回消息"
    assert "looked like UTF-8 read as GBK (mojibake) and was repaired" in " ".join(result.stderr.split())


def test_cli_mistyped_file_names_and_encodings_are_named_as_such(tiny_model_dir, tmp_path):
    result = run("classify", "msgs.tx", "--model", str(tiny_model_dir))
    assert result.exit_code == 2 and "msgs.tx: no such file" in result.stderr
    for command in (["classify", "快递太慢"], ["normalise", "-"]):
        result = run(*command, "--encoding", "utf8x", input="快递太慢")
        message = " ".join(result.stderr.split())
        assert result.exit_code == 2 and "--encoding 'utf8x' is not a text encoding Python knows" in message, message
        assert "default.yaml" not in message
    # a file read in an encoding the guess is unsure of says so, as normalise does
    (tmp_path / "m.txt").write_bytes("搶嫗偺攝憲偑抶偄丅僇僗僞儅乕僒乕價僗偺懳墳傕埆偄".encode("shift_jis", errors="ignore"))
    result = run("classify", str(tmp_path / "m.txt"), "--model", str(tiny_model_dir), "--no-explain")
    assert "encoding guess" in result.stderr or "undecodable" in result.stderr, result.stderr


def test_cli_evaluate_warns_of_messages_the_shipped_model_was_trained_on(tmp_path):
    from feedback_nlp.models.corpus import CORPORA_DIR

    lines = (CORPORA_DIR / "causes" / "train.jsonl").read_text(encoding="utf-8").splitlines()[:12]
    held_out = (CORPORA_DIR / "causes" / "test.jsonl").read_text(encoding="utf-8").splitlines()[:12]
    mine = tmp_path / "mine.jsonl"
    mine.write_text("\n".join(lines[:3] + held_out) + "\n", encoding="utf-8")
    result = run("evaluate", "--data", str(mine), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    err = " ".join(result.stderr.split())
    assert "warning: 3 of the 15 messages of" in err and "train or dev splits of the corpora" in err
    mine.write_text("\n".join(held_out) + "\n", encoding="utf-8")
    result = run("evaluate", "--data", str(mine), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0 and "warning" not in result.stderr
    # a message written twice is scored twice: said, so that the figures are read knowing it
    mine.write_text("\n".join(held_out + held_out[:2]) + "\n", encoding="utf-8")
    result = run("evaluate", "--data", str(mine), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0 and "warning: 2 messages of" in result.stderr and "are copies of another" in result.stderr


def test_cli_leaves_the_format_of_log_handlers_it_did_not_make():
    # an application or pytest that runs a command keeps its own log format
    import io
    import logging

    handler = logging.StreamHandler(io.StringIO())
    own = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    handler.setFormatter(own)
    logging.getLogger().addHandler(handler)
    try:
        assert run("info", "--json").exit_code == 0
        assert handler.formatter is own
    finally:
        logging.getLogger().removeHandler(handler)
