"""Customer-feedback analysis for the review, from the batch classifier's message output.

Complaint volume and share by cause, complaints by month, sentiment distribution, two or three
representative messages per top cause (the most central ones, personal data masked), and the
conversations that escalated or where the customer complained again after an answer. Every
number is computed from the rows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import islice
from pathlib import Path

from ..batch import side_file
from ..sessions import read_rows, summarise_sessions
from ..io.times import parse_time
from ..errors import InputError, InputNotFoundError
from ..io.writers import output_format
from ..normalise.redact import MASK, Redactor
from .similarity import NEAR_REPEAT, overlap_matrix, similarity_matrix

TOP_CAUSES = 3
EXAMPLES = 3
SAMPLE = 300  # messages compared per cause when looking for central ones


def _central(texts: list[str], k: int) -> list[str]:
    """The ``k`` texts most similar on average to the others (``similarity_matrix``), skipping
    near-repeats of one already chosen (``overlap_matrix``): the same complaint sent twice, once
    with a phone number added, is one example, not two."""
    unique = list(dict.fromkeys(t for t in texts if len(t) >= 6))[:SAMPLE]
    scores = similarity_matrix(unique).sum(axis=1)
    overlap = overlap_matrix(unique)
    chosen: list[int] = []
    for i in sorted(range(len(unique)), key=lambda i: -scores[i]):
        if len(chosen) == k:
            break
        if all(overlap[i, j] < NEAR_REPEAT for j in chosen):
            chosen.append(i)
    return [unique[i] for i in chosen]


# how a masked value reads in the review, which people read rather than join on
MASK_NAMES = {"PHONE": "电话", "ID_CARD": "身份证号", "BANK_CARD": "银行卡号", "EMAIL": "邮箱", "ORDER": "单号", "ADDRESS": "地址", "NAME": "姓名"}


# control characters a chat message may hold (a Word line break pasted into a CRM: \x0b), which a
# Word document cannot hold
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _one_line(text: str) -> str:
    """A message as one line of printable text, to quote in the draft: its lines joined, control
    characters left out (a quote of several lines would break the Markdown around it)."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


def _readable_masks(text: str) -> str:
    """"[PHONE#9ba77f41]" -> "〔电话已隐去〕"."""
    return MASK.sub(lambda m: f"〔{MASK_NAMES.get(m.group('kind'), '个人信息')}已隐去〕", text)


_CLASSIFY_HINT = "pass the messages file that 'feedback-nlp classify EXPORTS -o FILE' wrote"


def _not_messages(path: Path, fmt: str, found: str) -> InputError:
    """The error for a file that is not classified messages, saying what it looks like."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        head = " ".join(pq.read_schema(path).names)
    else:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            head = fh.read(4096)
    if "customer_messages" in head and "complained_again" in head:
        return InputError(f"--chats {path}: {found}; this is the per-session output of classify (--sessions), "
                          "not its messages: pass the file given to -o")
    if '"reason"' in head and '"raw"' in head:
        return InputError(f"--chats {path}: {found}; this is the reject file of classify, not its messages: "
                          "pass the file given to -o")
    return InputError(f"--chats {path}: {found}; this looks like a raw chat export, not classified messages: "
                      f"run 'feedback-nlp classify EXPORT -o classified.jsonl' and pass that")


def _classified_rows(path: str | Path, fmt: str | None = None, limit: int | None = None) -> tuple[Path, list[dict]]:
    """The rows of a classified message file (the first ``limit``, when given), refused with a
    message that says what the file looks like when it is not one."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"--chats {path} is a folder; {_CLASSIFY_HINT}")
    if not path.is_file():
        raise InputNotFoundError(f"--chats {path}: no such file; {_CLASSIFY_HINT}")
    fmt = output_format(path, fmt)
    try:
        rows = list(islice(read_rows(path, fmt, columns=None), limit))
    except KeyError as exc:  # a CSV without the classifier's columns
        raise _not_messages(path, fmt, f"has no {exc} column") from None
    except UnicodeDecodeError:  # classify writes UTF-8; an export straight from a system may be GBK
        raise _not_messages(path, fmt, "is not UTF-8 text as classify writes it") from None
    except ValueError as exc:  # not JSON Lines / CSV / Parquet as written by classify
        raise InputError(f"--chats {path}: cannot be read as classified messages ({exc}); {_CLASSIFY_HINT}") from None
    for number, row in enumerate(rows, start=1):
        missing = [k for k in ("role", "causes", "is_complaint", "sentiment") if k not in row]
        if missing:
            raise _not_messages(path, fmt, f"row {number} has no {', '.join(missing)} field")
    return path, rows


def check_chats(path: str | Path, fmt: str | None = None) -> None:
    """Refuse a file that is not classified messages, reading only its first rows: a command
    checks its inputs before the long work."""
    _classified_rows(path, fmt, limit=100)


def analyse_chats(path: str | Path, fmt: str | None = None, year: int | None = None) -> dict:
    """Figures for the review's customer-feedback section from a classified message file; with
    ``year``, of the messages of that year (and the undated ones): the others are counted in
    ``outside_year``."""
    path, rows = _classified_rows(path, fmt)
    outside = 0
    if year is not None:
        kept = []
        for r in rows:
            when = parse_time(r.get("time"))
            if when is not None and when.year != year:
                outside += 1
            else:
                kept.append(r)
        rows = kept
    customer = [r for r in rows if r["role"] == "customer"]
    complaints = [r for r in customer if r.get("is_complaint")]
    by_cause = Counter(c for r in complaints for c in (r.get("causes") or []))
    by_month = Counter()
    undated = 0
    for r in complaints:
        when = parse_time(r.get("time"))
        if when:
            by_month[when.strftime("%Y-%m")] += 1
        else:
            undated += 1
    sentiment = Counter(r.get("sentiment") for r in customer if r.get("sentiment"))
    redactor = Redactor()
    examples = {}
    for cause, _n in by_cause.most_common(TOP_CAUSES):
        texts = [r.get("text", "") for r in complaints if cause in (r.get("causes") or [])]
        examples[cause] = [_readable_masks(redactor.redact(_one_line(t))[0]) for t in _central(texts, EXAMPLES)]
    sessions = summarise_sessions(rows)
    return {
        "source": str(path),
        "messages": len(rows),
        "customer_messages": len(customer),
        "complaints": len(complaints),
        "complaint_share": round(len(complaints) / len(customer), 4) if customer else 0.0,
        "by_cause": dict(by_cause.most_common()),
        "by_month": dict(sorted(by_month.items())),
        "complaints_undated": undated,
        "sentiment": dict(sentiment),
        "examples": examples,
        "sessions": len(sessions),
        "escalated_sessions": sum(1 for s in sessions if s["trend"] == "escalated"),
        "complained_again_sessions": sum(1 for s in sessions if s["complained_again"]),
        "year": year,
        "outside_year": outside,
        "cause_names": _cause_names_of(path),
    }


def _cause_names_of(path: Path) -> dict[str, str]:
    """The names of the causes as the model that classified ``path`` gives them, from the run's
    summary beside it (a model trained with causes of one's own names them there); {} without it."""
    try:
        summary = json.loads(side_file(Path(path), "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    names = summary.get("model", {}).get("cause_names") if isinstance(summary, dict) else None
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}
