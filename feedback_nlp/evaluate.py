"""Metrics of the classifiers on a labelled split, as JSON-ready dicts, and a PNG chart."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from .models.corpus import review_mask
from .models.linear import MESSAGE

if TYPE_CHECKING:
    from .pipeline import FeedbackClassifier

logger = logging.getLogger(__name__)


def cause_metrics(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> dict:
    """Per-label precision/recall/F1/support plus micro and macro averages (multi-label)."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    out = {
        "per_label": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, lab in enumerate(labels)
        }
    }
    # a label that no item has and none is given scores nothing either way: the macro average
    # leaves it out (a small labelled file seldom holds every cause) and names it
    present = [i for i in range(len(labels)) if y_true[:, i].any() or y_pred[:, i].any()]
    for avg in ("micro", "macro"):
        if not present:  # no item has a cause and none was given: nothing to score (null, not NaN, nor 0)
            out[avg] = {"precision": None, "recall": None, "f1": None}
            continue
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, average=avg, labels=present, zero_division=0)
        out[avg] = {"precision": float(ap), "recall": float(ar), "f1": float(af)}
    out["labels_absent"] = [lab for i, lab in enumerate(labels) if i not in present]
    has_true, has_pred = y_true.any(axis=1), y_pred.any(axis=1)
    out["complaint_vs_none_accuracy"] = float((has_true == has_pred).mean())
    out["items"] = int(len(y_true))
    return out


def cause_f1(causes: dict) -> dict[str, float | None]:
    """The F1 of each cause of ``cause_metrics``'s figures; None for a cause that no item has and
    none was given (nothing to score: shown as "-", left out of the macro average)."""
    absent = set(causes.get("labels_absent", ()))
    return {label: None if label in absent else m["f1"] for label, m in causes["per_label"].items()}


def sentiment_metrics(y_true: list[str], y_pred: list[str], labels: list[str], review_mask: np.ndarray | None = None) -> dict:
    """3-class accuracy and confusion matrix; on review lines (neg/pos only), binary accuracy
    with a neutral prediction counted as wrong. A prediction of ``None`` (an item left
    unclassified, such as "666" with no words) counts as wrong, stays out of the confusion matrix
    and is counted as ``unclassified``."""
    y_true_a = np.asarray(y_true)
    y_pred_a = np.asarray(["" if p is None else p for p in y_pred])
    out = {
        "accuracy": float(accuracy_score(y_true_a, y_pred_a)),
        "labels": labels,
        "confusion_matrix": confusion_matrix(y_true_a, y_pred_a, labels=labels).tolist(),
        "items": int(len(y_true_a)),
        "unclassified": int((y_pred_a == "").sum()),
    }
    if review_mask is not None and review_mask.any():
        out["review_binary_accuracy"] = float((y_true_a[review_mask] == y_pred_a[review_mask]).mean())
        out["review_items"] = int(review_mask.sum())
    return out


CONFIDENCE_LEVELS = ("high", "medium", "low")
CALIBRATION_BINS = 10


def confidence_metrics(levels: list[str], right: list[bool]) -> dict:
    """For each confidence level given (high / medium / low): how many decisions had it, and the
    share of them that were right; what an analyst can expect of a decision at that level."""
    out = {}
    for level in CONFIDENCE_LEVELS:
        hits = [r for lv, r in zip(levels, right) if lv == level]
        out[level] = {"items": len(hits), "right": float(np.mean(hits)) if hits else None}
    return out


