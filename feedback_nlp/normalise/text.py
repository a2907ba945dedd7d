"""Text normalisation: script, Unicode forms, width, punctuation, whitespace and boilerplate.

``normalise_text`` keeps the line structure it can: each output line knows the line of the input
it came from (``line_map``), so later stages can cite sources, and every removed line is reported
with the rule that removed it. Steps, in order:

1. newlines unified; control and zero-width characters removed; odd spaces made plain spaces;
2. NFKC where safe: Chinese punctuation (，！？：；（）), "…", circled numbers (①) and unit signs
   (㎡) keep their form, everything else (full-width letters and digits, compatibility ideographs)
   is folded;
3. Traditional -> Simplified (OpenCC);
4. punctuation: ASCII , ! ? : ; ( ) next to Chinese characters become their Chinese forms, and runs
   of repeated marks are folded ("！！！" -> "！", "。。。" or "......" -> "…");
5. lines stripped, runs of blank lines folded to one, boilerplate lines removed.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..config import NormaliseConfig
from .boilerplate import RemovedLine, get_filter
from .chat import PICTOGRAPH_RANGES, get_reader
from .script import to_simplified

# characters NFKC would change but which carry meaning in Chinese text: circled numbers, unit
# signs, and superscripts and fractions, which NFKC would turn into other figures ("30m³" into
# "30m3", "½" into "1⁄2")
_PROTECTED = ("，！？：；（）…" + "".join(chr(c) for c in range(0x2460, 0x249C)) + "㎡㎝㎜㎞㎏℃"
              + "¹²³⁰⁴⁵⁶⁷⁸⁹" + "¼½¾" + "".join(chr(c) for c in range(0x2150, 0x215F)))
_FULLWIDTH = {
    c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c) not in _PROTECTED
}
_FULLWIDTH[0x3000] = 0x20

# control, zero-width and replacement characters, and unpaired surrogates (half an emoji, from a
# JSON escape cut in two), which cannot be written out as UTF-8: removed; the zero-width joiner
# only outside an emoji sequence ("👨\u200d👩\u200d👧" is one emoji, a family)
_CONTROL = re.compile(
    r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffd\u00ad\ud800-\udfff]"
    rf"|\u200d(?<![{PICTOGRAPH_RANGES}\ufe0f]\u200d(?=[{PICTOGRAPH_RANGES}]))"
)
# spaces of other widths, tabs, and vertical tabs and form feeds (a page break of pdftotext): a
# space, so that the words on either side stay apart and the lines keep their numbers
_ODD_SPACE = re.compile(r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f]")
_MULTI_SPACE = re.compile(r" {2,}")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# the mark is matched first and its context checked after: much faster than a leading lookbehind
# a run of one mark after or before a Chinese character is a run of its Chinese form ("好用!!!" is
# "好用！！！", which folds as typed full-width marks do)
_ASCII_PUNCT = re.compile(rf"([,!?:;])(?:(?<=[{_HAN}].)\1*|\1*(?=[{_HAN}]))|\((?=[{_HAN}])|\)(?<=[{_HAN}].)")
_TO_CHINESE = {",": "，", "!": "！", "?": "？", ":": "：", ";": "；", "(": "（", ")": "）"}
# every repeat starts with two of these marks: the lookahead lets the engine pass over the rest of
# the text fast (four times faster on chat messages)
_REPEATS = re.compile(r"(?=[。.…！？，、；：~～!?]{2})(?:(。{2,}|\.{3,}|…{2,})|([！？，、；：~～!?])\2+)")


@dataclass
class NormalisedText:
    """The result of ``normalise_text``."""

    text: str
    original: str
    line_map: list[int]  # for each line of ``text``, the 1-based line of ``original`` it came from
    removed: list[RemovedLine] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)

    def on_input_lines(self) -> str:
        """``text`` with each line at the number of the ``original`` line it came from, lines
        removed (boilerplate, runs of blank lines) left blank: line numbers match the sources that
        later stages cite."""
        # a text that ends with a line break has as many lines as breaks ("a\nb\n": two)
        lines = [""] * (self.original.count("\n") + (not self.original.endswith("\n")))
        for line, source in zip(self.text.split("\n"), self.line_map):
            if source <= len(lines):
                lines[source - 1] = line
        return "\n".join(lines)

    def report(self, lines: bool = False) -> dict:
        """A JSON-ready summary; ``lines=True`` lists every removed line."""
        out = {
            "chars_in": len(self.original),
            "chars_out": len(self.text),
            "changes": {k: v for k, v in self.changes.items() if v},
            "boilerplate_lines_removed": sum(r.whole for r in self.removed),
        }
        if any(not r.whole for r in self.removed):
            out["boilerplate_cut_from_lines"] = sum(not r.whole for r in self.removed)
        if lines:
            out["removed_lines"] = [
                {"line": r.line, "rule": r.rule, "text": r.text, **({} if r.whole else {"cut_from_line": True})}
                for r in self.removed
            ]
        return out


def _count_diff(a: str, b: str) -> int:
    if a == b:
        return 0
    if len(a) == len(b):
        return sum(map(operator.ne, a, b))
    return abs(len(a) - len(b))


def fold_width(text: str) -> str:
    """Full-width ASCII letters, digits and symbols to half-width (Chinese punctuation kept)."""
    return text.translate(_FULLWIDTH)


_COMMON_PROTECTED = "，！？：；（）…"
_RARE_PROTECTED = re.compile("[" + re.escape(_PROTECTED[len(_COMMON_PROTECTED) :]) + "]")
_PROTECT_RARE = {ord(c): 0xE000 + i for i, c in enumerate(_PROTECTED) if c not in _COMMON_PROTECTED}
_UNPROTECT_RARE = {v: k for k, v in _PROTECT_RARE.items()}


def code_points(text: str) -> np.ndarray:
    """The code point of each character of ``text``, as an array."""
    return np.frombuffer(text.encode("utf-32-le"), np.uint32)


@functools.lru_cache(maxsize=1)
def _nfkc_runs() -> re.Pattern:
    """The runs of characters that NFKC may change (see ``_nfkc_spans``). Every other
    character of the Basic Multilingual Plane is one NFKC leaves as it is, whatever is next to it: it
    has no compatibility or canonical mapping, is no combining mark and never joins the character
    before it in a composition ("e" + U+0301 -> "é", Hangul vowels and finals). Worked out from the
    running Python's Unicode data, once per process (about 0.1 s)."""
    joins_previous = {*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)}  # Hangul vowels and finals
    for cp in range(0x30000):  # canonical pairs are all in the first planes
        mapping = unicodedata.decomposition(chr(cp))
        if mapping and mapping[0] != "<" and len(parts := mapping.split()) == 2:
            joins_previous.add(int(parts[1], 16))
    ranges: list[tuple[int, int]] = []
    start = None
    for cp in range(0x10001):
        char = chr(cp)
        left_alone = (cp < 0x10000 and not 0xD800 <= cp < 0xE000 and cp not in joins_previous
                      and not unicodedata.combining(char) and unicodedata.normalize("NFKC", char) == char)
        if left_alone and start is None:
            start = cp
        elif not left_alone and start is not None:
            ranges.append((start, cp - 1))
            start = None
    alone = "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)
    return re.compile(f"[^{alone}]+")


