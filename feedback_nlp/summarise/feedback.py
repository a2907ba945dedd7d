"""Customer-feedback analysis for the review, from the batch classifier's message output.

Complaint volume and share by cause, complaints by month, sentiment distribution, two or three
representative messages per top cause (the most central ones, personal data masked), and the
conversations that escalated or where the customer complained again after an answer. Every
number is computed from the rows.
"""

from __future__ import annotations

import codecs
import json
import random
import re
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Iterator

from ..batch import side_file
from ..sessions import read_rows, summarise_sessions
from ..io.times import parse_time
from ..errors import InputError, InputNotFoundError
from ..io.writers import output_format
from ..normalise.redact import MASK, Redactor
from .similarity import NEAR_REPEAT, overlap_matrix, similarity_matrix

TOP_CAUSES = 3
EXAMPLES = 3
SAMPLE = 300  # complaints of a cause, sampled over the whole file, among which the central ones are found


def _central(rows: list[dict], k: int) -> list[dict]:
    """The ``k`` messages whose texts are most similar on average to the others
    (``similarity_matrix``), skipping repeats and near-repeats of one already chosen
    (``overlap_matrix``): the same complaint sent twice, once with a phone number added, is one
    example, not two."""
    first: dict[str, dict] = {}
    for r in rows:
        first.setdefault(r["text"], r)
    unique = list(first.values())
    texts = [r["text"] for r in unique]
    scores = similarity_matrix(texts).sum(axis=1)
    overlap = overlap_matrix(texts)
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


def _chats_format(path: Path, fmt: str | None) -> tuple[str, str]:
    """The format and the text encoding of a classified message file: by its suffix, but a file
    that starts as Parquet does is Parquet whatever its name ("classify -o messages_2023 --format
    parquet"), and a CSV that is not UTF-8 (classify's CSV saved again by Excel on Chinese
    Windows) is read as GB18030."""
    if fmt is None and path.suffix.lower() not in (".parquet", ".csv"):
        with open(path, "rb") as fh:
            if fh.read(4) == b"PAR1":
                return "parquet", ""
    fmt = output_format(path, fmt)
    if fmt != "csv":
        return fmt, "utf-8"
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    try:  # an incremental decoder: a character cut at the end of the sample is no error
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return fmt, "gb18030"
    return fmt, "utf-8-sig"


