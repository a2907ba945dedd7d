"""Reading text files and repairing mojibake: UTF-8 text that was decoded as GBK.

``read_text`` decodes bytes (BOM, then charset-normalizer; see ``io.decode``) and, when lines look
like UTF-8 read as GBK ("鍞鍚庡㈡湇" for "售后客服"), repairs them. The GBK decoder drops bytes it
cannot pair, so re-encoding alone loses characters. ``repair_mojibake`` rebuilds the original
byte stream: the kept bytes are known (the GBK encoding of the damaged text), the dropped bytes are
unknown but constrained (a byte is dropped only where the GBK decoder could not pair it), and the
result must be valid UTF-8. Among the readings that satisfy those constraints a beam search picks
the most likely one under a character bigram model. Where a dropped byte leaves several
characters that fit, the choice is weighed again, once the whole text is read, with the character
pairs the same text writes without inferred bytes (``_choose_by_document``). Characters of a line
that were never damaged (text added after the corruption) pass through unchanged.

Nothing is repaired silently: the result lists the lines repaired, how many characters needed
inferred bytes, and where they are. A damaged line holding U+FFFD ("�", where the GBK decoder was
told to replace bytes rather than drop them) is left as it is and listed as unrepaired, with a
warning: each "�" stands for bytes the search cannot place, and reading around them makes the line
worse.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..io.decode import Decoded, decode_bytes, read_bytes
from .charlm import CharLM
from .chat import PICTOGRAPH
from .text import code_points

logger = logging.getLogger(__name__)

LITERAL = 256  # marker in the kept-byte array for a character that has no GBK encoding
BEAM = 6
DROP_COST = math.log(0.05)  # prior cost of one byte dropped by the decoder
PASS_COST = math.log(0.02)  # prior cost of keeping a character of a damaged line as it is
WORD_BONUS = 1.0
MIN_GAIN_PER_CHAR = 1.0  # a repaired line must gain this much log-probability per non-ASCII character
CACHE_WEIGHT = 0.1  # share of the document's own character pairs where a dropped byte leaves a choice
CACHE_CHOICES = 4  # how many of those choices are weighed with the document's pairs

_tables_lock = threading.Lock()
_tables: _GbkTables | None = None


class _GbkTables:
    """GBK pair validity, character -> GBK bytes, and UTF-8 candidate indexes over the LM vocabulary."""

    def __init__(self, lm: CharLM):
        self.valid_pair = bytearray(65536)
        self.encode: dict[str, bytes] = {}
        self.fullwidth: dict[str, bytes] = {}  # ASCII character -> GBK bytes of its full-width form
        for lead in range(0x81, 0xFF):
            for trail in range(0x40, 0xFF):
                pair = bytes((lead, trail))
                try:
                    char = pair.decode("gbk")
                except UnicodeDecodeError:
                    continue
                if len(char) != 1:
                    continue
                self.valid_pair[lead << 8 | trail] = 1
                self.encode.setdefault(char, pair)
                # pages are often NFKC-normalised after the damage ("￠" became "¢"); map back
                folded = unicodedata.normalize("NFKC", char)
                if len(folded) == 1 and folded != char and not _gbk_encodable(folded):
                    self.encode.setdefault(folded, pair)
                elif len(folded) == 1 and folded.isascii() and lead in (0xA1, 0xA3) and 0xE0 <= trail <= 0xEF:
                    # full-width forms folded to ASCII after the damage: "解决" became "瑙ｅ喅" and
                    # then "瑙e喅". Only the full-width forms (rows A1, A3) whose second byte leads
                    # a CJK character in UTF-8 (a-o, `, $): others, digits and punctuation, are
                    # far more often real text
                    self.fullwidth.setdefault(folded, pair)
        for code in range(0x80):
            self.encode[chr(code)] = bytes((code,))
        self.words = _dictionary_words()
        # Multi-byte vocabulary characters indexed by their UTF-8 bytes with the dropped positions
        # zeroed. A character is listed only if the GBK decoder would really drop its bytes at those
        # positions, as far as its own next byte tells; a dropped last byte depends on the byte
        # after the character, so those entries keep the byte and are filtered in ``lookup``.
        self.index: dict[tuple, list[tuple[str, int]]] = {}
        self._lookup_memo: dict[tuple, list[str]] = {}
        # the emoji of chat too, which the model has hardly seen: "了👎" at a line's end loses the
        # emoji's last byte ("浜嗮煈")
        emoji = (chr(code) for start, end in _PICTOGRAPHS for code in range(start, end + 1))
        for char in sorted(set(lm.vocab_).union(emoji)):  # sorted: ties are broken the same way in every process
            raw = char.encode("utf-8")
            size = len(raw)
            if size not in _MASKS:
                continue
            for mask in _MASKS[size]:
                inner_ok = all(
                    self.dropped_ok(raw[pos], raw[pos + 1])
                    for pos in range(size - 1)
                    if mask >> pos & 1
                )
                if inner_ok:
                    key = (size, mask, bytes(0 if mask >> i & 1 else b for i, b in enumerate(raw)))
                    self.index.setdefault(key, []).append((char, raw[-1]))

    def dropped_ok(self, value: int, following: int) -> bool:
        """Would the GBK decoder drop ``value`` when ``following`` (-1: nothing) comes next?"""
        if value == 0x80 or value == 0xFF or following < 0:
            return True
        return not self.valid_pair[value << 8 | following]

    def lookup(self, key: tuple, following: int) -> list[str]:
        """Candidate characters for ``key`` given the byte that followed the character."""
        memo_key = key + (following,)
        found = self._lookup_memo.get(memo_key)
        if found is None:
            size, mask = key[0], key[1]
            entries = self.index.get(key, ())
            if mask >> (size - 1) & 1:
                found = [c for c, last in entries if self.dropped_ok(last, following)]
            else:
                found = [c for c, _last in entries]
            self._lookup_memo[memo_key] = found
        return found


def _dictionary_words(min_freq: int = 3) -> frozenset[str]:
    """3- and 4-character words of jieba's dictionary: context the bigram model cannot see."""
    from importlib.resources import files

    words = set()
    text = files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, _, rest = line.partition(" ")
        if 3 <= len(word) <= 4 and int(rest.split(" ", 1)[0]) >= min_freq:
            words.add(word)
    return frozenset(words)


