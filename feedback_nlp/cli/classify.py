"""``feedback-nlp classify``: single messages as a table or JSON, chat-log exports in batch."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import zlib
from pathlib import Path
from typing import List, Optional

import typer

from ..config import Config, load_chatlog_config, load_config
from ..errors import FeedbackNLPError
from ..normalise.encoding import looks_like_mojibake, read_text, repair_mojibake
from .app import (
    EXPORT_SUFFIXES, THRESHOLD_HELP, _count, _err, _friendly, _shown_thresholds, _thresholds, app, checked_encoding, names_folder,
    warn_low_confidence,
)


TABLE_ROWS = 5000  # more single messages than this get a note that --json or -o suits them better
FILE_SUFFIXES = (*EXPORT_SUFFIXES, ".txt", ".log", ".xlsx", ".gz")  # an argument ending so names a file
LINE_END = re.compile(r"\r\n|\r|\n")


# a file name as typed, with a mistake in its suffix ("msgs.tx"): one word of ASCII with a dot suffix
_FILE_NAME = re.compile(r"[\w.-]+\.[A-Za-z][A-Za-z0-9]{0,4}", re.ASCII)


def _looks_like_path(source: str) -> bool:
    """Whether an argument that is no existing file was meant as one: it ends in a file suffix, is
    a file name of ASCII letters with a dot suffix ("msgs.tx", a suffix mistyped), or names a folder
    that exists. A message may hold a "/" (价格/质量都很差, a link) all the same."""
    path = Path(source)
    if path.suffix.lower() in FILE_SUFFIXES or _FILE_NAME.fullmatch(source):
        return True
    return ("/" in source or os.sep in source) and os.path.isdir(path.parent)


def _messages(source: str, cfg: Config) -> List[tuple[Optional[int], str]]:
    """An existing file's non-empty lines with their 1-based line numbers, or the argument itself
    as one message (line None)."""
    if not source.strip():
        return [(None, source)]  # an empty message, classified as such (a warning says so)
    path = Path(source)
    # os.path, not Path: a long message is no file name, and Path.is_file() raises on it
    if source != "-" and os.path.isdir(source):
        raise FeedbackNLPError(f"{source}: is a folder; to classify the chat exports in it, name an output file with -o")
    if source != "-" and not os.path.isfile(source):
        if _looks_like_path(source):
            raise FeedbackNLPError(f"{source}: no such file; pass an existing file or the message text itself")
        return [(None, _argument(source))]
    if path.suffix.lower() in EXPORT_SUFFIXES:
        _err(f"note: {source} is read line by line, each line one message, header and all fields included; "
             "to classify it as a chat-log export field by field, add -o OUTPUT")
    raw = sys.stdin.buffer.read(cfg.input.max_bytes + 1) if source == "-" else path  # over the limit: refused, not all read
    read = read_text(raw, encoding=cfg.input.encoding, max_bytes=cfg.input.max_bytes, name="<stdin>" if source == "-" else None)
    warn_low_confidence(read, cfg.input.min_confidence)
    if read.undecodable:
        _err(f"warning: {read.source}: {_count(read.undecodable, 'undecodable byte')} dropped; if the text looks wrong, "
             "pass --encoding")
    lines = [(n, line) for n, line in enumerate(LINE_END.split(read.text), 1) if line.strip()]
    if not lines:
        raise FeedbackNLPError(f"{source}: every line is blank; no message to classify")
    if lines[0][1].strip().casefold() in {name.casefold() for name in load_chatlog_config().fields.text}:
        if len(lines) == 1:
            raise FeedbackNLPError(f"{source}: its only line is a header row ({lines[0][1].strip()!r}); no message to classify")
        _err(f"note: {read.source} line {lines[0][0]}: {lines[0][1].strip()!r} is a header row (the name of a text column), "
             "not a message; not classified")
        lines = lines[1:]
    return lines


def _argument(source: str) -> str:
    """A message given as an argument, its mojibake repaired as a file's would be ("蹇閫掍簲澶╀簡"
    pasted from a system that read UTF-8 as GBK), with a note saying so."""
    if looks_like_mojibake(source):
        repaired = repair_mojibake(source)
        if repaired.changed:
            _err("note: the message looked like UTF-8 read as GBK (mojibake) and was repaired before it was classified")
            return repaired.text
    return source


def _output_file(value: str) -> Path:
    """The batch output file named by ``-o``; a folder ("out/", or one that exists) is refused
    with a file name to give instead (the trailing slash would otherwise be lost, and a file
    named like the folder written)."""
    if names_folder(value):
        folder = value.rstrip("/" + os.sep) or value
        raise FeedbackNLPError(f"-o {value}: names a folder; name the output file, e.g. -o {Path(folder) / 'messages.jsonl'} "
                               "(.jsonl, .csv or .parquet), and its reject and summary files are written beside it")
    return Path(value)


@contextlib.contextmanager
def _stop_on_sigterm(stopped_by: list[int]):
    """Within the block, SIGTERM (a job scheduler stopping the run, ``kill``) stops the run as
    Ctrl-C does: the checkpoint is kept and the worker processes are ended, instead of the main
    process dying at once and each orphaned worker printing a broken-pipe traceback."""
    def stop(signum, frame):
        stopped_by.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command(short_help="Complaint causes and sentiment of messages or chat-log exports.")
@_friendly
def classify(
    inputs: List[str] = typer.Argument(
        ..., help="A message; a text file with one message per line; or, with -o, chat-log exports (files or folders)."
    ),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", help="Batch mode: write classified messages here (chat-log exports in, one row per message out)."
    ),
    fmt: Optional[str] = typer.Option(
        None, "--format", help="Batch output format: jsonl | csv | parquet (default: from OUTPUT's suffix, else jsonl)."
    ),
    sessions: Optional[Path] = typer.Option(None, "--sessions", help="Batch mode: also write per-session figures here."),
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="Batch mode: reject file (default: OUTPUT's name + .rejects.jsonl)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Batch mode: worker processes (default: all cores)."),
    resume: bool = typer.Option(False, "--resume", help="Batch mode: continue an interrupted run where it stopped."),
    restart: bool = typer.Option(False, "--restart", help="Batch mode: start an interrupted run again, overwriting its output."),
    redact: bool = typer.Option(False, "--redact", help="Mask phone, ID and bank card numbers, e-mail, orders, addresses in all output."),
    chatlog: Optional[Path] = typer.Option(None, "--chatlog", help="Field mapping for exports (default: configs/chatlog.yaml)."),
    text_field: Optional[str] = typer.Option(None, "--text-field", help="Name of the message text field in the exports."),
    field_map: List[str] = typer.Option(
        [], "--field", help="Name an export's field, e.g. --field session=会话编号 (session, message_id, time, date, role, speaker, text)."
    ),
    role_values: List[str] = typer.Option(
        [], "--role-value", metavar="VALUE=ROLE",
        help="Read a value of the role field as a role, e.g. --role-value 1=customer --role-value 2=agent "
             "(customer, agent, bot, system; the words each role knows are in configs/chatlog.yaml).",
    ),
    encoding: str = typer.Option("auto", "--encoding", help="Force the input encoding instead of detecting it."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model directory (default: the shipped model)."),
    device: Optional[str] = typer.Option(None, "--device", help="Transformers models: auto (default), cpu, cuda, cuda:N."),
    runtime: str = typer.Option("torch", "--runtime", help="Transformers models: torch, or onnx (after 'feedback-nlp export-onnx')."),
    explain: Optional[bool] = typer.Option(
        None, "--explain/--no-explain",
        help="Include the evidence words and their spans (single messages: on by default; batch mode: off by default, "
             "as it takes about 40% of the speed; written as the column 'evidence').",
    ),
    as_json: bool = typer.Option(False, "--json", help="Single messages: one JSON object per message instead of a table."),
    threshold: List[str] = typer.Option([], "--threshold", metavar="[CAUSE=]P", help=THRESHOLD_HELP),
) -> None:
    """Complaint causes and sentiment: of one message, of each line of a text file, or (with -o) of
    whole chat-log exports.

    Batch mode exit codes: 0 all records classified or kept; 3 some records were rejected (see the
    reject file); 1 some input files could not be read at all.
    """
    thresholds = _thresholds(threshold, model)
    if output is not None:
        output = _output_file(output)
        if text_field:
            field_map = [*field_map, f"text={text_field}"]
        _classify_batch(
            inputs, output, fmt, sessions, rejects, workers, resume, restart, redact, chatlog, field_map, encoding, model, device,
            runtime, bool(explain), thresholds, role_values,  # batch mode: evidence only when asked for
        )
        return
    explain = explain is not False  # single messages: evidence unless --no-explain
    if len(inputs) != 1:
        raise FeedbackNLPError("several inputs need -o OUTPUT (batch mode); without it, pass one message or one file")
    batch_only = {"--format": fmt, "--sessions": sessions, "--rejects": rejects, "--workers": workers, "--resume": resume or None,
                  "--restart": restart or None, "--chatlog": chatlog, "--text-field": text_field, "--field": field_map or None,
                  "--role-value": role_values or None}
    named = [option for option, value in batch_only.items() if value is not None]
    if named:
        raise FeedbackNLPError(f"{', '.join(named)} {'is' if len(named) == 1 else 'are'} for batch mode: add -o OUTPUT to "
                               "classify chat-log exports into it; without -o, one message or each line of a text file "
                               "is classified and printed")
    from ..pipeline import FeedbackClassifier, evidence_entries

    numbered = _messages(inputs[0], load_config(None, [f"input.encoding={checked_encoding(encoding)}"]))
    clf = FeedbackClassifier.load(model, device=device, runtime=runtime)
    if thresholds:
        clf = clf.with_thresholds(thresholds)
        _err("thresholds set: " + _shown_thresholds(thresholds))
    from ..normalise.redact import Redactor

    redactor = Redactor() if redact else None  # classified as written, shown masked, as in batch output

    def shown(message: str, result: dict) -> str:
        return message if redactor is None else redactor.redact_spans(message, evidence_entries(result))

    if as_json:  # streamed, so that a large file neither waits for the end nor holds every result
        for start in range(0, len(numbered), 2048):
            chunk = numbered[start:start + 2048]
            for (line, message), result in zip(chunk, clf.predict([m for _, m in chunk], explain=explain)):
                message = shown(message, result)
                typer.echo(json.dumps({**({} if line is None else {"line": line}), "text": message, **result}, ensure_ascii=False))
        return
    if len(numbered) > TABLE_ROWS:
        _err(f"note: {len(numbered):,} messages make a long table; --json writes one JSON line per message as it goes, "
             "and -o classifies chat-log exports in batch")
    messages = [m for _, m in numbered]
    results = clf.predict(messages, explain=explain)
    numbered = [(line, shown(message, r)) for (line, message), r in zip(numbered, results)]
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    numbers = bool(numbered) and numbered[0][0] is not None  # a file's lines, not one message
    for col in ("line",) * numbers + ("message", "causes", "sentiment") + ("evidence",) * explain:
        table.add_column(col, overflow="fold", justify="right" if col == "line" else "left")
    for (line, message), r in zip(numbered, results):
        causes = _causes_cell(r, dict(zip(clf.cause_ids_, clf.thresholds_)))
        sentiment = "-" if r["sentiment"]["label"] is None else f"{r['sentiment']['label']} {r['sentiment']['score']:+.2f}"
        words = []
        if explain:
            for cause, ev in r["evidence"]["causes"].items():
                words.append(f"{cause}: " + " ".join(e.get("text", e["term"]) for e in ev))
            if r["evidence"].get("sentiment"):  # the words behind the label, when no cause has any
                words.append(f"{r['sentiment']['label']}: " + " ".join(e.get("text", e["term"]) for e in r["evidence"]["sentiment"][:3]))
        note = r["error"] or r["warning"]
        cells = (message[:80], causes, sentiment + (f" ({note})" if note else "")) + ("; ".join(words),) * explain
        table.add_row(*((str(line),) * numbers + cells))
    Console().print(table)


def _causes_cell(result: dict, thresholds: dict[str, float]) -> str:
    """The causes of a result, each with its probability; for a negative message without one, the
    nearest cause below its threshold ("- (nearest: attitude 0.42 < 0.43)"), where it has a
    probability of 0.1 or more, so that a reader sees how close it came."""
    if result["causes"]:
        return ", ".join(f"{c['id']} {c['probability']:.2f}" for c in result["causes"])
    probabilities = result.get("cause_probabilities") or {}
    if result["sentiment"]["label"] != "neg" or not probabilities:
        return "-"
    nearest = max(probabilities, key=probabilities.get)
    if probabilities[nearest] < 0.1:
        return "-"
    return f"- (nearest: {nearest} {probabilities[nearest]:.2f} < {thresholds[nearest]:.2f})"


_FIELD_NAMES = {"text": "text", "session": "session", "time": "time", "date": "date", "role": "role", "speaker": "speaker",
                "message_id": "message id"}
READINGS_SHOWN = 4


def _read_as_lines(read_as: dict[str, dict]) -> list[str]:
    """How the inputs were read, one line for each way (files read alike share one): "read 12
    files (a.csv, b.csv, …) as csv (gb18030, ','): text=内容, session=会话ID, time=时间, role=角色;
    not found: speaker, message id", so a wrong column is seen in the run's output, not in its rows."""
    ways: dict[str, list[str]] = {}
    for name, how in read_as.items():
        columns = how.get("columns") or {}
        detail = ", ".join(x for x in (how.get("encoding"), repr(how["separator"]) if how.get("separator") else None) if x)
        line = f"as {how['as']}" + (f" ({detail})" if detail else "")
        if columns:
            found = [f"{_FIELD_NAMES[k]}={v}" for k, v in columns.items() if v is not None and k in _FIELD_NAMES]
            sides = how.get("side_columns") or {}
            missing = [_FIELD_NAMES[k] for k, v in columns.items()
                       if v is None and k in _FIELD_NAMES and k != "date" and not (sides and k in ("role", "speaker"))]  # date: rare
            if sides:
                found.append("role and speaker from the columns " + ", ".join(f"{c} ({r})" for c, r in sides.items()))
            line += ": " + ", ".join(found) + (f"; not found: {', '.join(missing)}" if missing else "")
        ways.setdefault(line, []).append(Path(name.split("[")[0]).name + (name[len(name.split("[")[0]):] if "[" in name else ""))
    out = []
    for line, names in list(ways.items())[:READINGS_SHOWN]:
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        out.append(f"read {shown if len(names) == 1 else _count(len(names), 'file') + ' (' + shown + ')'} {line}")
    if len(ways) > READINGS_SHOWN:
        out.append(f"… and {len(ways) - READINGS_SHOWN} more ways of reading; all in the summary ('read_as')")
    return out


