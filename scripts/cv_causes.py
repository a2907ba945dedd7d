"""Cross-validated cause figures of a training config, under several rules for the thresholds.

How a rule for choosing the cause thresholds, or a file of labelled messages, is judged without
the dev split (on which the thresholds are tuned, so that it favours whatever tuned them).

    python scripts/cv_causes.py [--config FILE] [--set KEY=VALUE ...] [--folds 5] [--add FILE ...]
                                [--save FILE] [--compare FILE]

The train and dev items of the cause corpus are cut into folds; near duplicates stay in one fold.
For each fold k a model is trained as ``feedback-nlp train`` trains it, with fold k held out, fold
k+1 as its dev split (where, with out-of-fold scores of the training items, the probabilities are
calibrated and the thresholds tuned) and the other folds as its train split; the sentiment train
split loses the texts of those two folds. The held-out fold is then read at the thresholds of each
rule, each worked out from the items and calibrated probabilities the training tuned its own on:

- ``trained``: the thresholds training chose (the config's rule and sharing);
- ``best``: each cause's best F1 on those items (no tolerance);
- ``half_best_f1``: half of each cause's best F1 there (for calibrated probabilities, the threshold
  with the best expected F1: it moves only as much as the best F1 does; the shipped config takes a
  share of 0.55, ``model.threshold_share_of_f1``);
- ``shared``: one threshold for every cause, by the micro-F1 of all.

Printed over all folds, for each rule: cause micro-F1 (all items, review lines, messages),
macro-F1, the share of items without a cause left without one, each against ``trained`` with a 95%
interval from a paired bootstrap over the items; and how far each cause's threshold moves from
fold to fold (the mean over causes of its standard deviation).

--save also keeps every held-out item's cause and sentiment probabilities (and whether a gate
leaves it without causes) and every fold's calibration items with their probabilities, so that further rules can be
worked out from the file without training again.

--add FILE (repeatable) adds labelled items (JSON lines: text, causes, sentiment, and source and
domain as in the corpus) to the train split of every fold: they are never held out, so the same
items are scored with and without them. --save writes every item's predictions and every fold's
thresholds to a JSON file; --compare prints, against such a file from a run over the same items
and folds, each figure's difference with a 95% interval and how far the thresholds moved (the
mean absolute difference, over folds and causes): the figure that says whether a rule keeps the
thresholds where they were when training data is added. Five folds took 17 minutes on two cores
with a second run beside it.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from pathlib import Path

import numpy as np

from feedback_nlp.config import ModelConfig, load_train_config
from feedback_nlp.evaluate import cause_metrics, compare, indicator
from feedback_nlp.models.corpus import CORPORA_DIR, REVIEW_SOURCE, cluster_folds, read_jsonl, text_key, write_corpora_with
from feedback_nlp.train import configured_thresholds, train, tune_thresholds

RULES = ("trained", "best", "half_best_f1", "shared")


def rule_thresholds(Y: np.ndarray, P: np.ndarray, model: ModelConfig) -> dict[str, np.ndarray]:
    """The thresholds of each rule of ``RULES`` on the calibration items (labels ``Y``, calibrated
    probabilities ``P``); ``trained`` by the model config's rule."""
    return {
        "trained": configured_thresholds(model, Y, P),
        "best": tune_thresholds(Y, P),
        "half_best_f1": tune_thresholds(Y, P, share=0.5),
        "shared": tune_thresholds(Y, P, shared=True),
    }


def read_added(paths: list[Path]) -> list[dict]:
    """The items of the --add files, each with an id of its file and line."""
    rows = []
    for path in paths:
        for number, row in enumerate(read_jsonl(path), 1):
            rows.append({"id": f"{path.name}:{number}", **row})
    return rows


def figures_of(rule_items: dict[str, list[dict]], labels: list[str]) -> dict[str, dict]:
    """Each rule's figures, each against ``trained`` (``evaluate.compare``), with micro-F1 on
    review lines and messages apart."""
    rules = list(rule_items)
    figures = compare([rule_items[r] for r in rules], [], labels)["figures"]
    out = {}
    for m, rule in enumerate(rules):
        items = rule_items[rule]
        row = {name: (f["values"][m], f["against_first"][m - 1] if m else None) for name, f in figures.items()}
        for style, wanted in (("review lines", True), ("messages", False)):
            part = [i for i in items if i["review"] == wanted]
            if part:
                Y = indicator([i["causes"] for i in part], labels)
                Y_pred = indicator([i["predicted"] for i in part], labels)
                row[f"micro-F1 {style}"] = (cause_metrics(Y, Y_pred, labels)["micro"]["f1"], None)
        out[rule] = row
    return out


def print_figures(rule_items: dict[str, list[dict]], labels: list[str], thresholds: dict[str, list[list[float]]]) -> None:
    for rule, row in figures_of(rule_items, labels).items():
        parts = []
        for name, (value, against) in row.items():
            text = f"{name} {value:.4f}"
            if against is not None:
                text += f" ({against['difference']:+.4f}, {against['low']:+.4f} to {against['high']:+.4f})"
            parts.append(text)
        spread = float(np.std(np.array(thresholds[rule]), axis=0).mean()) if len(thresholds[rule]) > 1 else 0.0
        print(f"{rule}: " + "; ".join(parts) + f"; thresholds move {spread:.3f} between folds", flush=True)


