"""The ``feedback-nlp`` command: a thin layer over the library.

Errors the package raises on purpose (``FeedbackNLPError``) are printed as one line and the
command exits non-zero; a traceback is shown only with ``--verbose``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .about import __version__
from .config import Config, load_config
from .errors import FeedbackNLPError
from .io.records import visible_files
from .normalise.encoding import read_text
from .normalise.text import normalise_text
from .tokenise import get_tokeniser, split_sentences

app = typer.Typer(
    name="feedback-nlp",
    help="Chinese customer-service text: read messy files, normalise, tokenise, classify.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: docstring lines join as prose, flags show no value type
)
_state = {"verbose": False}


def _err(message: str) -> None:
    typer.echo(f"feedback-nlp: {message}", err=True)


def _friendly(command):
    """Turn the package's own errors, and files that cannot be written or read, into a one-line
    message and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except FeedbackNLPError as exc:
            if _state["verbose"]:
                raise
            _err(f"error: {exc}")
            raise typer.Exit(2) from None
        except OSError as exc:  # an output that cannot be written: a folder where a file should be, no permission, disk full
            if _state["verbose"] or exc.filename is None:
                raise
            if isinstance(exc, (FileExistsError, NotADirectoryError)):
                _err(f"error: {exc.filename}: a file stands where this path needs a folder; pick another path")
            else:
                _err(f"error: {exc.filename}: {exc.strerror or exc}; check the path and that it can be written")
            raise typer.Exit(2) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        typer.echo(f"feedback-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress and show tracebacks on errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    _state["verbose"] = verbose
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _expand(inputs: List[str]) -> List[tuple[str, str]]:
    """(source, output name) pairs: folders stand for the visible files inside them and their
    subfolders, sorted, named by their path inside the folder; '-' and files are kept as given,
    named by their file name."""
    out: List[tuple[str, str]] = []
    for item in inputs:
        path = Path(item)
        if item != "-" and path.is_dir():
            found = visible_files(path)
            if not found:
                _err(f"warning: {item}: folder has no files")
            out.extend((str(p), str(p.relative_to(path))) for p in found)
        else:
            out.append((item, "stdin" if item == "-" else path.name))
    return out


def _output_path(out: Optional[Path], name: str, many: bool, used: set) -> Optional[Path]:
    if out is None:
        return None
    if not many:
        return out
    name = name[: -len(".txt")] if name.endswith(".txt") else name  # a.txt -> a.txt, a.csv -> a.csv.txt
    target, n = out / f"{name}.txt", 1
    while target in used:
        n += 1
        target = out / f"{name}_{n}.txt"
    used.add(target)
    return target


def _render(text: str, mode: str, cfg: Config) -> str:
    if mode == "text":
        return text
    if mode == "sentences":
        return "\n".join(s.text for s in split_sentences(text))
    tok = get_tokeniser(cfg.tokenise)
    return "\n".join(" ".join(tok.cut(line)) for line in text.split("\n"))


@app.command(short_help="Repair encodings, normalise; write text, sentences or tokens.")
@_friendly
def normalise(
    inputs: List[str] = typer.Argument(
        ..., help="Text files or folders (UTF-8/16, GB18030/GBK, Big5, mojibake); '-' reads stdin."
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Output file (one input) or folder (several inputs); default: stdout."
    ),
    t2s: Optional[bool] = typer.Option(
        None, "--t2s/--no-t2s", help="Convert Traditional to Simplified (default from normalise.script)."
    ),
    mode: str = typer.Option("text", "--as", help="What to write: text | sentences | tokens."),
    keep_lines: bool = typer.Option(
        False, "--keep-lines", help="Write each line at its input line number, removed lines left blank (as 'review' cites them)."
    ),
    report: bool = typer.Option(False, "--report", help="Print a JSON report per file, removed lines included."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Force an input encoding instead of detecting it."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Config file (default: configs/default.yaml)."),
    overrides: List[str] = typer.Option([], "--set", help="Override a config key, e.g. --set normalise.script=hk2s."),
) -> None:
    """Read files, repair encoding damage, normalise, and write UTF-8 text (or sentences or tokens).

    A short report per file goes to stderr. A file that cannot be read is reported on one line
    and skipped; the exit code is 1 if any file failed.
    """
    if mode not in ("text", "sentences", "tokens"):
        raise FeedbackNLPError(f"--as {mode!r} is not known; use text, sentences or tokens")
    if keep_lines and mode == "sentences":
        raise FeedbackNLPError("--keep-lines keeps input lines, and --as sentences splits them: use --as text or tokens")
    extra = list(overrides)
    if t2s is not None:
        extra.append("normalise.script=" + ("t2s" if t2s else "off"))
    if encoding:
        extra.append(f"input.encoding={encoding}")
    cfg = load_config(config, extra)
    sources = _expand(inputs)
    many = len(sources) > 1
    used: set = set()
    if output is not None and many:
        if output.is_file():
            raise FeedbackNLPError(f"-o {output}: is a file; with several inputs, -o names a folder to write them into")
        output.mkdir(parents=True, exist_ok=True)
    failed = 0
    for source, name in sources:
        if source != "-" and Path(source).suffix.lower() in EXPORT_SUFFIXES:
            _err(f"note: {source} is normalised as plain text, so commas and quotes between Chinese characters "
                 "become full-width and its fields run together; 'classify FILE -o OUTPUT' reads an export field by field")
        try:
            raw = sys.stdin.buffer.read() if source == "-" else Path(source)
            read = read_text(
                raw,
                encoding=cfg.input.encoding,
                repair=cfg.normalise.repair_mojibake,
                max_bytes=cfg.input.max_bytes,
                name="<stdin>" if source == "-" else None,
            )
            norm = normalise_text(read.text, cfg.normalise)
            rendered = _render(norm.on_input_lines() if keep_lines else norm.text, mode, cfg)
        except FeedbackNLPError as exc:
            failed += 1
            _err(f"error: {exc}")
            if _state["verbose"]:
                raise
            continue
        target = _output_path(output, name, many, used)
        if target is None:
            sys.stdout.write(rendered + "\n")
            sys.stdout.flush()  # keep the text ahead of the report on a shared terminal
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered + "\n", encoding="utf-8")
        _err(_summary(read, norm, target))
        if read.confidence < cfg.input.min_confidence:
            _err(f"warning: {read.source}: encoding guess {read.encoding} has low confidence "
                 f"({read.confidence:.2f}); if the text looks wrong, pass --encoding")
        if report:
            full = {**read.report(), **norm.report(lines=True)}
            if read.mojibake is not None and read.mojibake.changed:
                full["mojibake_lines"] = read.mojibake.lines_repaired
            typer.echo(json.dumps(full, ensure_ascii=False, indent=1), err=True)
    if failed:
        _err(f"{failed} of {len(sources)} inputs failed")
        raise typer.Exit(1)


