"""Time to draft a review from many reports, per stage.

    python scripts/bench_review.py [--reports 1000]

Reports are assembled from the labelled written reports in corpora/reports (sentences shuffled
across documents, numbers varied) until each is about 5,000 characters, written to a temporary
folder, then drafted from. Prints seconds per stage and in total. Target: 1,000 reports (about 5
million characters) in under 60 s on this machine.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from feedback_nlp.models.corpus import CORPORA_DIR
from feedback_nlp.summarise import review as review_module
from feedback_nlp.summarise.ranking import select_sections
from feedback_nlp.summarise.review import collect_sentences


def make_reports(folder: Path, n: int, chars: int = 5000) -> int:
    rows = [json.loads(l) for p in sorted((CORPORA_DIR / "reports").glob("written_[ab].jsonl")) for l in p.read_text(encoding="utf-8").splitlines()]
    by_section: dict[str, list[str]] = {}
    for r in rows:
        if not r["is_heading"]:
            by_section.setdefault(r["section"], []).append(r["text"])
    rng = random.Random(0)
    total = 0
    headings = {"overview": "一、工作概况", "achievements": "二、主要工作成绩", "problems": "三、存在的问题", "plans": "四、下一年工作计划"}
    for i in range(n):
        lines, size = [], 0
        while size < chars:
            for section, title in headings.items():
                lines.append(title)
                for _ in range(rng.randint(3, 8)):
                    text = rng.choice(by_section[section]).replace("5", str(rng.randint(1, 9)))
                    lines.append(text)
                    size += len(text)
        (folder / f"report_{i:04d}.txt").write_text("\n".join(lines), encoding="utf-8")
        total += size
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chars = make_reports(folder, args.reports)
        files = sorted(folder.glob("*.txt"))
        print(f"{len(files)} reports, {chars / 1e6:.1f}M characters")
        review_module.SectionClassifier.load()  # load once, outside the timing
        start = time.perf_counter()
        sentences = []
        for path in files:
            sentences.extend(collect_sentences(path)[0])
        collected = time.perf_counter()
        select_sections(sentences)
        ranked = time.perf_counter()
        print(f"read, normalise, split, classify, extract figures: {collected - start:.1f} s ({len(sentences):,} sentences)")
        print(f"rank and select: {ranked - collected:.1f} s")
        print(f"total: {ranked - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
