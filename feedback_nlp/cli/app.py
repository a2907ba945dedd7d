"""The ``feedback-nlp`` application and what every command shares: one-line errors, exit
codes, the ``--verbose`` and ``--version`` options, and the console entry point."""

from __future__ import annotations

import functools
import logging
import os
import sys

import typer

from ..about import __version__
from ..errors import FeedbackNLPError

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
    root = logging.getLogger()
    before = list(root.handlers)  # a host's own handlers (pytest's, an application's) keep their format
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    for handler in root.handlers:
        if handler not in before:
            handler.setFormatter(_LogFormat(verbose))


class _LogFormat(logging.Formatter):
    """Log lines as the commands' own lines are written ("feedback-nlp: warning: …"); with
    --verbose, the module that logged too ("feedback-nlp: info feedback_nlp.batch: …"). Set on
    the handler the command makes, not on handlers that were there before it."""

    def __init__(self, verbose: bool):
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()  # as logging.Formatter sets it, for handlers after this one
        where = f" {record.name}" if self.verbose else ""
        line = f"feedback-nlp: {record.levelname.lower()}{where}: {record.message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


# chat-log exports, read field by field with ``classify -o``; other commands read them as plain text
EXPORT_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json")


THRESHOLD_HELP = ("Choose causes at another probability than the model's tuned thresholds: 0.4 for every cause, "
                  "attitude=0.3 for one; give it again for more (a number for every cause applies first).")


def _thresholds(specs: list[str], model) -> dict[str, float] | None:
    """``--threshold`` options ("0.4" for every cause, "attitude=0.3" for one) as {cause id:
    probability} over the causes of ``model`` (None: the shipped model), checked."""
    if not specs:
        return None
    from ..models.base import read_metadata
    from ..pipeline import DEFAULT_MODEL_DIR, checked_thresholds

    every: dict[str, float] = {}
    some: dict[str, float] = {}
    causes = list(read_metadata(model or DEFAULT_MODEL_DIR).get("thresholds") or {})
    for spec in specs:
        cause, sep, value = spec.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            raise FeedbackNLPError(f"--threshold {spec!r}: write a probability for every cause (0.4) or CAUSE=PROBABILITY "
                                   "(attitude=0.3)") from None
        if sep:
            some[cause.strip()] = number
        else:
            every = checked_thresholds(causes, number)
    return checked_thresholds(causes, {**every, **some})


def _shown_thresholds(thresholds: dict[str, float]) -> str:
    """"attitude 0.3, logistics 0.5": thresholds a user set, for a line on stderr."""
    return ", ".join(f"{c} {t:g}" for c, t in thresholds.items())


def warn_low_confidence(read, min_confidence: float) -> None:
    """The warning a command gives when it read a file in an encoding it was not sure of."""
    if read.confidence < min_confidence:
        _err(f"warning: {read.source}: encoding guess {read.encoding} has low confidence "
             f"({read.confidence:.2f}); if the text looks wrong, pass --encoding")


def checked_encoding(encoding: str) -> str:
    """``--encoding`` as given, refused as a usage error naming the option where Python knows no
    such text encoding (rather than as an error of the config file it is passed on to)."""
    if encoding != "auto":
        from ..io.decode import text_codec

        try:
            text_codec(encoding)
        except LookupError:
            raise FeedbackNLPError(f"--encoding {encoding!r} is not a text encoding Python knows; use e.g. gbk, gb18030, "
                                   "big5, utf-8, utf-16, or auto (the default)") from None
    return encoding


def names_folder(value: str) -> bool:
    """Whether an output path as typed names a folder: one that exists, or a name ending in a
    slash (which a Path would drop)."""
    return value.endswith(("/", os.sep)) or os.path.isdir(value)


def _count(n: int, noun: str) -> str:
    """"1 line", "2 lines"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def main() -> None:
    """Console entry point."""
    try:
        app()
    except FeedbackNLPError as exc:
        _err(f"error: {exc}")
        if _state["verbose"]:
            raise
        sys.exit(2)
