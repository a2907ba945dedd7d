"""The files a run reads: paths as given, each checked to exist, and the files inside folders in
natural order (numbers in names read as numbers), hidden ones left out; and about how many records
they hold, for progress estimates."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import InputError, InputNotFoundError
from .records import DAMAGED_GZIP, PLAIN_PROBE_LINES, SUFFIXES, format_suffix, open_binary, reads_as_transcript


def _natural_key(path: Path) -> list:
    """Sort key that reads numbers in names as numbers: "2024年2月…" before "2024年10月…",
    "export_9.csv" before "export_10.csv"."""
    return [[(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", part)] for part in path.parts]


def visible_files(folder: Path) -> list[Path]:
    """The files inside ``folder`` and its subfolders, in natural order (numbers in names read as
    numbers, so monthly files come in month order), leaving out hidden ones (a name, or a folder
    on the way, starting with a dot) and the lock files an office program keeps beside a document
    it has open ("~$总结.docx")."""
    return [
        p for p in sorted(folder.rglob("*"), key=_natural_key)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts) and not p.name.startswith("~$")
    ]


def named_paths(items, what: str = "inputs") -> list[Path]:
    """``items`` (one path, or a list of them) as paths, each checked to exist: an empty or
    missing path is a mistake to report before anything is read or written."""
    if items is None or isinstance(items, (str, Path)):
        items = [] if items is None else [items]
    paths = []
    for item in items:
        if item is None or not str(item).strip():
            raise InputError(f"an empty path was given among the {what}; name a file or a folder")
        path = Path(item)
        if not path.exists():
            if str(item) == "-":
                raise InputError("-: standard input is read only without -o (one message a line, printed); for a batch "
                                 "run into an output file, save it to a file first and name that file")
            raise InputNotFoundError(f"{path}: no such file or folder; check the path")
        paths.append(path)
    if not paths:
        raise InputError(f"no {what} given; name a file or a folder")
    return paths


def expand_inputs(inputs: list[str | Path], skipped: list[Path] | None = None) -> list[Path]:
    """Files as given, and the files with known suffixes inside folders (sorted, recursively);
    the other visible files found in folders are added to ``skipped`` when it is given. Every
    input must exist (``named_paths``)."""
    out: list[Path] = []
    for path in named_paths(inputs):
        if path.is_dir():
            for p in visible_files(path):
                known = p.suffix.lower() in SUFFIXES or (p.suffix.lower() == ".gz" and format_suffix(p) in SUFFIXES)  # not .tar.gz
                if known and not _notes_or_log(p):
                    out.append(p)
                elif skipped is not None:
                    skipped.append(p)
        else:
            out.append(path)
    return out


# files an export ships beside its data: notes on it ("README.txt", "导出说明.txt") and the log of
# the program that wrote it ("2024-03-05 10:00:01 INFO export started")
_NOTES_NAME = re.compile(
    r"^(?:readme|read_me|license|licence|changelog|changes|notes?)(?![a-z])|^(?:导出|数据|使用|文件|字段|导出数据)?(?:说明|备注)(?:文件|文档)?$",
    re.IGNORECASE,
)
# a program's log line: a time, then a level ("2024-03-05 10:00:01 INFO export started", "[ERROR] …")
_LOG_LINE = re.compile(rb"^\s*(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T][\d:.,]+\s*)?[\[(]?(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL)\b")
LOG_SHARE = 0.5  # of a .log file's first lines, that carry a level at their start


def _notes_or_log(path: Path) -> bool:
    """Whether a text file found in a folder is notes on the export or a program's log rather
    than messages: its name says notes (README.txt, 导出说明.txt, 备注.txt), or it is a .log file half
    or more of whose first lines start with a time and a log level (INFO, ERROR). A file named on the command line is read whatever it is."""
    if format_suffix(path) not in (".txt", ".log"):
        return False
    if _NOTES_NAME.search(path.name.split(".")[0]):
        return True
    if format_suffix(path) != ".log":
        return False
    try:
        with open_binary(path) as fh:
            head = fh.read(4096)
    except (OSError, *DAMAGED_GZIP):
        return False
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    return bool(lines) and sum(bool(_LOG_LINE.match(line)) for line in lines) >= LOG_SHARE * len(lines)


def count_lines(paths: list[Path]) -> int:
    """About how many records the files hold, for progress estimates (gzip-aware): the lines of
    JSON Lines and CSV files, the rows of each sheet of a workbook, the lines that open an object in
    a .json file, the message lines of a transcript. Unreadable files count as 0, and a gzip file
    cut off or damaged as the lines before the damage (reading it raises ``InputError``)."""
    total = 0
    for path in paths:
        suffix = format_suffix(path)
        try:
            if suffix == ".xlsx":
                total += _sheet_rows(path)
                continue
            if suffix not in _NOT_TRANSCRIPTS:
                total += _transcript_messages(path)
                continue
            # a .json file may hold JSON Lines or one pretty-printed document, whose objects take
            # several lines each: its lines that open an object are counted instead
            json_doc = suffix == ".json"
            with open_binary(path) as fh:
                ended = True  # the block before ended a line
                for block in iter(lambda: fh.read1(1 << 20), b""):
                    if json_doc:
                        total += len(_OBJECT_LINE.findall(block)) + bool(ended and _OBJECT_START.match(block))
                        ended = block.endswith(b"\n")
                    else:
                        total += block.count(b"\n")
        except (OSError, zipfile.BadZipFile, *DAMAGED_GZIP):
            continue
    return total


_OBJECT_LINE = re.compile(rb"\n[ \t]*\{")  # a line that opens a JSON object
_OBJECT_START = re.compile(rb"[ \t]*\{")
_NOT_TRANSCRIPTS = {".jsonl", ".ndjson", ".json", ".csv", ".tsv"}
# a line with a message's time near its start ("2023-01-05 10:12:01 顾客小王: …", "[2023/1/5 10:12]
# 客服", or the speaker first, "顾客小王 2023-01-05 10:12:01"): one a message in a transcript
_STAMP_LINE = re.compile(rb"(?m)^[^\n]{0,48}?\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T][^\d\n]{0,7}?\d{1,2}:\d{2}")  # 上午/下午 in any encoding


def _transcript_messages(path: Path) -> int:
    """The messages of a text file: its lines with a time near the start where its first lines
    read as a transcript's, as the reader decides it (whose messages often take a line for the
    time and speaker, one or more for the text and a blank one), else its lines (a plain list,
    one message a line, a few of which may quote a date and time). UTF-16 files, whose
    digits are not single bytes, count by lines."""
    lines = stamps = 0
    transcript = None
    with open_binary(path) as fh:
        rest = b""
        for block in iter(lambda: fh.read1(1 << 20), b""):
            if transcript is None:  # as the reader decides it: a few dated lines among reviews make no transcript
                transcript = reads_as_transcript(block.split(b"\n")[:PLAIN_PROBE_LINES], _STAMP_LINE.match)
            lines += block.count(b"\n")
            cut = block.rfind(b"\n") + 1  # whole lines only: a time cut by the block's end is seen once
            stamps += len(_STAMP_LINE.findall(rest + block[:cut]))
            rest = block[cut:] if cut else (rest + block)[-4096:]  # a line that long is no message's header
        stamps += len(_STAMP_LINE.findall(rest))
    return stamps if transcript and stamps else lines


def _sheet_rows(path: Path) -> int:
    """The rows of every sheet of a workbook, counted in its XML without parsing it (a workbook
    holds no lines to count, and not every writer records a sheet's size)."""
    rows = 0
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with book.open(name) as fh:
                tail = b""
                for block in iter(lambda: fh.read(1 << 20), b""):
                    text = tail + block
                    rows += text.count(b"<row ") + text.count(b"<row>")
                    tail = text[-5:]  # a tag cut by the block's end is counted with the next one
                    rows -= tail.count(b"<row ") + tail.count(b"<row>")
                rows += tail.count(b"<row ") + tail.count(b"<row>")
    return rows