def _gbk_encodable(char: str) -> bool:
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


# which byte positions of a 2-, 3- or 4-byte UTF-8 character may have been dropped (bit i = byte i);
# of a 4-byte character (emoji), one of its last three
_MASKS = {2: (0b01, 0b10), 3: (0b001, 0b010, 0b100, 0b011, 0b110, 0b101), 4: (0b0010, 0b0100, 0b1000)}
# the blocks of emoji pictographs (4 bytes in UTF-8) whose readings with a lost byte are tried
_PICTOGRAPHS = ((0x1F300, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF), (0x1FA70, 0x1FAFF))
_DROPS = {mask: bin(mask).count("1") for masks in _MASKS.values() for mask in masks}


def _get_tables(lm: CharLM) -> _GbkTables:
    global _tables
    with _tables_lock:
        if _tables is None:
            _tables = _GbkTables(lm)
        return _tables


def _utf8_length(lead: int) -> int:
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


@dataclass
class _Line:
    """The kept bytes of one damaged line, with unit boundaries."""

    chars: str
    kept: list[int]  # byte values, LITERAL for a character without GBK encoding
    unit_start: list[bool]  # a dropped byte may only stand before a unit boundary
    unit_char: list[int]  # index into ``chars`` of the unit starting here (-1 inside a unit)
    folded: set[int] = field(default_factory=set)  # units of ASCII characters read as their full-width bytes


def _units(line: str, tables: _GbkTables) -> _Line:
    """The line's GBK bytes. An ASCII character next to a non-ASCII one is given the bytes of its
    full-width form; the search may still read it as itself."""
    kept: list[int] = []
    unit_start: list[bool] = []
    unit_char: list[int] = []
    folded: set[int] = set()
    for i, char in enumerate(line):
        raw = tables.encode.get(char)
        if char in tables.fullwidth and (i > 0 and not line[i - 1].isascii() or i + 1 < len(line) and not line[i + 1].isascii()):
            raw = tables.fullwidth[char]
            folded.add(len(kept))
        if raw is None:
            kept.append(LITERAL)
            unit_start.append(True)
            unit_char.append(i)
            continue
        for j, b in enumerate(raw):
            kept.append(b)
            unit_start.append(j == 0)
            unit_char.append(i if j == 0 else -1)
    unit_start.append(True)
    return _Line(line, kept, unit_start, unit_char, folded)


