"""Codes that chat exports write into a message's text for what is not text.

Placeholders stand for a picture, a voice message, a file ("[图片]", "[语音]"): a message of them
alone is a turn of the chat, not text to classify, and beside words they are dropped. Messenger
emoticon codes ("[强]", "[发怒]") are replaced by the emoji they stand for, so that they are read
as emoji are. The codes are listed in ``configs/chat_codes.yaml``; Traditional and full-width
forms ("［圖片］", "[語音]", "［ＯＫ］") match too, whether or not the text was normalised first
(``normalise.script: off`` leaves it in Traditional characters).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from ..config import load_chat_codes
from .script import to_simplified

# pictographs: emoji and dingbats, which chats use as words ("👍", "😡😡" alone is a reply)
PICTOGRAPH_RANGES = "\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"  # as a character class's
PICTOGRAPH = re.compile(f"[{PICTOGRAPH_RANGES}]")
_SPACE_OR_MARKS = re.compile(r"[\s\W_]*")  # emoji are \W too: tested apart
_BRACKETS = str.maketrans("［］", "[]")  # full-width brackets, for texts not normalised yet


class ChatCodeReader:
    """Replaces or drops the codes of one codes file."""

    def __init__(self, placeholders: tuple[str, ...], emoticons: dict[str, str]):
        self.placeholders = frozenset(map(_code_name, placeholders))
        self.emoticons = {_code_name(name): emoji for name, emoji in emoticons.items()}
        longest = max(map(len, self.placeholders | set(self.emoticons)), default=0)
        # any short text in square brackets, half- or full-width; its name is looked up after folding
        self.pattern = re.compile(rf"[\[［]([^\[\]［］\n]{{1,{longest}}})[\]］]") if longest else None

    def _name(self, match: re.Match) -> str:
        """The code's name as the codes file writes it, or "" if the brackets hold no code."""
        name = _code_name(match.group(1))
        return name if name in self.placeholders or name in self.emoticons else ""

    def replacement(self, match: re.Match) -> str:
        """What a code found by ``pattern`` is replaced by (itself, where it is no code)."""
        name = self._name(match)
        return " " if name in self.placeholders else self.emoticons.get(name, match.group(0))

    def replace(self, text: str) -> str:
        """``text`` with each emoticon code as its emoji and each placeholder as a space."""
        if self.pattern is None or ("[" not in text and "［" not in text):
            return text
        return self.pattern.sub(self.replacement, text)

    def only_placeholders(self, text: str) -> list[str]:
        """The placeholders of a text that holds nothing else but spaces and punctuation
        ("[图片]", "[图片][图片]", "［图片］"); an empty list for any other text ("[图片]😡" says
        something)."""
        text = to_simplified(text.translate(_BRACKETS), "t2s") if "［" in text or "[" in text else text
        if self.pattern is None or "[" not in text:
            return []
        found = [m.group(0) for m in self.pattern.finditer(text) if self._name(m) in self.placeholders]
        if not found:
            return []
        rest = self.pattern.sub(lambda m: " " if self._name(m) in self.placeholders else m.group(0), text)
        return found if _SPACE_OR_MARKS.fullmatch(rest) and not PICTOGRAPH.search(rest) else []


@functools.lru_cache(maxsize=4096)
def _code_name(name: str) -> str:
    """A code's name folded for lookup: half-width, Simplified, lower case ("ＯＫ" and "ok" are
    "ok", "圖片" is "图片")."""
    return to_simplified(unicodedata.normalize("NFKC", name), "t2s").lower()


def get_reader(path: str | Path | None = None) -> ChatCodeReader:
    """The reader of a codes file (default: the shipped one), loaded once per process."""
    return _reader(str(path) if path is not None else None)


@functools.lru_cache(maxsize=None)
def _reader(path: str | None) -> ChatCodeReader:
    codes = load_chat_codes(path)
    return ChatCodeReader(codes.placeholders, codes.emoticons)
