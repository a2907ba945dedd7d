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
    return [row for _number, row in _numbered_rows(path)]


MAX_LISTED = 10  # problems of a corpus named one by one; the rest are counted


def check_corpora(corpora_dir: str | Path | None, cause_ids: tuple[str, ...], sentiment_ids: tuple[str, ...]) -> list[str]:
    """Check every record of both corpora's splits before a model is fitted on them: valid JSON, a
    text, causes that are a list of the taxonomy's ids, a known sentiment label. Raises one
    InputError naming the bad records (file and line, the first ``MAX_LISTED``) and counting them
    by reason; returns warnings: texts that stand in two splits (a test item seen in training
    inflates the scores)."""
    base = Path(corpora_dir) if corpora_dir else CORPORA_DIR
    problems: list[tuple[Path, int, str]] = []
    warnings = []
    for name in ("sentiment", "causes"):
        keys: dict[str, set[str]] = {}
        for split in SPLITS:
            path = base / name / f"{split}.jsonl"
            if not path.is_file():
                continue  # load_corpus names the missing files
            keys[split] = set()
            for number, row in _numbered_rows(path):
                reason = _bad_record(name, row, cause_ids, sentiment_ids)
                if reason:
                    problems.append((path, number, reason))
                else:
                    keys[split].add(text_key(row["text"]))
        for a, b in (("train", "test"), ("train", "dev"), ("dev", "test")):
            shared = keys.get(a, set()) & keys.get(b, set())
            if shared:
                warnings.append(f"corpus {name!r}: {len(shared)} texts of {b} are also in {a} (as written, or but for case, "
                                "spaces and punctuation); their scores are inflated: keep each text in one split")
    if problems:
        counts: dict[str, int] = defaultdict(int)
        for _p, _n, reason in problems:
            counts[reason.split(":")[0]] += 1
        listed = "; ".join(f"{p} line {n}: {reason}" for p, n, reason in problems[:MAX_LISTED])
        more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        summary = ", ".join(f"{reason} ({n})" for reason, n in counts.items())
        raise InputError(f"{len(problems)} bad record{'s' if len(problems) > 1 else ''} in the corpora ({summary}): "
                         f"{listed}{more}. Fix or remove them; cause ids must be those of the taxonomy (add a new cause "
                         "to a copy of configs/taxonomy.yaml and pass it with --set taxonomy=FILE)")
    return warnings


def _numbered_rows(path: Path):
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {number}: not valid JSON ({exc.msg}); fix or remove the line") from None
            yield number, row


def _bad_record(name: str, row, cause_ids: tuple[str, ...], sentiment_ids: tuple[str, ...]) -> str | None:
    """Why a corpus record cannot be trained on, or None."""
    if not isinstance(row, dict):
        return "not a JSON object"
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return "no text: 'text' is missing, empty or not a string"
    if name == "sentiment":
        label = row.get("label")
        return None if label in sentiment_ids else f"unknown sentiment label: {label!r} (use {', '.join(sentiment_ids)})"
    causes = row.get("causes")
    if not isinstance(causes, list):
        return f"causes not a list: 'causes' must be a list of cause ids, [] for none (found {causes!r})"
    unknown = [c for c in causes if c not in cause_ids]
    if unknown:
        return f"unknown cause: {', '.join(map(repr, unknown))} is not in the taxonomy"
    sentiment = row.get("sentiment")
    if sentiment is not None and sentiment not in sentiment_ids:
        return f"unknown sentiment label: {sentiment!r} (use {', '.join(sentiment_ids)})"
    return None


def labelled_file(path: Path, cause_ids: tuple[str, ...], sentiment_ids: tuple[str, ...]):
    """One's own labelled messages to evaluate a model on: a JSON Lines file of records with
    ``text``, ``causes`` (a list of cause ids) and optionally ``sentiment``. Returns the sentiment
    and the cause split as ``datasets.Dataset``s; a bad record is refused with its line."""
    from datasets import Dataset

    if not path.is_file():
        raise InputError(f"--data {path}: no such file; pass dev, test or a JSON Lines file of labelled messages")
    rows = []
    for number, row in _numbered_rows(path):
        reason = _bad_record("causes", row, cause_ids, sentiment_ids)
        if reason:
            raise InputError(f"{path} line {number}: {reason}; each line needs text, causes (a list of cause ids) and "
                             f"optionally sentiment ({', '.join(sentiment_ids)})")
        rows.append(row)
    if not rows:
        raise InputError(f"{path}: no labelled messages in it")
    source = [str(r.get("source", "")) for r in rows]
    causes = Dataset.from_dict({"text": [r["text"] for r in rows], "causes": [r["causes"] for r in rows], "source": source})
    rated = [(r, s) for r, s in zip(rows, source) if r.get("sentiment")]
    sentiment = Dataset.from_dict({"text": [r["text"] for r, _s in rated], "label": [r["sentiment"] for r, _s in rated],
                                   "source": [s for _r, s in rated]})
    return sentiment, causes


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
    loaded = load_dataset("json", data_files=files)
    if "source" not in loaded["train"].column_names:  # where an item came from: optional in one's own corpora
        loaded = loaded.map(lambda row: {"source": ""})
    return loaded
