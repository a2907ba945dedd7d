"""Classifying chat-log exports in bulk: streamed, optionally parallel, resumable, nothing lost.

Records are read lazily (``io.records``), cut into chunks, and each chunk is classified, in this
process or in worker processes that load the model once each (``workers``). Chunks come back in
input order. Customer turns get causes and sentiment; agent, bot and system turns are kept and
marked. Every input line ends up in the output or in the reject file with its reason.

After each chunk the outputs are flushed and a checkpoint is written atomically (the number of
input items done, the byte size of each output and the settings that change what is written);
``resume=True`` cuts the outputs back to that point and skips the items already done, so nothing
is lost or written twice, and refuses settings other than those the run began with.

Session summaries are computed at the end from the message output, so they survive a resume too.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import os
import re
import threading
import time
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import ChatlogConfig, load_chatlog_config
from .errors import FeedbackNLPError, InputError
from .io.inputs import expand_inputs
from .io.records import SUFFIXES, Record, RecordReader, Reject
from .io.times import TIME_FORMATS, parse_time
from .io.writers import RESUMABLE, RowWriter, output_format
from .normalise.encoding import mojibake_flags, repair_mojibake
from .normalise.script import to_simplified
from .sessions import is_sessions_file, write_sessions

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
CLASSIFIED_ROLES = ("customer",)
MESSAGE_COLUMNS = [
    "id", "session", "time", "time_iso", "role", "speaker", "text", "file", "line",
    "causes", "cause_probabilities", "sentiment", "sentiment_score", "is_complaint", "warning", "fields",
]
EVIDENCE_COLUMN = "evidence"  # written with explain=True (--explain): the words behind each cause and the sentiment
# each column's type in Parquet: the first rows may leave a column empty (agents' turns, not classified)
MESSAGE_TYPES = dict.fromkeys(MESSAGE_COLUMNS + [EVIDENCE_COLUMN], "string") | {
    "line": "int64", "sentiment_score": "double", "is_complaint": "bool"}


@dataclass
class Summary:
    files: int = 0
    files_failed: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)  # files in input folders that are not exports
    read: int = 0
    written: int = 0
    classified: int = 0
    rejected: int = 0
    rejected_by_reason: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    causes: Counter = field(default_factory=Counter)
    sentiment: Counter = field(default_factory=Counter)
    redacted: Counter = field(default_factory=Counter)
    repaired: int = 0  # messages whose mojibake was repaired
    times_not_dates: int = 0  # messages kept whose time field is not a date
    roles_from_wording: int = 0  # messages whose role no field or speaker's name told, only their wording
    role_values_unknown: Counter = field(default_factory=Counter)  # role-field values that name no role, with their messages
    read_as: dict = field(default_factory=dict)  # file (or sheet) -> how it was read: format, encoding, separator, columns
    seconds: float = 0.0
    sessions: int | None = None  # sessions written (None: no session file asked for)
    model: dict = field(default_factory=dict)  # the model that classified: folder, backend, when trained, data hash
    thresholds: dict | None = None  # the causes whose thresholds this run set, instead of the model's

    def as_dict(self) -> dict:
        out = {k: (dict(v) if isinstance(v, Counter) else v) for k, v in self.__dict__.items()}
        out["messages_per_second"] = round(self.read / self.seconds, 1) if self.seconds else None
        out["counts_add_up"] = self.read == self.written + self.rejected
        return out


UNKNOWN_ROLE_VALUES_KEPT = 50  # distinct role-field values that name no role, counted for the run's summary

# an empty message is a turn all the same (a picture, a file, a sticker): it is written, so that it
# counts in the session's timings, with this warning, and not classified
EMPTY_TEXT = "empty text (a picture, file or sticker in many exports); kept as a turn, not classified"


# ---- work done in worker processes ---------------------------------------------------------
_worker_state: dict = {}


def _init_worker(
    model: str | None, redact: bool, device: str | None = None, runtime: str = "torch", threads: int = 0, explain: bool = False,
    thresholds: dict[str, float] | None = None,
) -> None:
    from .normalise.redact import Redactor
    from .pipeline import FeedbackClassifier

    clf = FeedbackClassifier.load(model, device=device, runtime=runtime)
    if thresholds:
        clf = clf.with_thresholds(thresholds)
    if threads and clf.backend == "transformers" and runtime == "torch":
        import torch

        torch.set_num_threads(threads)  # workers share the cores instead of each taking all of them
    _worker_state["clf"] = clf
    _worker_state["redactor"] = Redactor() if redact else None
    _worker_state["explain"] = explain


def _init_pool_worker(*args) -> None:
    """``_init_worker`` in a worker process, which leaves Ctrl-C to the main one: that process
    stops the pool and says how to resume, instead of each worker printing a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _init_worker(*args)
    except Exception as exc:  # a pool whose workers die as they start starts new ones for ever
        _worker_state["error"] = exc


