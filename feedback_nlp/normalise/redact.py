"""Masking personal data (phone, ID card and bank card numbers, e-mail, order numbers, addresses).

Rules live in ``configs/redact.yaml``. Each match becomes ``[KIND#hash]`` where the hash is stable
for the same value (salted SHA-256, spaces and dashes ignored), so records can still be joined on
it without showing the value.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable

from ..config import RedactConfig, load_redact_config

MASK = re.compile(r"\[(?P<kind>[A-Z_]+)#[0-9a-f]{8}\]")  # what a masked value looks like: [PHONE#1a2b3c4d]
_SEPARATORS = re.compile(r"[\s\-()]")
# full-width forms to half-width, one character for one ("１３８" -> "138", "＠" -> "@", "（" -> "("):
# the rules match on the text folded so, and the same positions are masked in the text as written
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return len(digits) >= 12 and total % 10 == 0


class Redactor:
    """Applies the redaction rules to texts; safe to share between threads."""

    def __init__(self, config: RedactConfig | None = None):
        self.config = config or load_redact_config()
        self._rules = [(r.id, re.compile(r.pattern, re.IGNORECASE), r.luhn) for r in self.config.rules]

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> Redactor:
        return cls(load_redact_config(path))

    def mask(self, kind: str, value: str) -> str:
        canonical = _SEPARATORS.sub("", value).upper()
        digest = hashlib.sha256((self.config.salt + canonical).encode("utf-8")).hexdigest()[:8]
        return f"[{kind}#{digest}]"

    def redact(self, text: str) -> tuple[str, Counter]:
        """``text`` with personal data masked, and how many of each kind were masked. Values typed
        in full-width characters (Chinese input methods: "１３８１２３４５６７８") are masked too,
        with the mask of their half-width form."""
        counts: Counter = Counter()
        folded = text.translate(_HALF_WIDTH)
        for kind, pattern, luhn in self._rules:
            spans: list[tuple[int, int, str]] = []  # what to mask: start, end, the mask
            for m in pattern.finditer(folded):
                whole = m.group()
                if MASK.fullmatch(whole) or (luhn and not luhn_ok(whole)):
                    continue
                part = "value" if "value" in m.re.groupindex and m.group("value") else 0
                spans.append((m.start(part), m.end(part), self.mask(kind, m.group(part))))
            if spans:
                counts[kind] += len(spans)
                text, folded = _masked(text, spans), _masked(folded, spans)
        return text, counts

    def redact_spans(self, text: str, entries: Iterable[dict]) -> str:
        """``text`` masked as ``redact`` masks it, with the spans of ``entries`` (dicts with "start"
        and "end" in ``text``, such as the evidence words of a classification) moved onto the masked
        text: each entry's "text" becomes what the masked text holds there, and an entry that
        touches a masked value spans its whole mask, which is its "term" too, not the value."""
        masked, _ = self.redact(text)
        if masked == text:
            return text
        blocks = SequenceMatcher(None, text, masked, autojunk=False).get_opcodes()
        masks = [m.span() for m in MASK.finditer(masked)]
        for entry in entries:
            if "start" not in entry:
                continue
            start, end = _moved(blocks, entry["start"], entry["end"], len(masked))
            touched = False
            for mask_start, mask_end in masks:  # a mask is shown whole (its digits may align with the value's)
                if mask_start < max(end, start + 1) and start < mask_end:
                    start, end, touched = min(start, mask_start), max(end, mask_end), True
            entry["start"], entry["end"], entry["text"] = start, end, masked[start:end]
            if touched:
                entry["term"] = entry["text"]
        return masked


def _moved(blocks: list[tuple], start: int, end: int, length: int) -> tuple[int, int]:
    """The span ``start``-``end`` of a text moved by the edits ``blocks`` (difflib opcodes) onto the
    edited text."""
    new_start, new_end = length, length
    for tag, i1, i2, j1, j2 in blocks:
        if i1 <= start < i2:
            new_start = j1 + start - i1 if tag == "equal" else j1
        if i1 < end <= i2:
            new_end = j1 + end - i1 if tag == "equal" else j2
    return new_start, max(new_start, new_end)


def _masked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each span (start, end, mask; in order, not overlapping) replaced by its mask."""
    pieces, last = [], 0
    for start, end, mask in spans:
        pieces += [text[last:start], mask]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
