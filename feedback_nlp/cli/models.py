"""``feedback-nlp train``, ``evaluate`` and ``export-onnx``: model directories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import FeedbackNLPError
from .app import _err, _friendly, app


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
    corpora = f"{data} alone" if data_only else f"{cfg.corpora_dir}{f' + {data}' if data else ''}"
    _err(f"training with {config or default_config_dir() / 'train_default.yaml'} (corpora: {corpora}) ...")
    if data is None:
        clf = train_model(cfg)
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
    _err(f"saved to {output}")


@app.command(short_help="Score a model on a corpus split or a labelled file: table, JSON and chart.")
@_friendly
def evaluate(
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model directory (default: the shipped model)."),
    data: str = typer.Option(
        "test", "--data", help="Split to evaluate (dev or test), or a JSON Lines file of labelled messages (text, causes, sentiment)."
    ),
    output: Path = typer.Option(Path("out/evaluation"), "--output", "-o", help="Folder for metrics.json and metrics.png."),
    corpora: Optional[Path] = typer.Option(None, "--corpora", help="Corpora folder (default: the repository's corpora/)."),
) -> None:
    """Per-cause precision/recall/F1, micro and macro averages, sentiment accuracy and confusion matrix."""
    from ..evaluate import write_chart
    from ..models.corpus import labelled_file, load_corpus
    from ..pipeline import FeedbackClassifier
    from ..train import evaluate_items

    clf = FeedbackClassifier.load(model)
    if data in ("dev", "test"):
        sentiment, causes = load_corpus("sentiment", corpora)[data], load_corpus("causes", corpora)[data]
    elif Path(data).suffix.lower() in (".jsonl", ".json") or Path(data).is_file():
        sentiment, causes = labelled_file(Path(data), tuple(clf.cause_ids_), tuple(clf.sentiment_labels_))
    else:
        raise FeedbackNLPError(f"--data {data!r}: use dev or test, or a JSON Lines file of labelled messages")
    metrics, items = evaluate_items(clf, sentiment, causes)
    metrics = {"model": str(model) if model else "shipped default model", "data": data, **metrics}
    output.mkdir(parents=True, exist_ok=True)
    (output / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    write_chart(metrics, output / "metrics.png")
    with open(output / "predictions.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    _print_metrics(metrics, data)
    wrong = sum(1 for item in items if item["missed"] or item["extra"])
    _err(f"{wrong} of {len(items)} messages have a cause missed or extra: each message as labelled and as predicted is "
         f"in {output / 'predictions.jsonl'}")
    _err(f"wrote {output / 'metrics.json'} and {output / 'metrics.png'}")


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
        table.add_row(f"[b]{avg}[/b]", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", "")
    console = Console()
    console.print(table)
    if absent:
        console.print(f"no item of {split} has {', '.join(sorted(absent))}, and none was predicted: the macro average leaves them out")
    sent = metrics["sentiment"]
    if sent is None:
        console.print(f"sentiment on {split}: no item has a sentiment label")
        return
    line = f"sentiment on {split}: 3-class accuracy {sent['accuracy']:.3f} ({sent['items']} items)"
    if "review_binary_accuracy" in sent:
        line += f", review lines binary accuracy {sent['review_binary_accuracy']:.3f} ({sent['review_items']} items)"
    console.print(line)
