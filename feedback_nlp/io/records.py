"""Chat-log exports in, message records out, streamed: nothing is read whole into memory, except
a .json file that holds one JSON array of messages (JSON cannot be read in part).

Formats: JSON Lines (.jsonl/.json/.ndjson), a JSON array of message objects (.json), CSV and TSV,
Excel .xlsx (every sheet), and plain-text transcripts ("2023-01-05 10:12:01 顾客小王: 快递怎么还没到");
any of them gzip-compressed. Text files may be in any encoding the reader detects (GBK exports
included), with or without a byte order mark. Fields are found through the mapping in
``configs/chatlog.yaml``.

``read_records`` yields, in file order, either a ``Record`` or a ``Reject`` (file, line, reason and
the raw content), so every input line ends up somewhere and counts add up.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time as time_of_day
from pathlib import Path
from itertools import chain, islice
from typing import Any, Callable, Iterable, Iterator

from ..config import ChatlogConfig
from ..errors import InputError, InputNotFoundError, shorten
from .csv_rows import MAX_TITLE_ROWS, PhysicalLines, ends_in_quotes, find_header, holds_rows, is_one_row, rows_go_on
from .decode import BOMS, SURROGATE, decode_bytes, decode_line_elsewhere, lines_named
from .times import TIME_OF_DAY

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 1 << 16  # how much of a file is used to detect its encoding
TEXTLESS_HELD = 1000  # messages of JSON without a text field held back before the file is refused
# a text file none of whose first lines is a transcript's is a plain list of messages, one a line
PLAIN_PROBE_LINES = 50
ROLES = ("customer", "agent", "bot", "system")
# the fields of a message an export's columns are mapped to; "date" is a day in a column of its own,
# beside a "time" column that holds only the time of day ("2024-03-05" and "09:05:00")
FIELD_NAMES = ("session", "message_id", "time", "date", "role", "speaker", "text")
SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".txt", ".log", ".xlsx"}
# undecodable bytes, as ``_escape_bytes`` reads them (the "surrogateescape" form, for bytes below
# 0x80 too: a UTF-16 file cut after an odd byte ends in one)
_SURROGATE = re.compile("[\udc00-\udcff]")
# in JSON, half of a character written as two escapes ("\ud83d\ude00"), the other half cut off
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# what a gzip file cut off or damaged raises while it is read
DAMAGED_GZIP = (EOFError, zlib.error, gzip.BadGzipFile)


@dataclass
class Record:
    id: str
    session: str
    time: str | None
    role: str
    speaker: str | None
    text: str
    file: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)  # the input's own fields, unchanged
    role_from_wording: bool = False  # no role field or speaker's name told the role: its wording did
    role_unknown: str | None = None  # the role field's value, where it names no role ("1", "坐席A")

    def __reduce__(self):
        # each record goes to a worker process: its fields as a tuple pickle in half the time
        return Record, (self.id, self.session, self.time, self.role, self.speaker, self.text, self.file, self.line,
                        self.fields, self.role_from_wording, self.role_unknown)


@dataclass
class Reject:
    file: str
    line: int
    reason: str
    raw: str  # the input as read; bytes the encoding could not decode are written as \xNN

    def __post_init__(self) -> None:
        self.raw = _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", self.raw)


def _same(text: str) -> str:
    return text


# what an API response says besides its data: a status text, a status code
_STATUS_WORDS = frozenset(("成功", "查询成功", "请求成功", "操作成功", "获取成功", "正常"))
_STATUS_KEYS = frozenset(("code", "errcode", "err_code", "status", "ret", "retcode", "success", "errmsg", "error_code"))


def _dig(obj: Any, keys: tuple[str, ...]) -> Any:
    """``obj[keys[0]][keys[1]]…``; None where a key is missing or a value is not an object."""
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _json_line_reject(exc: json.JSONDecodeError, raw: str, label: str, number: int) -> Reject:
    """The reject of a line of JSON Lines that does not parse, saying where; where bytes that
    could not be read broke it, saying that."""
    reason = f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"
    if _undecodable(raw):
        reason = f"undecodable bytes; pass --encoding with the file's encoding ({reason})"
    return Reject(label, number, reason, raw[:500])


def _tolerant(canonical: Callable[[str], str]) -> Callable[[str], str]:
    """``canonical``, leaving a name or phrase as it is where it holds undecodable bytes, which
    OpenCC cannot encode (a GBK title line or column name in a UTF-8 file, a key of JSON)."""
    if canonical is _same:
        return canonical

    def read(text: str) -> str:
        try:
            return canonical(text)
        except UnicodeEncodeError:
            return text

    return read


class _Fields:
    """Finds the mapped fields in one file's column names."""

    def __init__(self, config: ChatlogConfig, columns: list[str], label: str, canonical: Callable[[str], str] = _same,
                 need_text: bool = True):
        """``canonical`` maps names before they are compared (Traditional headers: 內容 -> 内容).
        Without a text column, raises ``InputError`` when ``need_text``, else leaves it None."""
        def key(name: str) -> str:
            return canonical(name.strip()).lower()

        lowered = {key(c): c for c in columns if isinstance(c, str)}
        self.columns = {}
        for name in FIELD_NAMES:
            options = getattr(config.fields, name)
            self.columns[name] = next((lowered[key(o)] for o in options if key(o) in lowered), None)
        if need_text and self.columns["text"] is None:
            raise InputError(f"{label}: {_no_text_field(config, columns, header=True)}")
        # an export with a column for each side, the sender's name under the side's ("客户", "客服"),
        # and no role or speaker column: the filled one tells the role, and holds the speaker
        self.side_columns: list[tuple[str, str]] = []
        if self.columns["role"] is None and self.columns["speaker"] is None:
            words = {key(w): role for role in ROLES for w in getattr(config.roles, role)}
            taken = set(self.columns.values())
            self.side_columns = [(c, words[key(c)]) for c in columns if isinstance(c, str) and key(c) in words and c not in taken]
            if len({role for _c, role in self.side_columns}) < 2:
                self.side_columns = []  # one side's column alone says nothing of the other's turns

    def side(self, row: dict) -> tuple[str | None, Any]:
        """The role and the speaker of a row of an export with a column for each side: the side
        whose column alone is filled; (None, None) otherwise."""
        filled = [(role, row.get(column)) for column, role in self.side_columns
                  if row.get(column) not in (None, "") and str(row.get(column)).strip()]
        # both filled (the two participants' names on every row): the columns tell nothing of the turn
        return filled[0] if len(filled) == 1 else (None, None)

    @classmethod
    def own(cls, names: list[str]) -> _Fields:
        """The fields of rows a reader builds itself (a transcript's time, speaker and text),
        under their own names, whatever names the config or ``--field`` give an export's columns."""
        fields = cls.__new__(cls)
        fields.columns = {name: (name if name in names else None) for name in FIELD_NAMES}
        fields.side_columns = []
        return fields

    def get(self, row: dict, name: str) -> Any:
        column = self.columns[name]
        return None if column is None else row.get(column)