def _nfkc_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the runs of characters of ``text`` that NFKC may change, each with the
    character before it, which a combining mark may join (runs are apart by one character at
    least, so the spans do not overlap). Matching the runs alone and adding that character here is
    three times faster than a pattern that matches it too, which tries it at every character."""
    for run in _nfkc_runs().finditer(text):
        yield max(run.start() - 1, 0), run.end()


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, several times faster on Chinese text, where few
    characters change: only the runs of characters that may change are normalised (``_nfkc_spans``)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    pieces = []
    left = 0
    for start, end in _nfkc_spans(text):
        pieces += [text[left:start], unicodedata.normalize("NFKC", text[start:end])]
        left = end
    pieces.append(text[left:])
    return "".join(pieces)


def nfkc_safe(text: str) -> str:
    """NFKC, except for the characters listed in ``_PROTECTED``.

    Protected characters are swapped for private-use code points (which NFKC leaves alone) and
    back: with str.replace for the common punctuation, and a translation table only when one of
    the rare ones (circled numbers, unit signs) is present.
    """
    rare = _RARE_PROTECTED.search(text) is not None
    if rare:
        text = text.translate(_PROTECT_RARE)
    for i, char in enumerate(_COMMON_PROTECTED):
        text = text.replace(char, chr(0xF000 + i))
    text = nfkc(text)
    for i, char in enumerate(_COMMON_PROTECTED):
        text = text.replace(chr(0xF000 + i), char)
    return text.translate(_UNPROTECT_RARE) if rare else text


def _count_changed(before: str, after: str) -> int:
    """Characters changed, counted line by line (only lines that differ are compared)."""
    if before == after:
        return 0
    a, b = before.split("\n"), after.split("\n")
    if len(a) != len(b):
        return _count_diff(before, after)
    return sum(_count_diff(x, y) for x, y in zip(a, b) if x != y)


class Substitution:
    """A regular-expression substitution as a normalising step, which can also carry the input
    span of each character through to its result (``carry``)."""

    def __init__(self, pattern: re.Pattern, replacement):
        self.pattern = pattern
        self.replacement = replacement  # a string, or a function of the match

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)

    def carry(self, text: str, spans: np.ndarray) -> tuple[str, np.ndarray]:
        """The step's result and, for each of its characters, the span of the input its source
        had (``spans``: the span of each character of ``text``, one row each): characters left
        alone keep theirs, a replacement as long as what it replaced takes theirs one for one, any
        other takes the span of all it replaced ("[强]" -> "👍")."""
        matches = list(self.pattern.finditer(text))
        if not matches:
            return text, spans
        parts: list[tuple[int, int, str]] = []  # a gap between matches, then a match, and so on
        last = 0
        for match in matches:
            start, end = match.span()
            new = self.replacement if isinstance(self.replacement, str) else self.replacement(match)
            parts += [(last, start - last, text[last:start]), (start, end - start, new)]
            last = end
        parts.append((last, len(text) - last, text[last:]))
        out, pieces = _made_of(parts)
        return out, _pieces_spans(spans, *pieces)


_TO_CHINESE_FORMS = Substitution(_ASCII_PUNCT, lambda m: _TO_CHINESE[m.group()[0]] * len(m.group()))
_REPEATS_FOLDED = Substitution(_REPEATS, lambda m: "…" if m.group(1) else m.group(2))


def fold_punctuation(text: str) -> str:
    """Chinese punctuation forms next to Chinese text, and runs of repeated marks folded."""
    return _REPEATS_FOLDED(_TO_CHINESE_FORMS(text))


def _char_steps(cfg: NormaliseConfig) -> list:
    steps = []
    if cfg.nfkc:
        steps.append(("unicode_folded", nfkc_safe))
    elif cfg.fullwidth_to_halfwidth:
        steps.append(("unicode_folded", fold_width))
    if cfg.script != "off":
        steps.append(("script_converted", functools.partial(to_simplified, mode=cfg.script)))
    reader = get_reader(cfg.chat_codes_file) if cfg.chat_codes else None
    if reader is not None and reader.pattern is not None:
        steps.append(("chat_codes_read", Substitution(reader.pattern, reader.replacement)))
    if cfg.fold_punctuation:
        steps.append(("punctuation_folded", fold_punctuation))
    return steps


_CONTROL_REMOVED = Substitution(_CONTROL, "")
_SPACES_PLAIN = Substitution(_ODD_SPACE, " ")
_SPACES_FOLDED = Substitution(_MULTI_SPACE, " ")


def _record_steps(cfg: NormaliseConfig) -> list:
    """The steps of ``normalise_records`` between joining the texts and splitting them again."""
    return [_CONTROL_REMOVED, _SPACES_PLAIN, *(step for _name, step in _char_steps(cfg)), _SPACES_FOLDED]


# a line break inside a message between words ends a clause, as a comma would: "快递一直没到\n客服
#态度很好" is read "快递一直没到，客服态度很好", so the negation of the first line does not reach
# into the second; after a mark that ends a clause already, or at either end, it is a space. A
# break is any Python's str.splitlines knows of the kind chats hold (CR LF, CR, LF, NEL, the
# Unicode line and paragraph separators), and a run of breaks and blanks is one break: "\r\n",
# "\n\n" and " \n" read as "\n" does
_BREAK_CHARS = "\r\n\x85\u2028\u2029"
_A_BREAK = re.compile(f"[{_BREAK_CHARS}]")
_INTERIOR_BREAK = re.compile(rf"(?<=[^\s，。！？；、,.!?;…~：:])[^\S{_BREAK_CHARS}]*[{_BREAK_CHARS}]\s*(?=\S)")
_BREAKS_TO_SPACES = str.maketrans(dict.fromkeys(_BREAK_CHARS, " "))


def _one_line(text: str) -> str:
    """A text on one line, each character in its place (spans hold): see ``_INTERIOR_BREAK``. A run
    of breaks and blanks between words becomes "，" and NULs, which the first step removes."""
    if not _A_BREAK.search(text):
        return text
    return _INTERIOR_BREAK.sub(_comma_run, text).translate(_BREAKS_TO_SPACES)


def _comma_run(match: re.Match) -> str:
    return "，" + "\x00" * (match.end() - match.start() - 1)


def normalise_records(texts: list[str], config: NormaliseConfig | None = None) -> list[str]:
    """Normalise many short texts (chat messages) at once: the character-level steps of
    ``normalise_text`` run over all of them joined, which is much faster than one call each.
    A line break between words inside a text becomes "，" (it ends a clause), any other a space;
    no boilerplate removal, no report."""
    if not texts:
        return []
    out = "\n".join(map(_one_line, texts))
    for step in _record_steps(config or NormaliseConfig()):
        out = step(out)
    return [line.strip() for line in out.split("\n")]


def record_spans(text: str, config: NormaliseConfig | None = None) -> tuple[str, list[tuple[int, int]]]:
    """``normalise_records([text])[0]`` and, for each of its characters, the span of ``text`` it
    came from: an emoticon code read as an emoji ("[强]" -> "👍") has the code's span, each "I" of
    "Ⅱ" -> "II" the numeral's, the "！" left of "！！！" the whole run's. Each step carries the spans through
    itself (``_carried``)."""
    return records_spans([text], config)[0]


def records_spans(texts: list[str], config: NormaliseConfig | None = None) -> list[tuple[str, list[tuple[int, int]]]]:
    """``record_spans`` of each of ``texts``, worked out for all of them joined, as
    ``normalise_records`` does (each step is one call for the batch, not one a text)."""
    out, spans, bounds, offsets = records_sources(texts, config)
    results = []
    for (start, stop), offset in zip(bounds, offsets):
        part = spans[start:stop] - offset
        results.append((out[start:stop], list(zip(part[:, 0].tolist(), part[:, 1].tolist()))))
    return results


def records_sources(texts: list[str], config: NormaliseConfig | None = None) -> tuple[str, np.ndarray, list[tuple[int, int]], list[int]]:
    """``records_spans`` in arrays, for callers that look up a few characters of many texts: the
    normalised texts joined, each with a line of its own; the span in the input texts joined
    (each followed by one character) of each character of that, one row each; where each
    normalised text is in the first; where each input text starts in the second."""
    if not texts:
        return "", np.zeros((0, 2), np.int64), [], []
    out = "\n".join(map(_one_line, texts))
    spans = identity_spans(len(out))
    for step in _record_steps(config or NormaliseConfig()):
        out, spans = _carried(step, out, spans)
    bounds, offsets = [], []
    begin, offset = 0, 0
    for text in texts:
        end = out.find("\n", begin)
        end = len(out) if end < 0 else end
        line = out[begin:end]
        bounds.append((begin + len(line) - len(line.lstrip()), begin + len(line.rstrip())))
        offsets.append(offset)
        begin, offset = end + 1, offset + len(text) + 1
    return out, spans, bounds, offsets


def identity_spans(n: int) -> np.ndarray:
    """The spans of the characters of a text of ``n`` characters in itself, one row each."""
    out = np.empty((n, 2), np.int64)
    out[:, 0] = np.arange(n)
    out[:, 1] = out[:, 0] + 1
    return out


def _carried(step, text: str, spans: np.ndarray) -> tuple[str, np.ndarray]:
    """``step(text)`` and the input span of each of its characters (``spans``: those of ``text``,
    one row each). Substitutions say where each replacement came from; NFKC is applied to each
    character with its combining marks; a step that changes characters one for one (width,
    script) keeps the spans; anything else, and a line NFKC does not fold character by character
    (Hangul jamo that compose), is aligned with its input by difflib, line by line, each changed
    block standing for all it replaced. Each line's spans are thus the same whatever lines are
    joined to it: a text's spans do not depend on the batch it came in."""
    if isinstance(step, Substitution):
        return step.carry(text, spans)
    if step is fold_punctuation:
        return _REPEATS_FOLDED.carry(*_TO_CHINESE_FORMS.carry(text, spans))
    changed = step(text)
    if changed == text:
        return text, spans
    if step is nfkc_safe:
        pieces = _line_by_line(text, changed, _nfkc_line)
    elif len(changed) == len(text):
        return changed, spans
    else:
        pieces = _line_by_line(text, changed, _aligned)
    return changed, _pieces_spans(spans, *(pieces if pieces is not None else _aligned(text, changed)))


