import json
import re

import numpy as np
import pytest

from feedback_nlp.evaluate import (
    calibration_metrics,
    cause_f1,
    cause_metrics,
    compare,
    confidence_metrics,
    sentiment_metrics,
    write_chart,
)

LABELS = ["attitude", "logistics", "price_billing"]


def _items(gold, predicted):
    return [{"causes": g, "predicted": p} for g, p in zip(gold, predicted)]


def _indicator(rows):
    return np.array([[label in row for label in LABELS] for row in rows], dtype=int)


def test_compare_the_same_predictions_differ_by_nothing():
    gold = [["attitude"], ["logistics"], [], ["price_billing", "attitude"]] * 10
    predicted = [["attitude"], [], ["logistics"], ["price_billing"]] * 10
    items = _items(gold, predicted)
    result = compare([items, items], [], LABELS, resamples=200)
    micro = result["figures"]["causes_micro_f1"]
    assert micro["values"][0] == micro["values"][1]
    assert micro["against_first"][0] == {"difference": 0.0, "low": 0.0, "high": 0.0, "share_of_resamples_better": 0.0}
    assert "sentiment_accuracy" not in result["figures"]  # no sentiment items given
    # each model's own interval: the same items, the same resamples, the same interval
    assert micro["intervals"][0] == micro["intervals"][1]
    low, high = micro["intervals"][0]
    assert low < micro["values"][0] < high and high - low < 0.5


def test_compare_one_model_gives_its_figures_with_intervals_that_narrow_with_more_items():
    gold = [["attitude"], ["logistics"], [], ["price_billing", "attitude"]]
    predicted = [["attitude"], [], ["logistics"], ["price_billing"]]
    widths = []
    for copies in (10, 100):
        micro = compare([_items(gold * copies, predicted * copies)], [], LABELS, resamples=300)["figures"]["causes_micro_f1"]
        assert micro["against_first"] == [] and micro["items"] == 4 * copies
        low, high = micro["intervals"][0]
        assert low <= micro["values"][0] <= high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2  # ten times the items: about a third as wide


def test_compare_figures_are_those_of_cause_metrics_and_a_clear_gain_is_outside_the_interval():
    rng = np.random.default_rng(1)
    gold = [[LABELS[i % 3]] if i % 4 else [] for i in range(400)]
    # the first model misses half the causes, the second a tenth
    first = [g if rng.random() < 0.5 else [] for g in gold]
    second = [g if rng.random() < 0.9 else [] for g in gold]
    result = compare([_items(gold, first), _items(gold, second)], [], LABELS)
    for model, predicted in enumerate((first, second)):
        expected = cause_metrics(_indicator(gold), _indicator(predicted), LABELS)
        assert result["figures"]["causes_micro_f1"]["values"][model] == pytest.approx(expected["micro"]["f1"], abs=1e-4)
        assert result["figures"]["causes_macro_f1"]["values"][model] == pytest.approx(expected["macro"]["f1"], abs=1e-4)
    gain = result["figures"]["causes_micro_f1"]["against_first"][0]
    assert gain["difference"] > 0.1 and 0 < gain["low"] <= gain["difference"] <= gain["high"]
    assert gain["share_of_resamples_better"] == 1.0
    # neither model gives a cause to a message without one: every such message is kept clear
    assert result["figures"]["no_cause_kept"] == {"values": [1.0, 1.0], "intervals": [[1.0, 1.0], [1.0, 1.0]], "items": 100, "against_first": [
        {"difference": 0.0, "low": 0.0, "high": 0.0, "share_of_resamples_better": 0.0}]}


def test_compare_counts_messages_without_a_cause_that_a_model_left_without_one():
    gold = [[], [], [], ["attitude"]] * 10
    first = [["attitude"], ["logistics"], [], ["attitude"]] * 10  # two of three given a cause
    second = [[], [], ["logistics"], ["attitude"]] * 10  # one of three
    figure = compare([_items(gold, first), _items(gold, second)], [], LABELS, resamples=200)["figures"]["no_cause_kept"]
    assert figure["values"] == [pytest.approx(1 / 3), pytest.approx(2 / 3)] and figure["items"] == 30
    assert figure["against_first"][0]["difference"] == pytest.approx(1 / 3)


def test_compare_sentiment_and_review_lines_apart():
    def sentiment(predicted):
        gold = ["neg", "pos", "neu", "neg"] * 25
        return [{"sentiment": g, "predicted_sentiment": p, "review": g != "neu"} for g, p in zip(gold, predicted)]

    first = sentiment(["neg", "pos", "neu", "pos"] * 25)  # one review line in three wrong
    second = sentiment(["neg", "pos", "neg", "neg"] * 25)  # the neutral item wrong, review lines right
    result = compare([[], []], [first, second], LABELS, resamples=200)
    assert result["figures"]["sentiment_accuracy"]["values"] == [0.75, 0.75]
    assert result["figures"]["review_binary_accuracy"]["values"] == [pytest.approx(2 / 3, abs=1e-4), 1.0]
    assert result["figures"]["review_binary_accuracy"]["items"] == 75
    assert "causes_micro_f1" not in result["figures"]