def _no_text_field(config: ChatlogConfig, columns: list, header: bool) -> str:
    """Why no text field was found, and what to do; a file with a header row may lack one, and
    one read in the wrong encoding has column names that are no text."""
    # a byte that did not decode is shown as its value ("\\xbb"), which a terminal and a JSON file can write
    found = ", ".join(_UNDECODED.sub(_byte_shown, shorten(str(c), 30)) for c in columns[:12]) + (", …" if len(columns) > 12 else "")
    if header and _GARBLED.search("\n".join(str(c) for c in columns)):
        return (f"no text field; its column names do not read as text ({found}): the file is in another encoding "
                "than the one it was read in; if --encoding was given, leave it out (the encoding is then detected) "
                "or name the file's own")
    return (
        f"no text field; looked for {', '.join(config.fields.text)} but found {found or 'no columns'}; "
        f"{'if the file has no header row, add one; otherwise ' if header else ''}set fields.text "
        "in configs/chatlog.yaml or pass --text-field"
    )


# what a header read in the wrong encoding holds: bytes that did not decode (kept as lone
# surrogates or U+FFFD); control characters of Latin-1 (0x80-0x9f), which no header holds; the
# lead byte of a Chinese character in UTF-8 read as Latin-1 before a continuation byte ("ä¼è¯ID"
# for 会话ID); or four Latin-1 letters in a row, as GBK read as Latin-1 gives ("ÄÚÈÝ" for 内容)
# and no real name does (accented names, "Descrição", "温度°C", a no-break space, are no sign)
_GARBLED = re.compile(r"[\ud800-\udfff\ufffd\u0080-\u009f]|[\u00e4-\u00e9][\u0080-\u00bf]|[\u00c0-\u00ff]{4}")
_UNDECODED = re.compile(r"[\ud800-\udfff]")


def _byte_shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


ROLE_VALUES_KEPT = 4096  # distinct role-field values whose role is remembered
_NOT_SEEN = object()


class _Roles:
    def __init__(self, config: ChatlogConfig, canonical: Callable[[str], str] = _same):
        self.canonical = canonical
        self.values = {}
        for role in ROLES:
            for word in getattr(config.roles, role):
                self.values[word.lower()] = role
        words = sorted(self.values, key=len, reverse=True)
        self.in_name = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
        self.agent_text = [re.compile(p) for p in config.agent_patterns]
        self._seen: dict[str, str | None] = {}

    def detect(self, role: Any, speaker: Any, text: str) -> str:
        """Role from the role field, else from the speaker's name, else from agent phrases, each
        read through ``canonical`` first (e.g. Traditional to Simplified, so "顧客" is "顾客")."""
        return self.detect_how(role, speaker, text)[0]

    def _role_value(self, role: str) -> str | None:
        """The role a role field's value names, or None: the value itself, else the longest role
        word it ends with ("人工客服" an agent, "智能客服" a bot); remembered for the first values seen (an
        export repeats a handful of them, and reading each through ``canonical`` costs more than
        the rest of a record)."""
        found = self._seen.get(role, _NOT_SEEN)
        if found is _NOT_SEEN:
            value = self.canonical(role.strip()).lower() if role.strip() else ""
            found = self.values.get(value) if value else None
            if found is None and value:
                # a role word that ends the value names its head ("人工客服", "在线访客", "customer_service");
                # one before another word does not ("客户经理" is no customer)
                ending = max((w for w in self.values if value.endswith(w)), key=len, default=None)
                found = self.values[ending] if ending else None
            if len(self._seen) < ROLE_VALUES_KEPT:
                self._seen[role] = found
        return found

    def detect_how(self, role: Any, speaker: Any, text: str) -> tuple[str, bool, str | None]:
        """The role (``detect``), whether only the wording of the message told it, and the role
        field's value where it names no role (None where it does, or is empty)."""
        canonical = self.canonical
        unknown = None
        if role is not None and role != "":
            value = role if isinstance(role, str) else str(role)
            found = self._role_value(value)
            if found:
                return found, False, None
            unknown = value.strip() or None
        if speaker and self.in_name is not None:
            m = self.in_name.search(canonical(str(speaker)))
            if m:
                return self.values[m.group().lower()], False, unknown
        opening = canonical(text[:80])
        return ("agent" if any(p.search(opening) for p in self.agent_text) else "customer"), True, unknown


def open_binary(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


# CSV fields as long as this are read whole and then refused by max_text_chars, not taken for an
# unclosed quote (the csv module stops at 128 KiB: a picture pasted as base64 into a message)
csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))


