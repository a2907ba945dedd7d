"""The rows of CSV and TSV exports as they really come: the header found below any title lines and
with whatever separates its columns, and the physical lines of each record kept, so that a stray
quote that swallows the rows after it can be caught and those rows read again (``RecordReader``
in ``records`` turns the rows into records)."""

from __future__ import annotations

import csv
import logging
from typing import Callable

from ..errors import InputError

logger = logging.getLogger(__name__)

DELIMITERS = (",", "\t", ";", "|")  # what separates the columns of a CSV or TSV file
MAX_TITLE_ROWS = 10  # title lines an export may have above its header row
# a quoted CSV field may hold line breaks, but a record running over this many lines is taken for
# an unclosed quote: its first line is rejected and the lines after it are read again
MAX_CSV_RECORD_LINES = 1000


def find_header(
    lines: PhysicalLines, label: str, delimiter: str, names_text: Callable[[list[str]], bool]
) -> tuple[list[str], str, list[tuple[int, str]]]:
    """The header row, the separator of the columns, and the title lines above the header
    (number, text). The header is the first of the first ``MAX_TITLE_ROWS`` + 1 rows that names
    a text column (``names_text``): "客服聊天记录导出（2023年1月）" above it is a title. Where none
    does, the first row is the header (the caller reports the missing text column). A header of
    one column may be separated by another character than ``delimiter`` (a .csv saved as
    tab-separated, or with ";" by a European Excel)."""
    read: list[list[str]] = []  # the physical lines of each row read
    for _ in range(MAX_TITLE_ROWS + 1):
        try:
            row: list[str] | None = next(csv.reader(lines, delimiter=delimiter))
        except StopIteration:
            break
        except csv.Error:  # a quote that never closes: MAX_CSV_RECORD_LINES lines read into one field
            row = None
        if (row is None or not names_text(row)) and len(lines.taken) > 1:
            # a title line that opens with a quote ('"客服聊天记录导出"（2023年1月）') swallowed the
            # lines after it, the header among them: the line alone is the title, the rest is read again
            lines.push_back(lines.taken[1:])
            del lines.taken[1:]
            row = next(csv.reader([lines.taken[0].rstrip("\r\n")], delimiter=delimiter), [])
        read.append(list(lines.taken))
        lines.taken.clear()
        found = delimiter
        if len(row) == 1:
            split = {d: next(csv.reader(read[-1], delimiter=d)) for d in DELIMITERS if d != delimiter}
            other = max(split, key=lambda d: len(split[d]))
            if len(split[other]) > 1:
                found, row = other, split[other]
        row = without_bom(row)
        if names_text(row):
            if found != delimiter:
                logger.info("%s: the columns are separated by %r", label, found)
            number = lines.number - sum(map(len, read)) + 1
            titles = []
            for taken in read[:-1]:
                if "".join(taken).strip():
                    titles.append((number, "".join(taken).rstrip("\r\n")))
                number += len(taken)
            return row, found, titles
    if not read:
        raise InputError(f"{label}: no header row; the first row must name the columns")
    # no row names a text column: the first is the header, and the caller says what is missing
    lines.push_back([line for taken in read[1:] for line in taken])
    return without_bom(next(csv.reader(read[0], delimiter=delimiter), [])), delimiter, []


def holds_rows(lines: list[str], width: int, delimiter: str) -> bool:
    """Whether any of ``lines``, read alone, is a row of ``width`` fields."""
    return any(len(next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])) == width for line in lines)


def is_one_row(lines: list[str], width: int, delimiter: str) -> bool:
    """Whether ``lines`` read strictly are one row of ``width`` fields: every quoted field closed by
    a quote before a delimiter or the end of a line (a stray quote closed by chance in a later row
    is mostly followed by more text)."""
    try:
        rows = list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return len(rows) == 1 and len(rows[0]) == width


def rows_go_on(lines: list[str], delimiter: str) -> bool:
    """Whether a line after the first of a record starts as the rows of the file do after it: with
    the record's own first field (a session id) or, where that is a number, with a number (the
    next message ids). Then a quote that closed by chance swallowed those rows, though the record
    reads as one row."""
    first = [next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [""])[0].strip() for line in lines]
    return any(f == first[0] or (first[0].isdigit() and f.isdigit()) for f in first[1:] if f)


def without_bom(row: list[str]) -> list[str]:
    """A header row without the byte order mark a file may start with."""
    return [row[0][1:], *row[1:]] if row and row[0].startswith("\ufeff") else row


def ends_in_quotes(lines: list[str], delimiter: str) -> bool:
    """Whether the record on ``lines`` ends inside a quoted field: a line after it is then read
    into that field instead of as a row of its own."""
    return len(list(csv.reader([*lines, "\n"], delimiter=delimiter))) < 2


class PhysicalLines:
    """The lines of a text stream for ``csv.reader``, numbered, with the lines of the record being
    read kept in ``taken`` and a way to read lines again (``push_back``)."""

    def __init__(self, fh):
        self.fh, self.number, self.taken, self._again = fh, 0, [], []
        self.at_end = False  # the stream has no more lines (lines read again may be left)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if len(self.taken) >= MAX_CSV_RECORD_LINES:  # stops the csv module reading on through the file
            raise csv.Error(f"one record would run over more than {MAX_CSV_RECORD_LINES} lines")
        if self._again:
            line = self._again.pop()
        else:
            line = next(self.fh, None)
            if line is None:
                self.at_end = True
                raise StopIteration
        self.number += 1
        self.taken.append(line)
        return line

    def push_back(self, lines: list[str]) -> None:
        self._again.extend(reversed(lines))
        self.number -= len(lines)
