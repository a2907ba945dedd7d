"""The progress line of a batch run on the terminal: share done, records, rate and time left.

On a terminal the line is redrawn in place about twice a second, with a bar; in logs (stderr not a
terminal) a line is written every 10 s from the first chunk on, so a run shorter than that writes
only its summary, and each line can tell the time left. The time left is timed from the first chunk
on, so that loading the model and starting the workers do not count as work.
"""

from __future__ import annotations

import sys
import time
from typing import Callable

BAR_WIDTH = 24


def duration(seconds: float) -> str:
    """"1h02m", "3m05s", "42s"."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class BatchProgress:
    """Called with the run's summary after each chunk (``done=True`` once at the end). ``total``:
    the input's line count, for the share and the time left (None: unknown)."""

    def __init__(self, total: int | None, interactive: bool, write_line: Callable[[str], None]):
        self.total, self.interactive, self.write_line = total, interactive, write_line
        self.last = 0.0
        self.first: tuple[float, int] | None = None  # (time, records) at the first chunk

    def __call__(self, summary, done: bool = False) -> None:
        now = time.monotonic()
        if self.first is None:
            self.first = (now, summary.read)
            if not self.interactive:
                self.last = now  # a log's first line waits for a pace to tell the time left by
        if not done and now - self.last < (0.5 if self.interactive else 10.0):
            return
        self.last = now
        rate = summary.read / summary.seconds if summary.seconds else 0.0
        line = f"{summary.read:,} records, {summary.rejected:,} rejected, {rate:,.0f}/s"
        share = 0.0
        if self.total and summary.read > self.total:
            self.total = None  # more records than the estimate: it was wrong (a JSON document on one line)
        if self.total:
            # the line count includes header and blank lines, so only the end of the run says 100%
            share = 1.0 if done else min(summary.read / self.total, 1.0)
            since, read_then = self.first
            pace = (summary.read - read_then) / (now - since) if now > since and summary.read > read_then else 0.0
            left = f", about {duration(max((self.total - summary.read) / pace, 0.0))} left" if pace else ", estimating the time left"
            line = f"{share:6.1%} " + line + ("" if done else left)
        if self.interactive:
            bar = "#" * int(BAR_WIDTH * share) if self.total else ""
            sys.stderr.write("\r" + (f"[{bar:<{BAR_WIDTH}}] " if self.total else "") + line.ljust(70))
            sys.stderr.flush()
        else:
            self.write_line(line)