def _process_chunk(items: list[Record | Reject]) -> list[tuple[str, dict]]:
    """Classify one chunk; returns ("message", row) and ("reject", row) pairs in input order."""
    if "error" in _worker_state:  # the worker could not load the model: said once, by the first chunk
        raise _worker_state["error"]
    clf, redactor, explain = _worker_state["clf"], _worker_state["redactor"], _worker_state["explain"]
    from .pipeline import evidence_entries  # loaded with the model by now
    records = [i for i, item in enumerate(items) if isinstance(item, Record)]
    flagged = mojibake_flags([items[i].text for i in records])
    repaired = {i: _repair(items[i]) if flag else None for i, flag in zip(records, flagged)}
    to_classify = [i for i, item in enumerate(items)
                   if isinstance(item, Record) and item.role in CLASSIFIED_ROLES and item.text.strip()]
    predictions = dict(zip(to_classify, clf.predict([items[i].text for i in to_classify], explain=explain)))
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Reject):
            row = {"file": item.file, "line": item.line, "reason": item.reason, "raw": item.raw}
            out.append(("reject", _redacted(row, redactor, ("raw", "reason"))))
            continue
        row = {
            "id": item.id, "session": item.session, "time": item.time, "role": item.role, "speaker": item.speaker,
            "text": item.text, "file": item.file, "line": item.line, "fields": item.fields,
        }
        pred = predictions.get(i)
        note = repaired[i]
        when = parse_time(item.time)
        # the time as exported, and in one form to sort and filter by (China Standard Time)
        row["time_iso"] = when.isoformat(timespec="seconds") if when is not None else None
        bad_time = item.time is not None and when is None
        time_note = (f"time {item.time[:40]!r} is not a date ({TIME_FORMATS}); the message is kept but left out of "
                     "session timings and monthly figures") if bad_time else None
        if pred is not None:
            row.update(
                causes=[c["id"] for c in pred["causes"]],
                cause_probabilities=pred["cause_probabilities"],
                sentiment=pred["sentiment"]["label"],
                sentiment_score=pred["sentiment"]["score"],
                is_complaint=pred["is_complaint"],
            )
        else:
            row.update(causes=[], cause_probabilities={}, sentiment=None, sentiment_score=None, is_complaint=None)
        if explain:  # spans in the text as written: repaired, and masked where the text is
            if pred is not None and redactor is not None:
                redactor.redact_spans(item.text, evidence_entries(pred))
            row[EVIDENCE_COLUMN] = pred["evidence"] if pred is not None else None
        empty = None if item.text.strip() else EMPTY_TEXT
        notes = (note, time_note, empty) + ((pred["warning"] or pred["error"],) if pred is not None else ())
        row["warning"] = "; ".join(w for w in notes if w) or None
        row["_repaired"] = note is not None
        row["_bad_time"] = bad_time
        row["_role_from_wording"] = item.role_from_wording
        row["_role_unknown"] = item.role_unknown
        out.append(("message", _redacted(row, redactor, ("id", "session", "text", "speaker", "fields"))))
    return out


