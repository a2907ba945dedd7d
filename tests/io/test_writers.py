from pathlib import Path

import pytest

from feedback_nlp.errors import InputError
from feedback_nlp.io.writers import output_format


@pytest.mark.parametrize(
    "name, expected",
    [("out.csv", "csv"), ("OUT.CSV", "csv"), ("out.parquet", "parquet"), ("out.jsonl", "jsonl"), ("out.json", "jsonl"), ("out", "jsonl"), ("out.txt", "jsonl")],
)
def test_output_format_follows_the_name(name, expected):
    assert output_format(Path(name)) == expected


def test_output_format_named_for_a_name_that_says_nothing():
    assert output_format(Path("messages.out"), "csv") == "csv"


def test_output_format_contradicting_the_name_is_refused():
    with pytest.raises(InputError, match=r"out\.csv: the name says csv but the format asked for is parquet; name the file out\.parquet"):
        output_format(Path("out.csv"), "parquet")


def test_output_format_unknown_is_refused():
    with pytest.raises(InputError, match="'xlsx' is not known"):
        output_format(Path("out"), "xlsx")


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_row_writer_writes_values_json_has_no_type_for_as_text(tmp_path, fmt):
    import datetime
    import decimal
    import json

    from feedback_nlp.io.writers import RowWriter

    path = tmp_path / f"out.{fmt}"
    writer = RowWriter(path, fmt, ["id", "fields"])
    writer.write([{"id": "m1", "fields": {"时间": datetime.datetime(2023, 1, 5, 10, 12, 1), "金额": decimal.Decimal("9.90")}}])
    writer.close()
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "jsonl":
        assert json.loads(text)["fields"] == {"时间": "2023-01-05 10:12:01", "金额": "9.90"}
    else:
        assert '"时间"": ""2023-01-05 10:12:01""' in text
