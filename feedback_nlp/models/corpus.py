"""The labelled corpora under ``corpora/``: loading them as ``datasets`` objects, and the
duplicate and near-duplicate detection used to build leak-free splits and to test them.

A text's *key* is its Simplified, lower-cased form with only letters, digits and Chinese
characters left; two texts whose keys are equal are duplicates. Two texts are near duplicates
when the Jaccard similarity of their character 4-gram sets is at least ``NEAR_DUPLICATE``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

from ..config import PACKAGE_DIR
from ..errors import InputError
from ..normalise.script import to_simplified

CORPORA_DIR = PACKAGE_DIR.parent / "corpora"
SPLITS = ("train", "dev", "test")
NEAR_DUPLICATE = 0.8
SHINGLE = 4
_KEEP = re.compile(r"[0-9a-z\u3400-\u9fff]+")


def text_key(text: str) -> str:
    """Canonical form used to find duplicates."""
    return "".join(_KEEP.findall(to_simplified(text, "t2s").lower()))


def split_of(key: str, dev: int = 10, test: int = 10) -> str:
    """Deterministic split from a key's hash: about 80/10/10 by default."""
    bucket = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < test else "dev" if bucket < test + dev else "train"


def _shingles(key: str) -> set[str]:
    if len(key) <= SHINGLE:
        return {key}
    return {key[i : i + SHINGLE] for i in range(len(key) - SHINGLE + 1)}


def near_duplicate_pairs(keys: list[str], threshold: float = NEAR_DUPLICATE, max_postings: int = 300) -> list[tuple[int, int]]:
    """Index pairs (i < j) of near-duplicate keys; exact duplicates are included.

    Candidates share a 4-gram that occurs in at most ``max_postings`` texts (very common 4-grams
    cannot be what makes two texts near duplicates unless they share rarer ones too).
    """
    shingles = [_shingles(k) for k in keys]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, sh in enumerate(shingles):
        for s in sh:
            postings[s].append(i)
    pairs = []
    for i, sh in enumerate(shingles):
        if not keys[i]:
            continue
        counts: dict[int, int] = defaultdict(int)
        for s in sh:
            post = postings[s]
            if len(post) > max_postings:
                continue
            for j in post:
                if j > i:
                    counts[j] += 1
        for j, shared in counts.items():
            union = len(sh) + len(shingles[j]) - shared
            if shared / union >= threshold:
                pairs.append((i, j))
    return pairs


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON Lines file; a broken line raises an error naming the file and line."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {number}: not valid JSON ({exc.msg}); fix or remove the line") from None
    return rows


def load_corpus(name: str, corpora_dir: str | Path | None = None):
    """The ``sentiment`` or ``causes`` corpus as a ``datasets.DatasetDict`` with train/dev/test."""
    import datasets
    from datasets import load_dataset

    datasets.disable_progress_bars()  # a progress bar per split would drown the command's own output

    base = Path(corpora_dir) if corpora_dir else CORPORA_DIR
    files = {split: str(base / name / f"{split}.jsonl") for split in SPLITS}
    missing = [f for f in files.values() if not Path(f).is_file()]
    if missing:
        raise InputError(f"corpus {name!r}: missing {', '.join(missing)}; run scripts/build_corpora.py")
    return load_dataset("json", data_files=files)