def _repair(record: Record) -> str | None:
    """Repair a message that looks like UTF-8 read as GBK (mojibake, ``looks_like_mojibake``) in
    place; returns a note for the row's warning, or None. Short messages cannot be judged alone
    and are left as read."""
    repair = repair_mojibake(record.text)
    if not repair.changed:
        return None
    record.text = repair.text
    lost = f"; {repair.emoji_left_out} emoji left out (a byte lost, and several would fit)" if repair.emoji_left_out else ""
    return f"text repaired: it was UTF-8 read as GBK (mojibake); {repair.chars_inferred} characters inferred{lost}"


def _redacted(row: dict, redactor, keys: tuple[str, ...]) -> dict:
    """``row`` with the values of ``keys`` masked: strings, numbers that read as personal data (a
    phone number stored as a number), and the values inside objects and lists of the export's
    fields, at any depth."""
    if redactor is None:
        return row
    counts: Counter = Counter()

    def masked(value):
        if isinstance(value, str):
            text, c = redactor.redact(value)
            counts.update(c)
            return text
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            text, c = redactor.redact(str(value))
            if c:  # a number that is personal data becomes its mask; other numbers stay numbers
                counts.update(c)
                return text
            return value
        if isinstance(value, dict):
            return {k: masked(v) for k, v in value.items()}
        if isinstance(value, list):
            return [masked(v) for v in value]
        return value

    for key in keys:
        if key in row:
            row[key] = masked(row[key])
    row["_redacted"] = dict(counts)
    return row


# ---- the run --------------------------------------------------------------------------------
def _items(files: list[Path], reader: RecordReader, summary: Summary, mask=None) -> Iterator[Record | Reject]:
    """The records and rejects of ``files`` in order; a file that cannot be read (from its start or
    part way) is named in ``summary.files_failed``, its message masked by ``mask`` (with --redact:
    it may quote a row of the file)."""
    mask = mask or (lambda message: message)
    for path in files:
        summary.files += 1
        read = 0
        try:
            for item in reader.read(path):
                read += 1
                yield item
            summary.read_as.update({mask(key): how for key, how in reader.read_how.items()})
            reader.read_how.clear()
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:  # a .gz cut off or damaged: the error names no file
            failure = (f"{path}: compressed data cut off or damaged after {read:,} records ({exc}); those records are "
                       "kept, the rest of the file could not be read: compress the export again from its source")
            summary.files_failed.append(failure)
            logger.error("%s", failure)
        except (InputError, OSError) as exc:
            failure = mask(str(exc))
            summary.files_failed.append(failure)
            logger.error("%s", failure)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _write_json_atomic(path: Path, data: dict, indent: int | None = None) -> None:
    tmp = path.with_name(path.name + ".tmp")
    # a lone surrogate (a byte that did not decode, named in a message) written as its JSON escape
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=indent), encoding="utf-8", errors="backslashreplace")
    os.replace(tmp, path)


def _fingerprint(files: list[Path]) -> list[list]:
    """Each input as named (made-up ids and sessions are built from that name, so a resume must
    name them the same way) and its size."""
    return [[str(p), p.stat().st_size if p.exists() else -1] for p in files]


def side_file(output: Path, kind: str) -> Path:
    """A file that goes with ``output``, named after all of its name ("out.csv" ->
    "out.csv.rejects.jsonl"), so runs into out.jsonl and out.csv in one folder keep their own."""
    return output.with_name(f"{output.name}.{kind}")