class _Search:
    """Beam search over readings of one line; see the module docstring."""

    def __init__(self, line: _Line, tables: _GbkTables, lm: CharLM):
        self.line, self.tables, self.lm = line, tables, lm
        self.n = len(line.kept)

    def _next_byte(self, q: int) -> int:
        """The byte that followed position q in the original stream; -1 at the end of the damage."""
        if q >= self.n or self.line.kept[q] == LITERAL or q in self.line.folded:
            return -1  # the end, a character without GBK bytes, or one that may be its ASCII self
        return self.line.kept[q]

    def candidates(self, p: int) -> list[tuple[str, int, int]]:
        """Readings (char, next position, dropped bytes) of the character starting at kept byte p."""
        kept, n = self.line.kept, self.n
        out: list[tuple[str, int, int]] = []
        first = kept[p]
        if first == LITERAL:
            return out
        length = _utf8_length(first)
        if length == 1:
            out.append((chr(first), p + 1, 0))
        elif length and p + length <= n:
            raw = kept[p : p + length]
            if LITERAL not in raw and all(0x80 <= b <= 0xBF for b in raw[1:]):
                char = bytes(raw).decode("utf-8", errors="replace")
                # two-byte characters (Latin, Greek, Cyrillic) outside the model are far more
                # often an accident of the GBK bytes than real text
                if length != 2 or char in self.lm.vocab_:
                    out.append((char, p + length, 0))
        for size in (4, 3, 2):
            for mask in _MASKS[size]:
                out.extend(self._with_drops(p, size, mask))
        return [c for c in out if c[0] != "\ufffd"]

    def _with_drops(self, p: int, size: int, mask: int) -> list[tuple[str, int, int]]:
        kept, starts = self.line.kept, self.line.unit_start
        q = p
        known = bytearray(size)
        for pos in range(size):
            if mask >> pos & 1:
                if not starts[q]:
                    return []
                continue
            if q >= self.n:
                return []
            b = kept[q]
            if b == LITERAL:
                return []
            if pos == 0:
                if _utf8_length(b) != size:
                    return []
            elif not 0x80 <= b <= 0xBF:
                return []
            known[pos] = b
            q += 1
        if q == p:
            return []
        chars = self.tables.lookup((size, mask, bytes(known)), self._next_byte(q))
        drops = _DROPS[mask]
        return [(char, q, drops) for char in chars]

    def run(self) -> tuple[str, list[int], float, dict[int, list[str]], int]:
        """Best reading, offsets of characters with inferred bytes, its log-probability, for
        each of those offsets the characters that fit the same kept bytes, and how many emoji were
        left out (one of several would fit)."""
        n, lm, line, words = self.n, self.lm, self.line, self.tables.words
        # states[p]: prev char -> (score, back position, back prev char, char, drops, last chars)
        states: list[dict[str, tuple]] = [dict() for _ in range(n + 1)]
        states[0]["\n"] = (0.0, -1, "", "", 0, "")
        for p in range(n):
            here = states[p]
            if not here:
                continue
            if len(here) > BEAM:
                keep = sorted(here.items(), key=lambda kv: kv[1][0], reverse=True)[:BEAM]
                here = dict(keep)
            moves = self.candidates(p)
            u = line.unit_char[p]
            if p in line.folded:
                moves.append((line.chars[u], p + 2, 0))  # the ASCII character as it stands
            elif u >= 0 and ord(line.chars[u]) >= 0x80:
                width = 1 if line.kept[p] == LITERAL else len(self.tables.encode[line.chars[u]])
                moves.append((line.chars[u], p + width, -1))
            for prev, (score, _b, _bp, _c, _d, hist) in here.items():
                for char, q, drops in moves:
                    total = score + lm.logp(prev, char) + (PASS_COST if drops < 0 else drops * DROP_COST)
                    recent = hist + char
                    for k in (4, 3):
                        if len(recent) >= k and recent[-k:] in words:
                            total += WORD_BONUS
                            break
                    slot = states[q].get(char)
                    if slot is None or total > slot[0]:
                        states[q][char] = (total, p, prev, char, drops, recent[-3:])
        final = states[n]
        if not final:
            return line.chars, [], -math.inf, {}, 0
        prev, best = max(final.items(), key=lambda kv: kv[1][0] + lm.logp(kv[0], "\n"))
        out: list[tuple[str, int, list[str]]] = []
        left_out = 0
        p = n
        while p > 0:
            _score, back, back_prev, char, drops, _hist = states[p][prev]
            same = [c for c, q, d in self.candidates(back) if q == p and d > 0] if drops > 0 else []
            # an emoji that lost a byte could be any of several ("👎" or "👍" at a line's end): one
            # chosen would invent a feeling the writer may not have had, so it is left out
            if len(same) > 1 and PICTOGRAPH.fullmatch(char):
                left_out += 1
            else:
                out.append((char, drops, same))
            p, prev = back, back_prev
        out.reverse()
        text = "".join(c for c, _d, _s in out)
        inferred = [i for i, (_c, d, _s) in enumerate(out) if d > 0]
        return text, inferred, best[0], {i: same for i, (_c, d, same) in enumerate(out) if d > 0 and len(same) > 1}, left_out


