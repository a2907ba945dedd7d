"""Train the sentence-section classifier on corpora/reports/*.jsonl and save it to
feedback_nlp/resources/sections (shipped with the package).

    python scripts/train_sections.py [--holdout 0.2] [-o DIR]

Reports are written for this project (one JSON object per line: doc, line, text, is_heading,
section). Each sentence is paired with the heading it stands under. With --holdout, that share of
the documents (by a hash of the doc id) is kept out and accuracy on it is printed; the shipped
model is trained on all documents. Quality on real reports: scripts/eval_review.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from feedback_nlp.models.corpus import CORPORA_DIR
from feedback_nlp.summarise.classifier import DEFAULT_DIR, SectionClassifier


def rows_with_headings() -> list[dict]:
    out = []
    for path in sorted((CORPORA_DIR / "reports").glob("*.jsonl")):
        heading, doc = "", None
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["doc"] != doc:
                heading, doc = "", row["doc"]
            if row["is_heading"]:
                heading = row["text"]
            out.append({**row, "heading": "" if row["is_heading"] else heading})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    rows = rows_with_headings()

    def held(doc: str) -> bool:
        return int(hashlib.sha1(doc.encode()).hexdigest()[:8], 16) % 100 < args.holdout * 100

    train = [r for r in rows if not held(r["doc"])]
    test = [r for r in rows if held(r["doc"])]
    if test:
        model = SectionClassifier.train([r["text"] for r in train], [r["heading"] for r in train], [r["section"] for r in train])
        pred = model.predict([r["text"] for r in test], [r["heading"] for r in test])
        acc = sum(p == r["section"] for p, r in zip(pred, test)) / len(test)
        print(f"held-out documents: {len({r['doc'] for r in test})}, lines {len(test)}, accuracy {acc:.3f}")
    model = SectionClassifier.train([r["text"] for r in rows], [r["heading"] for r in rows], [r["section"] for r in rows])
    model.metadata = {"items": len(rows), "documents": len({r["doc"] for r in rows})}
    model.save(args.output)
    print(f"trained on {len(rows)} lines of {len({r['doc'] for r in rows})} reports -> {args.output}")


if __name__ == "__main__":
    main()
