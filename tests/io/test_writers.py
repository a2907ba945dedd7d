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
        fields = json.loads(text)["fields"]
    else:
        import csv
        import io

        fields = json.loads(next(csv.DictReader(io.StringIO(text)))["fields"])
    assert fields == {"时间": "2023-01-05 10:12:01", "金额": "9.90"}


def test_row_writer_writes_what_the_fast_encoder_refuses_as_the_json_module_does(tmp_path):
    """Integers beyond 64 bits, keys that are not strings, and dates in any place: the same
    values as ``json.dumps(..., default=str)`` gives."""
    import datetime
    import json

    from feedback_nlp.io.writers import RowWriter

    rows = [
        {"id": "big", "fields": {"订单号": 2**70, "金额": 12.5}},
        {"id": "keys", "fields": {1: "一", 2.5: "二", None: "三"}},
        {"id": "date", "fields": {"日期": datetime.date(2023, 1, 5), "时": datetime.time(9, 30)}, "causes": ["logistics"]},
        {"id": "text", "fields": {"原文": "退款😀还没到\n第二行\t\"引号\"\\"}, "cause_probabilities": {"logistics": 0.0001}},
    ]
    path = tmp_path / "out.jsonl"
    writer = RowWriter(path, "jsonl", ["id", "fields"])
    writer.write(rows)
    writer.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [json.loads(json.dumps(r, ensure_ascii=False, default=str)) for r in rows]
    assert "😀" in lines[3]  # written as UTF-8, not as escapes


def test_row_writer_writes_nan_as_null_and_numpy_numbers_as_numbers(tmp_path):
    import json

    import numpy as np

    from feedback_nlp.io.writers import RowWriter

    path = tmp_path / "out.jsonl"
    writer = RowWriter(path, "jsonl", ["id", "fields"])
    writer.write([{"id": "m1", "fields": {"金额": float("nan"), "数量": float("inf"), "分": np.float64(0.25), "件": np.int64(3)}}])
    writer.close()
    assert json.loads(path.read_text(encoding="utf-8"))["fields"] == {"金额": None, "数量": None, "分": 0.25, "件": 3}


def test_row_writer_writes_numbers_alike_beside_what_the_fast_encoder_refuses(tmp_path):
    """A row with an integer beyond 64 bits goes through the json module; its other numbers are
    still written as in any other row."""
    import json

    import numpy as np

    from feedback_nlp.io.writers import RowWriter

    path = tmp_path / "out.jsonl"
    writer = RowWriter(path, "jsonl", ["id", "fields"])
    fields = {"订单号": 2**70, "金额": float("nan"), "多": [float("-inf"), (np.float32(0.5),)], "件": np.int64(3)}
    writer.write([{"id": "m1", "fields": fields}])
    writer.close()
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["fields"] == {"订单号": 2**70, "金额": None, "多": [None, [0.5]], "件": 3}


def test_row_writer_appends_to_json_lines(tmp_path):
    import json

    from feedback_nlp.io.writers import RowWriter

    path = tmp_path / "out.jsonl"
    first = RowWriter(path, "jsonl", ["id"])
    first.write([{"id": "一"}])
    size = first.flush()
    first.close()
    assert size == path.stat().st_size
    again = RowWriter(path, "jsonl", ["id"], append=True)
    again.write([{"id": "二"}])
    again.close()
    assert [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()] == ["一", "二"]
