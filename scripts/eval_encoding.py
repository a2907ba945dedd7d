"""Measure encoding detection on short inputs, where detectors have least to go on: real messages
of the corpora's test splits (review lines and written messages, many of a few characters), each
alone or joined in twos and threes, stored without a BOM as UTF-8, GB18030, Big5 (after conversion
to Traditional characters), UTF-16 LE and UTF-16 BE, and read back with ``decode_bytes``. Prints
the share read back exactly per encoding and input size, and a few misread examples.

    python scripts/eval_encoding.py [--samples 1500] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

import opencc

from feedback_nlp.io.decode import decode_bytes
from feedback_nlp.errors import InputError
from feedback_nlp.models.corpus import CORPORA_DIR, read_jsonl

ENCODINGS = ["utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1500, help="inputs per encoding and size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts = [r["text"] for name in ("causes", "sentiment") for r in read_jsonl(CORPORA_DIR / name / "test.jsonl")]
    rng = random.Random(args.seed)
    to_traditional = opencc.OpenCC("s2t.json").convert
    print(f"{'encoding':<10} {'lines':>5} {'inputs':>7} {'bytes (median)':>15} {'read back':>10}")
    for size in (1, 2, 3):
        inputs = ["\n".join(rng.sample(texts, size)) for _ in range(args.samples)]
        for encoding in ENCODINGS:
            counts, lengths, wrong = Counter(), [], []
            for text in inputs:
                if encoding == "big5":
                    text = to_traditional(text)
                try:
                    data = text.encode(encoding)
                except UnicodeEncodeError:
                    continue  # a character the encoding lacks
                counts["inputs"] += 1
                lengths.append(len(data))
                try:
                    got = decode_bytes(data).text
                except InputError as exc:
                    got = f"<refused: {exc}>"
                if got == text:
                    counts["right"] += 1
                elif len(wrong) < 3:
                    wrong.append(f"{text[:20]!r} -> {got[:20]!r}")
            share = counts["right"] / max(counts["inputs"], 1)
            median = sorted(lengths)[len(lengths) // 2] if lengths else 0
            print(f"{encoding:<10} {size:>5} {counts['inputs']:>7,} {median:>15} {share:>10.2%}  {'; '.join(wrong)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