def test_sentiment_metrics_count_an_unclassified_item_as_wrong():
    # "666" has no words: the classifier leaves it unclassified (label None)
    figures = sentiment_metrics(["pos", "neg", "pos", "neu"], ["pos", "neg", None, "neu"], ["neg", "neu", "pos"],
                                np.array([True, True, True, False]))
    assert figures["accuracy"] == 0.75 and figures["review_binary_accuracy"] == pytest.approx(2 / 3)
    assert figures["unclassified"] == 1
    assert sum(map(sum, figures["confusion_matrix"])) == 3  # the unclassified item stays out of the matrix


def test_confidence_metrics_share_right_per_level():
    out = confidence_metrics(["high", "high", "high", "high", "low", "low"], [True, True, True, False, False, True])
    assert out["high"] == {"items": 4, "right": 0.75}
    assert out["low"] == {"items": 2, "right": 0.5}
    assert out["medium"] == {"items": 0, "right": None}  # no decision at that level: nothing to say


def test_calibration_metrics_perfect_and_overconfident():
    # probability 0.25 for four items, one of which has it; 0.95 for two, both have it
    p = np.array([0.25, 0.25, 0.25, 0.25, 0.95, 0.95])
    y = np.array([1, 0, 0, 0, 1, 1])
    out = calibration_metrics(p, y)
    assert [(b["from"], b["items"], b["observed"]) for b in out["bins"]] == [(0.2, 4, 0.25), (0.9, 2, 1.0)]
    assert out["ece"] == pytest.approx(2 / 6 * 0.05, abs=1e-4)
    assert out["brier"] == pytest.approx((0.75**2 + 3 * 0.25**2 + 2 * 0.05**2) / 6, abs=1e-4)
    # always 0.9 for things that are so half the time: far off, and the error says how far
    off = calibration_metrics(np.full(10, 0.9), np.array([1, 0] * 5))
    assert off["ece"] == pytest.approx(0.4)
    assert calibration_metrics(np.zeros(0), np.zeros(0)) == {"brier": None, "ece": None, "bins": []}


def test_metrics_keep_full_precision_so_a_printed_figure_is_rounded_once():
    # 1,486 of 1,717 right is 0.86546: kept to four places (0.8655) it printed as 0.866
    labels = ["neg", "pos"] * 858 + ["neg"]
    predicted = labels[:1486] + ["pos" if x == "neg" else "neg" for x in labels[1486:]]
    figures = sentiment_metrics(labels, predicted, ["neg", "neu", "pos"], np.ones(len(labels), bool))
    assert f"{figures['accuracy']:.3f}" == "0.865" and f"{figures['review_binary_accuracy']:.3f}" == "0.865"


def test_cause_f1_of_a_cause_no_item_has_and_none_was_given_is_none():
    gold, predicted = [["attitude"], ["logistics"], []], [["attitude"], [], ["logistics"]]
    figures = cause_metrics(_indicator(gold), _indicator(predicted), LABELS)
    assert cause_f1(figures) == {"attitude": 1.0, "logistics": 0.0, "price_billing": None}


