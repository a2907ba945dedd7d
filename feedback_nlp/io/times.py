"""The time field of chat exports: the forms exports write dates and times in, read into one
clock (China Standard Time, the clock of exports that name no zone)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

_DATE_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})(?:[.,]\d+)?\s*秒?)?)?"
)
TIME_FORMATS = "2023-06-07 20:03:47, 2023/6/7 20:03, 2023年6月7日 20时03分, ISO 8601"
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


def parse_time(value: Any) -> datetime | None:
    """The date and time of a chat export's time field, or None when it is empty or not a real
    date ("2023-13-45", "2023/02/30", "昨天下午"). Reads the forms exports use (``TIME_FORMATS``),
    with or without zero padding. A time with a zone ("…Z", "…+00:00") is converted to China
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
            parts = [int(p) if p else 0 for p in found.groups()]
            return datetime(*parts)
        when = datetime.fromisoformat(text)
        # "9999-12-31T23:59:59Z" is a real date whose China time falls past the last one Python has
        return when.astimezone(CHINA_STANDARD_TIME).replace(tzinfo=None) if when.tzinfo else when
    except (ValueError, OverflowError):
        return None