Pieces = tuple[list[int], list[int], list[int], list[bool]]
FEW_PIECE_CHARS = 1000  # pieces of fewer characters than this: their spans are worked out in lists


def _made_of(parts: list[tuple[int, int, str]]) -> tuple[str, Pieces]:
    """The text made of ``parts`` (each: where it came from, how long it was there, what it is
    now) and its pieces (see ``_pieces_spans``), a part as long as it was kept one for one."""
    came = [c for c, _, _ in parts]
    was = [w for _, w, _ in parts]
    now = [len(new) for _, _, new in parts]
    return "".join(new for _, _, new in parts), (came, was, now, [w == n for w, n in zip(was, now)])


def _pieces_spans(spans: np.ndarray, came: list[int], was: list[int], now: list[int], kept: list[bool]) -> np.ndarray:
    """The spans of a text made of pieces of another (``spans``: those of the other's characters),
    each piece from ``came`` on, ``was`` characters long there and ``now`` characters long: a piece
    ``kept`` takes the spans of its characters one for one (it is as long as it was), any other
    takes the span of all it came from, and one from nothing (an insertion) the empty span where
    it was put."""
    total = sum(now)
    if total < FEW_PIECE_CHARS:  # a text or two: lists, then two array operations
        lo: list[int] | np.ndarray = []
        hi: list[int] | np.ndarray = []
        for c, w, n, k in zip(came, was, now, kept):
            if k:
                lo += range(c, c + n)
                hi += range(c, c + n)
            else:
                lo += [c] * n
                hi += [c + w - 1] * n
    else:  # a batch: each step in array operations over all pieces at once
        came_, was_, now_ = (np.array(v, np.int64) for v in (came, was, now))
        one_for_one = np.repeat(np.array(kept, bool), now_)
        lo = np.repeat(came_, now_)
        lo = np.where(one_for_one, lo + np.arange(total) - np.repeat(np.cumsum(now_) - now_, now_), lo)
        hi = np.where(one_for_one, lo, np.repeat(came_ + was_ - 1, now_))
    out = np.zeros((total, 2), np.int64)
    if len(spans) and total:  # an insertion's indices may fall outside: its span is set below
        out[:, 0] = spans[np.minimum(lo, len(spans) - 1), 0]
        out[:, 1] = spans[np.maximum(hi, 0), 1]
    at = 0
    for c, w, n in zip(came, was, now):
        if not w and n:  # an insertion: the end of the character before, where there is one (else 0)
            out[at : at + n] = spans[c - 1, 1] if c else 0
        at += n
    return out


