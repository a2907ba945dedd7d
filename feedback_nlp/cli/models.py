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
    config: Path = typer.Option(Path("configs/train_default.yaml"), "--config", "-c", help="Training config."),
    output: Path = typer.Option(..., "--output", "-o", help="Model directory to write."),
    overrides: List[str] = typer.Option([], "--set", help="Override a config key, e.g. --set model.causes_c=2."),
) -> None:
    """Train the cause and sentiment models on the corpora and save them as a model directory."""
    from ..config import load_train_config
    from ..train import train as train_model

    cfg = load_train_config(config, overrides)
    _err(f"training with {config} (corpora: {cfg.corpora_dir}) ...")
    clf = train_model(cfg)
    clf.save(output)
    _print_metrics(clf.metadata["metrics"]["test"], "test")
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
    from ..train import evaluate as evaluate_model

    clf = FeedbackClassifier.load(model)
    if data in ("dev", "test"):
        sentiment, causes = load_corpus("sentiment", corpora)[data], load_corpus("causes", corpora)[data]
    elif Path(data).suffix.lower() in (".jsonl", ".json") or Path(data).is_file():
        sentiment, causes = labelled_file(Path(data), tuple(clf.cause_ids_), tuple(clf.sentiment_labels_))
    else:
        raise FeedbackNLPError(f"--data {data!r}: use dev or test, or a JSON Lines file of labelled messages")
    metrics = evaluate_model(clf, sentiment, causes)
    metrics = {"model": str(model) if model else "shipped default model", "data": data, **metrics}
    output.mkdir(parents=True, exist_ok=True)
    (output / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    write_chart(metrics, output / "metrics.png")
    _print_metrics(metrics, data)
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
    for name, m in causes["per_label"].items():
        table.add_row(name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"]))
    for avg in ("micro", "macro"):
        m = causes[avg]
        table.add_row(f"[b]{avg}[/b]", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", "")
    console = Console()
    console.print(table)
    sent = metrics["sentiment"]
    if sent is None:
        console.print(f"sentiment on {split}: no item has a sentiment label")
        return
    line = f"sentiment on {split}: 3-class accuracy {sent['accuracy']:.3f} ({sent['items']} items)"
    if "review_binary_accuracy" in sent:
        line += f", review lines binary accuracy {sent['review_binary_accuracy']:.3f} ({sent['review_items']} items)"
    console.print(line)
