"""Streaming writers for classified messages: JSON Lines, CSV and Parquet.

Rows are flat dicts (see ``batch.MESSAGE_COLUMNS``); nested values (lists, dicts) are written as
JSON text in CSV and Parquet; a value JSON has no type for (a date from a spreadsheet's cell, say)
is written as its text, so one odd input value cannot stop a run. CSV is UTF-8 with a byte order mark, so that Excel reads it. JSON Lines and CSV can be reopened to append (resume); Parquet
cannot, which ``classify --resume`` reports.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..errors import InputError
from .decode import SURROGATE

FORMATS = ("jsonl", "csv", "parquet")
RESUMABLE = ("jsonl", "csv")  # formats a run can append to after an interruption; Parquet cannot be
# what an output's name says about its format; any other name is written as JSON Lines
SUFFIX_FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def output_format(path: Path, fmt: str | None = None) -> str:
    """The format of ``path``: ``fmt`` when given, else what its suffix says ("out.csv" -> csv),
    else jsonl. A ``fmt`` that contradicts the suffix ("out.csv" as jsonl) is refused: a file
    named .csv that holds JSON would mislead whoever opens it next."""
    implied = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        return implied or "jsonl"
    if fmt not in FORMATS:
        raise InputError(f"output format {fmt!r} is not known; use one of {', '.join(FORMATS)}")
    if implied is not None and implied != fmt:
        raise InputError(
            f"{path}: the name says {implied} but the format asked for is {fmt}; "
            f"name the file {path.stem}.{fmt} or leave the format out"
        )
    return fmt


# dates and dataclasses go to ``str`` as the json module's ``default=str`` sends them; keys that
# are not strings are written as their text, as the json module does; numpy numbers as numbers
_ORJSON_OPTIONS = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
                   | orjson.OPT_SERIALIZE_NUMPY)


def _json_bytes(value: Any) -> bytes:
    """``value`` as UTF-8 JSON; values JSON has no type for are written as their text. orjson
    writes a message row about four times as fast as the json module; what it refuses (an integer
    beyond 64 bits, a string with a lone surrogate) goes through the json module, with numbers
    written as orjson writes them, and lone surrogates as JSON escapes."""
    try:
        return orjson.dumps(value, default=str, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        text = json.dumps(_as_orjson_numbers(value), ensure_ascii=False, default=str)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable input bytes in a field kept as it came (a nested value, a key)
        # a surrogate stands only inside a JSON string, where its escape is valid JSON
        return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")  # as JSON escapes


def _as_orjson_numbers(value: Any) -> Any:
    """``value`` with NaN and infinities as None and numpy numbers as Python numbers, at any depth,
    as orjson writes them."""
    if isinstance(value, dict):
        return {k: _as_orjson_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_orjson_numbers(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json(value: Any) -> str:
    """``value`` as JSON text (``_json_bytes``)."""
    return _json_bytes(value).decode("utf-8")


def _flat(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return _json(value)
    return value


class RowWriter:
    """Writes rows to ``path`` in ``fmt``; ``append`` continues an existing JSONL/CSV file."""

    def __init__(self, path: Path, fmt: str, columns: list[str], append: bool = False, types: dict[str, str] | None = None):
        """``types``: the Parquet type of columns ("string", "int64", "double", "bool"), so that a
        column left empty in the first rows (no message classified yet) is not given the wrong
        type; columns not named take the type of their first rows' values."""
        if fmt not in FORMATS:
            raise InputError(f"output format {fmt!r} is not known; use one of {', '.join(FORMATS)}")
        self.path, self.fmt, self.columns = path, fmt, columns
        self.types = types or {}
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            if append:
                raise InputError(f"{path}: a Parquet file cannot be appended to; pass --restart, or write JSON Lines or CSV")
            self._pq_writer = None
            return
        if fmt == "jsonl":  # bytes, as orjson makes them
            self._fh = open(path, "ab" if append else "wb")
            return
        # CSV starts with a UTF-8 byte order mark, which Excel needs to read it as UTF-8 rather than
        # the system's code page (GBK on Chinese Windows); appending does not write it again
        self._fh = open(path, "a" if append else "w", encoding="utf-8-sig", newline="")
        if fmt == "csv":
            self._csv = csv.DictWriter(self._fh, fieldnames=columns, extrasaction="ignore")
            if not append:
                self._csv.writeheader()

    def write(self, rows: list[dict]) -> None:
        if self.fmt == "jsonl":
            self._fh.writelines(_json_bytes(r) + b"\n" for r in rows)
        elif self.fmt == "csv":
            self._csv.writerows({k: _flat(r.get(k)) for k in self.columns} for r in rows)
        else:
            self._write_parquet(rows)

    def _write_parquet(self, rows: list[dict]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not rows:
            return
        table = {k: [_flat(r.get(k)) for r in rows] for k in self.columns}
        for k, kind in self.types.items():
            if kind == "string" and k in table:  # a time cell of a spreadsheet, a number as an id: as text
                table[k] = [v if v is None or isinstance(v, str) else str(v) for v in table[k]]
        if self._pq_writer is None:
            found = pa.Table.from_pydict({k: v for k, v in table.items() if k not in self.types}).schema
            self._schema = pa.schema([
                pa.field(k, pa.type_for_alias(self.types[k]) if k in self.types
                         else pa.string() if pa.types.is_null(found.field(k).type) else found.field(k).type)
                for k in self.columns
            ])
            self._pq_writer = pq.ParquetWriter(self.path, self._schema)
        self._pq_writer.write_table(pa.Table.from_pydict(table, schema=self._schema))

    def flush(self) -> int:
        """Flush to disk; the file's size in bytes (the resume point), 0 for Parquet."""
        if self.fmt == "parquet":
            return 0
        self._fh.flush()
        return self._fh.tell()

    def close(self) -> None:
        if self.fmt == "parquet":
            if self._pq_writer is not None:
                self._pq_writer.close()
        else:
            self._fh.close()