def print_comparison(rule_items: dict[str, list[dict]], thresholds: dict[str, list[list[float]]], labels: list[str],
                     path: Path) -> None:
    """This run against an earlier one saved with --save: for each rule, each figure's difference
    with a 95% interval (paired bootstrap over the items), and how far the thresholds moved."""
    before = json.loads(path.read_text(encoding="utf-8"))
    for rule in rule_items:
        if rule not in before["items"]:
            continue
        if [i["id"] for i in before["items"][rule]] != [i["id"] for i in rule_items[rule]]:
            raise SystemExit(f"{path} holds other items than this run; compare runs over the same corpus and folds")
        figures = compare([before["items"][rule], rule_items[rule]], [], labels)["figures"]
        moved = float(np.abs(np.array(before["thresholds"][rule]) - np.array(thresholds[rule])).mean())
        parts = [f"{name} {f['values'][0]:.4f} -> {f['values'][1]:.4f} ({f['against_first'][0]['difference']:+.4f}, "
                 f"{f['against_first'][0]['low']:+.4f} to {f['against_first'][0]['high']:+.4f})" for name, f in figures.items()]
        print(f"against {path}, {rule}: " + "; ".join(parts) + f"; thresholds moved {moved:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="training config (default: the shipped configs/train_default.yaml)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config value (repeatable)")
    parser.add_argument("--folds", type=int, default=5, help="number of folds, at least 3 (default: %(default)s)")
    parser.add_argument("--add", action="append", default=[], type=Path, metavar="FILE",
                        help="labelled items added to every fold's train split (repeatable)")
    parser.add_argument("--save", type=Path, help="write each item's predictions and each fold's thresholds to this JSON file")
    parser.add_argument("--compare", type=Path, help="a file written by --save from another run, to compare with")
    args = parser.parse_args()
    if args.folds < 3:
        parser.error("--folds: at least 3 (one held out, one for calibration, the others to fit on)")
    for path in args.add:
        if not path.is_file():
            parser.error(f"--add {path}: no such file")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    config = load_train_config(args.config, overrides=args.set)
    corpora = Path(config.corpora_dir or CORPORA_DIR)
    rows = [r for split in ("train", "dev") for r in read_jsonl(corpora / "causes" / f"{split}.jsonl")]
    sentiment_train = read_jsonl(corpora / "sentiment" / "train.jsonl")
    added = read_added(args.add)
    folds = cluster_folds([r["text"] for r in rows], args.folds)
    predicted: dict[str, dict[str, list[str]]] = {rule: {} for rule in RULES}
    thresholds: dict[str, list[list[float]]] = {rule: [] for rule in RULES}
    labels: list[str] = []
    scores: dict[str, dict] = {}
    calibration: list[dict] = []
    for k in range(args.folds):
        calibrate = (k + 1) % args.folds
        held = [r for r, f in zip(rows, folds) if f == k]
        dev = [r for r, f in zip(rows, folds) if f == calibrate]
        fitted = [r for r, f in zip(rows, folds) if f not in (k, calibrate)] + added
        unseen = {text_key(r["text"]) for r in held + dev}
        splits = {("causes", "train"): fitted, ("causes", "dev"): dev,
                  ("sentiment", "train"): [r for r in sentiment_train if text_key(r["text"]) not in unseen]}
        with tempfile.TemporaryDirectory(prefix="feedback_nlp-cv-") as tmp:
            write_corpora_with(Path(tmp), corpora, splits)
            clf = train(load_train_config(args.config, overrides=[*args.set, f"corpora_dir={tmp}"]))
        if not hasattr(clf, "calibration_items_"):
            raise SystemExit(f"backend {config.backend}: this script compares the threshold rules of the scikit-learn backend, "
                             "whose training keeps the items it tuned the thresholds on")
        labels = clf.cause_ids_
        Y, P = clf.calibration_items_
        chosen = rule_thresholds(Y, P, config.model)
        if not np.allclose(chosen["trained"], clf.thresholds_):
            raise SystemExit(f"fold {k + 1}: the thresholds worked out again differ from training's; this script is out of "
                             "step with feedback_nlp.train")
        texts = [r["text"] for r in held]
        # every item's cause and sentiment probabilities, and whether the gates (praise, nothing known) leave it without
        # causes whatever the thresholds, so that other rules can be tried on the saved file
        for r, p, open_ in zip(held, clf.predict(texts, explain=False), clf.with_thresholds(0.0).predict(texts, explain=False)):
            scores[r["id"]] = {"probabilities": [p["cause_probabilities"].get(c, 0.0) for c in labels], "gated": not open_["causes"],
                               "sentiment": p["sentiment"]["probabilities"]}
        calibrated_on = ([r["id"] for r in fitted] if config.model.causes_calibration_folds else []) + [r["id"] for r in dev]
        calibration.append({"ids": calibrated_on, "probabilities": np.round(P, 4).tolist()})
        for rule, values in chosen.items():
            thresholds[rule].append([float(v) for v in values])
            results = clf.with_thresholds(dict(zip(labels, map(float, values)))).predict(texts, explain=False)
            predicted[rule].update({r["id"]: [c["id"] for c in p["causes"]] for r, p in zip(held, results)})
        print(f"fold {k + 1}/{args.folds}: {len(fitted)} items fitted, {len(dev)} calibrated on, {len(held)} held out", flush=True)
    rule_items = {
        rule: [{"id": r["id"], "causes": r["causes"], "predicted": predicted[rule][r["id"]],
                "review": r["source"].startswith(REVIEW_SOURCE)} for r in rows]
        for rule in RULES
    }
    print(f"all folds ({len(rows)} items):")
    print_figures(rule_items, labels, thresholds)
    if args.compare:
        print_comparison(rule_items, thresholds, labels, args.compare)
    if args.save:
        args.save.write_text(json.dumps({"config": args.config, "set": args.set, "folds": args.folds, "add": [str(p) for p in args.add],
                                         "labels": labels, "thresholds": thresholds, "items": rule_items,
                                         "held_out": scores, "calibration": calibration}, ensure_ascii=False),
                             encoding="utf-8")
        print(f"predictions saved to {args.save}")


if __name__ == "__main__":
    main()