TABLE_ROWS = 5000  # more single messages than this get a note that --json or -o suits them better


EXPORT_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json")  # chat-log exports, read field by field with -o


def _messages(source: str, cfg: Config) -> List[tuple[Optional[int], str]]:
    """An existing file's non-empty lines with their 1-based line numbers, or the argument itself
    as one message (line None)."""
    if not source.strip():
        return [(None, source)]  # an empty message, classified as such (a warning says so)
    path = Path(source)
    if source != "-" and path.is_dir():
        raise FeedbackNLPError(f"{source}: is a folder; to classify the chat exports in it, name an output file with -o")
    if source != "-" and not path.is_file():
        if path.suffix in (".txt", ".csv", ".jsonl", ".tsv") or "/" in source:
            raise FeedbackNLPError(f"{source}: no such file; pass an existing file or the message text itself")
        return [(None, source)]
    if path.suffix.lower() in EXPORT_SUFFIXES:
        _err(f"note: {source} is read line by line, each line one message, header and all fields included; "
             "to classify it as a chat-log export field by field, add -o OUTPUT")
    raw = sys.stdin.buffer.read() if source == "-" else path
    read = read_text(raw, encoding=cfg.input.encoding, max_bytes=cfg.input.max_bytes, name="<stdin>" if source == "-" else None)
    return [(n, line) for n, line in enumerate(read.text.split("\n"), 1) if line.strip()]


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
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Batch mode: write classified messages here (chat-log exports in, one row per message out)."
    ),
    fmt: Optional[str] = typer.Option(
        None, "--format", help="Batch output format: jsonl | csv | parquet (default: from OUTPUT's suffix, else jsonl)."
    ),
    sessions: Optional[Path] = typer.Option(None, "--sessions", help="Batch mode: also write per-session figures here."),
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="Batch mode: reject file (default: OUTPUT's name + .rejects.jsonl)."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-w", help="Batch mode: worker processes (default: all cores)."),
    resume: bool = typer.Option(False, "--resume", help="Batch mode: continue an interrupted run where it stopped."),
    restart: bool = typer.Option(False, "--restart", help="Batch mode: start an interrupted run again, overwriting its output."),
    redact: bool = typer.Option(False, "--redact", help="Mask phone, ID and bank card numbers, e-mail, orders, addresses in all output."),
    chatlog: Optional[Path] = typer.Option(None, "--chatlog", help="Field mapping for exports (default: configs/chatlog.yaml)."),
    text_field: Optional[str] = typer.Option(None, "--text-field", help="Name of the message text field in the exports."),
    field_map: List[str] = typer.Option(
        [], "--field", help="Name an export's field, e.g. --field session=会话编号 (session, message_id, time, role, speaker, text)."
    ),
    encoding: str = typer.Option("auto", "--encoding", help="Force the input encoding instead of detecting it."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model directory (default: the shipped model)."),
    device: Optional[str] = typer.Option(None, "--device", help="Transformers models: auto (default), cpu, cuda, cuda:N."),
    runtime: str = typer.Option("torch", "--runtime", help="Transformers models: torch, or onnx (after 'feedback-nlp export-onnx')."),
    explain: bool = typer.Option(True, "--explain/--no-explain", help="Single messages: include the evidence words and spans."),
    as_json: bool = typer.Option(False, "--json", help="Single messages: one JSON object per message instead of a table."),
) -> None:
    """Complaint causes and sentiment: of one message, of each line of a text file, or (with -o) of
    whole chat-log exports.

    Batch mode exit codes: 0 all records classified or kept; 3 some records were rejected (see the
    reject file); 1 some input files could not be read at all.
    """
    if output is not None:
        if text_field:
            field_map = [*field_map, f"text={text_field}"]
        _classify_batch(
            inputs, output, fmt, sessions, rejects, workers, resume, restart, redact, chatlog, field_map, encoding, model, device, runtime
        )
        return
    if len(inputs) != 1:
        raise FeedbackNLPError("several inputs need -o OUTPUT (batch mode); without it, pass one message or one file")
    from .pipeline import FeedbackClassifier

    numbered = _messages(inputs[0], load_config(None, [f"input.encoding={encoding}"]))
    clf = FeedbackClassifier.load(model, device=device, runtime=runtime)
    if as_json:  # streamed, so that a large file neither waits for the end nor holds every result
        for start in range(0, len(numbered), 2048):
            chunk = numbered[start:start + 2048]
            for (line, message), result in zip(chunk, clf.predict([m for _, m in chunk], explain=explain)):
                typer.echo(json.dumps({**({} if line is None else {"line": line}), "text": message, **result}, ensure_ascii=False))
        return
    if len(numbered) > TABLE_ROWS:
        _err(f"note: {len(numbered):,} messages make a long table; --json writes one JSON line per message as it goes, "
             "and -o classifies chat-log exports in batch")
    messages = [m for _, m in numbered]
    results = clf.predict(messages, explain=explain)
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    numbers = bool(numbered) and numbered[0][0] is not None  # a file's lines, not one message
    for col in ("line",) * numbers + ("message", "causes", "sentiment", "evidence"):
        table.add_column(col, overflow="fold", justify="right" if col == "line" else "left")
    for (line, message), r in zip(numbered, results):
        causes = ", ".join(f"{c['id']} {c['probability']:.2f}" for c in r["causes"]) or "-"
        sentiment = "-" if r["sentiment"]["label"] is None else f"{r['sentiment']['label']} {r['sentiment']['score']:+.2f}"
        words = []
        if explain:
            for cause, ev in r["evidence"]["causes"].items():
                words.append(f"{cause}: " + " ".join(e.get("text", e["term"]) for e in ev))
            if r["evidence"].get("sentiment"):  # the words behind the label, when no cause has any
                words.append(f"{r['sentiment']['label']}: " + " ".join(e.get("text", e["term"]) for e in r["evidence"]["sentiment"][:3]))
        note = r["error"] or r["warning"]
        cells = (message[:80], causes, sentiment + (f" ({note})" if note else ""), "; ".join(words))
        table.add_row(*((str(line),) * numbers + cells))
    Console().print(table)


