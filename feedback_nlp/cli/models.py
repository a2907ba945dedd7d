"""``feedback-nlp train``, ``evaluate``, ``info`` and ``export-onnx``: model directories."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import FeedbackNLPError
from .app import THRESHOLD_HELP, _count, _err, _friendly, _shown_thresholds, _thresholds, app


@app.command(short_help="Train the cause and sentiment models into a model directory.")
@_friendly
def train(
    config: Optional[Path] = typer.Option(
        None, "--config", "-c", help="Training config (default: the shipped train_default.yaml, which trains on the repository's corpora/)."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="Model directory to write."),
    overrides: List[str] = typer.Option([], "--set", help="Override a config key, e.g. --set model.causes_c=2."),
    data: Optional[Path] = typer.Option(
        None, "--data", help="A JSON Lines file of your own labelled messages (text, causes, optionally sentiment), "
        "split 80/10/10 with no text or near copy in two splits and added to the corpora; the split is saved in OUTPUT/data/."
    ),
    data_only: bool = typer.Option(False, "--data-only", help="Train the cause model on --data alone, not added to the corpora."),
) -> None:
    """Train the cause and sentiment models on the corpora and save them as a model directory."""
    from ..config import default_config_dir, load_train_config
    from ..train import train as train_model
    from ..train import train_with_file

    if data_only and data is None:
        raise FeedbackNLPError("--data-only trains on the file given with --data; pass --data FILE too")
    cfg = load_train_config(config, overrides)
    _check_folder(output, "a model is a folder", *(["data"] if data is not None else []))  # now, not after minutes of training
    corpora = f"{data} alone" if data_only else f"{cfg.corpora_dir}{f' + {data}' if data else ''}"
    _err(f"training with {config or default_config_dir() / 'train_default.yaml'} (corpora: {corpora}) ...")
    if data is None:
        clf = train_model(cfg)
        _remove_old_split(output)
    else:
        clf, own = train_with_file(cfg, data, alone=data_only)
        own.write(output / "data")
        counts = own.counts
        _err(f"{data}: {sum(counts.values())} records split into train {counts['train']}, dev {counts['dev']}, "
             f"test {counts['test']}, {len(own.left_out)} left out; written to {output / 'data'}")
    clf.save(output)
    if not data_only:  # trained on one's file alone, the corpora's test split is the file's
        _print_metrics(clf.metadata["metrics"]["test"], "test" if data is None else "test (corpora and your file)")
    if data is not None and clf.metadata["metrics"]["data_test"] is not None:
        _print_metrics(clf.metadata["metrics"]["data_test"], f"the test split of {data.name}")
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    _err(f"saved to {output} ({size / 1e6:.1f} MB)")


def _remove_old_split(output: Path) -> None:
    """The split of one's own file that a model trained before into ``output`` left in its data/
    folder: a model trained on the corpora alone is not trained on it."""
    split = [output / "data" / f"{name}.jsonl" for name in ("train", "dev", "test", "left_out")]
    if (output / "metadata.json").is_file() and any(p.is_file() for p in split):
        for path in split:
            path.unlink(missing_ok=True)
        if not any((output / "data").iterdir()):
            (output / "data").rmdir()
        _err(f"removed {output / 'data'}: the split of a labelled file an earlier model there was trained on")


def _check_folder(output: Path, what: str, *inside: str) -> None:
    """Refuse, before any work, an output folder that cannot be made: ``output`` or a folder
    named in ``inside`` is a file, or a folder above it is."""
    for path in (output, *(output / name for name in inside)):
        if path.exists() and not path.is_dir():
            raise FeedbackNLPError(f"-o {output}: {path} is a file; {what}: name a new or existing folder")
    above = next((parent for parent in output.parents if parent.exists()), None)
    if above is not None and not above.is_dir():
        raise FeedbackNLPError(f"-o {output}: {above} is a file, not a folder; {what}: name a new or existing folder")
    # a file made and removed where the folder is, or would be made: a read-only disk, a folder
    # without write permission or a path under /proc is refused now, not when the results are saved
    where = output if output.is_dir() else above
    if where is not None:
        try:
            with tempfile.TemporaryFile(dir=where):
                pass
        except OSError as exc:
            raise FeedbackNLPError(f"-o {output}: cannot write in {where} ({exc.strerror or exc}); name a folder you can write to") from None


def _trained_on_warnings(clf, model_dir: Optional[Path], name: str, data: Path, texts: list[str],
                         corpora: Optional[Path] = None) -> list[str]:
    """Warnings where one's own labelled file is what the model was trained on: the same file
    (its hash in the metadata), texts of the split saved in the model folder's data/train.jsonl,
    or texts of the train and dev splits of the corpora it was trained on (the shipped corpora for
    the shipped model: ``corpora``, or the repository's, when they are those the metadata records)."""
    import hashlib

    from ..models.corpus import CORPORA_DIR, match_key, read_jsonl, trained_on_corpora

    trained = (clf.metadata.get("training_data") or {}).get("data_file") or {}
    held_out = f"{model_dir / 'data' / 'test.jsonl'}" if model_dir is not None else "its held-out test split"
    if trained.get("sha256") == hashlib.sha256(data.read_bytes()).hexdigest():
        return [f"{data} is the file {name} was trained on: its training split was learnt and its dev split tuned the "
                f"thresholds, so figures on the whole file overstate; score the split held out instead: --data {held_out}"]
    warnings = []
    train_split = model_dir / "data" / "train.jsonl" if model_dir is not None else None
    if train_split is not None and train_split.is_file():
        seen = {match_key(r["text"]) for r in read_jsonl(train_split) if isinstance(r.get("text"), str)}
        shared = sum(match_key(text) in seen for text in texts)
        if shared:
            warnings.append(f"{shared} of the {len(texts)} messages of {data} are in the split {name} was trained on "
                            f"({train_split}), so figures on them overstate; score messages it has not seen, such as {held_out}")
    folder = Path(corpora or CORPORA_DIR)
    if trained_on_corpora(clf.metadata, folder):
        seen = {match_key(r["text"]) for corpus in ("causes", "sentiment") for split in ("train", "dev")
                for r in read_jsonl(folder / corpus / f"{split}.jsonl") if isinstance(r.get("text"), str)}
        shared = sum(match_key(text) in seen for text in texts)
        if shared:
            warnings.append(f"{shared} of the {len(texts)} messages of {data} are in the train or dev splits of the corpora "
                            f"{name} was trained on ({folder}): learnt, or used to tune its thresholds, so figures on them "
                            "overstate; leave them out, or score the held-out split: --data test")
    return warnings


@app.command(short_help="Score a model, or compare models, on a corpus split or a labelled file: table, JSON and chart.")
@_friendly
def evaluate(
    models: List[str] = typer.Option(
        [], "--model", "-m", metavar="DIR", help="Model directory (default: the shipped model; 'shipped' names it). "
        "Give it twice or more to compare models on the same data, each against the first."
    ),
    data: str = typer.Option(
        "test", "--data", help="Split to evaluate (dev or test), or a JSON Lines file of labelled messages (text, causes, sentiment)."
    ),
    output: Path = typer.Option(Path("out/evaluation"), "--output", "-o", help="Folder for metrics.json and metrics.png."),
    corpora: Optional[Path] = typer.Option(None, "--corpora", help="Corpora folder (default: the repository's corpora/)."),
    threshold: List[str] = typer.Option([], "--threshold", metavar="[CAUSE=]P", help=THRESHOLD_HELP + " Applies to every model."),
) -> None:
    """Per-cause precision/recall/F1, micro and macro averages, sentiment accuracy and confusion
    matrix. With several models: each one's figures, and each difference from the first with a 95%
    interval from a paired bootstrap over the items."""
    from ..evaluate import compare
    from ..pipeline import FeedbackClassifier

    paths = [None if m == SHIPPED else Path(m) for m in models] or [None]
    classifiers = [FeedbackClassifier.load(path) for path in paths]
    names = [str(path) if path else "shipped default model" for path in paths]
    ids = [tuple(clf.cause_ids_) for clf in classifiers]
    if len(set(ids)) > 1:
        listed = "; ".join(f"{name}: {', '.join(i)}" for name, i in zip(names, ids))
        raise FeedbackNLPError(f"the models name different causes ({listed}); compare models trained on the same taxonomy")
    thresholds = _thresholds(threshold, paths[0])
    if thresholds:
        classifiers = [clf.with_thresholds(thresholds) for clf in classifiers]
        _err("thresholds set for this evaluation: " + _shown_thresholds(thresholds))
    _check_folder(output, "evaluation results go in a folder")
    labelled = _labelled_data(classifiers[0], data, corpora)  # read once: every model is scored on the same items
    if data not in ("dev", "test"):
        texts = list(labelled[1]["text"])  # the file's messages, as read
        from ..models.corpus import match_key

        copies = len(texts) - len({match_key(text) for text in texts})
        if copies:
            _err(f"warning: {_count(copies, 'message')} of {data} {'is a copy' if copies == 1 else 'are copies'} of another "
                 "(the same text, spaces and punctuation aside): each copy is scored and counted as an item of its own, "
                 "in the figures and their intervals; remove the copies to score each message once")
        for clf, path, name in zip(classifiers, paths, names):
            for warning in _trained_on_warnings(clf, path, name, Path(data), texts, corpora):
                _err(f"warning: {warning}")
    if len(classifiers) == 1:
        _evaluate_one(classifiers[0], names[0], data, labelled, output)
        return
    folders = [output / f"{k + 1}_{path.name if path else SHIPPED}" for k, path in enumerate(paths)]
    runs = [_evaluate_one(clf, name, data, labelled, folder, quiet=True) for clf, name, folder in zip(classifiers, names, folders)]
    result = compare([run[1] for run in runs], [run[2] for run in runs], list(ids[0]))
    result = {"data": data, "models": names, "folders": [str(f) for f in folders], **result}
    (output / "comparison.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    _print_comparison(result, [run[0] for run in runs], data)
    _err(f"wrote {output / 'comparison.json'}; each model's metrics, chart and predictions are in {', '.join(map(str, folders))}")


SHIPPED = "shipped"  # ``evaluate --model shipped``: the shipped default model


def _labelled_data(clf, data: str, corpora: Optional[Path]):
    """The sentiment and cause items of ``--data``: a split of the corpora or one's own file, whose
    records are checked first (every bad one named with its file and line). In one's own file
    every cause must be one of the model's; in a split of the corpora, the causes the model does
    not have are left out of the scores (and named), as a model trained on fewer causes is scored
    on the shipped corpora."""
    from ..models.corpus import check_corpora, labelled_file, load_corpus

    if data in ("dev", "test"):
        check_corpora(corpora, None, tuple(clf.sentiment_labels_), splits=(data,),
                      advice="each line is one JSON object: a cause record with text, causes (a list of cause ids) and "
                      "sentiment, a sentiment record with text and label")
        return load_corpus("sentiment", corpora, (data,))[data], load_corpus("causes", corpora, (data,))[data]
    if Path(data).suffix.lower() in (".jsonl", ".json") or Path(data).is_file():
        return labelled_file(Path(data), tuple(clf.cause_ids_), tuple(clf.sentiment_labels_))
    raise FeedbackNLPError(f"--data {data!r}: use dev or test, or a JSON Lines file of labelled messages")


def _evaluate_one(clf, name: str, data: str, labelled, output: Path, quiet: bool = False):
    """Score one model on ``labelled`` (sentiment and cause items); write metrics.json,
    metrics.png and predictions.jsonl to ``output``; return the metrics with the cause and
    sentiment items."""
    from ..evaluate import compare, evaluate_items, write_chart

    metrics, items, sentiment_items = evaluate_items(clf, *labelled)
    metrics = {"model": name, "data": data, "thresholds_set": clf.threshold_overrides_ or None, **metrics}
    # how far another sample of the same size could move each figure (bootstrap over the items)
    figures = compare([items], [sentiment_items], list(clf.cause_ids_))
    metrics["intervals"] = {
        "resamples": figures["resamples"],
        **{k: {"value": f["values"][0], "low": f["intervals"][0][0], "high": f["intervals"][0][1], "items": f["items"]}
           for k, f in figures["figures"].items()},
    }
    output.mkdir(parents=True, exist_ok=True)
    (output / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    write_chart(metrics, output / "metrics.png")
    with open(output / "predictions.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    if not quiet:
        _print_metrics(metrics, data)
        wrong = sum(1 for item in items if item["missed"] or item["extra"])
        _err(f"{wrong} of {len(items)} messages have a cause missed or extra: each message as labelled and as predicted is "
             f"in {output / 'predictions.jsonl'}")
        _err(f"wrote {output / 'metrics.json'} and {output / 'metrics.png'}")
    return metrics, items, sentiment_items


_FIGURE_NAMES = {
    "causes_micro_f1": "causes micro-F1",
    "causes_macro_f1": "causes macro-F1",
    "no_cause_kept": "no cause, none given",
    "sentiment_accuracy": "sentiment 3-class accuracy",
    "review_binary_accuracy": "review lines binary accuracy",
}


def _print_comparison(result: dict, metrics: list[dict], split: str) -> None:
    """The figures of each model side by side, each difference from the first with its interval,
    then the F1 of each cause."""
    from rich.console import Console
    from rich.table import Table

    from ..evaluate import cause_f1

    short = [f"{k + 1}" for k in range(len(metrics))]
    table = Table(title=f"models compared on {split}")
    table.add_column("figure")
    table.add_column("items", justify="right")
    for k in short:
        table.add_column(k, justify="right")
    for k in short[1:]:
        table.add_column(f"{k} - 1 (95% interval)", justify="right")
    for key, figure in result["figures"].items():
        diffs = [f"{d['difference']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}]" for d in figure["against_first"]]
        table.add_row(_FIGURE_NAMES[key], str(figure["items"]), *(f"{v:.3f}" for v in figure["values"]), *diffs)
    # a cause that no item has and a model never gives: "-", as in the table of one model
    f1_of = [cause_f1(m["causes"]) for m in metrics]
    for cause in f1_of[0]:
        f1 = [f[cause] for f in f1_of]
        support = str(metrics[0]["causes"]["per_label"][cause]["support"])
        diffs = ("-" if v is None or f1[0] is None else f"{v - f1[0]:+.3f}" for v in f1[1:])
        table.add_row(f"  {cause} F1", support, *("-" if v is None else f"{v:.3f}" for v in f1), *diffs)
    console = Console()
    for k, name in zip(short, result["models"]):
        console.print(f"{k}: {name}")
    console.print(table)
    console.print(
        f"intervals from {result['resamples']} resamples of the items, the same for every model: "
        "a difference whose interval holds 0 is within what another sample of this size could give"
    )


@app.command(short_help="What a model directory holds: backend, when and on what it was trained, thresholds, scores.")
@_friendly
def info(
    directory_arg: Optional[Path] = typer.Argument(None, metavar="[DIR]", help="Model directory (or give it with -m)."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model directory (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print the model's metadata.json as it is."),
) -> None:
    """Check a model directory's files against the hashes its metadata records, and print what it
    is: backend, when it was trained and with which library versions, the hash of its training
    data, its size, each cause's threshold and F1 on the held-out test split, and its headline
    scores on dev and test."""
    from ..models.base import verify_files
    from ..pipeline import DEFAULT_MODEL_DIR
    from ..pipeline.transformer import ONNX_FILES

    if directory_arg is not None and model is not None and directory_arg != model:
        raise FeedbackNLPError(f"info: two model directories given ({directory_arg} and -m {model}); give one")
    model = model or directory_arg
    directory = model or DEFAULT_MODEL_DIR
    meta = verify_files(directory, (ONNX_FILES,))  # a model exported to ONNX and served by torch may go without them
    if as_json:  # the file as written, once its files are checked
        typer.echo((directory / "metadata.json").read_text(encoding="utf-8"))
        return
    try:
        _print_info(directory, model, meta)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # fields loading does not need
        raise FeedbackNLPError(
            f"{directory}/metadata.json: a field of its description cannot be read ({type(exc).__name__}: {exc}); the file "
            "was edited after training: restore it from the trained model or retrain (`info --json` prints it as it is)"
        ) from None


def _print_info(directory: Path, model: Optional[Path], meta: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..evaluate import cause_f1

    present = [name for name in meta["files"] if (directory / name).exists()]
    size = sum((directory / name).stat().st_size for name in present) + (directory / "metadata.json").stat().st_size
    data = meta.get("training_data") or {}
    versions = ", ".join(f"{k} {v}" for k, v in (meta.get("versions") or {}).items())
    console = Console()
    console.print(f"model: {directory if model else 'shipped default model'} ({meta.get('backend')}, {size / 1e6:.1f} MB, "
                  f"{len(present)} files checked against their hashes)")
    if len(present) < len(meta["files"]):
        missing = ", ".join(name for name in meta["files"] if name not in present)
        console.print(f"not here: {missing} (the ONNX export: --runtime onnx needs it; run export-onnx again to write it)")
    console.print(f"trained {meta.get('created')} with {versions}")
    items = data.get("items", "?")
    if isinstance(items, dict):  # per corpus and split
        items = ", ".join(f"{split} {n:,}" for split, n in items.items())
    console.print(f"training data: {items} items; sha256 {str(data.get('sha256'))[:16]}…; "
                  f"taxonomy version {meta.get('taxonomy_version')}")
    metrics = meta.get("metrics") or {}
    for split in ("dev", "test"):
        m = metrics.get(split)
        if m:
            sent = m.get("sentiment") or {}
            line = (f"{split}: causes micro-F1 {_figure(m['causes']['micro']['f1'])}, macro-F1 {_figure(m['causes']['macro']['f1'])} "
                    f"({m['causes']['items']} items)")
            if sent:
                line += f"; sentiment 3-class accuracy {sent['accuracy']:.3f} ({sent['items']} items)"
                if "review_binary_accuracy" in sent:
                    line += f", review lines binary {sent['review_binary_accuracy']:.3f}"
            console.print(line)
    test_causes = (metrics.get("test") or {}).get("causes", {})
    test = test_causes.get("per_label", {})
    f1 = cause_f1(test_causes) if test else {}  # "-" for a cause no test item has and none was given
    names = meta.get("cause_names") or {}
    table = Table(title="causes")
    for col in ("cause", "name", "threshold", "test F1", "test items"):
        table.add_column(col, justify="left" if col in ("cause", "name") else "right")
    for cause, threshold in (meta.get("thresholds") or {}).items():
        scores = test.get(cause) or {}
        table.add_row(cause, names.get(cause, ""), f"{threshold:g}", _figure(f1.get(cause)), str(scores.get("support", "-")))
    console.print(table)
    gates = [f"{name} {meta[key]:g}" for key, name in (("positive_gate", "positive gate"), ("neutral_gate", "neutral gate"),
                                                       ("neutral_bias", "neutral bias")) if meta.get(key) is not None]
    if gates:
        console.print("sentiment settings: " + ", ".join(gates) + " (a gate of 1.01 is off)")


@app.command("export-onnx", short_help="Add ONNX files to a transformers model directory.")
@_friendly
def export_onnx(
    model: Path = typer.Argument(..., help="A transformers model directory written by 'feedback-nlp train'."),
) -> None:
    """Add ONNX files of a transformers model to its directory, for CPU serving with onnxruntime
    ('classify --runtime onnx'); needs the onnx extra."""
    from ..pipeline import FeedbackClassifier

    clf = FeedbackClassifier.load(model, device="cpu")
    if clf.backend != "transformers":
        raise FeedbackNLPError(f"{model}: a {clf.backend} model; only transformers models are exported to ONNX")
    for path in clf.export_onnx(model):
        _err(f"wrote {path}")


def _print_metrics(metrics: dict, split: str) -> None:
    from rich.console import Console
    from rich.table import Table

    causes = metrics["causes"]
    table = Table(title=f"causes on {split} ({causes['items']} items)")
    for col in ("cause", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="right" if col != "cause" else "left")
    absent = set(causes.get("labels_absent", ()))
    for name, m in causes["per_label"].items():
        if name in absent:  # no item has it and none was given it: nothing to score
            table.add_row(name, "-", "-", "-", "0")
            continue
        table.add_row(name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"]))
    for avg in ("micro", "macro"):
        m = causes[avg]
        table.add_row(f"[b]{avg}[/b]", *("-" if m[k] is None else f"{m[k]:.3f}" for k in ("precision", "recall", "f1")), "")
    console = Console()
    console.print(table)
    if absent:
        console.print(f"no item of {split} has {', '.join(sorted(absent))}, and none was predicted: the macro average leaves them out")
    if "by_confidence" in causes:
        calibration = causes["calibration"]
        console.print(
            f"causes given, by confidence: {_by_confidence(causes['by_confidence'])}; "
            f"calibration of every cause probability: Brier {_figure(calibration['brier'])}, ECE {_figure(calibration['ece'])}"
        )
    if "operating_points" in causes:
        points = causes["operating_points"]
        console.print(
            "causes micro-F1 with every threshold at "
            + ", ".join(f"{t:g}: {_figure(f)}" for t, f in zip(points["thresholds"], points["micro"]["f1"]))
            + "; each cause's precision and recall at these thresholds are in metrics.json (operating_points); "
            "choose others with --threshold"
        )
    if causes.get("none_given_a_cause", {}).get("items"):
        none, praise = causes["none_given_a_cause"], causes.get("praise_given_a_cause")
        line = f"items without a cause given one: {none['given']} of {none['items']} ({none['given'] / none['items']:.1%})"
        if praise:
            line += f"; of them praise (sentiment pos): {praise['given']} of {praise['items']} ({praise['given'] / praise['items']:.1%})"
        console.print(line)
    if "by_style" in causes:
        review, message = causes["by_style"]["review"], causes["by_style"]["message"]
        console.print(
            f"causes micro-F1 of review lines {_figure(review['micro'])} ({review['items']} items), "
            f"of messages {_figure(message['micro'])} ({message['items']} items)"
        )
    sent = metrics["sentiment"]
    if sent is None:
        console.print(f"sentiment on {split}: no item has a sentiment label")
        _print_intervals(metrics, console)
        return
    line = f"sentiment on {split}: 3-class accuracy {sent['accuracy']:.3f} ({sent['items']} items)"
    if "review_binary_accuracy" in sent:
        line += f", review lines binary accuracy {sent['review_binary_accuracy']:.3f} ({sent['review_items']} items)"
    if sent.get("unclassified"):
        n = sent["unclassified"]
        line += (f"; {n} {'item was' if n == 1 else 'items were'} not classified (no words, or none the model knows) "
                 f"and {'counts' if n == 1 else 'count'} as wrong")
    console.print(line)
    if sent.get("confusion_matrix"):
        console.print(_confusion_table(sent, split))
    if "by_confidence" in sent:
        console.print(f"sentiment, by confidence: {_by_confidence(sent['by_confidence'])}")
    _print_intervals(metrics, console)


def _print_intervals(metrics: dict, console) -> None:
    intervals = {k: v for k, v in (metrics.get("intervals") or {}).items() if k in _FIGURE_NAMES}
    if intervals:
        console.print(
            f"95% intervals (bootstrap over the items, {metrics['intervals']['resamples']:,} resamples): "
            + "; ".join(f"{_FIGURE_NAMES[k]} {v['value']:.3f} [{v['low']:.3f}, {v['high']:.3f}]" for k, v in intervals.items())
        )


def _confusion_table(sent: dict, split: str):
    """The sentiment confusion matrix as a table: a row per label as labelled, a column per label
    as predicted, with each label's recall and precision (items not classified are in no cell)."""
    import numpy as np
    from rich.table import Table

    labels, matrix = sent["labels"], np.array(sent["confusion_matrix"])
    table = Table(title=f"sentiment on {split}")
    for col in ("labelled \\ predicted", *labels, "recall"):
        table.add_column(col, justify="right" if col in (*labels, "recall") else "left")
    for i, label in enumerate(labels):
        row = matrix[i]
        table.add_row(label, *(str(n) for n in row), _figure(row[i] / row.sum() if row.sum() else None))
    predicted = matrix.sum(axis=0)
    table.add_row("precision", *(_figure(matrix[j, j] / predicted[j] if predicted[j] else None) for j in range(len(labels))), "")
    return table


def _figure(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _by_confidence(levels: dict) -> str:
    """'high 899 (0.925 right), medium 161 (0.646 right), low 220 (0.491 right)'"""
    return ", ".join(f"{level} {m['items']} ({_figure(m['right'])} right)" for level, m in levels.items())
