"""One row per session from classified messages."""

import json

import pytest

from feedback_nlp.io.writers import RowWriter
from feedback_nlp.sessions import SESSION_COLUMNS, is_sessions_file, read_rows, summarise_sessions, write_sessions


def test_sessions_trend_and_complained_again():
    rows = [
        {"session": "a", "time": "2023-01-01 10:00:00", "role": "customer", "sentiment_score": -0.9, "causes": ["logistics"], "is_complaint": True},
        {"session": "a", "time": "2023-01-01 10:02:00", "role": "agent", "sentiment_score": None, "causes": [], "is_complaint": None},
        {"session": "a", "time": "2023-01-01 10:03:00", "role": "customer", "sentiment_score": -0.8, "causes": ["attitude"], "is_complaint": True},
        {"session": "b", "time": "2023/01/02 09:00", "role": "customer", "sentiment_score": -0.6, "causes": [], "is_complaint": True},
        {"session": "b", "time": "2023/01/02 09:01", "role": "agent", "sentiment_score": None, "causes": [], "is_complaint": None},
        {"session": "b", "time": "2023/01/02 09:09", "role": "customer", "sentiment_score": 0.7, "causes": [], "is_complaint": False},
    ]
    a, b = summarise_sessions(rows)
    assert a["complained_again"] and a["trend"] == "stable" and a["causes"] == ["logistics", "attitude"]
    assert a["first_response_seconds"] == 120.0
    assert not b["complained_again"] and b["trend"] == "improved" and b["duration_seconds"] == 540.0


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_sessions_written_from_each_message_format(tmp_path, fmt):
    rows = [
        {"session": "a", "time": "2023-01-01 10:00:00", "role": "customer", "causes": ["logistics"], "sentiment_score": -0.9, "is_complaint": True},
        {"session": "a", "time": "2023-01-01 10:02:00", "role": "agent", "causes": [], "sentiment_score": None, "is_complaint": None},
    ]
    messages = tmp_path / f"m.{fmt}"
    writer = RowWriter(messages, fmt, ["session", "time", "role", "causes", "sentiment_score", "is_complaint"])
    writer.write(rows)
    writer.close()
    assert [(r["session"], r["causes"], r["sentiment_score"]) for r in read_rows(messages, fmt)] == [
        ("a", ["logistics"], -0.9), ("a", [], None)]
    output = tmp_path / "sessions.jsonl"
    assert write_sessions(messages, fmt, output) == 1 and is_sessions_file(output)
    (row,) = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert list(row) == SESSION_COLUMNS and row["first_response_seconds"] == 120.0
    assert not is_sessions_file(messages)  # a file of messages is not a sessions file