def _line_by_line(text: str, changed: str, line_pieces) -> Pieces | None:
    """The pieces (see ``_pieces_spans``) ``changed`` is made of, worked out line by line (the
    steps work within lines): a line left alone is kept whole, the others are cut into
    ``line_pieces(line, changed line)``, or aligned by difflib where that gives None. None where
    the lines do not pair up."""
    lines, changed_lines = text.split("\n"), changed.split("\n")
    if len(lines) != len(changed_lines):
        return None
    came, was, now, kept = [], [], [], []
    at = left = 0  # where the line starts; the lines from ``left`` up to it are left alone
    for line, changed_line in zip(lines, changed_lines):
        if line != changed_line:
            pieces = line_pieces(line, changed_line) or _aligned(line, changed_line)
            came += [left, *(at + c for c in pieces[0])]
            was += [at - left, *pieces[1]]
            now += [at - left, *pieces[2]]
            kept += [True, *pieces[3]]
            left = at + len(line)
        at += len(line) + 1
    came.append(left)
    was.append(len(text) - left)
    now.append(len(text) - left)
    kept.append(True)
    return came, was, now, kept


def _nfkc_line(line: str, changed: str) -> Pieces | None:
    """The pieces (see ``_pieces_spans``) ``nfkc_safe(line)`` (``changed``) is made of: each
    character with its combining marks, folded on its own; None where that is not how the whole
    line folds. A piece NFKC leaves alone holds no protected character (each is one NFKC
    changes), so nfkc_safe leaves it alone too: only the others are worth a call."""
    parts: list[tuple[int, int, str]] = []
    left = 0  # the characters from here up to the next run NFKC may change are left alone
    for start, end in _nfkc_spans(line):
        run = line[start:end]
        parts.append((left, start - left, line[left:start]))
        # a character's combining marks are in its run
        parts += [(start + a, b - a, _nfkc_piece(run[a:b])) for a, b in _clusters(run)]
        left = end
    parts.append((left, len(line) - left, line[left:]))
    out, pieces = _made_of(parts)
    return pieces if out == changed else None


