"""Train the scikit-learn and the transformers backend on the same splits; print their test
metrics, training time, prediction throughput, load time and size side by side.

    python scripts/compare_backends.py --pretrained /path/to/chinese-bert [--epochs 3]
    python scripts/compare_backends.py            # no pretrained model on disk: see below

With --pretrained, the transformers backend fine-tunes that local checkpoint (bert-base-chinese,
RoBERTa-wwm, MacBERT...). Without it, a small BERT (character vocabulary from the training
texts, randomly initialised) is built and trained from scratch: that shows the backend working
end to end, but it has none of the knowledge pretraining gives, so its scores are a floor for
the backend, not what a pretrained model reaches. Throughput is single-process, on the device
torch picks (a GPU when it sees one), over the test messages of the cause corpus, explain=False.
Needs the transformers extra.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from feedback_nlp import FeedbackClassifier
from feedback_nlp.config import load_train_config
from feedback_nlp.models.corpus import load_corpus
from feedback_nlp.models.transformers_backend import build_char_tokenizer, init_bert
from feedback_nlp.normalise.text import normalise_records
from feedback_nlp.train import train

ROOT = Path(__file__).resolve().parents[1]


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def measure(name: str, model_dir: Path, texts: list[str], trained, train_seconds: float) -> dict:
    started = time.perf_counter()
    clf = FeedbackClassifier.load(model_dir)
    load_s = time.perf_counter() - started
    clf.predict(texts[:64], explain=False)  # warm-up
    started = time.perf_counter()
    clf.predict(texts, explain=False)
    rate = len(texts) / (time.perf_counter() - started)
    test = trained.metadata["metrics"]["test"]
    return {
        "backend": name,
        "causes micro-F1": test["causes"]["micro"]["f1"],
        "causes macro-F1": test["causes"]["macro"]["f1"],
        "sentiment 3-class acc": test["sentiment"]["accuracy"],
        "reviews binary acc": test["sentiment"]["review_binary_accuracy"],
        "train s": train_seconds,
        "msgs/s": rate,
        "load s": load_s,
        "size MB": size_mb(model_dir),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pretrained", type=Path, help="local folder of a pretrained BERT-family model")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--max-train-items", type=int, default=None, help="cap per corpus for the transformers backend")
    parser.add_argument("--work", type=Path, default=None, help="folder for the trained models (default: a temporary one)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("datasets").setLevel(logging.WARNING)
    work = args.work or Path(tempfile.mkdtemp(prefix="compare_backends_"))
    texts = list(load_corpus("causes")["test"]["text"])
    rows = []

    started = time.perf_counter()
    linear = train(load_train_config(ROOT / "configs" / "train_default.yaml"))
    linear_s = time.perf_counter() - started
    linear.save(work / "sklearn")
    rows.append(measure("sklearn", work / "sklearn", texts, linear, linear_s))

    pretrained, label = args.pretrained, "transformers"
    if pretrained is None:
        corpus = [*load_corpus("sentiment")["train"]["text"], *load_corpus("causes")["train"]["text"]]
        tokenizer = build_char_tokenizer(normalise_records(corpus), work / "char_tokenizer", min_freq=2)
        pretrained = init_bert(tokenizer, work / "scratch_bert", hidden_size=128, layers=2, heads=4,
                               intermediate_size=256, max_positions=args.max_length + 2)
        label = "transformers (from scratch)"
    overrides = [
        f"transformers.model_name_or_path={pretrained}",
        f"transformers.epochs={args.epochs}",
        f"transformers.max_length={args.max_length}",
    ]
    if args.pretrained is None:
        overrides.append("transformers.learning_rate=0.001")  # a randomly initialised model needs a larger step
    if args.max_train_items:
        overrides.append(f"transformers.max_train_items={args.max_train_items}")
    started = time.perf_counter()
    tf = train(load_train_config(ROOT / "configs" / "train_transformers.yaml", overrides))
    tf_s = time.perf_counter() - started
    tf.save(work / "transformers")
    rows.append(measure(label, work / "transformers", texts, tf, tf_s))

    columns = list(rows[0])
    print()
    print(" | ".join(columns))
    print(" | ".join("---" for _ in columns))
    for row in rows:
        print(" | ".join(f"{v:.3f}" if isinstance(v, float) and v < 10 else f"{v:,.0f}" if isinstance(v, float) else str(v)
                         for v in row.values()))
    print(f"\nmodels in {work}; device: {getattr(tf.heads, 'device', 'cpu')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
