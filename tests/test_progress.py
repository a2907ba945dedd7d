"""The batch progress line: share, rate, and a time left that does not count start-up."""

from types import SimpleNamespace

from feedback_nlp import progress as progress_module
from feedback_nlp.progress import BatchProgress, duration


def test_progress_duration_reads_as_hours_minutes_seconds():
    assert duration(42) == "42s" and duration(185) == "3m05s" and duration(3720) == "1h02m"


def test_progress_time_left_is_timed_after_the_first_chunk(monkeypatch):
    lines: list[str] = []
    clock = iter([100.0, 105.0, 121.0])  # the first chunk came after 60 s of loading
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    progress = BatchProgress(total=12_000, interactive=False, write_line=lines.append)
    progress(SimpleNamespace(read=2_000, rejected=0, seconds=60.0))  # quiet: no pace yet
    progress(SimpleNamespace(read=3_000, rejected=1, seconds=65.0))  # 5 s after the first chunk: quiet in logs
    progress(SimpleNamespace(read=4_000, rejected=1, seconds=81.0), done=False)
    # 2,000 records in the 21 s since the first chunk: 8,000 left take about 84 s, not the 4 min
    # that the rate since the start (4,000 in 81 s) would give
    assert lines == [" 33.3% 4,000 records, 1 rejected, 49/s, about 1m24s left"]


def test_progress_writes_no_line_to_a_log_for_a_run_of_one_chunk(monkeypatch):
    # the run's summary follows at once: a line saying 99.9% and no time left would only confuse
    lines: list[str] = []
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: 100.0)
    BatchProgress(total=1_526, interactive=False, write_line=lines.append)(SimpleNamespace(read=1_525, rejected=0, seconds=0.8))
    assert lines == []


def test_progress_drops_a_share_the_records_have_outgrown(monkeypatch):
    # a JSON document on one line counts as one line: more records than that shows no share
    lines: list[str] = []
    clock = iter([100.0, 111.0, 122.0, 133.0])
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    progress = BatchProgress(total=1_500, interactive=False, write_line=lines.append)
    progress(SimpleNamespace(read=500, rejected=0, seconds=0.0))
    progress(SimpleNamespace(read=1_000, rejected=0, seconds=10.0))
    progress(SimpleNamespace(read=2_000, rejected=0, seconds=21.0))
    progress(SimpleNamespace(read=3_000, rejected=0, seconds=32.0))
    assert "66.7%" in lines[0]
    assert lines[1:] == ["2,000 records, 0 rejected, 95/s", "3,000 records, 0 rejected, 94/s"]