@functools.lru_cache(maxsize=4096)
def _nfkc_piece(piece: str) -> str:
    """``nfkc_safe`` of a character with its combining marks; the same few (，～０-９) come up
    again and again."""
    return piece if unicodedata.is_normalized("NFKC", piece) else nfkc_safe(piece)


def _aligned(text: str, changed: str) -> Pieces:
    """The pieces (see ``_pieces_spans``) ``changed`` is made of, aligned with ``text`` by
    difflib: the blocks it leaves equal are kept, each other one stands for all it replaced."""
    came, was, now, kept = [], [], [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, text, changed, autojunk=False).get_opcodes():
        came.append(i1)
        was.append(i2 - i1)
        now.append(j2 - j1)
        kept.append(tag == "equal")
    return came, was, now, kept


def _clusters(text: str) -> list[tuple[int, int]]:
    """Spans of each character with the combining marks after it."""
    out: list[list[int]] = []
    for i, char in enumerate(text):
        if out and unicodedata.combining(char):
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return [(a, b) for a, b in out]


def normalise_text(text: str, config: NormaliseConfig | None = None) -> NormalisedText:
    """Normalise ``text`` as configured (defaults: ``configs/default.yaml``)."""
    cfg = config or NormaliseConfig()
    original = text.replace("\r\n", "\n").replace("\r", "\n")
    changes: dict[str, int] = {}

    out, n = _CONTROL.subn("", original)
    changes["control_chars_removed"] = n
    out, n = _ODD_SPACE.subn(" ", out)
    changes["spaces_normalised"] = n
    for name, step in _char_steps(cfg):
        changed = step(out)
        changes[name] = _count_changed(out, changed)
        out = changed

    lines = [line.strip() for line in _MULTI_SPACE.sub(" ", out).split("\n")]
    keep = list(range(len(lines)))
    removed: list[RemovedLine] = []
    if cfg.remove_boilerplate:
        rules = get_filter(cfg.boilerplate_rules)
        keep, removed = rules.filter(lines)
        removed = sorted(removed + rules.cut_inline(lines, keep), key=lambda r: r.line)
    kept_lines: list[str] = []
    line_map: list[int] = []
    for i in keep:
        line = lines[i]
        if not line and (not kept_lines or not kept_lines[-1]):
            continue  # leading blank lines and runs of blank lines
        kept_lines.append(line)
        line_map.append(i + 1)
    while kept_lines and not kept_lines[-1]:
        kept_lines.pop()
        line_map.pop()
    return NormalisedText("\n".join(kept_lines), original, line_map, removed, changes)