_CJK = re.compile(r"[\u3400-\u9fff]")


def _looks_damaged(line: str) -> bool:
    """Cheap test: does re-reading the line's GBK bytes as UTF-8 give mostly CJK characters?"""
    non_ascii = sum(1 for c in line if ord(c) >= 0x80)
    if non_ascii == 0:
        return False
    if non_ascii <= 3:
        return True  # too short to judge cheaply; the search decides
    return _reads_back_as_chinese(line, non_ascii)


def _reads_back_as_chinese(text: str, non_ascii: int) -> bool:
    """Whether the GBK bytes of ``text`` read as UTF-8 are mostly Chinese characters."""
    redecoded = text.encode("gbk", errors="ignore").decode("utf-8", errors="ignore")
    # measured on real pages: clean lines score at most 0.2, damaged lines mostly over 0.4
    return len(_CJK.findall(redecoded)) >= 0.25 * non_ascii


def looks_like_mojibake(text: str) -> bool:
    """Whether ``text`` is plainly UTF-8 that was read as GBK: more than three non-ASCII characters
    whose GBK bytes read back as UTF-8 are mostly Chinese. A cheap test (no search), for single
    messages; shorter texts cannot be judged alone ("鍋" is a real character and the damaged "做")."""
    if text.isascii():
        return False
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii > 3 and _reads_back_as_chinese(text, non_ascii)


SMALL_BATCH = 16  # fewer texts than this: ``mojibake_flags`` tests them one by one


def mojibake_flags(texts: list[str]) -> list[bool]:
    """``looks_like_mojibake`` of each of ``texts``, worked out for all of them joined by line
    breaks (ten times faster on a batch of chat messages): line breaks are ASCII, and re-reading
    the GBK bytes as UTF-8 never drops one, so each text's characters are counted between them."""
    if len(texts) < SMALL_BATCH:  # the arrays' fixed costs are more than a few texts' tests
        return [looks_like_mojibake(t) for t in texts]
    if any("\n" in t for t in texts):
        texts = [t.replace("\n", " ") for t in texts]  # ASCII either way: the test does not count them
    joined = "\n".join(texts)
    points = code_points(joined)
    non_ascii = np.bincount(np.cumsum(points == 10)[points >= 0x80], minlength=len(texts))
    redecoded = code_points(joined.encode("gbk", errors="ignore").decode("utf-8", errors="ignore"))
    line = np.cumsum(redecoded == 10)
    if len(line) and line[-1] != len(texts) - 1:  # cannot happen (see above); one text at a time then
        return [looks_like_mojibake(t) for t in texts]
    cjk = np.bincount(line[(redecoded >= 0x3400) & (redecoded <= 0x9FFF)], minlength=len(texts))
    return ((non_ascii > 3) & (cjk >= 0.25 * non_ascii)).tolist()


@dataclass
class MojibakeRepair:
    """What ``repair_mojibake`` did."""

    text: str
    lines_repaired: list[int] = field(default_factory=list)  # 1-based line numbers
    chars_inferred: int = 0  # characters that needed bytes the decoder had dropped
    inferred_offsets: list[int] = field(default_factory=list)  # offsets into ``text``
    lines_unrepaired: list[int] = field(default_factory=list)  # damaged, but with "�" for lost bytes: left as they are
    emoji_left_out: int = 0  # emoji that lost a byte and could be any of several (👍 or 👎): left out

    @property
    def changed(self) -> bool:
        return bool(self.lines_repaired)