def _classify_batch(
    inputs, output, fmt, sessions, rejects, workers, resume, restart, redact, chatlog, field_map, encoding, model, device, runtime,
    explain, thresholds, role_values=(),
) -> None:
    from ..batch import classify_files, side_file
    from ..config import load_chatlog_config
    from ..io.records import ROLES

    load_config(None, [f"input.encoding={checked_encoding(encoding)}"])  # an unknown --encoding is a usage error, not a failed file
    from ..io.writers import output_format

    output_format(output, fmt)  # "-o out.csv --format parquet" is refused before anything is read
    overrides = []
    for item in field_map:
        name, sep, column = item.partition("=")
        if not sep or not column.strip():
            raise FeedbackNLPError(f"--field {item!r}: write FIELD=COLUMN, e.g. --field text=消息内容")
        overrides.append(f"fields.{name.strip()}={json.dumps([column.strip()], ensure_ascii=False)}")
    chat_cfg = load_chatlog_config(chatlog, overrides)
    added: dict[str, list[str]] = {}
    for item in role_values:
        value, sep, role = item.partition("=")
        if not sep or not value.strip() or role.strip() not in ROLES:
            raise FeedbackNLPError(f"--role-value {item!r}: write VALUE=ROLE, ROLE one of {', '.join(ROLES)}, e.g. --role-value 2=agent")
        added.setdefault(role.strip(), []).append(value.strip())
    if added:  # the values named come first: "1" is read as said, whatever a role's own words
        overrides += [f"roles.{role}={json.dumps([*values, *getattr(chat_cfg.roles, role)], ensure_ascii=False)}"
                      for role, values in added.items()]
        chat_cfg = load_chatlog_config(chatlog, overrides)
    from ..batch import CHUNK_SIZE, input_files
    from ..io.inputs import count_lines

    cores = os.cpu_count() or 1
    if workers is None:
        workers = cores
    if workers < 1:
        raise FeedbackNLPError(f"--workers {workers}: use 1 or more worker processes")
    if workers > cores:
        _err(f"note: --workers {workers} is more than the {cores} cores here; using {cores}")
        workers = cores
    interactive = sys.stderr.isatty()
    # the run's own files found in input folders are left out; named as inputs they are refused, here
    total = 0
    for path in input_files(inputs, output, rejects_output=rejects, sessions_output=sessions):
        try:
            total += count_lines([path])
        except (EOFError, zlib.error):  # a cut-off .gz: the run reads what it can of it and names it
            continue
    total = total or None
    if total and workers > 1:
        workers = min(workers, -(-total // CHUNK_SIZE))  # a worker per chunk at most: each loads the model
    from ..progress import BatchProgress

    progress = BatchProgress(total, interactive, _err)

    stopped_by: list[int] = []
    try:
        with _stop_on_sigterm(stopped_by):
            summary = classify_files(
                inputs, output, fmt=fmt, sessions_output=sessions, rejects_output=rejects, workers=workers, model=model,
                device=device, runtime=runtime, chatlog=chat_cfg, encoding=encoding, redact=redact, resume=resume,
                restart=restart, explain=explain, thresholds=thresholds, progress=progress,
            )
    except KeyboardInterrupt:
        if interactive:
            sys.stderr.write("\n")
        from ..io.writers import RESUMABLE, output_format

        stopped = "stopped by SIGTERM" if stopped_by else "interrupted"
        if output_format(output, fmt) not in RESUMABLE:
            _err(f"{stopped}; {output} holds what was classified so far, but a Parquet output cannot be resumed: "
                 "run the same command with --restart to start again (JSON Lines and CSV outputs can be resumed)")
        elif not side_file(output, "checkpoint.json").exists():  # stopped before the first chunk was done
            _err(f"{stopped} before the first {CHUNK_SIZE:,} records were classified, so there is nothing to resume: "
                 "run the same command again")
        else:
            _err(f"{stopped}; what was classified is kept in {output}: run the same command with --resume to go on "
                 "from the last checkpoint, or with --restart to start again")
        raise typer.Exit(143 if stopped_by else 130) from None
    if interactive:
        progress(summary, done=True)
        sys.stderr.write("\n")
    report = summary.as_dict()
    rejects_path = rejects or side_file(output, "rejects.jsonl")
    _err(
        f"{_count(summary.read, 'record')} read = {summary.written:,} written ({_count(summary.classified, 'customer message')} classified) "
        f"+ {summary.rejected:,} rejected, in {summary.seconds:.1f} s with the model's loading ({report['messages_per_second'] or 0:,.0f} records/s)"
    )
    _err(f"model: {summary.model['path']} ({summary.model['backend']}, trained {summary.model['created']})")
    for line in _read_as_lines(summary.read_as):
        _err(line)
    if summary.thresholds:
        _err("thresholds set for this run: " + _shown_thresholds(summary.thresholds))
    if summary.causes:
        _err("causes: " + ", ".join(f"{c} {n:,}" for c, n in summary.causes.most_common()))
    if summary.sentiment:
        _err("sentiment: " + ", ".join(f"{c} {n:,}" for c, n in summary.sentiment.most_common()))
    if summary.redacted:
        _err("masked: " + ", ".join(f"{c} {n}" for c, n in summary.redacted.most_common()))
    if summary.repaired:
        _err(f"mojibake (UTF-8 read as GBK) repaired in {summary.repaired:,} messages; their rows say so in 'warning'")
    if summary.times_not_dates:
        n = summary.times_not_dates
        _err(f"warning: {_count(n, 'message')} {'has' if n == 1 else 'have'} a time that is not a date; "
             f"{'it is' if n == 1 else 'they are'} kept, but left out of session timings and the review's monthly "
             f"figures; {'its row says' if n == 1 else 'their rows say'} so in 'warning'")
    if summary.role_values_unknown:
        unknown = summary.role_values_unknown.most_common()
        shown = ", ".join(f"{v!r} ({n:,})" for v, n in unknown[:8]) + (", …" if len(unknown) > 8 else "")
        _err(f"warning: the role field holds values that name no role: {shown}; those messages' roles came from the "
             "speaker's name or the wording. Say what each value is: --role-value VALUE=ROLE, e.g. "
             + " ".join(f"--role-value {v}={role}" for (v, _n), role in zip(unknown[:2], ("customer", "agent")))
             + " (customer, agent, bot, system)")
    if summary.roles_from_wording:
        _err(f"warning: no role field or speaker's name told the role of {summary.roles_from_wording:,} of "
             f"{summary.written:,} messages, so their wording did (agent phrases such as 很高兴为您服务); an agent's reply "
             "without such a phrase counts as a customer's message. "
             + ("Name the role of the values above with --role-value." if summary.role_values_unknown else
                "If the export has a role or speaker column, name it: --field role=COLUMN or --field speaker=COLUMN "
                "(role values: configs/chatlog.yaml)"))
    if summary.rejected:
        reasons = summary.rejected_by_reason.most_common()
        more = sum(n for _r, n in reasons[5:])
        others = len(reasons) - 5
        _err(f"rejected ({rejects_path}): " + "; ".join(f"{r} ({n:,})" for r, n in reasons[:5])
             + (f"; and {more:,} more for {_count(others, 'other reason')} (all in the summary)" if more else ""))
    if sessions:
        _err(f"{summary.sessions:,} sessions -> {sessions}")
    summary_path = side_file(output, "summary.json")  # written by the run, before this report
    written = "messages with evidence" if explain else "messages"
    _err(f"{written} -> {output}, summary -> {summary_path}")
    if summary.files_skipped:
        names = ", ".join(Path(p).name for p in summary.files_skipped[:5]) + (", …" if len(summary.files_skipped) > 5 else "")
        one = len(summary.files_skipped) == 1
        _err(f"skipped {_count(len(summary.files_skipped), 'file')} in the input folders that "
             f"{'is not a chat export' if one else 'are not chat exports'}: {names}")
    # each was logged as the run met it too, so that a run stopped before this report names it
    for failure in summary.files_failed:
        _err(f"error: {failure}")
    if summary.files_failed:
        raise typer.Exit(1)
    if summary.rejected:
        raise typer.Exit(3)
