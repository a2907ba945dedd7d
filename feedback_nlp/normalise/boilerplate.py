"""Remove boilerplate lines from scraped pages and tool exports, by rules kept in a config file.

Three kinds of rule (see ``configs/boilerplate.yaml``):
- ``line``: a line matching ``pattern`` (and no longer than ``max_line_length``, if set) is removed;
- ``block``: a header line matching ``pattern`` is removed together with the lines after it that
  match ``item_pattern`` (at most ``max_items`` of them) or are blank ("热点内容" followed by
  "… 浏览:734" items);
- ``inline``: what ``pattern`` matches is cut out of the line and the rest kept (a site's
  watermark pasted into the middle of a sentence: "实现工范文之家业产值").
Every removal is returned with its line number, the id of the rule and the text removed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import BoilerplateRules, load_boilerplate_rules


@dataclass(frozen=True)
class RemovedLine:
    line: int  # 1-based line number in the text the rules were applied to
    rule: str
    text: str
    whole: bool = True  # False: only ``text`` was cut out of the line (an inline rule)


class BoilerplateFilter:
    """Compiled boilerplate rules."""

    def __init__(self, rules: BoilerplateRules):
        self.rules = rules
        self._line_rules = [
            (r.id, re.compile(r.pattern), r.max_line_length) for r in rules.rules if r.kind == "line"
        ]
        self._block_rules = [
            (r.id, re.compile(r.pattern), re.compile(r.item_pattern or r"^\s*$"), r.max_items)
            for r in rules.rules
            if r.kind == "block"
        ]
        self._inline_rules = [(r.id, re.compile(r.pattern)) for r in rules.rules if r.kind == "inline"]

    def _line_rule(self, line: str) -> str | None:
        for rule_id, pattern, max_len in self._line_rules:
            if (max_len is None or len(line) <= max_len) and pattern.search(line):
                return rule_id
        return None

    def cut_inline(self, lines: list[str], keep: list[int]) -> list[RemovedLine]:
        """Cut what the inline rules match out of the kept lines (in place); the pieces cut."""
        cut: list[RemovedLine] = []
        for i in keep:
            for rule_id, pattern in self._inline_rules:
                if lines[i] and pattern.search(lines[i]):
                    cut.extend(RemovedLine(i + 1, rule_id, m.group(), whole=False) for m in pattern.finditer(lines[i]))
                    lines[i] = pattern.sub("", lines[i]).strip()
        return cut

    def filter(self, lines: list[str]) -> tuple[list[int], list[RemovedLine]]:
        """Indexes of the lines to keep, and the removed lines (inline rules are not applied
        here: see ``cut_inline``)."""
        keep: list[int] = []
        removed: list[RemovedLine] = []
        i, n = 0, len(lines)
        while i < n:
            line = lines[i]
            if not line:
                keep.append(i)
                i += 1
                continue
            block = next(((rid, item, most) for rid, head, item, most in self._block_rules if head.search(line)), None)
            if block is not None:
                rule_id, item, most = block
                removed.append(RemovedLine(i + 1, rule_id, line))
                i += 1
                items = 0
                while i < n and (not lines[i] or item.search(lines[i]) and (most is None or items < most)):
                    if lines[i]:
                        removed.append(RemovedLine(i + 1, rule_id, lines[i]))
                        items += 1
                    i += 1
                continue
            rule_id = self._line_rule(line)
            if rule_id is None:
                keep.append(i)
            else:
                removed.append(RemovedLine(i + 1, rule_id, line))
            i += 1
        return keep, removed


def get_filter(path: str | Path | None = None) -> BoilerplateFilter:
    """The filter for a rules file (default: the shipped rules), compiled once per process."""
    return _filter(str(path) if path is not None else None)


@functools.lru_cache(maxsize=None)
def _filter(path: str | None) -> BoilerplateFilter:
    return BoilerplateFilter(load_boilerplate_rules(path))
