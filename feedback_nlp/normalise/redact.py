"""Masking personal data (phone, ID card and bank card numbers, e-mail, order numbers, addresses).

Rules live in ``configs/redact.yaml``. Each match becomes ``[KIND#hash]`` where the hash is stable
for the same value (salted SHA-256, spaces and dashes ignored), so records can still be joined on
it without showing the value.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from ..config import RedactConfig, load_redact_config

MASK = re.compile(r"\[(?P<kind>[A-Z_]+)#[0-9a-f]{8}\]")  # what a masked value looks like: [PHONE#1a2b3c4d]
_SEPARATORS = re.compile(r"[\s\-()]")


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
        """``text`` with personal data masked, and how many of each kind were masked."""
        counts: Counter = Counter()
        for kind, pattern, luhn in self._rules:

            def replace(m: re.Match, kind=kind, luhn=luhn) -> str:
                whole = m.group()
                if MASK.fullmatch(whole) or (luhn and not luhn_ok(whole)):
                    return whole
                if "value" in m.re.groupindex and m.group("value"):
                    start, end = m.span("value")
                    counts[kind] += 1
                    offset = m.start()
                    return whole[: start - offset] + self.mask(kind, m.group("value")) + whole[end - offset :]
                counts[kind] += 1
                return self.mask(kind, whole)

            text = pattern.sub(replace, text)
        return text, counts
