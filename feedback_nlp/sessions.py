"""One row per chat session, from the classified messages a batch run wrote: how many messages
each side sent, the causes raised, the customer's sentiment at the start and the end, whether the
customer complained again after an answer, the first response time and the duration."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Iterator

from .io.times import parse_time
from .io.writers import RowWriter, output_format

SESSION_COLUMNS = [
    "session", "file", "messages", "customer_messages", "agent_messages", "causes", "sentiment_mean",
    "sentiment_start", "sentiment_end", "trend", "complained_again", "first_response_seconds",
    "duration_seconds", "first_time", "last_time",
]
SESSION_FIELDS = ["session", "file", "time", "role", "causes", "sentiment_score", "is_complaint"]


def read_rows(path: Path, fmt: str, columns: list[str] | None = SESSION_FIELDS, encoding: str = "utf-8") -> Iterator[dict]:
    """Rows of a message output file; from Parquet only ``columns`` (None: all of them); a CSV
    in ``encoding`` (with or without a BOM, for UTF-8)."""
    if fmt == "jsonl":
        with open(path, encoding=encoding) as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue  # a blank line (an editor's last line break)
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"line {number} is not valid JSON: {exc.msg}") from None
    elif fmt == "csv":
        import csv

        with open(path, encoding="utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding, newline="") as fh:
            for row in csv.DictReader(fh):
                row["causes"] = json.loads(row["causes"]) if row["causes"] else []
                row["sentiment_score"] = float(row["sentiment_score"]) if row["sentiment_score"] else None
                row["is_complaint"] = row["is_complaint"].strip().lower() == "true"  # Excel saves TRUE
                yield row
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(columns=columns):
            for row in batch.to_pylist():
                row["causes"] = json.loads(row["causes"]) if row["causes"] else []
                yield row


# a complaint, a reply to it, and a complaint again
_COMPLAINED_AGAIN = re.compile("c.*a.*c")


def summarise_sessions(rows: Iterable[dict]) -> list[dict]:
    """Per-session figures from classified message rows, in time order whatever order the rows
    come in (consoles often export the newest message first); a session where a message that
    counts (a customer's scored message or complaint, an agent's reply) has no time is taken in
    file order. A picture or sticker without a time changes nothing. Where the first reply after
    the customer's first message has no time, the first response time is not known (None), rather
    than a later reply's.

    A session is a session id within one file: two monthly exports that both number their
    sessions 1, 2, … hold four sessions, not two that each ran for a month. An agent's message
    answers the customer; a bot's ("正在为您转接人工客服") does not, for a complaint again after an
    answer or for the first response time.

    Each session keeps counts, its first and last values and the times of its complaints and
    agent replies (a number each), not its messages."""
    sessions: dict[tuple, dict] = {}
    for seq, row in enumerate(rows):
        key = (row.get("file"), row["session"])
        s = sessions.get(key)
        if s is None:
            s = sessions[key] = {
                "messages": 0, "customer_messages": 0, "agent_messages": 0, "causes": {}, "score_sum": 0.0,
                "scores": 0, "untimed": False, "t_min": None, "t_max": None,
                # (time, seq) and (seq,) orders of the customer's first and last scores
                "first_score": {}, "last_score": {},
                "first_customer": None, "events": [],  # (timestamp or None, seq, "c" complaint or "a" reply)
                "opening": None,  # (seq, timestamp or None) of the customer's first message in file order
            }
        s["messages"] += 1
        when = parse_time(row.get("time"))
        counts = row["role"] == "agent" or row["role"] == "customer" and (
            row.get("sentiment_score") is not None or bool(row.get("is_complaint")))
        if when:
            s["t_min"] = when if s["t_min"] is None else min(s["t_min"], when)
            s["t_max"] = when if s["t_max"] is None else max(s["t_max"], when)
        elif counts:
            s["untimed"] = True
        stamp = when.timestamp() if when else None
        if row["role"] == "customer" and s["opening"] is None:
            s["opening"] = (seq, stamp)
        if row["role"] == "customer":
            s["customer_messages"] += 1
            score = row.get("sentiment_score")
            if score is not None:
                s["score_sum"] += score
                s["scores"] += 1
                for order, key in (("timed", (stamp or 0.0, seq)), ("filed", (seq,))):
                    first, last = s["first_score"].get(order), s["last_score"].get(order)
                    if first is None or key < first[0]:
                        s["first_score"][order] = (key, score)
                    if last is None or key > last[0]:
                        s["last_score"][order] = (key, score)
            for cause in row.get("causes") or []:
                s["causes"][cause] = s["causes"].get(cause, 0) + 1
            if stamp is not None and (s["first_customer"] is None or stamp < s["first_customer"]):
                s["first_customer"] = stamp  # the first customer message's time
            if row.get("is_complaint"):
                s["events"].append((stamp, seq, "c"))
        elif row["role"] == "agent":
            s["agent_messages"] += 1
            s["events"].append((stamp, seq, "a"))
    out = []
    for (file, name), s in sessions.items():
        order = "filed" if s["untimed"] else "timed"
        start = s["first_score"][order][1] if order in s["first_score"] else None
        end = s["last_score"][order][1] if order in s["last_score"] else None
        trend = None
        if s["scores"] >= 2:
            trend = "improved" if end - start > 0.3 else "escalated" if start - end > 0.3 else "stable"
        events = sorted(s["events"], key=(lambda e: e[1]) if s["untimed"] else (lambda e: (e[0], e[1])))
        kinds = "".join(e[2] for e in events)  # "c" a complaint, "a" a reply
        first_customer = s["first_customer"]
        if s["untimed"]:  # in file order: the first reply after the customer's first message, if it has a time
            opening = s["opening"] or (None, None)
            first_customer = opening[1]
            reply = next((e[0] for e in events if e[2] == "a" and opening[0] is not None and e[1] > opening[0]), None)
        else:
            reply = next((e[0] for e in events if e[2] == "a" and first_customer is not None and e[0] >= first_customer), None)
        waited = reply - first_customer if None not in (reply, first_customer) else None
        t_min, t_max = s["t_min"], s["t_max"]
        out.append({
            "session": name,
            "file": file,
            "messages": s["messages"],
            "customer_messages": s["customer_messages"],
            "agent_messages": s["agent_messages"],
            "causes": sorted(s["causes"], key=lambda c: -s["causes"][c]),
            "sentiment_mean": round(s["score_sum"] / s["scores"], 4) if s["scores"] else None,
            "sentiment_start": start,
            "sentiment_end": end,
            "trend": trend,
            "complained_again": _COMPLAINED_AGAIN.search(kinds) is not None,
            "first_response_seconds": waited if waited is None or waited >= 0 else None,
            "duration_seconds": (t_max - t_min).total_seconds() if t_min and t_max else None,
            "first_time": t_min.isoformat(sep=" ") if t_min else None,
            "last_time": t_max.isoformat(sep=" ") if t_max else None,
        })
    return out


def write_sessions(messages: Path, fmt: str, output: Path) -> int:
    sessions = summarise_sessions(read_rows(messages, fmt))
    writer = RowWriter(output, output_format(output), SESSION_COLUMNS)
    writer.write(sessions)
    writer.close()
    return len(sessions)


# the columns of session files written by earlier versions, which a run may overwrite as well
_EARLIER_COLUMNS = ([c for c in SESSION_COLUMNS if c != "file"],)


def is_sessions_file(path: Path) -> bool:
    """Whether ``path`` holds session rows as ``write_sessions`` writes them, or wrote them before
    (or nothing), so that a run may remove or overwrite it."""
    fmt = output_format(path)
    known = (SESSION_COLUMNS, *_EARLIER_COLUMNS)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.read_schema(path).names in known
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            first = fh.readline().strip()
    except (OSError, ValueError):
        return False
    if not first:
        return True
    if fmt == "csv":
        return first.split(",") in known
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and list(row) in known
