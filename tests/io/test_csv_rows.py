"""The CSV row mechanics on their own; whole files are read in test_records.py."""

import io

import pytest

from feedback_nlp.errors import InputError
from feedback_nlp.io.csv_rows import PhysicalLines, ends_in_quotes, find_header, holds_rows, is_one_row, rows_go_on


def names_text(row):
    return "内容" in row or "text" in row


def test_csv_rows_header_below_titles_with_its_own_separator():
    lines = PhysicalLines(io.StringIO("导出报表\n\n\ufeff会话ID;内容\n1;快递没到\n"))
    header, delimiter, titles = find_header(lines, "x.csv", ",", names_text)
    assert (header, delimiter, titles) == (["会话ID", "内容"], ";", [(1, "导出报表")])
    assert next(lines) == "1;快递没到\n" and lines.number == 4  # reading goes on after the header


def test_csv_rows_no_header_found_gives_back_the_first_row_and_the_rest():
    lines = PhysicalLines(io.StringIO("a,b\n1,2\n"))
    assert find_header(lines, "x.csv", ",", names_text) == (["a", "b"], ",", [])
    assert list(lines) == ["1,2\n"] and lines.number == 2
    with pytest.raises(InputError, match="x.csv: no header row"):
        find_header(PhysicalLines(io.StringIO("")), "x.csv", ",", names_text)


def test_csv_rows_stray_quote_checks():
    # a stray quote closed by chance in a later row: that record holds whole rows, which go on
    # as the file's rows do (ids 2, 3); strictly read it is one row only where the quote ends a field
    swallowed = ['1,"坏了\n', "2,好的\n", '3,再见"\n']
    assert holds_rows(swallowed[1:], 2, ",") and rows_go_on(swallowed, ",") and is_one_row(swallowed, 2, ",")
    assert not is_one_row(['1,"坏了\n', "2,好的\n", '3,"再见"了\n'], 2, ",")
    assert is_one_row(['1,"第一行\n', '第二行"\n'], 2, ",")
    assert ends_in_quotes(['1,"没有结束的引号\n'], ",") and not ends_in_quotes(["1,好\n"], ",")