def calibration_metrics(probabilities: np.ndarray, truth: np.ndarray, bins: int = CALIBRATION_BINS) -> dict:
    """How well probabilities match how often the thing is so: Brier score, expected calibration
    error (equal-width bins, weighted by items) and, per bin, the mean probability against the
    share observed."""
    p = np.asarray(probabilities, float).ravel()
    y = np.asarray(truth, float).ravel()
    if not len(p):
        return {"brier": None, "ece": None, "bins": []}
    which = np.minimum((p * bins).astype(int), bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        inside = which == b
        if not inside.any():
            continue
        mean_p, seen = float(p[inside].mean()), float(y[inside].mean())
        ece += abs(mean_p - seen) * inside.sum() / len(p)
        table.append({
            "from": b / bins, "to": (b + 1) / bins, "items": int(inside.sum()),
            "mean_probability": round(mean_p, 4), "observed": round(seen, 4),
        })
    return {"brier": round(float(((p - y) ** 2).mean()), 4), "ece": round(float(ece), 4), "bins": table}


def write_chart(metrics: dict, path: Path) -> None:
    """Per-cause F1 bars, the sentiment confusion matrix and, where the metrics have it, how the
    cause probabilities match what was so (a reliability diagram), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f1 = cause_f1(metrics["causes"])
    sent = metrics["sentiment"]
    calibration = (metrics["causes"].get("calibration") or {}).get("bins")
    ratios = [2, 1, 1] if calibration else [2, 1]
    fig, axes = plt.subplots(1, len(ratios), figsize=(6 * len(ratios), 5), gridspec_kw={"width_ratios": ratios})
    ax1, ax2 = axes[0], axes[1]
    names = list(f1)
    ax1.barh(names, [f1[n] or 0.0 for n in names], color="#4477aa")
    for row, name in enumerate(names):
        if f1[name] is None:  # no item has it and none was given it: no bar, as "-" in the tables
            ax1.text(0.01, row, "-  (no item)", va="center", color="#666666")
    ax1.set_xlim(0, 1)
    ax1.invert_yaxis()
    ax1.set_xlabel("F1")
    micro, macro = metrics["causes"]["micro"]["f1"], metrics["causes"]["macro"]["f1"]
    ax1.set_title(f"Causes: micro-F1 {'-' if micro is None else f'{micro:.3f}'}, macro-F1 {'-' if macro is None else f'{macro:.3f}'}")
    if sent is None:
        ax2.axis("off")
        ax2.set_title("Sentiment: no labelled items")
    else:
        cm = np.array(sent["confusion_matrix"])
        ax2.imshow(cm, cmap="Blues")
        ax2.set_xticks(range(len(sent["labels"])), sent["labels"])
        ax2.set_yticks(range(len(sent["labels"])), sent["labels"])
        ax2.set_xlabel("predicted")
        ax2.set_ylabel("true")
        for i in range(cm.shape[0]):
            for j in range(cm.shape[1]):
                ax2.text(j, i, str(cm[i, j]), ha="center", va="center", color="black")
        ax2.set_title(f"Sentiment: accuracy {sent['accuracy']:.3f}")
    if calibration:
        ax3 = axes[2]
        ax3.plot([0, 1], [0, 1], color="#999999", linestyle="--", linewidth=1)
        ax3.plot([b["mean_probability"] for b in calibration], [b["observed"] for b in calibration], marker="o", color="#cc6677")
        ax3.set_xlim(0, 1)
        ax3.set_ylim(0, 1)
        ax3.set_xlabel("cause probability (mean in bin)")
        ax3.set_ylabel("share that has the cause")
        ax3.set_title(f"Calibration: ECE {metrics['causes']['calibration']['ece']:.3f}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# resamples of the items for the intervals of ``compare``, and how many (resamples x items) are
# drawn at once, which bounds memory on large labelled files
RESAMPLES = 1000
_CHUNK_CELLS = 4_000_000


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(denominator, dtype=float), where=denominator > 0)


def _micro_f1(counts: np.ndarray) -> np.ndarray:
    return _f1(counts[..., 0], counts[..., 1], counts[..., 2])


def _macro_f1(counts: np.ndarray) -> np.ndarray:
    """Mean F1 over the labels that some item has or was given (``cause_metrics``'s macro)."""
    per_label = counts.reshape(*counts.shape[:-1], -1, 3)
    f1 = _f1(per_label[..., 0], per_label[..., 1], per_label[..., 2])
    present = per_label.sum(axis=-1) > 0
    return np.divide((f1 * present).sum(axis=-1), present.sum(axis=-1), out=np.zeros(f1.shape[:-1]), where=present.any(axis=-1))


def _accuracy(counts: np.ndarray) -> np.ndarray:
    return np.divide(counts[..., 0], counts[..., 1], out=np.zeros(counts.shape[:-1]), where=counts[..., 1] > 0)


def _cause_counts(items: list[dict], labels: list[str]) -> np.ndarray:
    """(items, labels x [true positive, false positive, false negative]) of one model's items; a
    cause the model does not know is left out, as the metrics leave it out."""
    out = np.zeros((len(items), len(labels), 3))
    index = {label: i for i, label in enumerate(labels)}
    for row, item in enumerate(items):
        gold, predicted = set(item["causes"]) & index.keys(), set(item["predicted"])
        for label in gold | predicted:
            out[row, index[label], 0 if label in gold and label in predicted else 1 if label in predicted else 2] = 1
    return out.reshape(len(items), -1)


def _resampled(counts: list[np.ndarray], figure, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """The figure of each model on ``resamples`` resamples of the items, the same resamples for
    every model (a paired bootstrap): shape (resamples, models)."""
    n = len(counts[0])
    out = np.empty((resamples, len(counts)))
    chunk = max(1, _CHUNK_CELLS // max(n, 1))
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        weights = rng.multinomial(n, np.full(n, 1 / n), size=size).astype(float)
        for m, c in enumerate(counts):
            out[start : start + size, m] = figure(weights @ c)
    return out


def compare(
    cause_items: list[list[dict]], sentiment_items: list[list[dict]], labels: list[str], resamples: int = RESAMPLES, seed: int = 0
) -> dict:
    """Figures of several models on the same labelled items, each with its 95% interval and each
    against the first, with a 95% interval of each difference from a paired bootstrap over the
    items: a difference whose interval holds 0 is within what another sample of the same size
    could give. With one model: its figures and how far another sample could move them.

    ``cause_items`` and ``sentiment_items`` are ``evaluate_items``'s item lists, one per
    model, in the same order of the same texts."""
    rng = np.random.default_rng(seed)
    groups: dict[str, tuple[list[np.ndarray], object]] = {}
    if cause_items and cause_items[0]:
        counts = [_cause_counts(items, labels) for items in cause_items]
        groups["causes_micro_f1"] = ([c.reshape(len(c), -1, 3).sum(axis=1) for c in counts], _micro_f1)
        groups["causes_macro_f1"] = (counts, _macro_f1)
        # the messages without a cause that a model left without one (the higher, the fewer false
        # complaints counted in a report)
        if any(not item["causes"] for item in cause_items[0]):
            groups["no_cause_kept"] = (
                [np.array([[float(not i["predicted"]), 1.0] for i in items if not i["causes"]]) for items in cause_items],
                _accuracy,
            )
    if sentiment_items and sentiment_items[0]:
        def correct(items, only_reviews=False):
            kept = [i for i in items if i["review"] or not only_reviews]
            return np.array([[float(i["sentiment"] == i["predicted_sentiment"]), 1.0] for i in kept]).reshape(-1, 2)

        groups["sentiment_accuracy"] = ([correct(items) for items in sentiment_items], _accuracy)
        if any(i["review"] for i in sentiment_items[0]):
            groups["review_binary_accuracy"] = ([correct(items, True) for items in sentiment_items], _accuracy)
    figures = {}
    for name, (counts, figure) in groups.items():
        if name.startswith("causes_") and not any(c.any() for c in counts):
            continue  # no item has a cause and no model gave one: nothing to score
        values = [float(figure(c.sum(axis=0))) for c in counts]
        draws = _resampled(counts, figure, resamples, rng)
        against = []
        for m in range(1, len(counts)):
            diff = draws[:, m] - draws[:, 0]
            low, high = np.percentile(diff, [2.5, 97.5])
            against.append({
                "difference": values[m] - values[0], "low": float(low), "high": float(high),
                "share_of_resamples_better": round(float((diff > 0).mean()), 4),
            })
        intervals = [[float(x) for x in np.percentile(draws[:, m], [2.5, 97.5])] for m in range(len(counts))]
        figures[name] = {"values": values, "intervals": intervals, "items": int(len(counts[0])), "against_first": against}
    return {"resamples": resamples, "seed": seed, "figures": figures}


def indicator(rows_causes: list[list[str]], labels: list[str]) -> np.ndarray:
    """0/1 matrix of the causes of each row; causes not in ``labels`` are left out (and logged)."""
    index = {c: i for i, c in enumerate(labels)}
    Y = np.zeros((len(rows_causes), len(labels)), dtype=np.int8)
    unknown: set[str] = set()
    for r, causes in enumerate(rows_causes):
        for c in causes:
            if c in index:
                Y[r, index[c]] = 1
            else:
                unknown.add(c)
    if unknown:
        logger.warning("causes not known to the model are left out of the evaluation: %s", ", ".join(sorted(unknown)))
    return Y


OPERATING_POINTS = tuple(round(0.1 * k, 1) for k in range(1, 10))  # thresholds at which each cause is scored


def operating_points(clf: FeedbackClassifier, texts: list[str], Y_true: np.ndarray, thresholds=OPERATING_POINTS) -> dict:
    """Precision, recall and F1 of each cause, and micro-averaged, with every cause's threshold set
    to each of ``thresholds`` in turn (the gates and the rest of the model as they are): what
    ``with_thresholds`` would trade, for choosing one."""
    per_label = {c: {"precision": [], "recall": [], "f1": []} for c in clf.cause_ids_}
    micro: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
    for t in thresholds:
        predicted = clf.with_thresholds(float(t)).predict(texts, explain=False)
        scores = cause_metrics(Y_true, indicator([[c["id"] for c in p["causes"]] for p in predicted], clf.cause_ids_), clf.cause_ids_)
        for c in clf.cause_ids_:
            for k in ("precision", "recall", "f1"):
                per_label[c][k].append(round(scores["per_label"][c][k], 4))
        for k in micro:
            micro[k].append(None if scores["micro"][k] is None else round(scores["micro"][k], 4))
    return {"thresholds": list(thresholds), "per_label": per_label, "micro": micro,
            "model_thresholds": {c: round(float(t), 4) for c, t in zip(clf.cause_ids_, clf.thresholds_)}}


def evaluate(clf: FeedbackClassifier, sentiment_split, causes_split) -> dict:
    """Cause and sentiment metrics of ``clf`` on one split of each corpus."""
    return evaluate_items(clf, sentiment_split, causes_split)[0]


def evaluate_items(clf: FeedbackClassifier, sentiment_split, causes_split) -> tuple[dict, list[dict], list[dict]]:
    """``evaluate``'s metrics, with each item of the cause split as labelled and as predicted
    (text, causes, predicted, missed, extra, the probability of each cause named, sentiment and
    predicted sentiment, and where the split has review lines and messages, review; causes the
    model does not know are not "missed" but listed under unknown_to_model, as the metrics leave
    them out), for reading the
    errors one by one; and each item of the sentiment split
    (text, sentiment, predicted_sentiment, review: whether it is a review line)."""
    texts = causes_split["text"]  # a column of a dataset is built anew at each access
    c_pred = clf.predict(texts, explain=False)
    Y_true = indicator(causes_split["causes"], clf.cause_ids_)
    Y_pred = indicator([[c["id"] for c in p["causes"]] for p in c_pred], clf.cause_ids_)
    causes = cause_metrics(Y_true, Y_pred, clf.cause_ids_)
    order = {c: i for i, c in enumerate(clf.cause_ids_)}
    scored = [r for r, p in enumerate(c_pred) if p["sentiment"]["label"] is not None]  # not the empty or unreadable ones
    P = np.array([[c_pred[r]["cause_probabilities"].get(c, 0.0) for c in clf.cause_ids_] for r in scored]).reshape(-1, len(clf.cause_ids_))
    causes["calibration"] = calibration_metrics(P, Y_true[scored])
    named = [(c["confidence"], bool(Y_true[r, order[c["id"]]])) for r, p in enumerate(c_pred) for c in p["causes"]]
    causes["by_confidence"] = confidence_metrics([lv for lv, _ in named], [ok for _, ok in named])
    causes["operating_points"] = operating_points(clf, texts, Y_true)
    # real review lines score much lower than messages: where a split has both, each is scored apart
    c_reviews = review_mask(causes_split)
    both_styles = 0 < c_reviews.sum() < len(c_reviews)
    if both_styles:
        causes["by_style"] = {
            style: {avg: cause_metrics(Y_true[mask], Y_pred[mask], clf.cause_ids_)[avg]["f1"] for avg in ("micro", "macro")}
            | {"items": int(mask.sum())}
            for style, mask in (("review", c_reviews), (MESSAGE, ~c_reviews))
        }
    sentiment_of = dict(zip(sentiment_split["text"], sentiment_split["label"])) if len(sentiment_split) else {}
    # a message with no complaint counted as one inflates a cause's count in a report; praise that
    # names a topic ("客服态度很好", "物流也快") is the commonest such message
    none = [r for r, gold in enumerate(causes_split["causes"]) if not gold]
    praise = [r for r in none if sentiment_of.get(texts[r]) == "pos"]
    for key, rows in (("none_given_a_cause", none), ("praise_given_a_cause", praise)):
        if rows:
            causes[key] = {"items": len(rows), "given": int(Y_pred[rows].any(axis=1).sum())}
    items = []
    for r, (text, gold, p) in enumerate(zip(texts, causes_split["causes"], c_pred)):
        predicted = [c["id"] for c in p["causes"]]
        known = [c for c in gold if c in order]
        named = sorted(set(known) | set(predicted), key=order.__getitem__)
        item = {
            "text": text, "causes": list(gold), "predicted": predicted,
            "missed": [c for c in known if c not in predicted], "extra": [c for c in predicted if c not in gold],
            "probabilities": {c: round((p.get("cause_probabilities") or {}).get(c, 0.0), 4) for c in named},
            "sentiment": sentiment_of.get(text), "predicted_sentiment": p["sentiment"]["label"],
        }
        if both_styles:
            item["review"] = bool(c_reviews[r])
        if len(known) < len(gold):
            item["unknown_to_model"] = [c for c in gold if c not in order]
        items.append(item)
    if not len(sentiment_split):  # one's own file may label causes only
        return {"causes": causes, "sentiment": None}, items, []
    s_results = [p["sentiment"] for p in clf.predict(sentiment_split["text"], explain=False)]
    s_pred = [p["label"] for p in s_results]
    reviews = review_mask(sentiment_split)
    sentiment = sentiment_metrics(list(sentiment_split["label"]), s_pred, clf.sentiment_labels_, reviews)
    sentiment["by_confidence"] = confidence_metrics(
        [p["confidence"] for p in s_results], [p == gold for p, gold in zip(s_pred, sentiment_split["label"])]
    )
    metrics = {"causes": causes, "sentiment": sentiment}
    sentiment_items = [
        {"text": text, "sentiment": label, "predicted_sentiment": pred, "review": bool(review)}
        for text, label, pred, review in zip(sentiment_split["text"], sentiment_split["label"], s_pred, reviews)
    ]
    return metrics, items, sentiment_items
