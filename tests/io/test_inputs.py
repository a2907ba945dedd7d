"""Which files a run reads."""

import pytest

from feedback_nlp.errors import InputError, InputNotFoundError
from feedback_nlp.io.inputs import expand_inputs, named_paths, visible_files


def test_inputs_expand_finds_known_files(tmp_path):
    (tmp_path / "a.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv.gz").write_bytes(b"")
    (tmp_path / "notes.pdf").write_bytes(b"")
    found = expand_inputs([tmp_path])
    assert [p.name for p in found] == ["a.jsonl", "b.csv.gz"]


def test_inputs_visible_files_come_in_natural_order(tmp_path):
    for name in ("2024年10月.txt", "2024年2月.txt", "2024年1月.txt", "export_10.csv", "export_9.csv", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in visible_files(tmp_path)] == [
        "2024年1月.txt", "2024年2月.txt", "2024年10月.txt", "export_9.csv", "export_10.csv", "sub/a.txt"]


def test_inputs_named_paths_must_exist_and_not_be_empty(tmp_path):
    assert named_paths(tmp_path) == [tmp_path]
    with pytest.raises(InputNotFoundError, match="nope.csv: no such file or folder"):
        named_paths([tmp_path / "nope.csv"])
    with pytest.raises(InputError, match="an empty path was given among the reports"):
        named_paths(["", tmp_path], what="reports")
    with pytest.raises(InputError, match="no inputs given"):
        named_paths([])