def _cache_key(char: str) -> str:
    return "0" if char.isdigit() else char


class _DocumentCache:
    """The character pairs of one document that were read without inferred bytes, digits counted
    as one character, mixed into the bigram model (a cache model)."""

    def __init__(self, lm: CharLM, lines: list[str], inferred: dict[int, list[int]]):
        self.lm = lm
        self.pairs: dict[tuple[str, str], int] = {}
        self.left: dict[str, int] = {}
        for index, line in enumerate(lines):
            unsure = set(inferred.get(index, ()))
            for i in range(1, len(line)):
                if i in unsure or i - 1 in unsure:
                    continue
                key = (_cache_key(line[i - 1]), _cache_key(line[i]))
                self.pairs[key] = self.pairs.get(key, 0) + 1
                self.left[key[0]] = self.left.get(key[0], 0) + 1

    def logp(self, prev: str, char: str) -> float:
        base = self.lm.logp(prev, char)
        seen = self.left.get(_cache_key(prev))
        if not seen:
            return base
        p = self.pairs.get((_cache_key(prev), _cache_key(char)), 0) / seen
        return math.log((1.0 - CACHE_WEIGHT) * math.exp(base) + CACHE_WEIGHT * p)


def _choose_by_document(lm: CharLM, lines: list[str], inferred: dict[int, list[int]], choices: dict[int, dict[int, list[str]]]) -> None:
    """Where a dropped byte left several characters that fit the kept bytes, take the one the
    rest of the document makes likeliest beside its neighbours ("应答速度为12秒" in a report that
    says "及时率为96.2%", where the bigram model alone prefers "速度上")."""
    cache = _DocumentCache(lm, lines, inferred)
    words = _get_tables(lm).words
    for index, alternatives in choices.items():
        chars = list(lines[index])
        for i, same in alternatives.items():
            prev = chars[i - 1] if i > 0 else "\n"
            nxt = chars[i + 1] if i + 1 < len(chars) else "\n"
            def score(c: str) -> tuple[float, bool]:
                text = "".join(chars[max(i - 3, 0) : i]) + c + "".join(chars[i + 1 : i + 4])
                at = min(i, 3)
                word = any(text[j : j + k] in words for k in (4, 3) for j in range(max(at - k + 1, 0), at + 1))
                return cache.logp(prev, c) + cache.logp(c, nxt) + WORD_BONUS * word, c == chars[i]

            # the few likeliest under the bigram model alone are weighed in full
            likely = sorted(same, key=lambda c: lm.logp(prev, c) + lm.logp(c, nxt), reverse=True)[:CACHE_CHOICES]
            chars[i] = max(sorted({*likely, chars[i]}), key=score)
        lines[index] = "".join(chars)


