"""Train the sentence-section classifier and the article model on corpora/reports and save them
to feedback_nlp/resources/sections (shipped with the package).

    python scripts/train_sections.py [--holdout 0.2] [-o DIR]

Reports are written for this project (one JSON object per line: doc, line, text, is_heading,
section). The section classifier learns from the sentences of corpora/reports/*.jsonl, each by its
own words; the heading above a sentence is weighed at drafting time. The article model learns,
from the genre features of whole documents, to tell those reports from the non-reports in
corpora/reports/offtopic/*.jsonl. With --holdout, that share of the documents (by a hash of the
doc id) is kept out and printed: sentence accuracy of the classifier alone and of drafting (the
classifier weighed by headings), and the article model's accuracy over leave-one-out. The shipped
models are trained on all documents. Quality on real reports: scripts/eval_review.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from feedback_nlp.models.corpus import CORPORA_DIR
from feedback_nlp.summarise.classifier import DEFAULT_DIR, SectionClassifier
from feedback_nlp.summarise.review import _classify
from feedback_nlp.summarise.units import article_units
from feedback_nlp.summarise.structure import split_articles


def read_rows(paths: list[Path]) -> list[dict]:
    out = []
    for path in paths:
        heading, doc = "", None
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["doc"] != doc:
                heading, doc = "", row["doc"]
            if row["is_heading"]:
                heading = row["text"]
            out.append({**row, "heading": "" if row["is_heading"] else heading})
    return out


def documents(rows: list[dict]) -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        docs[row["doc"]].append(row)
    return dict(docs)


def page_text(rows: list[dict]) -> str:
    """A document as the text file it stands for: sentences of one line joined, one line each."""
    lines: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        lines[row["line"]].append(row["text"])
    return "\n".join("".join(lines[n]) for n in sorted(lines))


def drafting_accuracy(model: SectionClassifier, docs: dict[str, list[dict]]) -> tuple[float, int]:
    """Share of sentences of ``docs`` whose drafted section is the labelled one."""
    right = total = 0
    for rows in docs.values():
        gold = {r["text"]: r["section"] for r in rows if not r["is_heading"]}
        text = page_text(rows)
        for article in split_articles(text):
            units = [u for u in article_units(article, list(range(1, text.count("\n") + 2))) if not u.style and u.text in gold]
            for unit, (section, _p) in zip(units, _classify(units, model)):
                right += section == gold[unit.text]
                total += 1
    return right / max(total, 1), total


def article_loo(reports: dict[str, list[dict]], others: dict[str, list[dict]], model: SectionClassifier) -> list[str]:
    """Documents the article model gets wrong when trained without them."""
    names = list(reports) + list(others)
    texts = [[r["text"] for r in (reports.get(n) or others[n])] for n in names]
    labels = [n in reports for n in names]
    wrong = []
    for i, name in enumerate(names):
        rest = [j for j in range(len(names)) if j != i]
        model.train_articles([texts[j] for j in rest], [labels[j] for j in rest])
        if (model.report_probability([texts[i]])[0] >= 0.5) != labels[i]:
            wrong.append(name)
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    rows = read_rows(sorted((CORPORA_DIR / "reports").glob("*.jsonl")))
    others = documents(read_rows(sorted((CORPORA_DIR / "reports" / "offtopic").glob("*.jsonl"))))
    reports = documents(rows)

    def held(doc: str) -> bool:
        return int(hashlib.sha1(doc.encode()).hexdigest()[:8], 16) % 100 < args.holdout * 100

    def fit(train_rows: list[dict]) -> SectionClassifier:
        body = [r for r in train_rows if not r["is_heading"]]
        model = SectionClassifier.train([r["text"] for r in body], [r["heading"] for r in body], [r["section"] for r in body])
        return model.learn_order([[r["section"] for r in rs] for rs in documents(body).values()])

    train = [r for r in rows if not held(r["doc"])]
    test = [r for r in rows if held(r["doc"]) and not r["is_heading"]]
    if test:
        model = fit(train)
        pred = model.predict([r["text"] for r in test], [r["heading"] for r in test])
        acc = np.mean([p == r["section"] for p, r in zip(pred, test)])
        drafted, n = drafting_accuracy(model, {d: rs for d, rs in reports.items() if held(d)})
        print(f"held-out documents: {len({r['doc'] for r in test})}, sentences {len(test)}: classifier alone "
              f"{acc:.3f}, drafting (weighed by headings) {drafted:.3f} over {n} sentences")
        wrong = article_loo(reports, others, model)
        print(f"article model, leave-one-out over {len(reports) + len(others)} documents: "
              f"{1 - len(wrong) / (len(reports) + len(others)):.3f} right; wrong: {', '.join(wrong) or 'none'}")
    model = fit(rows)
    model.train_articles([[r["text"] for r in rs] for rs in reports.values()] + [[r["text"] for r in rs] for rs in others.values()],
                         [True] * len(reports) + [False] * len(others))
    model.metadata = {**model.metadata, "items": sum(not r["is_heading"] for r in rows), "documents": len(reports),
                      "non_report_documents": len(others)}
    model.save(args.output)
    print(f"trained on {model.metadata['items']} sentences of {len(reports)} reports and {len(others)} non-reports -> {args.output}")


if __name__ == "__main__":
    main()
