"""Cross-validated sentiment accuracy of a training config.

How a change to the sentiment model is measured before it is tried on the dev split.

    python scripts/cv_sentiment.py [--config FILE] [--set model.sentiment_c=0.2 ...] [--folds 5]
                                   [--save FILE] [--compare FILE]

The train and dev items of the sentiment corpus are cut into folds; near duplicates stay in one
fold (each cluster's fold comes from a hash of its text), as they stay in one split. For each fold
a model is trained as ``feedback-nlp train`` trains it, on the corpora with the sentiment train
split replaced by the other folds, and reads the held-out fold as the shipped model reads text
(style mixing, contrast, neutral bias). Printed: binary accuracy on review lines (a neutral
prediction counts as wrong) and 3-class accuracy on all items, per fold and over all folds.

--save writes each item's prediction to a JSON file; --compare prints, against such a file from a
run with the same folds, the difference of each figure with a 95% interval from a paired bootstrap
over the items (as ``feedback-nlp evaluate`` does for two models). Every fold trains the cause
model too, as training does: a 5-fold run takes about eight minutes on two cores.

A gain of a few tenths of a point here is not yet a gain: two such (a smaller naive-Bayes
pseudo-count, a second sentiment model for review lines) did not hold on the dev and test splits.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from pathlib import Path

import numpy as np

from feedback_nlp.config import load_train_config
from feedback_nlp.evaluate import compare, sentiment_metrics
from feedback_nlp.models.corpus import CORPORA_DIR, REVIEW_SOURCE, cluster_folds, read_jsonl, write_corpora_with
from feedback_nlp.train import train


def items_of(rows: list[dict], predicted: dict[str, str | None]) -> list[dict]:
    """Each item with its label and prediction, as ``evaluate.compare`` takes them."""
    return [{"id": r["id"], "sentiment": r["label"], "predicted_sentiment": predicted[r["id"]],
             "review": r["source"].startswith(REVIEW_SOURCE)} for r in rows]


def report(where: str, items: list[dict], labels: list[str]) -> None:
    figures = sentiment_metrics([i["sentiment"] for i in items], [i["predicted_sentiment"] for i in items], labels,
                                np.array([i["review"] for i in items]))
    print(f"{where}: review lines binary {figures.get('review_binary_accuracy', float('nan')):.4f} "
          f"({figures.get('review_items', 0)}), all items 3-class {figures['accuracy']:.4f} ({figures['items']})", flush=True)


def print_comparison(items: list[dict], path: Path) -> None:
    """This run against an earlier one saved with --save: each figure's difference with a 95%
    interval from a paired bootstrap over the items."""
    before = json.loads(path.read_text(encoding="utf-8"))["items"]
    if [i["id"] for i in before] != [i["id"] for i in items]:
        raise SystemExit(f"{path} holds other items than this run; compare runs over the same corpus and folds")
    for name, figure in compare([], [before, items], [])["figures"].items():
        (against,) = figure["against_first"]
        print(f"against {path}: {name} {figure['values'][0]:.4f} -> {figure['values'][1]:.4f}, difference "
              f"{against['difference']:+.4f} (95% interval {against['low']:+.4f} to {against['high']:+.4f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="training config (default: the shipped configs/train_default.yaml)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config value (repeatable)")
    parser.add_argument("--folds", type=int, default=5, help="number of folds (default: %(default)s)")
    parser.add_argument("--save", type=Path, help="write each item's prediction to this JSON file")
    parser.add_argument("--compare", type=Path, help="a file written by --save from another run, to compare with")
    args = parser.parse_args()
    if args.folds < 2:
        parser.error("--folds: at least 2")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    config = load_train_config(args.config, overrides=args.set)
    corpora = Path(config.corpora_dir or CORPORA_DIR)
    rows = [r for split in ("train", "dev") for r in read_jsonl(corpora / "sentiment" / f"{split}.jsonl")]
    folds = cluster_folds([r["text"] for r in rows], args.folds)
    predicted: dict[str, str | None] = {}
    labels: list[str] = []
    for k in range(args.folds):
        held = [r for r, f in zip(rows, folds) if f == k]
        fitted = [r for r, f in zip(rows, folds) if f != k]
        with tempfile.TemporaryDirectory(prefix="feedback_nlp-cv-") as tmp:
            # training does not fit on the sentiment dev split, so the held-out fold stands there
            write_corpora_with(Path(tmp), corpora, {("sentiment", "train"): fitted, ("sentiment", "dev"): held})
            clf = train(load_train_config(args.config, overrides=[*args.set, f"corpora_dir={tmp}"]))
        results = clf.predict([r["text"] for r in held], explain=False)
        predicted.update({r["id"]: p["sentiment"]["label"] for r, p in zip(held, results)})
        labels = clf.sentiment_labels_
        report(f"fold {k + 1}/{args.folds}", items_of(held, predicted), labels)
    items = items_of(rows, predicted)
    report("all folds", items, labels)
    if args.compare:
        print_comparison(items, args.compare)
    if args.save:
        args.save.write_text(json.dumps({"config": args.config, "set": args.set, "folds": args.folds, "items": items},
                                        ensure_ascii=False), encoding="utf-8")
        print(f"predictions saved to {args.save}")


if __name__ == "__main__":
    main()