def _classify_batch(
    inputs, output, fmt, sessions, rejects, workers, resume, restart, redact, chatlog, field_map, encoding, model, device, runtime
) -> None:
    from .batch import classify_files, side_file
    from .config import load_chatlog_config

    load_config(None, [f"input.encoding={encoding}"])  # an unknown --encoding is a usage error, not a failed file
    from .io.writers import output_format

    output_format(output, fmt)  # "-o out.csv --format parquet" is refused before anything is read
    overrides = []
    for item in field_map:
        name, sep, column = item.partition("=")
        if not sep or not column.strip():
            raise FeedbackNLPError(f"--field {item!r}: write FIELD=COLUMN, e.g. --field text=消息内容")
        overrides.append(f"fields.{name.strip()}={json.dumps([column.strip()], ensure_ascii=False)}")
    chat_cfg = load_chatlog_config(chatlog, overrides)
    from .io.records import count_lines, expand_inputs

    from .batch import CHUNK_SIZE

    if workers < 1:
        raise FeedbackNLPError(f"--workers {workers}: use 1 or more worker processes")
    cores = os.cpu_count() or 1
    if workers > cores:
        _err(f"note: --workers {workers} is more than the {cores} cores here; using {cores}")
        workers = cores
    interactive = sys.stderr.isatty()
    total = count_lines([p for p in expand_inputs(inputs) if p.is_file()]) or None
    if total and workers > 1:
        workers = min(workers, -(-total // CHUNK_SIZE))  # a worker per chunk at most: each loads the model
    from .progress import BatchProgress

    progress = BatchProgress(total, interactive, _err)

    stopped_by: list[int] = []
    try:
        with _stop_on_sigterm(stopped_by):
            summary = classify_files(
                inputs, output, fmt=fmt, sessions_output=sessions, rejects_output=rejects, workers=workers, model=model,
                device=device, runtime=runtime, chatlog=chat_cfg, encoding=encoding, redact=redact, resume=resume,
                restart=restart, progress=progress,
            )
    except KeyboardInterrupt:
        if interactive:
            sys.stderr.write("\n")
        from .io.writers import RESUMABLE, output_format

        stopped = "stopped by SIGTERM" if stopped_by else "interrupted"
        if output_format(output, fmt) not in RESUMABLE:
            _err(f"{stopped}; {output} holds what was classified so far, but a Parquet output cannot be resumed: "
                 "run the same command with --restart to start again (JSON Lines and CSV outputs can be resumed)")
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
        f"{summary.read:,} records read = {summary.written:,} written ({summary.classified:,} customer messages classified) "
        f"+ {summary.rejected:,} rejected, in {summary.seconds:.1f} s ({report['messages_per_second'] or 0:,.0f}/s)"
    )
    if summary.causes:
        _err("causes: " + ", ".join(f"{c} {n}" for c, n in summary.causes.most_common()))
    if summary.sentiment:
        _err("sentiment: " + ", ".join(f"{c} {n}" for c, n in summary.sentiment.most_common()))
    if summary.redacted:
        _err("masked: " + ", ".join(f"{c} {n}" for c, n in summary.redacted.most_common()))
    if summary.repaired:
        _err(f"mojibake (UTF-8 read as GBK) repaired in {summary.repaired:,} messages; their rows say so in 'warning'")
    if summary.times_not_dates:
        _err(f"warning: {summary.times_not_dates:,} messages have a time that is not a date; they are kept, but left out of "
             "session timings and the review's monthly figures; their rows say so in 'warning'")
    if summary.rejected:
        reasons = summary.rejected_by_reason.most_common()
        more = sum(n for _r, n in reasons[5:])
        others = len(reasons) - 5
        _err(f"rejected ({rejects_path}): " + "; ".join(f"{r} ({n:,})" for r, n in reasons[:5])
             + (f"; and {more:,} more for {_count(others, 'other reason')} (all in the summary)" if more else ""))
    if sessions:
        _err(f"{summary.sessions:,} sessions -> {sessions}")
    summary_path = side_file(output, "summary.json")
    summary_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    _err(f"messages -> {output}, summary -> {summary_path}")
    if summary.files_skipped:
        names = ", ".join(Path(p).name for p in summary.files_skipped[:5]) + (", …" if len(summary.files_skipped) > 5 else "")
        _err(f"skipped {len(summary.files_skipped)} files in the input folders that are not chat exports: {names}")
    for failure in summary.files_failed:
        _err(f"error: {failure}")
    if summary.files_failed:
        raise typer.Exit(1)
    if summary.rejected:
        raise typer.Exit(3)


@app.command(short_help="Train the cause and sentiment models into a model directory.")
@_friendly
def train(
    config: Path = typer.Option(Path("configs/train_default.yaml"), "--config", "-c", help="Training config."),
    output: Path = typer.Option(..., "--output", "-o", help="Model directory to write."),
    overrides: List[str] = typer.Option([], "--set", help="Override a config key, e.g. --set model.causes_c=2."),
) -> None:
    """Train the cause and sentiment models on the corpora and save them as a model directory."""
    from .config import load_train_config
    from .train import train as train_model

    cfg = load_train_config(config, overrides)
    _err(f"training with {config} (corpora: {cfg.corpora_dir}) ...")
    clf = train_model(cfg)
    clf.save(output)
    _print_metrics(clf.metadata["metrics"]["test"], "test")
    _err(f"saved to {output}")


@app.command(short_help="Score a model on a corpus split: table, JSON and chart.")
@_friendly
def evaluate(
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model directory (default: the shipped model)."),
    data: str = typer.Option("test", "--data", help="Split to evaluate: dev or test."),
    output: Path = typer.Option(Path("out/evaluation"), "--output", "-o", help="Folder for metrics.json and metrics.png."),
    corpora: Optional[Path] = typer.Option(None, "--corpora", help="Corpora folder (default: the repository's corpora/)."),
) -> None:
    """Per-cause precision/recall/F1, micro and macro averages, sentiment accuracy and confusion matrix."""
    from .evaluate import write_chart
    from .models.corpus import load_corpus
    from .pipeline import FeedbackClassifier
    from .train import evaluate as evaluate_model

    if data not in ("dev", "test", "train"):
        raise FeedbackNLPError(f"--data {data!r}: use dev or test")
    clf = FeedbackClassifier.load(model)
    metrics = evaluate_model(clf, load_corpus("sentiment", corpora)[data], load_corpus("causes", corpora)[data])
    output.mkdir(parents=True, exist_ok=True)
    (output / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    write_chart(metrics, output / "metrics.png")
    _print_metrics(metrics, data)
    _err(f"wrote {output / 'metrics.json'} and {output / 'metrics.png'}")


@app.command("export-onnx", short_help="Add ONNX files to a transformers model directory.")
@_friendly
def export_onnx(
    model: Path = typer.Argument(..., help="A transformers model directory written by 'feedback-nlp train'."),
) -> None:
    """Add ONNX files of a transformers model to its directory, for CPU serving with onnxruntime
    ('classify --runtime onnx'); needs the onnx extra."""
    from .pipeline import FeedbackClassifier

    clf = FeedbackClassifier.load(model, device="cpu")
    if clf.backend != "transformers":
        raise FeedbackNLPError(f"{model}: a {clf.backend} model; only transformers models are exported to ONNX")
    for path in clf.export_onnx(model):
        _err(f"wrote {path}")


@app.command(short_help="Draft a year-end service review from work reports.")
@_friendly
def review(
    reports: List[str] = typer.Argument(..., help="Work reports: .txt/.md/.docx files or folders (any encoding; mojibake repaired)."),
    output: Path = typer.Option(..., "--output", "-o", help="review.md, review.docx or review.json."),
    chats: Optional[Path] = typer.Option(None, "--chats", help="Classified messages from 'feedback-nlp classify -o' (jsonl/csv/parquet)."),
    year: Optional[int] = typer.Option(None, "--year", help="The year the review covers."),
    org: Optional[str] = typer.Option(None, "--org", help="Organisation name for the title."),
    keep_other_years: bool = typer.Option(
        False, "--keep-other-years", help="Also draft from articles whose title sums up another year than the review's."
    ),
) -> None:
    """Draft a year-end service review: overview, achievements with key figures, customer
    feedback (with --chats), problems, next year's plan. Sentences are quoted with file and line.

    Exit codes: 0 drafted; 1 drafted without some reports that could not be read (named in the
    warnings); 2 nothing drafted (bad paths or options, or no report could be read)."""
    from .summarise.feedback import analyse_chats
    from .summarise.render import check_review_path, write_review
    from .summarise.review import NOT_A_REPORT, draft_review, report_files

    check_review_path(output)  # before the drafting, not after it
    skipped: list[Path] = []
    drafts: list[Path] = []
    files = [f for f in report_files(reports, skipped, drafts) if f.resolve() != output.resolve()]
    drafts = [f for f in drafts if f.resolve() != output.resolve()]  # the draft being replaced goes unsaid
    feedback = analyse_chats(chats) if chats else None
    drafted = draft_review(files, year=year, org=org, feedback=feedback, keep_other_years=keep_other_years)
    write_review(drafted, output)
    counts = ", ".join(f"{name} {len(s)}" for name, s in drafted.sections.items())
    read = f"{len(files) - len(drafted.unreadable)} of {len(files)} reports" if drafted.unreadable else _count(len(files), "report")
    _err(f"{read} -> {output}: {counts}; {_count(len(drafted.metrics), 'key figure')}")
    if year is None:
        found = f"year {drafted.year}, from the report titles" if drafted.year else "no year found in the report titles"
        _err(f"{found}; pass --year to set it")
    by_file: dict[str, list[str]] = {}
    for (file, _article), title in drafted.titles.items():
        by_file.setdefault(file, []).append(title or "(untitled)")
    for file, titles in by_file.items():
        if len(titles) > 1:  # a scraped page may hold reports of several organisations
            _err(f"{Path(file).name}: drafted from {len(titles)} of its articles; check that each is about the "
                 f"organisation reviewed: {'; '.join(titles)}")
    for file, title, why in drafted.dropped_articles:
        _err(f"left out ({why}): {Path(file).name}: {title}")
    if any(why != NOT_A_REPORT for _f, _t, why in drafted.dropped_articles):
        _err("  (--keep-other-years drafts from the articles of other years too)")
    for warning in drafted.warnings:
        _err(f"warning: {warning}")
    if not any(drafted.sections.values()):  # after the list of what was left out, which it sums up
        not_reports = sum(why == NOT_A_REPORT for _f, _t, why in drafted.dropped_articles)
        _err(f"warning: no report content found: {_count(not_reports, 'article')} left out as not "
             "work reports; the draft has headings only. Check that the inputs are work reports or summaries")
    if drafts:
        _err(f"left out {_count(len(drafts), 'review')} drafted by feedback-nlp review earlier (not reports): "
             + ", ".join(p.name for p in drafts[:5]) + (", …" if len(drafts) > 5 else ""))
    if skipped:
        _err(f"skipped {_count(len(skipped), 'file')} in the input folders that are not .txt, .md or .docx: "
             + ", ".join(p.name for p in skipped[:5]) + (", …" if len(skipped) > 5 else ""))
    if drafted.unreadable:
        raise typer.Exit(1)


def _print_metrics(metrics: dict, split: str) -> None:
    from rich.console import Console
    from rich.table import Table

    causes = metrics["causes"]
    table = Table(title=f"causes on {split} ({causes['items']} items)")
    for col in ("cause", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="right" if col != "cause" else "left")
    for name, m in causes["per_label"].items():
        table.add_row(name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"]))
    for avg in ("micro", "macro"):
        m = causes[avg]
        table.add_row(f"[b]{avg}[/b]", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", "")
    console = Console()
    console.print(table)
    sent = metrics["sentiment"]
    line = f"sentiment on {split}: 3-class accuracy {sent['accuracy']:.3f} ({sent['items']} items)"
    if "review_binary_accuracy" in sent:
        line += f", review lines binary accuracy {sent['review_binary_accuracy']:.3f} ({sent['review_items']} items)"
    console.print(line)


def _count(n: int, noun: str) -> str:
    """"1 line", "2 lines"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _summary(read, norm, target: Optional[Path]) -> str:
    parts = [f"{read.source}: {read.encoding}"]
    if read.bom:
        parts.append("BOM")
    if read.mojibake is not None and read.mojibake.changed:
        parts.append(
            f"mojibake repaired on {_count(len(read.mojibake.lines_repaired), 'line')} "
            f"({_count(read.mojibake.chars_inferred, 'character')} inferred)"
        )
    if read.undecodable:
        parts.append(f"{_count(read.undecodable, 'undecodable byte')} dropped")
    script = norm.changes.get("script_converted", 0)
    if script:
        parts.append(f"{_count(script, 'character')} to Simplified")
    whole = sum(r.whole for r in norm.removed)
    if whole:
        parts.append(f"{_count(whole, 'boilerplate line')} removed")
    if len(norm.removed) > whole:
        parts.append(f"{_count(len(norm.removed) - whole, 'watermark')} cut from lines")
    parts.append(f"{_count(len(norm.text), 'character')} out")
    if target is not None:
        parts.append(f"-> {target}")
    return ", ".join(parts)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except FeedbackNLPError as exc:
        _err(f"error: {exc}")
        if _state["verbose"]:
            raise
        sys.exit(2)


if __name__ == "__main__":
    main()