def _classified_rows(path: str | Path, fmt: str | None = None) -> tuple[Path, Iterator[dict]]:
    """The rows of a classified message file, one at a time, refused with a message that says what
    the file looks like when it is not one (a row without the classifier's fields)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"--chats {path} is a folder; {_CLASSIFY_HINT}")
    if not path.is_file():
        raise InputNotFoundError(f"--chats {path}: no such file; {_CLASSIFY_HINT}")
    fmt, encoding = _chats_format(path, fmt)

    def rows() -> Iterator[dict]:
        try:
            for number, row in enumerate(read_rows(path, fmt, columns=None, encoding=encoding), start=1):
                missing = [k for k in ("role", "causes", "is_complaint", "sentiment") if k not in row]
                if missing:
                    raise _not_messages(path, fmt, f"row {number} has no {', '.join(missing)} field")
                yield row
        except KeyError as exc:  # a CSV without the classifier's columns
            raise _not_messages(path, fmt, f"has no {exc} column") from None
        except UnicodeDecodeError:  # classify writes UTF-8; an export straight from a system may be GBK
            raise _not_messages(path, fmt, "is not UTF-8 text as classify writes it") from None
        except ValueError as exc:  # not JSON Lines / CSV / Parquet as written by classify
            raise InputError(f"--chats {path}: cannot be read as classified messages ({exc}); {_CLASSIFY_HINT}") from None

    return path, rows()


def check_chats(path: str | Path, fmt: str | None = None) -> None:
    """Refuse a file that is not classified messages, reading only its first rows: a command
    checks its inputs before the long work."""
    for _row in islice(_classified_rows(path, fmt)[1], 100):
        pass


def _incomplete(path: Path, rows: int) -> str | None:
    """Why the figures of ``path`` may not cover the run that wrote it: the run stopped before
    its end (its checkpoint is beside it), or the file holds other messages than its run's summary
    says it wrote (cut short, or edited); None when neither is seen."""
    if side_file(path, "checkpoint.json").exists():
        return (f"the classify run that wrote {path.name} did not finish (its checkpoint is beside it), so the figures "
                f"cover only the {rows:,} messages written so far: finish it with the same command and --resume")
    try:
        summary = json.loads(side_file(path, "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    written = summary.get("written") if isinstance(summary, dict) else None
    if isinstance(written, int) and written != rows:
        return (f"{path.name} holds {rows:,} messages, but the classify run that wrote it wrote {written:,} "
                f"({side_file(path, 'summary.json').name}): check that the file is whole")
    return None


MAX_MONTHS_FILLED = 36  # a span of months longer than this (a stray date years away) lists the months seen only


def _by_month(complaints: Counter, months: set[str]) -> dict[str, int]:
    """Complaints by month: every month from the first to the last with customer messages, 0
    where none complained; over a span longer than ``MAX_MONTHS_FILLED``, the months seen."""
    if not months:
        return {}
    span = _months_between(min(months), max(months))
    return {m: complaints.get(m, 0) for m in (span if len(span) <= MAX_MONTHS_FILLED else sorted(months))}


def _months_between(first: str, last: str) -> list[str]:
    """"2023-11", "2024-02" -> every month from the first to the last, both included."""
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def analyse_chats(path: str | Path, fmt: str | None = None, year: int | None = None) -> dict:
    """Figures for the review's customer-feedback section from a classified message file; with
    ``year``, of the messages of that year (and the undated ones): the others are counted in
    ``outside_year``. The file is read once, as a stream; a session is a session id within one
    file (two monthly exports that both number their sessions 1, 2, … hold four sessions).

    Customer turns that were not classified (a picture, a sticker, words the model does not know)
    are counted apart (``customer_unclassified``), not as messages analysed; the months from the
    first to the last with customer messages are all listed, 0 for a month without complaints."""
    path, rows = _classified_rows(path, fmt)
    tally = {"read": 0, "outside": 0, "messages": 0, "customer": 0, "unclassified": 0, "complaints": 0, "undated": 0}
    by_cause: Counter = Counter()
    by_month: Counter = Counter()
    months: set[str] = set()
    sentiment: Counter = Counter()
    samples: dict[str, Sample] = {}

    def kept() -> Iterator[dict]:
        for r in rows:
            tally["read"] += 1
            when = parse_time(r.get("time"))
            if year is not None and when is not None and when.year != year:
                tally["outside"] += 1
                continue
            tally["messages"] += 1
            yield r
            if r["role"] != "customer":
                continue
            if not r.get("sentiment"):
                tally["unclassified"] += 1
                continue
            tally["customer"] += 1
            sentiment[r["sentiment"]] += 1
            if when:
                months.add(when.strftime("%Y-%m"))
            if not r.get("is_complaint"):
                continue
            tally["complaints"] += 1
            if when:
                by_month[when.strftime("%Y-%m")] += 1
            else:
                tally["undated"] += 1
            for cause in r.get("causes") or []:
                by_cause[cause] += 1
                samples.setdefault(cause, Sample(SAMPLE)).add(r)

    sessions = summarise_sessions(r for r in kept() if r.get("session") not in (None, ""))
    redactor = Redactor()
    examples = {}
    for cause, _n in by_cause.most_common(TOP_CAUSES):
        examples[cause] = [_example(r, redactor) for r in _central(samples[cause].rows, EXAMPLES)]
    customer, complaints = tally["customer"], tally["complaints"]
    return {
        "source": str(path),
        "messages": tally["messages"],
        "customer_messages": customer,
        "customer_unclassified": tally["unclassified"],
        "complaints": complaints,
        "complaint_share": round(complaints / customer, 4) if customer else 0.0,
        "by_cause": dict(by_cause.most_common()),
        "by_month": _by_month(by_month, months),
        "complaints_undated": tally["undated"],
        "sentiment": dict(sentiment),
        "examples": examples,
        "sessions": len(sessions) if sessions or not tally["messages"] else None,  # None: no session column
        "escalated_sessions": sum(1 for s in sessions if s["trend"] == "escalated"),
        "complained_again_sessions": sum(1 for s in sessions if s["complained_again"]),
        "year": year,
        "outside_year": tally["outside"],
        "incomplete": _incomplete(path, tally["read"]),
        "cause_names": _cause_names_of(path),
    }


def _example(row: dict, redactor: Redactor) -> dict:
    """An example message as the review quotes it: one line, personal data masked (in its session
    id and message id too, which an export may build from a phone number), with where it is in the
    chats: its export's file and line, its session and id."""
    def masked(value) -> str:
        return _readable_masks(redactor.redact(str(value))[0])

    out = {"text": masked(_one_line(row.get("text") or ""))}
    for key in ("file", "line", "session", "id"):
        if row.get(key) not in (None, ""):
            value = row[key]
            if key == "line" and str(value).isdigit():
                value = int(value)  # a CSV holds it as text
            out[key] = masked(value) if key in ("session", "id") else value
    return out


class Sample:
    """An even sample of at most ``size`` complaints of a cause over the whole file (reservoir
    sampling, seeded: the same file gives the same sample), so a year of chats in time order gives
    examples from every part of the year, not from its first weeks."""

    def __init__(self, size: int):
        self.size, self.seen, self.rows = size, 0, []
        self._random = random.Random(0)

    def add(self, row: dict) -> None:
        if len(row.get("text") or "") < 6:
            return
        self.seen += 1
        kept = {k: row.get(k) for k in ("text", "file", "line", "session", "id")}
        if len(self.rows) < self.size:
            self.rows.append(kept)
        elif (k := self._random.randrange(self.seen)) < self.size:
            self.rows[k] = kept


def _cause_names_of(path: Path) -> dict[str, str]:
    """The names of the causes as the model that classified ``path`` gives them, from the run's
    summary beside it (a model trained with causes of one's own names them there); {} without it."""
    try:
        summary = json.loads(side_file(Path(path), "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    names = summary.get("model", {}).get("cause_names") if isinstance(summary, dict) else None
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}
