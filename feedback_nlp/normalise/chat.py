"""Codes that chat exports write into a message's text for what is not text.

Placeholders stand for a picture, a voice message, a file ("[图片]", "[语音]"): a message of them
alone is a turn of the chat, not text to classify, and beside words they are dropped. Messenger
emoticon codes ("[强]", "[发怒]") are replaced by the emoji they stand for, so that they are read
as emoji are. The codes are listed in ``configs/chat_codes.yaml``; they are matched after the
character-level normalisation, so Traditional and full-width forms ("［圖片］") match too.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..config import load_chat_codes
from .script import to_simplified

_SPACE_OR_MARKS = re.compile(r"[\s\W_]*")
_BRACKETS = str.maketrans("［］", "[]")  # full-width brackets, for texts not normalised yet


class ChatCodeReader:
    """Replaces or drops the codes of one codes file."""

    def __init__(self, placeholders: tuple[str, ...], emoticons: dict[str, str]):
        self.placeholders = frozenset(name.lower() for name in placeholders)
        self.emoticons = {name.lower(): emoji for name, emoji in emoticons.items()}
        names = sorted(self.placeholders | set(self.emoticons), key=len, reverse=True)
        self._code = re.compile(r"\[(" + "|".join(map(re.escape, names)) + r")\]", re.IGNORECASE) if names else None

    def _replacement(self, match: re.Match) -> str:
        name = match.group(1).lower()
        return " " if name in self.placeholders else self.emoticons[name]

    def replace(self, text: str) -> str:
        """``text`` with each emoticon code as its emoji and each placeholder as a space."""
        if self._code is None or "[" not in text:
            return text
        return self._code.sub(self._replacement, text)

    def only_placeholders(self, text: str) -> list[str]:
        """The placeholders of a text that holds nothing else but spaces and punctuation
        ("[图片]", "[图片][图片]", "［图片］"); an empty list for any other text."""
        text = to_simplified(text.translate(_BRACKETS), "t2s") if "［" in text or "[" in text else text
        if self._code is None or "[" not in text:
            return []
        found = [m.group(0) for m in self._code.finditer(text) if m.group(1).lower() in self.placeholders]
        if not found:
            return []
        rest = self._code.sub(lambda m: " " if m.group(1).lower() in self.placeholders else m.group(0), text)
        return found if _SPACE_OR_MARKS.fullmatch(rest) else []


def get_reader(path: str | Path | None = None) -> ChatCodeReader:
    """The reader of a codes file (default: the shipped one), loaded once per process."""
    return _reader(str(path) if path is not None else None)


@functools.lru_cache(maxsize=None)
def _reader(path: str | None) -> ChatCodeReader:
    codes = load_chat_codes(path)
    return ChatCodeReader(codes.placeholders, codes.emoticons)