def test_chart_draws_no_bar_for_a_cause_no_item_has(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    figures = cause_metrics(_indicator([["attitude"], ["logistics"]]), _indicator([["attitude"], []]), LABELS)
    drawn = []
    monkeypatch.setattr(plt, "close", drawn.append)
    write_chart({"causes": figures, "sentiment": None}, tmp_path / "m.png")
    bars = drawn[0].axes[0]
    assert [round(bar.get_width(), 3) for bar in bars.patches] == [1.0, 0.0, 0.0]
    assert [t.get_text() for t in bars.texts] == ["-  (no item)"]  # price_billing, not logistics (F1 0)
    plt.close(drawn[0])


def _cli(*args):
    from typer.testing import CliRunner

    from feedback_nlp.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_evaluate_compared_models_show_a_cause_no_item_has_as_a_dash(tiny_model_dir, tmp_path):
    data = tmp_path / "mine.jsonl"
    rows = [{"text": "快递五天了还没到", "causes": ["logistics"], "sentiment": "neg"}, {"text": "物流太慢了，包裹一直不动", "causes": ["logistics"]}]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = _cli("evaluate", "-m", str(tiny_model_dir), "-m", str(tiny_model_dir), "--data", str(data), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "out" / "1_tiny" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["causes"]["labels_absent"] == ["attitude"]
    (row,) = [line for line in result.stdout.splitlines() if "attitude F1" in line]
    assert re.fullmatch(r"\W*attitude F1\W+0\W+-\W+-\W+-\W*", row), row
    (row,) = [line for line in result.stdout.splitlines() if "logistics F1" in line]
    assert "1.000" in row and "+0.000" in row


def test_cli_evaluate_checks_the_records_of_the_split_it_scores(tiny_model_dir, tmp_path):
    from tests.test_train import make_small_corpora

    make_small_corpora(tmp_path / "corpora", per_label=3)
    dev = tmp_path / "corpora" / "causes" / "dev.jsonl"
    lines = dev.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1][:-1]  # broken JSON
    lines[3] = json.dumps({"text": "太慢了", "causes": "logistics", "sentiment": "angry"}, ensure_ascii=False)
    dev.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _cli("evaluate", "-m", str(tiny_model_dir), "--data", "dev", "--corpora", str(tmp_path / "corpora"), "-o", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    assert message.startswith("feedback-nlp: error: 2 bad records in the corpora")
    assert "causes/dev.jsonl line 2: not valid JSON" in message
    assert "causes/dev.jsonl line 4: causes not a list" in message and "and unknown sentiment label: 'angry'" in message
    # a CSV file is not read as JSON Lines
    (tmp_path / "mine.csv").write_text("text,causes\n快递慢,logistics\n", encoding="utf-8")
    result = _cli("evaluate", "-m", str(tiny_model_dir), "--data", str(tmp_path / "mine.csv"), "-o", str(tmp_path / "o"))
    assert result.exit_code == 2 and "a CSV file is not read; labelled messages must be a JSON Lines file" in " ".join(result.stderr.split())


def test_cli_evaluate_a_split_whose_records_lack_a_source(tiny_model_dir, tmp_path):
    from tests.test_train import make_small_corpora

    make_small_corpora(tmp_path / "corpora", per_label=3)
    for name in ("causes", "sentiment"):
        path = tmp_path / "corpora" / name / "dev.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        rows[0].pop("source")
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "o"
    result = _cli("evaluate", "-m", str(tiny_model_dir), "--data", "dev", "--corpora", str(tmp_path / "corpora"), "-o", str(out))
    assert result.exit_code == 0, result.output
    first = json.loads((out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["review"] is False


def test_evaluate_cause_averages_of_items_without_causes_are_null_not_nan():
    # nothing to average when no item has a cause and none is given: JSON must stay valid
    none = np.zeros((2, 3), int)
    metrics = cause_metrics(none, none, ["a", "b", "c"])
    assert metrics["macro"] == metrics["micro"] == {"precision": None, "recall": None, "f1": None}  # not 0: nothing was wrong
    assert "NaN" not in json.dumps(metrics) and metrics["complaint_vs_none_accuracy"] == 1.0


def test_cli_evaluate_a_file_whose_messages_have_no_cause_and_get_none(tiny_model_dir, tmp_path):
    data = tmp_path / "praise.jsonl"
    rows = [{"text": "谢谢", "causes": [], "sentiment": "pos"}, {"text": "好的", "causes": [], "sentiment": "neu"}]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = _cli("evaluate", "-m", str(tiny_model_dir), "--data", str(data), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert all(item["predicted"] == [] for item in map(json.loads, (tmp_path / "out" / "predictions.jsonl").read_text(encoding="utf-8").splitlines()))
    assert metrics["causes"]["micro"]["f1"] is None and "causes_micro_f1" not in metrics["intervals"]
    assert metrics["intervals"]["no_cause_kept"]["value"] == 1.0
    (row,) = [line for line in result.stdout.splitlines() if "micro" in line and "F1" not in line and "threshold" not in line]
    assert "0.000" not in row and "-" in row


def test_cli_evaluate_a_cause_the_model_does_not_know_is_not_counted_as_missed(tiny_model_dir, tmp_path):
    # the corpora's splits may name causes of a larger taxonomy than the model's
    from tests.test_train import make_small_corpora

    make_small_corpora(tmp_path / "corpora", per_label=3)
    out = tmp_path / "o"
    result = _cli("evaluate", "-m", str(tiny_model_dir), "--data", "dev", "--corpora", str(tmp_path / "corpora"), "-o", str(out))
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    others = [item for item in items if set(item["causes"]) - {"logistics", "attitude"}]
    assert others, "the small corpora have causes the tiny model lacks"
    for item in others:
        assert item["unknown_to_model"] == [c for c in item["causes"] if c not in ("logistics", "attitude")]
        assert not set(item["missed"]) - {"logistics", "attitude"} and set(item["probabilities"]) <= {"logistics", "attitude"}
    assert all("unknown_to_model" not in item for item in items if item not in others)
    wrong = sum(1 for item in items if item["missed"] or item["extra"])
    assert f"{wrong} of {len(items)} messages have a cause missed or extra" in " ".join(result.stderr.split())