def format_suffix(path: Path) -> str:
    """The suffix that tells the format, lower case, after any ".gz"."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _format_of(path: Path) -> str:
    suffix = format_suffix(path)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".xlsx"):
        return suffix[1:]
    return "transcript"


def reads_as_transcript(head: list, opens: Callable[[Any], bool]) -> bool:
    """Whether the first lines of a text file (str or bytes) are a transcript: a quarter or more
    of them open a message or a session (``opens``), or one does below a few lines of title; a
    list of reviews one of which starts with a date ("2023-01-05 10:12 下单，到现在还没发货") is not one."""
    filled = [i for i, line in enumerate(head) if line.strip()]
    opening = [i for i in filled if opens(head[i])]
    if not opening:
        return False
    return len(opening) >= 0.25 * len(filled) or not any(i > opening[0] for i in filled if i not in opening)


def _text_stream(path: Path, label: str, encoding: str):
    """A text stream over the (possibly gzipped) file, after its byte order mark if it has one;
    undecodable bytes surface as surrogates. A Word document (.docx) gives its paragraphs and
    table rows, one a line; another ZIP file is refused, naming it."""
    sample, damaged = b"", False
    with open_binary(path) as fh:
        try:
            while len(sample) < SAMPLE_BYTES and (block := fh.read1(SAMPLE_BYTES - len(sample))):
                sample += block
        except DAMAGED_GZIP:  # detect from what comes before the damage; reading on to it raises
            damaged = True
    if sample.startswith(b"PK\x03\x04"):  # a Word document is a ZIP package: read whole, as its text
        with open_binary(path) as fh:
            return io.StringIO(decode_bytes(fh.read(), label).text, newline="")
    if encoding == "auto":
        if not sample and not damaged:
            raise InputError(f"{label}: file is empty; nothing to read")
        # cut the sample at a line end so that a character split in two does not mislead detection
        cut = sample.rfind(b"\n")
        encoding = decode_bytes(sample[: cut + 1] if 0 < cut and (len(sample) == SAMPLE_BYTES or damaged) else sample, label).encoding
    binary = open_binary(path)
    name = codecs.lookup(encoding).name
    # the mark of the encoding read with, skipped: decoded, it would stick to the first field or line
    binary.read(next((len(mark) for mark, codec in BOMS if sample.startswith(mark) and codecs.lookup(codec).name == name), 0))
    return io.TextIOWrapper(binary, encoding=encoding, errors=_ESCAPE_BYTES, newline="")


def _escape_bytes(exc: UnicodeError) -> tuple[str, int]:
    """A decoding error handler: each byte that cannot be decoded becomes U+DC00 plus its value, as
    with "surrogateescape", which refuses bytes below 0x80 (and so a UTF-16 file cut after an odd
    byte): the record that holds them is rejected, with the bytes shown."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


_ESCAPE_BYTES = "feedback_nlp.escape_bytes"
codecs.register_error(_ESCAPE_BYTES, _escape_bytes)


def _undecodable(value: Any) -> bool:
    return isinstance(value, str) and _SURROGATE.search(value) is not None


_UTF8_NAMES = frozenset(("utf-8", "utf_8", "utf-8-sig", "utf_8_sig", "utf8"))
# what UTF-8 read in a GB or Big5 encoding, read back, gives where it was Chinese: Chinese characters
# among CJK and full-width punctuation, ASCII and emoji only
_CHINESE_ONLY = re.compile("[\x00-\x7f\u2000-\u206f\u2600-\u27bf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
                           "\U0001f000-\U0001faff\ufe0f\u200d]*")
_HAN = re.compile("[\u4e00-\u9fff]")


def _utf8_read_as(value: Any, encoding: str) -> str | None:
    """A cell of a row pasted in as UTF-8 into a GB18030 or Big5 export, which decoded without an
    error in the file's encoding ("瀹㈡湇" for "客服"): the cell read as UTF-8, where its bytes are
    UTF-8 and read so as Chinese; None otherwise (a cell in the file's own encoding)."""
    if not isinstance(value, str) or value.isascii():
        return None
    try:
        text = value.encode(encoding, "surrogateescape").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return text if text != value and _HAN.search(text) and _CHINESE_ONLY.fullmatch(text) else None


_NON_ASCII = re.compile(r"[^\x00-\x7f]{1,2}")


def _undecodable_values(row: dict) -> bool:
    """Whether any value of ``row`` holds bytes that could not be decoded."""
    return _read_otherwise(row, "utf-8")  # in a UTF-8 file, that alone reads a cell otherwise


def _read_otherwise(row: dict, encoding: str) -> bool:
    """Whether some cell of ``row`` is in another encoding than the file's: it holds bytes that
    could not be decoded, or the row (of a GB18030 or Big5 export) was pasted in as UTF-8 and
    decoded without an error (``_utf8_read_as``). The cells are joined once and searched once
    (most rows); a row in the file's own encoding fails the UTF-8 test at its first character."""
    try:
        joined = "".join(row.values())
    except TypeError:  # a value that is not a string: one test a value
        return any(_undecodable(v) for v in row.values()) or (
            encoding not in _UTF8_NAMES and any(_utf8_read_as(v, encoding) for v in row.values()))
    if _SURROGATE.search(joined) is not None:
        return True
    if encoding in _UTF8_NAMES or (first := _NON_ASCII.search(joined)) is None:
        return False
    # a quick look first: UTF-8 of Chinese starts with a lead byte E0-EF and two bytes 80-BF
    head = first.group().encode(encoding, "surrogateescape")
    if len(head) < 3 or not (0xE0 <= head[0] <= 0xEF and 0x80 <= head[1] <= 0xBF and 0x80 <= head[2] <= 0xBF):
        return False
    return _utf8_read_as(joined, encoding) is not None


def _mend_surrogates(value: Any) -> Any:
    """``value`` parsed from JSON with each lone surrogate (half of a character whose two escapes,
    "\\ud83d\\ude00", were cut apart) replaced by U+FFFD, in keys and strings at any depth, so that it
    can be written as UTF-8."""
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_mend_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_mend_surrogates(k): _mend_surrogates(v) for k, v in value.items()}
    return value


