"""One row per chat session, from the classified messages a batch run wrote: how many messages
each side sent, the causes raised, the customer's sentiment at the start and the end, whether the
customer complained again after an answer, the first response time and the duration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .io.times import parse_time
from .io.writers import RowWriter, output_format

SESSION_COLUMNS = [
    "session", "messages", "customer_messages", "agent_messages", "causes", "sentiment_mean",
    "sentiment_start", "sentiment_end", "trend", "complained_again", "first_response_seconds",
    "duration_seconds", "first_time", "last_time",
]
SESSION_FIELDS = ["session", "time", "role", "causes", "sentiment_score", "is_complaint"]


def read_rows(path: Path, fmt: str, columns: list[str] | None = SESSION_FIELDS) -> Iterator[dict]:
    """Rows of a message output file; from Parquet only ``columns`` (None: all of them)."""
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)
    elif fmt == "csv":
        import csv

        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                row["causes"] = json.loads(row["causes"]) if row["causes"] else []
                row["sentiment_score"] = float(row["sentiment_score"]) if row["sentiment_score"] else None
                row["is_complaint"] = row["is_complaint"] == "True"
                yield row
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(columns=columns):
            for row in batch.to_pylist():
                row["causes"] = json.loads(row["causes"]) if row["causes"] else []
                yield row


def summarise_sessions(rows: Iterable[dict]) -> list[dict]:
    """Per-session figures from classified message rows (in time order within a session).

    Each session keeps a fixed-size state (counts, first and last values, running sums), so
    memory grows with the number of sessions, not of messages.
    """
    sessions: dict[str, dict] = {}
    for row in rows:
        s = sessions.get(row["session"])
        if s is None:
            s = sessions[row["session"]] = {
                "messages": 0, "customer_messages": 0, "agent_messages": 0, "causes": {},
                "score_sum": 0.0, "scores": 0, "start": None, "end": None, "t_min": None, "t_max": None,
                "first_customer": None, "first_agent": None, "complaint_before_agent": False,
                "agent_answered": False, "complained_again": False,
            }
        s["messages"] += 1
        when = parse_time(row.get("time"))
        if when:
            s["t_min"] = when if s["t_min"] is None else min(s["t_min"], when)
            s["t_max"] = when if s["t_max"] is None else max(s["t_max"], when)
        if row["role"] == "customer":
            s["customer_messages"] += 1
            score = row.get("sentiment_score")
            if score is not None:
                s["score_sum"] += score
                s["scores"] += 1
                s["start"] = score if s["start"] is None else s["start"]
                s["end"] = score
            for cause in row.get("causes") or []:
                s["causes"][cause] = s["causes"].get(cause, 0) + 1
            s["first_customer"] = s["first_customer"] or when
            if row.get("is_complaint"):
                if s["complaint_before_agent"] and s["agent_answered"]:
                    s["complained_again"] = True
                s["complaint_before_agent"] = True
        elif row["role"] in ("agent", "bot"):
            s["agent_messages"] += row["role"] == "agent"
            if s["first_customer"] and not s["first_agent"]:
                s["first_agent"] = when
            if s["complaint_before_agent"]:
                s["agent_answered"] = True
    out = []
    for name, s in sessions.items():
        start, end = s["start"], s["end"]
        trend = None
        if s["scores"] >= 2:
            trend = "improved" if end - start > 0.3 else "escalated" if start - end > 0.3 else "stable"
        t_min, t_max = s["t_min"], s["t_max"]
        out.append({
            "session": name,
            "messages": s["messages"],
            "customer_messages": s["customer_messages"],
            "agent_messages": s["agent_messages"],
            "causes": sorted(s["causes"], key=lambda c: -s["causes"][c]),
            "sentiment_mean": round(s["score_sum"] / s["scores"], 4) if s["scores"] else None,
            "sentiment_start": start,
            "sentiment_end": end,
            "trend": trend,
            "complained_again": s["complained_again"],
            "first_response_seconds": (s["first_agent"] - s["first_customer"]).total_seconds()
            if s["first_agent"] and s["first_customer"] else None,
            "duration_seconds": (t_max - t_min).total_seconds() if t_min and t_max and t_max > t_min else None,
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


def is_sessions_file(path: Path) -> bool:
    """Whether ``path`` holds session rows as ``write_sessions`` writes them (or nothing), so that
    a run may remove or overwrite it."""
    fmt = output_format(path)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.read_schema(path).names == SESSION_COLUMNS
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            first = fh.readline().strip()
    except (OSError, ValueError):
        return False
    if not first:
        return True
    if fmt == "csv":
        return first.split(",") == SESSION_COLUMNS
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and list(row) == SESSION_COLUMNS
