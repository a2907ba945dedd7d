"""Metrics of the classifiers on a labelled split, as JSON-ready dicts, and a PNG chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support


def cause_metrics(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> dict:
    """Per-label precision/recall/F1/support plus micro and macro averages (multi-label)."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    out = {
        "per_label": {
            lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, lab in enumerate(labels)
        }
    }
    # a label that no item has and none is given scores nothing either way: the macro average
    # leaves it out (a small labelled file seldom holds every cause) and names it
    present = [i for i in range(len(labels)) if y_true[:, i].any() or y_pred[:, i].any()]
    for avg in ("micro", "macro"):
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, average=avg, labels=present, zero_division=0)
        out[avg] = {"precision": round(float(ap), 4), "recall": round(float(ar), 4), "f1": round(float(af), 4)}
    out["labels_absent"] = [lab for i, lab in enumerate(labels) if i not in present]
    has_true, has_pred = y_true.any(axis=1), y_pred.any(axis=1)
    out["complaint_vs_none_accuracy"] = round(float((has_true == has_pred).mean()), 4)
    out["items"] = int(len(y_true))
    return out


def sentiment_metrics(y_true: list[str], y_pred: list[str], labels: list[str], review_mask: np.ndarray | None = None) -> dict:
    """3-class accuracy and confusion matrix; on review lines (neg/pos only), binary accuracy
    with a neutral prediction counted as wrong."""
    y_true_a, y_pred_a = np.asarray(y_true), np.asarray(y_pred)
    out = {
        "accuracy": round(float(accuracy_score(y_true_a, y_pred_a)), 4),
        "labels": labels,
        "confusion_matrix": confusion_matrix(y_true_a, y_pred_a, labels=labels).tolist(),
        "items": int(len(y_true_a)),
    }
    if review_mask is not None and review_mask.any():
        out["review_binary_accuracy"] = round(float((y_true_a[review_mask] == y_pred_a[review_mask]).mean()), 4)
        out["review_items"] = int(review_mask.sum())
    return out


def write_chart(metrics: dict, path: Path) -> None:
    """Per-cause F1 bars and the sentiment confusion matrix, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    causes = metrics["causes"]["per_label"]
    sent = metrics["sentiment"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5), gridspec_kw={"width_ratios": [2, 1]})
    names = list(causes)
    ax1.barh(names, [causes[n]["f1"] for n in names], color="#4477aa")
    ax1.set_xlim(0, 1)
    ax1.invert_yaxis()
    ax1.set_xlabel("F1")
    ax1.set_title(f"Causes: micro-F1 {metrics['causes']['micro']['f1']:.3f}, macro-F1 {metrics['causes']['macro']['f1']:.3f}")
    if sent is None:
        ax2.axis("off")
        ax2.set_title("Sentiment: no labelled items")
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return
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
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
