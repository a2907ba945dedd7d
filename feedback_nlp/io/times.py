"""The time field of chat exports: the forms exports write dates and times in, read into one
clock (China Standard Time, the clock of exports that name no zone)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

# a time of day as exports write it: "20:03", "20时03分15秒", "下午3:05", "3:05 PM" (groups: half of
# the day, hour, minute, second, AM/PM after)
_CLOCK = (r"(上午|早上|凌晨|中午|下午|晚上|AM|PM|am|pm)?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?"
          r"(?:\s*[:：]?\s*(\d{1,2})(?:[.,]\d+)?\s*秒?)?\s*(AM|PM|am|pm)?")
TIME_OF_DAY = re.compile(_CLOCK)
_DATE_TIME = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" rf"(?:[\sT]*{_CLOCK})?")
_AFTERNOON = frozenset(("下午", "晚上", "PM", "pm"))
# Unix time in seconds or milliseconds, as API exports write it (1709600700, 1709600700123), from
# 2000 to 2100: other runs of ten or thirteen digits are no time
_EPOCH = re.compile(r"(\d{10}|\d{13})(?:\.\d+)?")
_EPOCH_RANGE = (946684800, 4102444800)
TIME_FORMATS = "2023-06-07 20:03:47, 2023/6/7 20:03, 2023/6/7 下午8:03, 2023年6月7日 20时03分, ISO 8601, Unix seconds or milliseconds"
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


def parse_time(value: Any) -> datetime | None:
    """The date and time of a chat export's time field, or None when it is empty or not a real
    date ("2023-13-45", "2023/02/30", "昨天下午"). Reads the forms exports use (``TIME_FORMATS``),
    with or without zero padding, a 12-hour clock with 上午/下午 or AM/PM, and Unix time (seconds
    or milliseconds since 1970 UTC, as API exports write it). A time with a zone ("…Z", "…+00:00") is converted to China
    Standard Time, the clock that exports without a zone are written in, so one export mixing the
    two stays in order."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    found = _DATE_TIME.fullmatch(text)
    try:
        if found:
            year, month, day, half, hour, minute, second, suffix = found.groups()
            hour = int(hour or 0)
            half = half or suffix
            next_day = half == "晚上" and hour == 12  # "晚上12点" is the midnight that ends the day
            if half in _AFTERNOON and hour < 12 or half == "中午" and hour < 11:
                hour += 12  # "下午3:05", "3:05 PM", "中午1点"
            elif half in ("AM", "am", "凌晨", "上午", "早上") and hour == 12 or next_day:
                hour = 0  # "上午12:59" is 00:59, as a Chinese-locale Windows or Excel writes it
            when = datetime(int(year), int(month), int(day), hour, int(minute or 0), int(second or 0))
            return when + timedelta(days=1) if next_day else when
        if epoch := _EPOCH.fullmatch(text):
            seconds = float(text) / (1000 if len(epoch.group(1)) == 13 else 1)
            if not _EPOCH_RANGE[0] <= seconds < _EPOCH_RANGE[1]:
                return None
            return datetime.fromtimestamp(seconds, CHINA_STANDARD_TIME).replace(tzinfo=None)
        when = datetime.fromisoformat(text)
        # "9999-12-31T23:59:59Z" is a real date whose China time falls past the last one Python has
        return when.astimezone(CHINA_STANDARD_TIME).replace(tzinfo=None) if when.tzinfo else when
    except (ValueError, OverflowError):
        return None