def _file_id(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def input_files(
    inputs: list[str | Path],
    output: Path,
    *,
    rejects_output: Path | None = None,
    sessions_output: Path | None = None,
    skipped: list[Path] | None = None,
    left_out: list[Path] | None = None,
) -> list[Path]:
    """``expand_inputs`` less the files a run into ``output`` writes (``output``, its rejects,
    summary and checkpoint files, ``sessions_output``). Found in an input folder (a run into the
    folder it reads, a second time) they are left out, and added to ``left_out`` when it is given;
    named as inputs themselves they are refused, as the run would empty them before reading them."""
    files = expand_inputs(inputs, skipped)
    own = {
        "output (-o)": output,
        "reject file (--rejects, or -o)": rejects_output or side_file(output, "rejects.jsonl"),
        "sessions file (--sessions)": sessions_output,
        "summary file (-o)": side_file(output, "summary.json"),
        "checkpoint file (-o)": side_file(output, "checkpoint.json"),
    }
    named = [(what, Path(path).resolve()) for what, path in own.items() if path is not None]
    for k, (what, path) in enumerate(named):  # one file for two of the run's outputs: one would overwrite the other
        other = next((w for w, p in named[:k] if p == path), None)
        if other:
            raise InputError(f"{path}: named as this run's {other.split(' (')[0]} and its {what.split(' (')[0]}; "
                             "give each its own file")
    ids = {_file_id(path): what for what, path in own.items() if path is not None}
    ids.pop(None, None)
    if not ids:
        return files
    for item in inputs:
        what = ids.get(_file_id(item)) if os.path.isfile(item) else None
        if what:
            name, _, flag = what.partition(" (")
            raise InputError(f"{item}: is an input and also this run's {name}, which would be overwritten before it is "
                             f"read; choose another {flag.rstrip(')')}")
    for flag, path in (("--sessions", sessions_output), ("--rejects", rejects_output)):
        if path is not None and Path(path).is_dir():  # found out only when written, after the whole run
            name = "sessions.csv" if flag == "--sessions" else "rejects.jsonl"
            raise InputError(f"{flag} {path}: names a folder; name the file to write, e.g. {flag} {Path(path) / name}")
    if sessions_output is not None and Path(sessions_output).is_file() and not is_sessions_file(Path(sessions_output)):
        raise InputError(f"{sessions_output}: exists and is not a sessions file written by feedback-nlp, and --sessions "
                         "would overwrite it; choose another --sessions")
    if skipped is not None:
        skipped[:] = [p for p in skipped if _file_id(p) not in ids]
    kept = [p for p in files if _file_id(p) not in ids]
    if left_out is not None:
        left_out.extend(p for p in files if _file_id(p) in ids)
    return kept


def classify_files(
    inputs: list[str | Path],
    output: Path,
    *,
    fmt: str | None = None,
    sessions_output: Path | None = None,
    rejects_output: Path | None = None,
    workers: int = 1,
    model: str | Path | None = None,
    device: str | None = None,
    runtime: str = "torch",
    chatlog: ChatlogConfig | None = None,
    encoding: str = "auto",
    redact: bool = False,
    resume: bool = False,
    restart: bool = False,
    explain: bool = False,
    thresholds: dict[str, float] | None = None,
    chunk_size: int | None = None,
    progress: Callable[[Summary], None] | None = None,
) -> Summary:
    """Classify chat-log files into ``output``; see the module docstring. An unfinished earlier
    run into ``output`` (its checkpoint is there) is continued with ``resume`` or started over
    with ``restart``; with neither, the call refuses rather than overwrite that work. ``explain``
    adds the column ``evidence`` (the words behind each cause and the sentiment, with their spans
    in the text written), at about 60% of the speed. ``thresholds`` ({cause id: probability})
    replaces the model's thresholds for those causes (``FeedbackClassifier.with_thresholds``)."""
    chunk_size = chunk_size or CHUNK_SIZE
    fmt = output_format(output, fmt)
    skipped: list[Path] = []
    left_out: list[Path] = []
    files = input_files(inputs, output, rejects_output=rejects_output, sessions_output=sessions_output,
                        skipped=skipped, left_out=left_out)
    if left_out:
        logger.warning("left out of the inputs, as this run writes them: %s", ", ".join(map(str, left_out)))
    if not files:
        found = f" (only {', '.join(p.name for p in skipped[:5])}{', …' if len(skipped) > 5 else ''})" if skipped else ""
        raise InputError(f"no chat-log files found in {', '.join(map(str, inputs))}{found}; "
                         f"exports are read from {', '.join(sorted(SUFFIXES))} files")
    if model is not None:  # a damaged model is refused before anything is written or a worker started
        from .models.base import verify_files

        meta = verify_files(Path(model))
    else:
        from .models.base import read_metadata
        from .pipeline import DEFAULT_MODEL_DIR

        meta = read_metadata(DEFAULT_MODEL_DIR)
    if thresholds:  # refused before anything is written, as the model is
        from .pipeline import checked_thresholds

        thresholds = checked_thresholds(list(meta.get("thresholds") or {}), thresholds)
    rejects_output = rejects_output or side_file(output, "rejects.jsonl")
    checkpoint_path = side_file(output, "checkpoint.json")
    chatlog = chatlog or load_chatlog_config()
    # what changes the rows written: a resume with other settings would mix two kinds of rows in one output
    settings = json.loads(json.dumps({
        "redact": redact, "explain": explain, "encoding": encoding, "chatlog": chatlog.model_dump(mode="json"),
        "sessions": str(Path(sessions_output).resolve()) if sessions_output is not None else None,
        "rejects": str(Path(rejects_output).resolve()),
        "thresholds": thresholds or None,
    }))
    summary = Summary(files_skipped=[str(p) for p in skipped], thresholds=thresholds or None)
    summary.model = {
        "path": str(model) if model is not None else "shipped default model",
        "backend": meta.get("backend"),
        "created": meta.get("created"),
        "training_data_sha256": meta.get("training_data", {}).get("sha256"),
        "cause_names": meta.get("cause_names") or {},  # a review of the output names the causes as the model does
    }
    done_items = 0
    if resume and restart:
        raise FeedbackNLPError("--resume goes on with an interrupted run and --restart starts it again: pass one of them")
    if not resume and not restart and checkpoint_path.exists():
        done = _checkpoint_items(checkpoint_path)
        raise FeedbackNLPError(
            f"{output}: an earlier run into this output stopped after {done} input records ({checkpoint_path}); "
            + ("pass --restart to start again and overwrite it (a Parquet output cannot be resumed)" if fmt not in RESUMABLE
               else "pass --resume to go on from there, or --restart to start again and overwrite it")
        )
    if resume and fmt not in RESUMABLE:  # refused before the truncation below could empty the file
        raise FeedbackNLPError(f"{output}: a Parquet output cannot be resumed; pass --restart to start again, "
                               "or write JSON Lines or CSV, which can be resumed")
    if resume:
        if not checkpoint_path.exists():
            raise FeedbackNLPError(f"--resume: no checkpoint {checkpoint_path}; run without --resume to start")
        state = json.loads(checkpoint_path.read_text(encoding="utf-8"))
        if state["inputs"] != _fingerprint(files) or state["format"] != fmt:
            named = ", ".join(str(p) for p, _size in state["inputs"][:3]) + (", …" if len(state["inputs"]) > 3 else "")
            raise FeedbackNLPError(
                f"--resume: the inputs or the format changed since {checkpoint_path} was written (the run read "
                f"{named} as {state['format']}); name the inputs as the run did (made-up ids are built from those "
                "names), or run without --resume to start again"
            )
        earlier = state["summary"].get("model")
        if earlier and earlier != summary.model:
            raise FeedbackNLPError(
                f"--resume: the rows written so far were classified by {earlier['path']} (trained {earlier['created']}), "
                f"this run would go on with {summary.model['path']} (trained {summary.model['created']}); "
                "resume with the same --model, or pass --restart to classify everything again"
            )
        changed = _changed_settings(state.get("settings"), settings)
        if changed:
            raise FeedbackNLPError(
                f"--resume: the rows written so far into {output} were written with other settings than this run's: "
                f"{'; '.join(changed)}; resume with the options the run began with, or pass --restart to start again"
            )
        for path, size in ((output, state["output_bytes"]), (rejects_output, state["rejects_bytes"])):
            with open(path, "r+b") as fh:
                fh.truncate(size)  # drop anything written after the last checkpoint
        done_items = state["items"]
        model_used = summary.model
        summary = Summary(**{k: Counter(v) if isinstance(getattr(Summary(), k), Counter) else v for k, v in state["summary"].items()})
        summary.model = model_used
        summary.files, summary.files_failed = 0, []  # the files are gone through again from the first
    # the summary and sessions of an earlier run into this output would stand beside a partial one
    for stale in (side_file(output, "summary.json"), sessions_output):
        if stale is not None and Path(stale).is_file():
            Path(stale).unlink()
    reader = RecordReader(chatlog, encoding=encoding, canonical=functools.partial(to_simplified, mode="t2s"))
    writer = RowWriter(output, fmt, MESSAGE_COLUMNS + [EVIDENCE_COLUMN] * explain, append=resume, types=MESSAGE_TYPES)
    rejects = RowWriter(rejects_output, "jsonl", ["file", "line", "reason", "raw"], append=resume)
    started = time.perf_counter() - summary.seconds
    from .normalise.redact import Redactor

    masker = Redactor() if redact else None
    items = _items(files, reader, summary, None if masker is None else lambda message: masker.redact(message)[0])
    if done_items:
        items = islice(items, done_items, None)
    chunks = _chunks(items, chunk_size)
    pool = None
    try:
        model_arg = str(model) if model else None
        from .pipeline import backend_options

        _, device, runtime = backend_options(Path(model_arg) if model_arg else None, device, runtime)
        if workers > 1:
            threads = max(1, (os.cpu_count() or 1) // workers)
            pool = get_context("spawn").Pool(
                workers, initializer=_init_pool_worker, initargs=(model_arg, redact, device, runtime, threads, explain, thresholds)
            )
            results = _bounded(pool, chunks, ahead=2 * workers)
        else:
            _init_worker(model_arg, redact, device, runtime, explain=explain, thresholds=thresholds)
            results = map(_process_chunk, chunks)
        for result in results:
            _account(result, writer, rejects, summary)
            done_items += len(result)
            summary.seconds = time.perf_counter() - started
            _write_json_atomic(checkpoint_path, {
                "items": done_items, "output_bytes": writer.flush(), "rejects_bytes": rejects.flush(),
                "inputs": _fingerprint(files), "format": fmt, "settings": settings, "summary": summary.__dict__,
            })
            if progress:
                progress(summary)
    finally:
        if pool is not None:
            _stop_pool(pool)
        writer.close()
        rejects.close()
    summary.seconds = time.perf_counter() - started
    if sessions_output is not None:
        summary.sessions = write_sessions(output, fmt, sessions_output)
    # the summary is written before the checkpoint goes: a run whose report to the terminal fails
    # (stderr into a pipe that closed) still leaves its counts beside its output
    _write_json_atomic(side_file(output, "summary.json"), summary.as_dict(), indent=1)
    checkpoint_path.unlink(missing_ok=True)
    return summary


def _stop_pool(pool, wait: float = 5.0) -> None:
    """``pool.terminate()``, without hanging on an interrupted run. Terminating ends the worker
    processes and then joins the thread that feeds them; when Ctrl-C lands while that thread is
    writing a chunk into a full pipe, nothing reads the pipe any more and the join never returns
    (3 of 9 runs stopped while the workers were still starting hung so). The workers are ended by
    then, so after ``wait`` seconds the stopping (daemon) thread is left behind and the run goes on
    to say how to resume."""
    stopper = threading.Thread(target=pool.terminate, name="stop-pool", daemon=True)
    stopper.start()
    stopper.join(wait)
    if stopper.is_alive():
        logger.debug("the pool's task feeder is blocked writing to stopped workers; leaving it behind")


def _bounded(pool, chunks: Iterator[list], ahead: int) -> Iterator[list[tuple[str, dict]]]:
    """``pool.imap(_process_chunk, chunks)`` that reads at most ``ahead`` chunks ahead of what
    was written. ``imap`` reads its whole input as fast as it can and keeps the results the main
    process has not written yet, so memory grows with the input whenever writing is the slower
    side; here a chunk is read only when one has been written."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append(pool.apply_async(_process_chunk, (chunk,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


RUN_SETTINGS = {
    "redact": "--redact", "explain": "--explain", "encoding": "--encoding", "chatlog": "the field mapping (--chatlog, --field, --text-field)",
    "sessions": "--sessions", "rejects": "--rejects", "thresholds": "--threshold",
}


# the value of a setting that checkpoints written before it was recorded stand for
SETTING_DEFAULTS = {"explain": False, "thresholds": None}


def _changed_settings(earlier: dict | None, now: dict) -> list[str]:
    """The settings of ``now`` that differ from a checkpoint's, in words ([] for a checkpoint that
    has none, written before settings were recorded)."""
    if earlier is None:
        return []
    # paths as written before they were resolved (a relative -o): resolved here, from where this run is
    earlier = {k: str(Path(v).resolve()) if k in ("sessions", "rejects") and v else v for k, v in earlier.items()}
    earlier = {**SETTING_DEFAULTS, **earlier}

    def shown(value) -> str:
        if isinstance(value, dict):  # thresholds
            return " ".join(f"{k}={v}" for k, v in value.items())
        return {True: "on", False: "off", None: "none"}.get(value, value)

    return [
        name if key == "chatlog" else f"{name} (then {shown(earlier.get(key))}, now {shown(now[key])})"
        for key, name in RUN_SETTINGS.items() if earlier.get(key) != now[key]
    ]


def _checkpoint_items(path: Path) -> str:
    """How many input records a checkpoint says were done, for messages ("?" if unreadable)."""
    try:
        return f"{int(json.loads(path.read_text(encoding='utf-8'))['items']):,}"
    except (OSError, ValueError, KeyError, TypeError):
        return "?"


# a length in a reject's reason ("text has 5,024 characters": three digits or more); a setting's
# value ("max_text_chars=5000") and a small count ("4 columns where the header has 3") are kept
_FIGURE = re.compile(r"(?<![=\d.,])(?:\d{1,3}(?:,\d{3})+|\d{3,})(?![\d,])")


def reason_kind(reason: str) -> str:
    """A reject's reason with its long figures left out and its explanation cut off, so that
    rejects of one kind are counted together: "text has … characters, over max_text_chars=5000"."""
    return _FIGURE.sub("…", reason.split(" (")[0].split(";")[0])[:80]


def _account(result: list[tuple[str, dict]], writer: RowWriter, rejects: RowWriter, summary: Summary) -> None:
    messages = []
    for kind, row in result:
        summary.read += 1
        summary.redacted.update(row.pop("_redacted", {}))
        if kind == "reject":
            summary.rejected += 1
            summary.rejected_by_reason[reason_kind(row["reason"])] += 1
            rejects.write([row])
            continue
        summary.written += 1
        summary.repaired += row.pop("_repaired", False)
        summary.times_not_dates += row.pop("_bad_time", False)
        summary.roles_from_wording += row.pop("_role_from_wording", False)
        if (unknown := row.pop("_role_unknown", None)) is not None and (
            unknown in summary.role_values_unknown or len(summary.role_values_unknown) < UNKNOWN_ROLE_VALUES_KEPT
        ):
            summary.role_values_unknown[unknown] += 1
        summary.roles[row["role"]] += 1
        if row["sentiment"] is not None:
            summary.classified += 1
            summary.sentiment[row["sentiment"]] += 1
            summary.causes.update(row["causes"])
        messages.append(row)
    writer.write(messages)
