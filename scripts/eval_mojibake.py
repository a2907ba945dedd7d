"""Measure mojibake repair: damage clean Chinese text the way real pages were damaged (UTF-8 bytes
decoded as GBK with undecodable bytes dropped), repair it, and report the share of characters
recovered exactly, next to what a plain re-encode recovers. The "folded" column damages the text
further the way some pages were: full-width forms in the mojibake folded to ASCII afterwards
("瑙ｅ喅" -> "瑙e喅" for "解决").

    python scripts/eval_mojibake.py [FILES...]      # default: seeds 001, 003 and 004

Characters are compared line by line (damage and repair keep line breaks) with difflib's
matching blocks, so one wrong character costs one character, not the rest of the line.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

from feedback_nlp.normalise.charlm import CharLM
from feedback_nlp.normalise.encoding import repair_mojibake

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
DEFAULT = ["001_*.txt", "003_*.txt", "004_*.txt"]


def damage(text: str) -> str:
    return text.encode("utf-8").decode("gbk", errors="ignore")


def fold_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def naive_repair(text: str) -> str:
    return text.encode("gbk", errors="ignore").decode("utf-8", errors="ignore")


def recovered(original: str, repaired: str) -> int:
    """Characters of ``original`` found in place in ``repaired``; line breaks count too."""
    lines_a, lines_b = original.split("\n"), repaired.split("\n")
    if len(lines_a) != len(lines_b):
        raise SystemExit("repair changed the number of lines; cannot compare")
    total = len(lines_a) - 1
    for a, b in zip(lines_a, lines_b):
        if a == b:
            total += len(a)
        else:
            total += sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.files or [p for pattern in DEFAULT for p in sorted(SEEDS.glob(pattern))]
    if not files:
        print(f"no input files (seeds not found under {SEEDS})", file=sys.stderr)
        return 2
    lm = CharLM.load()
    repair_mojibake("鍞鍚", lm)  # build the tables outside the timing
    print(f"{'file':<34}{'chars':>8}{'repaired':>10}{'re-encode':>11}{'folded':>9}{'chars/s':>9}")
    tot_chars = tot_rep = tot_naive = tot_folded = 0
    tot_time = 0.0
    for path in files:
        original = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        damaged = damage(original)
        start = time.perf_counter()
        result = repair_mojibake(damaged, lm)
        elapsed = time.perf_counter() - start
        rep = recovered(original, result.text)
        naive = recovered(original, naive_repair(damaged))
        folded = recovered(original, repair_mojibake(fold_fullwidth(damaged), lm).text)
        n = len(original)
        tot_chars, tot_rep, tot_naive, tot_time = tot_chars + n, tot_rep + rep, tot_naive + naive, tot_time + elapsed
        tot_folded += folded
        print(f"{path.name:<34}{n:>8}{rep / n:>10.2%}{naive / n:>11.2%}{folded / n:>9.2%}{n / elapsed:>9.0f}")
    print(f"{'all':<34}{tot_chars:>8}{tot_rep / tot_chars:>10.2%}{tot_naive / tot_chars:>11.2%}"
          f"{tot_folded / tot_chars:>9.2%}{tot_chars / tot_time:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