class RecordReader:
    """Reads one or many chat-log files into records; see the module docstring."""

    def __init__(self, config: ChatlogConfig, encoding: str = "auto", canonical: Callable[[str], str] = _same):
        """``canonical`` maps names and phrases before role detection (the batch runner passes
        Traditional-to-Simplified conversion)."""
        self.config = config
        self.encoding = encoding
        self.canonical = canonical = _tolerant(canonical)
        self.roles = _Roles(config, canonical)
        self._read_as: dict[str, str] = {}  # the encoding each text file is read in
        # how each file (or sheet) was read: its format, encoding, separator and the column each field
        # was found in, to report to whoever ran it (a wrong column is otherwise seen only in the rows)
        self.read_how: dict[str, dict] = {}
        self._elsewhere: dict[str, dict[str, list[int]]] = {}  # lines read in another one, by encoding

    def read(self, path: str | Path) -> Iterator[Record | Reject]:
        """The records of one file, in file order. Made-up ids and sessions (where the file has
        none) start with the path as given, so two files of the same name in different folders
        never share them. A gzip file that is cut off or damaged yields the records read before
        the damage, then raises ``InputError`` naming the file."""
        path = Path(path)
        label = str(path)
        if not path.exists():
            raise InputNotFoundError(f"{label}: no such file; check the path")
        if path.is_dir():
            raise InputError(f"{label}: is a folder; use expand_inputs() or pass the files inside it")
        if path.stat().st_size == 0:
            raise InputError(f"{label}: file is empty; nothing to read")
        kind = _format_of(path)
        self._elsewhere[label] = {}
        try:
            if kind == "jsonl":
                yield from self._jsonl(path, label)
            elif kind in ("csv", "tsv"):
                yield from self._csv(path, label, "\t" if kind == "tsv" else ",")
            elif kind == "xlsx":
                yield from self._xlsx(path, label)
            else:
                yield from self._transcript(path, label)
        except DAMAGED_GZIP as exc:
            raise InputError(
                f"{label}: the gzip file is cut off or damaged ({exc}); the records before the damage were "
                "read; compress the export again, or pass it uncompressed"
            ) from None
        elsewhere = self._elsewhere.pop(label)
        if elsewhere:
            parts = "; ".join(f"{lines_named(lines)} as {codec}" for codec, lines in elsewhere.items())
            logger.warning(
                "%s: mixes encodings: read as %s except %s; check those records, and convert the file to "
                "one encoding (UTF-8) at its source", label, self._read_as.get(label), parts
            )

    def _stream(self, path: Path, label: str):
        fh = _text_stream(path, label, self.encoding)
        self._read_as[label] = fh.encoding
        return fh

    def _note_how(self, label: str, kind: str, fields: _Fields | None = None, **more) -> None:
        """Keep how ``label`` is read (``read_how``): the first reading noted for it stands."""
        if label not in self.read_how:
            columns = {k: v for k, v in fields.columns.items()} if fields is not None else {}
            encoding = self._read_as.get(label.split("[")[0]) if kind != "xlsx" else None
            sides = {column: role for column, role in fields.side_columns} if fields is not None and fields.side_columns else {}
            self.read_how[label] = {"as": kind, **({"encoding": encoding} if encoding else {}), **more, "columns": columns,
                                    **({"side_columns": sides} if sides else {})}

    def _read_elsewhere(self, row: dict, label: str, line: int) -> dict | None:
        """``row`` with each value that has undecodable bytes read in the other encoding its bytes
        are in (``decode_line_elsewhere``), or None where one is in none."""
        encoding = self._read_as.get(label) or "utf-8"
        out = {}
        for key, value in row.items():
            if encoding not in _UTF8_NAMES and (text := _utf8_read_as(value, encoding)) is not None:
                value = text  # UTF-8 that decoded without an error, as mojibake ("瀹㈡湇" for 客服)
                lines = self._elsewhere.setdefault(label, {}).setdefault("utf_8", [])
                if not lines or lines[-1] != line:
                    lines.append(line)
            elif _undecodable(value):
                try:
                    data = value.encode(encoding, "surrogateescape")
                except UnicodeEncodeError:
                    return None  # bytes below 0x80 that could not be read: not a line in another encoding
                found = decode_line_elsewhere(data, encoding)
                if found is None:
                    return None
                value, codec = found
                lines = self._elsewhere.setdefault(label, {}).setdefault(codec, [])
                if not lines or lines[-1] != line:
                    lines.append(line)
            out[key] = value
        return out

    # ---- building records -----------------------------------------------------------------
    def _record(self, row: dict, fields: _Fields, label: str, line: int, raw: str, default_session: str,
                role: str | None = None) -> Record | Reject:
        """The record of ``row``, or why it is rejected; ``role``: the role the file's layout gives
        every record (None: the role or speaker field tells, else the message's wording)."""
        encoding = self._read_as.get(label) or "utf-8"
        if _read_otherwise(row, encoding):
            mended = self._read_elsewhere(row, label, line)
            if mended is None:
                return Reject(label, line, "undecodable bytes; pass --encoding with the file's encoding", raw)
            row = mended
        text = fields.get(row, "text")
        if text is None or (isinstance(text, float) and text != text):
            text = ""  # an empty cell, null or NaN: a picture, file or sticker in many exports, kept as a turn
        if not isinstance(text, (str, int, float)) or isinstance(text, bool):
            return Reject(label, line, f"text field has type {type(text).__name__}, expected a string", raw)
        text = str(text)
        if len(text) > self.config.max_text_chars:
            return Reject(label, line, f"text has {len(text):,} characters, over max_text_chars={self.config.max_text_chars}", raw[:200])
        session = fields.get(row, "session")
        message_id = fields.get(row, "message_id")
        time = fields.get(row, "time")
        day = fields.get(row, "date")
        if day not in (None, ""):  # a date and a time of day in two columns: one time
            time = day if time in (None, "") else (f"{day} {time}" if TIME_OF_DAY.fullmatch(str(time).strip()) else time)
        speaker = fields.get(row, "speaker")
        role_value = fields.get(row, "role")
        if fields.side_columns:
            role_value, speaker = fields.side(row)
        if role is not None:
            from_wording, unknown = False, None
        else:
            role, from_wording, unknown = self.roles.detect_how(role_value, speaker, text)
        return Record(
            id=str(message_id) if message_id not in (None, "") else f"{label}:{line}",
            session=str(session) if session not in (None, "") else default_session,
            time=str(time) if time not in (None, "") else None,
            role=role,
            speaker=str(speaker) if speaker not in (None, "") else None,
            text=text,
            file=label,
            line=line,
            fields=row,
            role_from_wording=from_wording,
            role_unknown=unknown,
        )

    # ---- formats ------------------------------------------------------------------------
    def _jsonl(self, path: Path, label: str) -> Iterator[Record | Reject]:
        """One JSON object per line; a .json file whose first line starts a JSON array is read as
        that array instead (``_json_array``), and one that holds a single JSON object (on one line
        or pretty-printed) whose messages are a list under one key, {"data": [{…}, …]}, as that
        list. A file none of whose first ``TEXTLESS_HELD`` messages has a text field is refused,
        as a CSV file without a text column is: its text is under a name not mapped."""
        mappings: dict[tuple, _Fields] = {}  # rows may differ in their keys
        held: list[Record] | None = []  # turns without a text field, until one message has it (then None)
        for item in self._json_rows(path, label, mappings):
            if held is not None and isinstance(item, Record):
                if mappings[tuple(item.fields)].columns["text"] is None:
                    held.append(item)
                    if len(held) < TEXTLESS_HELD:
                        continue
                    raise InputError(f"{label}: the first {len(held):,} messages have "
                                     f"{_no_text_field(self.config, list(held[0].fields), header=False)}")
                yield from held
                held = None
            yield item
        if held:
            raise InputError(f"{label}: {_no_text_field(self.config, list(held[0].fields), header=False)}")

    def _json_rows(self, path: Path, label: str, mappings: dict) -> Iterator[Record | Reject]:
        """The records and rejects of ``_jsonl``, turns without a text field among them."""
        whole_ok = wrapped_ok = format_suffix(path) == ".json"
        first = True
        with self._stream(path, label) as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                if first and line.lstrip().lstrip("\ufeff").startswith("["):
                    # a JSON array, whatever the name says (one saved as .jsonl): read as one
                    yield from self._json_array(line + fh.read(), mappings, path, label)
                    return
                first = False
                if (wrapped_ok or number == 1) and line.lstrip().lstrip("\ufeff").startswith("{"):
                    wrapped = self._json_wrapper(line, fh, label, whole_ok)
                    if wrapped is not None:
                        key, obj, text = wrapped
                        name = ".".join(key)
                        logger.info("%s: the messages are the list under %r", label, name)
                        yield from self._json_items(_dig(obj, key), text, mappings, path, label, f"the list {name!r}", self._shared(obj, label))
                        # one such object on one line: more may follow, one a line (a page or a session each)
                        yield from self._wrapper_lines(fh, key, number, len(_dig(obj, key)), mappings, path, label)
                        return
                wrapped_ok = False
                raw = line.rstrip("\r\n").lstrip("\ufeff")  # a byte order mark where two exports were joined
                try:
                    row = json.loads(raw, strict=False)  # a tab or NUL left raw inside a string, as some exporters do
                except json.JSONDecodeError as exc:
                    yield _json_line_reject(exc, raw, label, number)
                    continue
                if _SURROGATE_ESCAPE.search(raw) and not _undecodable(raw):  # undecodable bytes: _record rejects the row
                    row = _mend_surrogates(row)
                yield self._json_record(row, mappings, path, label, number, raw[:500])

    def _wrapper_lines(self, fh, key: tuple[str, ...], line: int, done: int, mappings: dict, path: Path, label: str) -> Iterator[Record | Reject]:
        """The messages of the objects on the lines after ``line`` that hold their list under
        ``key`` as the first line's does (a session or a page of an export a line), numbered on from
        the ``done`` before them; any other line is rejected, naming the key."""
        for number, raw in enumerate(fh, start=line + 1):
            if not raw.strip():
                continue
            raw = raw.rstrip("\r\n")
            try:
                obj = json.loads(raw, strict=False)
            except json.JSONDecodeError as exc:
                yield _json_line_reject(exc, raw, label, number)
                continue
            items = _dig(obj, key)
            name = ".".join(key)
            if not isinstance(items, list):
                yield Reject(label, number, f"expected an object holding its messages under {name!r}, as the first line's does", raw[:500])
                continue
            yield from self._json_items(items, raw, mappings, path, label, f"the list {name!r} on line {number}",
                                        self._shared(obj, label), first=done + 1)
            done += len(items)

    def _shared(self, obj: dict, label: str) -> dict:
        """What an object holding a list of messages says of all of them: its session field
        ({"session_id": "s1", "messages": […]}). Not its time, which may be the export's."""
        column = _Fields(self.config, list(obj), label, self.canonical, need_text=False).columns["session"]
        return {column: obj[column]} if column is not None and not isinstance(obj[column], (list, dict)) else {}

    def _json_wrapper(self, first: str, fh, label: str, whole_ok: bool = True) -> tuple[tuple[str, ...], dict, str] | None:
        """For a file that opens with an object: the keys of its list of messages, the object and
        the whole text, where the object holds one list of messages (objects with a text field)
        under a key or one level down, as API responses do ({"code": 0, "msg": "ok", "data": […]},
        {"data": {"total": 3000, "list": […]}}); in a .json file (``whole_ok``) also where it is one
        object without a text field of its own that holds a list of objects under exactly one key.
        None where its first line is a message of JSON Lines (the lines are then read one by one).
        A pretty-printed object (.json only) is read whole into memory."""
        try:
            obj, text = json.loads(first), first
        except json.JSONDecodeError:
            if not whole_ok:
                return None
            text = first + fh.read()  # "{" alone on the first line: a pretty-printed object
            obj = _whole_json(text, label)
            if not isinstance(obj, dict):
                raise InputError(f"{label}: expected a JSON object holding a list of messages; convert it to JSON Lines (.jsonl)")
        if isinstance(obj, dict) and self._is_response(obj, label) and (found := self._message_list(obj, label)) is not None:
            return found, obj, text
        if not whole_ok:
            return None
        if not isinstance(obj, dict) or _Fields(self.config, list(obj), label, self.canonical, need_text=False).columns["text"]:
            if text is first:
                return None  # one message on the first line of JSON Lines
            raise InputError(f"{label}: holds one JSON object with a text field, not a list of messages; "
                             "write one message object per line (JSON Lines, .jsonl)")
        lists = [k for k, v in obj.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if not lists:  # a session the customer left without writing: its one list is empty
            lists = [k for k, v in obj.items() if v == []]
        if len(lists) != 1:
            if text is first:
                return None
            found = f"lists of objects under {', '.join(map(repr, lists))}" if lists else "no list of objects"
            raise InputError(f"{label}: a JSON object with {found}; expected one list of messages, e.g. "
                             '{"data": [{"text": …}, …]}, or JSON Lines (.jsonl)')
        return (lists[0],), obj, text

    def _is_response(self, obj: dict, label: str) -> bool:
        """Whether an object that holds a list of messages is an API response wrapping them, not a
        message with replies, quotes or attachments of its own: it has none of a message's fields
        (session, id, time, role, speaker), and its text field, where it has one, is a status
        ("ok", "success", "成功"), or it has a status code ("code", "errcode")."""
        columns = _Fields(self.config, list(obj), label, self.canonical, need_text=False).columns
        if any(columns[name] for name in ("session", "message_id", "time", "role", "speaker")):
            return False
        status = obj.get(columns["text"]) if columns["text"] else None
        return (status is None or (isinstance(status, str) and (status.isascii() or status in _STATUS_WORDS) and len(status) <= 40)
                or any(key.lower() in _STATUS_KEYS for key in obj))

    def _message_list(self, obj: dict, label: str) -> tuple[str, ...] | None:
        """The keys of the one list of messages ``obj`` holds under a key or one level down: a
        list of objects the first of which has a text field (a message's attachments have none);
        None where there is no such list, or more than one."""
        candidates = [((k,), v) for k, v in obj.items()]
        candidates += [((k, k2), v2) for k, v in obj.items() if isinstance(v, dict) for k2, v2 in v.items()]
        found = [
            keys for keys, v in candidates
            if isinstance(v, list) and v and isinstance(v[0], dict)
            and _Fields(self.config, list(v[0]), label, self.canonical, need_text=False).columns["text"] is not None
        ]
        return found[0] if len(found) == 1 else None

    def _json_array(self, text: str, mappings: dict, path: Path, label: str) -> Iterator[Record | Reject]:
        """The objects of a JSON array (on one line or pretty-printed over many), read whole into
        memory (``_json_items``). An array cut off or broken part way (a download that stopped)
        gives the messages before the break, then ``InputError`` naming where it broke."""
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            items, error = _array_items(text)
            if not items or error is None:
                _whole_json(text, label)  # raises, saying where the JSON is broken
            yield from self._json_items(items, text, mappings, path, label, "the array")
            raise InputError(
                f"{label}: not valid JSON after item {len(items)} of the array ({error.msg.removesuffix(' at')} at line "
                f"{error.lineno} column {error.colno}); the {len(items):,} messages before it are kept, the rest could not "
                "be read: export the file again, or fix it"
            ) from None
        if not isinstance(items, list):  # "[" then more than one value: json.loads says "Extra data"
            raise InputError(f"{label}: expected a JSON array of message objects; convert it to JSON Lines (.jsonl)")
        yield from self._json_items(items, text, mappings, path, label, "the array")

    def _json_items(self, items: list, text: str, mappings: dict, path: Path, label: str, of: str,
                    shared: dict | None = None, first: int = 1) -> Iterator[Record | Reject]:
        """Records from a list of parsed messages (``text``: the JSON they were parsed from); a
        record's line is its position among the file's messages (``first`` for the first object).
        ``shared``: fields of the object holding the list, for the messages that lack them."""
        if _SURROGATE_ESCAPE.search(text) and not _undecodable(text):
            items = _mend_surrogates(items)
            shared = _mend_surrogates(shared) if shared else shared
        for position, row in enumerate(items, start=1):
            raw = json.dumps(row, ensure_ascii=False)[:500]
            if shared and isinstance(row, dict):
                row = {**shared, **row}
            number = first + position - 1
            yield self._json_record(row, mappings, path, label, number, raw, f" (item {position} of {of})")

    def _json_record(self, row: Any, mappings: dict, path: Path, label: str, number: int, raw: str, where: str = "") -> Record | Reject:
        """A record from one parsed JSON value; ``mappings`` keeps the fields found for each set of
        keys; ``where`` ends the reason of a reject. Exporters leave out a null text (a picture
        turn): an object without the text field is an empty turn when it has another mapped field,
        or the keys of an earlier object but its text field; otherwise it is rejected."""
        if not isinstance(row, dict):
            return Reject(label, number, f"expected a JSON object, got {type(row).__name__}{where}", raw)
        keys = tuple(row)
        fields = mappings.get(keys)
        if fields is None:
            fields = mappings[keys] = _Fields(self.config, list(row), label, self.canonical, need_text=False)
            if fields.columns["text"] is not None:
                self._note_how(label, "json", fields)
        if fields.columns["text"] is None and not any(fields.columns.values()) and not any(
            f.columns["text"] is not None and set(k) - {f.columns["text"]} == set(keys) for k, f in mappings.items()
        ):
            return Reject(label, number, _no_text_field(self.config, list(row), header=False) + where, raw)
        return self._record(row, fields, label, number, raw, f"{label}#{number}")

    def _csv(self, path: Path, label: str, delimiter: str) -> Iterator[Record | Reject]:
        """Rows of a CSV/TSV file. A stray quote makes the csv module read on to the next quote,
        swallowing the rows between; so a record over several lines whose later lines are whole
        rows by themselves (the stray quote closed by chance in a later row), unless it is itself
        one row of the header's width with its quoted field properly closed and those lines do not
        start as the file's rows go on (``rows_go_on``), or that would run over
        ``MAX_CSV_RECORD_LINES``, or breaks the parser, or that the file ends inside (a file cut
        off), has its first line rejected ("unclosed quote") and the lines after it read again. A
        record over several lines that swallowed no rows but has the wrong number of columns is one
        reject, as one record. A row that repeats the header (two exports joined, each with its
        byte order mark or not) is rejected too."""
        with self._stream(path, label) as fh:
            lines = PhysicalLines(fh)
            header, delimiter, titles = find_header(lines, label, delimiter, self._names_text)
            for number, title in titles:
                yield Reject(label, number, "a title above the header row, not a message", title[:500])
            fields = _Fields(self.config, header, label, self.canonical)
            self._note_how(label, "csv", fields, separator=delimiter)
            reader = csv.reader(lines, delimiter=delimiter)
            while True:
                try:
                    row = next(reader)
                    problem = None
                except StopIteration:
                    if not lines.taken:
                        break
                    row, problem = [], "the file ends inside a quoted field"  # the last quote never closes
                except csv.Error as exc:
                    row, problem = [], f"the CSV parser stopped: {exc}"
                taken, number = list(lines.taken), lines.number - len(lines.taken) + 1
                lines.taken.clear()
                if problem is None and lines.at_end and ends_in_quotes(taken, delimiter):
                    problem = "the file ends inside a quoted field"  # the csv module returns the field as it is
                if (problem is None and len(taken) > 1 and holds_rows(taken[1:], len(header), delimiter)
                        and (not is_one_row(taken, len(header), delimiter) or rows_go_on(taken, delimiter))):
                    problem = f"the quoted field runs over {len(taken) - 1} lines that are rows themselves"
                if problem is not None:
                    first = taken[0].rstrip("\r\n") if taken else ""
                    yield Reject(label, number, f"unclosed quote ({problem}); the lines after it are read again", first[:500])
                    lines.push_back(taken[1:])
                    reader = csv.reader(lines, delimiter=delimiter)
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                raw = delimiter.join(row)[:500]
                if len(row) != len(header):
                    over = f" (one record over {len(taken)} lines)" if len(taken) > 1 else ""
                    yield Reject(label, number, f"{len(row)} columns where the header has {len(header)}{over}", raw)
                    continue
                if [cell.lstrip("\ufeff").strip() for cell in row] == [name.strip() for name in header]:
                    yield Reject(label, number, "repeated header row", raw)
                    continue
                yield self._record(dict(zip(header, row)), fields, label, number, raw, f"{label}#{number}")

    def _tab_table(self, head: list[str]) -> bool:
        """Whether the first lines of a text file are a table with tabs between its columns, as
        Excel saves a sheet as text (.txt): its first line a header of two or more columns, one of
        them a text column, and most lines after it of as many columns."""
        filled = [line.rstrip("\r\n").lstrip("\ufeff") for line in head if line.strip()]
        if not filled or "\t" not in filled[0]:
            return False
        columns = [c.strip().strip('"') for c in filled[0].split("\t")]
        if len(columns) < 2 or not self._names_text(columns):
            return False
        rows = filled[1:]
        return not rows or sum(line.count("\t") + 1 == len(columns) for line in rows) >= 0.5 * len(rows)

    def _names_text(self, columns: list[str]) -> bool:
        """Whether a row of column names has a text column (a header, not a title above it)."""
        return _Fields(self.config, columns, "", self.canonical, need_text=False).columns["text"] is not None

    def _xlsx(self, path: Path, label: str) -> Iterator[Record | Reject]:
        try:
            from openpyxl import load_workbook
        except ImportError:
            raise ImportError("reading .xlsx needs openpyxl; run: pip install openpyxl") from None
        try:
            source = path
            if path.suffix.lower() == ".gz":  # a gzipped workbook: unpacked in memory, as openpyxl needs a seekable file
                with open_binary(path) as fh:
                    source = io.BytesIO(fh.read())
            book = load_workbook(source, read_only=True, data_only=True)
        except DAMAGED_GZIP:
            raise InputError(f"{label}: the gzip file is cut off or damaged; copy or export it again") from None
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise InputError(f"{label}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
        try:
            # every sheet, in order; where there are several, a record's file names its sheet
            sheets = []  # (sheet, label, header row number, titles above it, header, fields or why none)
            several = len(book.worksheets) > 1
            for sheet in book.worksheets:
                where = f"{label}[{sheet.title}]" if several else label
                top = [[str(c) if c is not None else "" for c in r] for r in sheet.iter_rows(max_row=MAX_TITLE_ROWS + 1, values_only=True)]
                # the header is the first row that names a text column (a title may stand above it)
                at = next((i for i, r in enumerate(top) if self._names_text(r)), 0)
                header = top[at] if top else []
                titles = [(n, "\t".join(t).rstrip("\t")) for n, t in enumerate(top[:at], start=1) if any(cell.strip() for cell in t)]
                try:
                    fields: _Fields | InputError = _Fields(self.config, header, where, self.canonical)
                except InputError as exc:
                    fields = exc
                sheets.append((sheet, where, at + 1, titles, header, fields))
                if isinstance(fields, _Fields):
                    self._note_how(where, "xlsx", fields)
            if not any(isinstance(fields, _Fields) for *_, fields in sheets):
                # no sheet has a text column: the file cannot be read, as the first sheet with a header says
                raise next((fields for *_, header, fields in sheets if header), sheets[0][5])
            for sheet, where, header_row, titles, header, fields in sheets:
                for number, title in titles:
                    yield Reject(where, number, "a title above the header row, not a message", title[:500])
                for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
                    if all(v is None or str(v).strip() == "" for v in values):
                        continue
                    values = [_cell_text(v) for v in values]
                    raw = "\t".join("" if v is None else str(v) for v in values)[:500]
                    if isinstance(fields, InputError):  # a sheet beside the messages, without a text column
                        yield Reject(where, number, str(fields).split(": ", 1)[1], raw)
                        continue
                    row = {h: v for h, v in zip(header, values)}
                    yield self._record(row, fields, where, number, raw, f"{where}#{number}")
        finally:
            book.close()

    def _transcript(self, path: Path, label: str) -> Iterator[Record | Reject]:
        line_re = re.compile(self.config.transcript.line_pattern)
        speaker_res = [re.compile(p) for p in self.config.transcript.speaker_line_patterns]
        header_re = re.compile(self.config.transcript.session_header)
        fields = _Fields.own(["time", "speaker", "text", "session"])  # transcripts name sessions by header or position
        session_no, session_name = 1, None
        pending: dict | None = None
        # whether messages start on a line of their own ("2023-01-05 10:12:01 顾客小王", the text
        # below): blank lines then separate messages (or paragraphs of one), not sessions
        speaker_lines = False
        with self._stream(path, label) as fh:
            head = list(islice(fh, PLAIN_PROBE_LINES))
            if self._tab_table(head):
                logger.info("%s: a header row of tab-separated columns (as Excel saves text): read as a table", label)
                yield from self._csv(path, label, "\t")
                return
            patterns = (line_re, header_re, *speaker_res)
            if not reads_as_transcript(head, lambda line: any(r.match(line) for r in patterns)):
                # no line of a transcript near the top, or a few among plain lines: one message a line
                self._note_how(label, "one message a line")
                yield from self._plain_lines(chain(head, fh), label)
                return
            self._note_how(label, "transcript")
            for number, line in enumerate(chain(head, fh), start=1):
                raw = line.rstrip("\r\n").lstrip("\ufeff")  # a byte order mark where two exports were joined
                header = header_re.match(raw)
                if speaker_lines and not raw.strip():
                    continue  # between messages, or between paragraphs of one: the next line tells
                if not raw.strip() or header:
                    if pending:
                        yield self._finish(pending, fields, label)
                        pending = None
                    if header or session_name is not None or number > 1:
                        session_no += 1
                    session_name = (header.group("session") or header.group("session2")) if header and header.groupdict() else None
                    continue
                m = line_re.match(raw)
                alone = None if m else next((s for r in speaker_res if (s := r.match(raw))), None)
                if m or alone:
                    if pending:
                        yield self._finish(pending, fields, label)
                    speaker_lines = alone is not None
                    found = m or alone
                    session = session_name or f"{label}#s{session_no}"
                    pending = {"row": {"time": found.group("time"), "speaker": found.group("speaker").strip(),
                                       "text": m.group("text") if m else None},
                               "line": number, "raw": raw, "session": session}
                elif pending:
                    text = pending["row"]["text"]
                    pending["row"]["text"] = raw.strip() if text is None else text + "\n" + raw.strip()
                    pending["raw"] += "\n" + raw
                else:
                    yield Reject(label, number, "not a message line (expected 'time speaker: text', or 'time speaker' "
                                                "with the text on the lines below)", raw[:500])
        if pending:
            yield self._finish(pending, fields, label)

    def _plain_lines(self, lines: Iterable[str], label: str) -> Iterator[Record | Reject]:
        """A text file of messages, one a line (reviews, complaints pasted from a form): each line
        is a customer's message and a session of its own (no wording makes it an agent's: a
        customer writes "亲，…" too); blank lines are skipped, and a first line that is only the
        name of a text column ("内容", "text") is rejected as a header row."""
        fields = _Fields.own(["text", "session"])
        header_names = {name.casefold() for name in self.config.fields.text}
        first = True
        for number, line in enumerate(lines, start=1):
            raw = line.rstrip("\r\n").lstrip("\ufeff")
            text = raw.strip()
            if not text:
                continue
            if first and text.casefold() in header_names:
                yield Reject(label, number, "a header row (the name of a text column), not a message", raw[:500])
            else:
                yield self._record({"text": text, "session": f"{label}#{number}"}, fields, label, number, raw[:500],
                                   f"{label}#{number}", role="customer")
            first = False

    def _finish(self, pending: dict, fields: _Fields, label: str) -> Record | Reject:
        row = dict(pending["row"])
        row["session"] = pending["session"]
        return self._record(row, fields, label, pending["line"], pending["raw"][:500], pending["session"])


def _cell_text(value: Any) -> Any:
    """A spreadsheet cell's value as a JSON value: dates and times as ISO 8601 text
    ("2023-01-05 10:12:01"), which ``parse_time`` reads."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time_of_day)):
        return value.isoformat()
    return value


_SPACE = re.compile(r"\s*")


def _array_items(text: str) -> tuple[list, json.JSONDecodeError | None]:
    """The items of the JSON array that ``text`` holds, up to where it breaks off, and the error
    there (None: the array is whole, though something may follow it)."""
    decoder, items = json.JSONDecoder(), []
    at = _SPACE.match(text, text.index("[") + 1).end()
    if text.startswith("]", at):
        return items, None
    while True:
        try:
            item, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            return items, exc
        items.append(item)
        at = _SPACE.match(text, at).end()
        if text.startswith("]", at):
            return items, None
        if not text.startswith(",", at):
            return items, json.JSONDecodeError("Expecting ',' delimiter", text, at)
        at = _SPACE.match(text, at + 1).end()


def _whole_json(text: str, label: str) -> Any:
    """A whole file parsed as one JSON value; ``InputError`` where it is not valid JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{label}: not valid JSON ({exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno}); "
            "fix it, or convert it to JSON Lines (one message object per line, .jsonl)"
        ) from None
