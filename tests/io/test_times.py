"""The time field of chat exports."""

import pytest

from feedback_nlp.io.times import parse_time


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-06-07 20:03:47", (2023, 6, 7, 20, 3, 47)),
        ("2023/6/7 20:03", (2023, 6, 7, 20, 3, 0)),
        ("2023年6月7日 20时03分15秒", (2023, 6, 7, 20, 3, 15)),
        ("2024年8月6日 14时42分", (2024, 8, 6, 14, 42, 0)),
        ("2023-06-07T12:03:47Z", (2023, 6, 7, 20, 3, 47)),  # a zone is converted to China Standard Time
        ("2023.06.07", (2023, 6, 7, 0, 0, 0)),
        ("2023-06-07T20:03:47+08:00", (2023, 6, 7, 20, 3, 47)),
        ("2023-13-45 25:61:00", None),
        ("2023/02/30 10:00", None),
        ("昨天下午", None),
        ("9999-12-31T23:59:59Z", None),  # in China time past the last date there is: not a date, no crash
        ("", None),
        # a 12-hour clock, and Unix time as API exports write it (UTC, converted to China time)
        ("2024/3/5 下午3:05", (2024, 3, 5, 15, 5, 0)),
        ("2024/3/5 3:05 PM", (2024, 3, 5, 15, 5, 0)),
        ("2024年3月5日 晚上9点30分", (2024, 3, 5, 21, 30, 0)),
        ("2024/3/5 上午9:05", (2024, 3, 5, 9, 5, 0)),
        # hour 12: "上午12:59" is 00:59, as a Chinese-locale Windows or Excel writes it; 中午 and
        # 下午 12 are noon; "晚上12点" is the midnight that ends the day
        ("2023/6/8 上午12:59", (2023, 6, 8, 0, 59, 0)),
        ("2023/6/7 12:30 AM", (2023, 6, 7, 0, 30, 0)),
        ("2023/6/7 中午12:30", (2023, 6, 7, 12, 30, 0)),
        ("2023/6/7 下午12:10", (2023, 6, 7, 12, 10, 0)),
        ("2023/12/31 晚上12:00", (2024, 1, 1, 0, 0, 0)),
        ("1709600700", (2024, 3, 5, 9, 5, 0)),
        ("1709600700123", (2024, 3, 5, 9, 5, 0)),
        (1709600700123, (2024, 3, 5, 9, 5, 0)),
        ("9999999999", None),  # ten digits past 2100: an id, not a time
        ("13812345678", None),  # eleven digits: a phone number
    ],
)
def test_times_parse_time_reads_export_forms_and_refuses_impossible_dates(value, expected):
    when = parse_time(value)
    assert (when.timetuple()[:6] if when else None) == expected
    assert when is None or when.tzinfo is None