def test_sessions_figures_are_those_of_time_order_whatever_the_order_of_the_rows():
    rows = [
        {"session": "s1", "time": "2023-06-07 10:00:00", "role": "customer", "sentiment_score": -0.9, "is_complaint": True,
         "causes": ["logistics"]},
        {"session": "s1", "time": "2023-06-07 10:05:00", "role": "agent", "sentiment_score": None, "is_complaint": None, "causes": []},
        {"session": "s1", "time": "2023-06-07 10:20:00", "role": "customer", "sentiment_score": 0.9, "is_complaint": False,
         "causes": []},
    ]
    oldest_first = summarise_sessions(rows)
    newest_first = summarise_sessions(rows[::-1])  # as many consoles export them
    assert oldest_first == newest_first
    (s,) = newest_first
    assert (s["first_response_seconds"], s["duration_seconds"], s["trend"]) == (300.0, 1200.0, "improved")
    assert (s["sentiment_start"], s["sentiment_end"], s["complained_again"]) == (-0.9, 0.9, False)
    # a complaint again after the reply, in any order of the rows
    again = rows[:2] + [{**rows[2], "sentiment_score": -0.8, "is_complaint": True}]
    assert summarise_sessions(again)[0]["complained_again"] and summarise_sessions(again[::-1])[0]["complained_again"]
    # times to the minute: two messages at one time last 0 seconds, not an unknown time
    same = [{**rows[0], "time": "2023/6/7 20:03"}, {**rows[1], "time": "2023/6/7 20:03"}]
    assert summarise_sessions(same)[0]["duration_seconds"] == 0.0
    # without times, the file's order is all there is
    untimed = [{**r, "time": None} for r in rows]
    (s,) = summarise_sessions(untimed)
    assert (s["sentiment_start"], s["first_response_seconds"], s["duration_seconds"]) == (-0.9, None, None)
    # a picture without a time (not classified) leaves a newest-first session in time order
    picture = {"session": "s1", "time": "", "role": "customer", "sentiment_score": None, "is_complaint": False, "causes": []}
    (s,) = summarise_sessions([picture, *rows[::-1]])
    figures = ("sentiment_start", "sentiment_end", "trend", "first_response_seconds", "duration_seconds", "complained_again")
    assert [s[k] for k in figures] == [oldest_first[0][k] for k in figures] and s["messages"] == 4
    # a first reply without a time: the first response time is not known, not a later reply's
    later = {"session": "s1", "time": "2023-06-07 10:15:00", "role": "agent", "sentiment_score": None, "is_complaint": None, "causes": []}
    (s,) = summarise_sessions([rows[0], {**rows[1], "time": "昨天下午"}, later, rows[2]])
    assert s["first_response_seconds"] is None and s["sentiment_start"] == -0.9 and s["trend"] == "improved"
    (s,) = summarise_sessions([rows[0], {**rows[1], "time": ""}, {**rows[2], "time": ""}, later])
    assert s["first_response_seconds"] is None
    (s,) = summarise_sessions([rows[0], {**rows[2], "time": ""}, later])  # the first reply has a time: it counts
    assert s["first_response_seconds"] == 900.0


def test_sessions_are_ids_within_a_file_and_a_bots_message_is_no_answer():
    def row(file, session, minute, role, complaint):
        return {"file": file, "session": session, "time": f"2023-01-01 10:{minute:02d}:00", "role": role,
                "sentiment_score": -0.8 if complaint else (0.6 if role == "customer" else None), "causes": [],
                "is_complaint": complaint if role == "customer" else None}

    # two monthly exports that both number their sessions 1: two conversations, neither a complaint again
    rows = [row("jan.csv", "1", 0, "customer", True), row("jan.csv", "1", 1, "agent", False),
            row("feb.csv", "1", 0, "customer", True), row("feb.csv", "1", 2, "agent", False)]
    sessions = summarise_sessions(rows)
    assert [(s["file"], s["session"]) for s in sessions] == [("jan.csv", "1"), ("feb.csv", "1")]
    assert not any(s["complained_again"] for s in sessions)
    # a bot's transfer notice is not the answer: complaining again while waiting for the agent is not
    # "complained again after an answer", and the first response is the agent's
    rows = [row("a.csv", "s", 0, "customer", True), row("a.csv", "s", 1, "bot", False), row("a.csv", "s", 2, "customer", True),
            row("a.csv", "s", 4, "agent", False), row("a.csv", "s", 5, "customer", False)]
    (s,) = summarise_sessions(rows)
    assert not s["complained_again"] and s["first_response_seconds"] == 240.0 and s["agent_messages"] == 1


def test_sessions_file_written_before_sessions_had_a_file_column_may_be_overwritten(tmp_path):
    # running the same command again (the sample job) must not stop at the sessions file of an earlier version
    earlier = [c for c in SESSION_COLUMNS if c != "file"]
    (tmp_path / "s.csv").write_text("\ufeff" + ",".join(earlier) + "\n", encoding="utf-8")
    assert is_sessions_file(tmp_path / "s.csv")
    (tmp_path / "other.csv").write_text("session,messages,note\n", encoding="utf-8")
    assert not is_sessions_file(tmp_path / "other.csv")
