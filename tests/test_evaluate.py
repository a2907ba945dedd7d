import numpy as np
import pytest

from feedback_nlp.evaluate import calibration_metrics, cause_metrics, compare, confidence_metrics, sentiment_metrics

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
