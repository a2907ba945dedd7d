"""Sentiment and causes on the held-out negation and contrast messages.

    python scripts/eval_negation.py [MODEL_DIR ...]

corpora/causes/raw/written_negation.jsonl holds messages written to exercise double negation
("没有不满意的地方"), hedged negation ("不太满意"), contrast ("东西还行，可惜…") and staff
mentioned beside one cause. Those that landed in the dev and test splits are scored here for each
model directory (default: the shipped model): sentiment accuracy and the share of messages whose
causes are exactly right, for all of them and for those with a double negation.
"""

from __future__ import annotations

import argparse

from feedback_nlp import FeedbackClassifier
from feedback_nlp.features import AFFIRMED, TextFeaturizer
from feedback_nlp.models.corpus import CORPORA_DIR, load_corpus, read_jsonl


def held_out_items() -> list[dict]:
    written = {r["text"] for r in read_jsonl(CORPORA_DIR / "causes" / "raw" / "written_negation.jsonl")}
    corpus = load_corpus("causes")
    return [r for split in ("dev", "test") for r in corpus[split] if r["text"] in written]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="model directories (default: the shipped model)")
    args = parser.parse_args()
    rows = held_out_items()
    analyses = TextFeaturizer(double_negation=True).analyse([r["text"] for r in rows])
    double = [r for r, a in zip(rows, analyses) if AFFIRMED in a.terms]
    for path in args.models or [None]:
        clf = FeedbackClassifier.load(path)
        for name, items in (("negation and contrast", rows), ("double negation", double)):
            results = clf.predict([r["text"] for r in items], explain=False)
            sentiment = sum(p["sentiment"]["label"] == r["sentiment"] for p, r in zip(results, items))
            causes = sum(sorted(c["id"] for c in p["causes"]) == sorted(r["causes"]) for p, r in zip(results, items))
            print(f"{path or 'shipped model'}: {name}: {len(items)} held-out messages, sentiment accuracy "
                  f"{sentiment / len(items):.3f}, causes exactly right {causes / len(items):.3f}")


if __name__ == "__main__":
    main()