def repair_mojibake(text: str, lm: CharLM | None = None, *, source: str | None = None) -> MojibakeRepair:
    """Repair lines of ``text`` that are UTF-8 decoded as GBK; other lines are returned unchanged.

    A line with a single non-ASCII character cannot be judged on its own ("鍋" is a real
    character and also the damaged form of "做"), so such lines are repaired only in a text
    where longer lines were found damaged; so are lines that lost so many bytes that the cheap
    test passes them over. A damaged line holding "�" (bytes replaced, not
    dropped) is left unchanged and listed in ``lines_unrepaired``, with a logged warning naming
    ``source`` where one is given (a file; a caller repairing many messages reports it per message).
    """
    lm = lm or CharLM.load()
    lines = text.split("\n")
    fixed: list[str] = list(lines)
    inferred_by_line: dict[int, list[int]] = {}
    choices: dict[int, dict[int, list[str]]] = {}  # line -> offset -> characters fitting its bytes
    unrepaired: list[int] = []
    left_out = 0
    tables = None
    for single_pass in (False, True):
        if single_pass and not inferred_by_line:
            break
        for index, line in enumerate(lines):
            non_ascii = sum(1 for c in line if ord(c) >= 0x80)
            if single_pass:
                # in a text found damaged: lines of one non-ASCII character, and lines the cheap test
                # passed over (so dense in dropped bytes that little reads back: "銆銆2銆佸︿細鎹浣嶆濊");
                # the search's gain decides
                if index in inferred_by_line or non_ascii == 0 or (non_ascii == 1 and not _looks_damaged(line)):
                    continue
                if non_ascii > 1 and _looks_damaged(line):
                    continue  # judged in the first pass
            elif non_ascii == 1 or not _looks_damaged(line):
                continue
            tables = tables or _get_tables(lm)
            candidate, inferred, score, alternatives, emoji_lost = _Search(_units(line, tables), tables, lm).run()
            gain = score - lm.score(line) - lm.logp(line[-1:], "\n")
            if candidate == line or gain < MIN_GAIN_PER_CHAR * non_ascii:
                continue
            if "\ufffd" in line:  # bytes replaced, not dropped: the search cannot place them
                unrepaired.append(index + 1)
                continue
            fixed[index] = candidate
            inferred_by_line[index] = inferred
            left_out += emoji_lost
            choices[index] = alternatives
    if any(choices.values()):
        _choose_by_document(lm, fixed, inferred_by_line, choices)
    result = MojibakeRepair(text="\n".join(fixed), lines_unrepaired=sorted(unrepaired), emoji_left_out=left_out)
    offset = 0
    for index, line in enumerate(fixed):
        if index in inferred_by_line:
            result.lines_repaired.append(index + 1)
            result.chars_inferred += len(inferred_by_line[index])
            result.inferred_offsets.extend(offset + i for i in inferred_by_line[index])
        offset += len(line) + 1
    if result.lines_repaired:
        logger.info("repaired %d mojibake lines, %d characters inferred", len(result.lines_repaired), result.chars_inferred)
    for line in result.lines_unrepaired if source is not None else ():
        logger.warning(
            "%s line %d: looks like UTF-8 read as GBK (mojibake), but with bytes replaced by U+FFFD (�) it "
            "cannot be repaired; left as it is. Decode the original bytes again, dropping what GBK cannot "
            "read (errors='ignore') instead of replacing it", source, line
        )
    return result


@dataclass
class TextRead:
    """The result of ``read_text``: decoded (and repaired) text plus what was done to get it."""

    text: str
    source: str
    encoding: str
    confidence: float
    bom: bool = False
    undecodable: int = 0  # bytes that could not be decoded (replaced, then removed)
    mojibake: MojibakeRepair | None = None
    # the lines read in another encoding than ``encoding``, by that encoding (a file that mixes them)
    other_lines: dict[str, list[int]] = field(default_factory=dict)

    def report(self) -> dict:
        """A JSON-ready summary of what was done."""
        out = {
            "source": self.source,
            "encoding": self.encoding,
            "confidence": round(self.confidence, 3),
            "bom": self.bom,
            "undecodable_bytes": self.undecodable,
            "chars": len(self.text),
        }
        if self.other_lines:
            out["lines_in_other_encodings"] = self.other_lines
        if self.mojibake is not None and self.mojibake.changed:
            out["mojibake_lines_repaired"] = len(self.mojibake.lines_repaired)
            out["mojibake_chars_inferred"] = self.mojibake.chars_inferred
            if self.mojibake.emoji_left_out:
                out["mojibake_emoji_left_out"] = self.mojibake.emoji_left_out
        if self.mojibake is not None and self.mojibake.lines_unrepaired:
            out["mojibake_lines_unrepaired"] = self.mojibake.lines_unrepaired
        return out


def read_text(
    source: str | Path | bytes,
    *,
    encoding: str = "auto",
    repair: bool = True,
    max_bytes: int | None = None,
    name: str | None = None,
) -> TextRead:
    """Read a file path or raw bytes as text: detect the encoding, decode, repair mojibake.

    Raises ``InputError`` (naming the input) for empty, binary or undecodable data and
    ``InputNotFoundError`` for a missing path.
    """
    data, label = read_bytes(source, max_bytes=max_bytes, name=name)
    decoded: Decoded = decode_bytes(data, label, encoding=encoding)
    result = TextRead(
        text=decoded.text,
        source=label,
        encoding=decoded.encoding,
        confidence=decoded.confidence,
        bom=decoded.bom,
        undecodable=decoded.undecodable,
        other_lines=decoded.other_lines,
    )
    if decoded.other_lines:
        logger.warning("%s", decoded.mixed_warning(label))
    if repair:
        result.mojibake = repair_mojibake(decoded.text, source=label)
        result.text = result.mojibake.text
    return result
