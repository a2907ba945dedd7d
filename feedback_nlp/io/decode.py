"""Bytes in, text out: read a file or buffer and decode it with the right encoding.

Order of evidence: a Word document (.docx: its paragraphs and table rows, in document order); a
byte-order mark; strict UTF-8 (most files; but a short GBK text can be valid UTF-8 too, as
Cyrillic letters); UTF-16 without a BOM (NUL bytes in every other position, or, for Chinese text,
the byte order that reads as Chinese); for little text other than ASCII, the share of common
characters in the GB18030 and the Big5 reading; then charset-normalizer, limited to the encodings
Chinese text is actually stored in.
Text that charset-normalizer refuses (a few damaged bytes) is read in the candidate encoding that
leaves the fewest bytes undecodable, with low confidence (``FALLBACKS``).
Binary data and text that no candidate decodes are refused with an error that names the input.
"""

from __future__ import annotations

import codecs
import functools
import io
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import InputError, InputNotFoundError, shorten

logger = logging.getLogger(__name__)

# what charset-normalizer may choose from; gb18030 is a superset of GBK and GB2312. UTF-16 is
# found by its BOM or its NUL bytes instead: on short Chinese text the detector confuses it with
# Big5 and GBK.
CANDIDATES = ["utf_8", "gb18030", "big5", "big5hkscs"]
BOMS = [
    (codecs.BOM_UTF32_LE, "utf_32_le"),
    (codecs.BOM_UTF32_BE, "utf_32_be"),
    (codecs.BOM_UTF8, "utf_8"),
    (codecs.BOM_UTF16_LE, "utf_16_le"),
    (codecs.BOM_UTF16_BE, "utf_16_be"),
]
# what text that charset-normalizer refuses is decoded with, in order of preference; cp950 is
# Windows' Big5, with the euro sign
FALLBACKS = ["utf_8", "gb18030", "big5", "cp950"]
# below this many bytes other than ASCII (a short text, or an export of ids and times with a few
# short messages) charset-normalizer has too little to go on: GBK and Big5 are told apart by the
# share of common characters each reading gives
SHORT_TEXT_BYTES = 256
_ASCII_BYTES = bytes(range(0x80))
TIE_CONFIDENCE = 0.3  # a short text that reads as common characters in GB18030 and in Big5 alike
# lines that are not UTF-8 in a file that mostly is are read as GB18030 or Big5 when at least this
# share of their characters are common characters (or punctuation, or emoji)
MIXED_MIN_COMMON = 0.8
# half of a UTF-16 pair (a JSON escape cut in two, or an undecodable byte kept as U+DC80+): no
# character, and not writable as UTF-8
SURROGATE = re.compile("[\ud800-\udfff]")
MAX_UNDECODABLE_SHARE = 0.02
SAMPLE_LIMIT = 1 << 16  # more replaced bytes than this and the input is refused


@dataclass
class Decoded:
    text: str
    encoding: str
    confidence: float
    bom: bool = False
    undecodable: int = 0
    # a file that mixes encodings (lines pasted together from two exports): the 1-based numbers of
    # the lines read in an encoding other than ``encoding``, by that encoding
    other_lines: dict[str, list[int]] = field(default_factory=dict)

    def mixed_warning(self, label: str) -> str | None:
        """A message naming the lines read in another encoding, or None."""
        if not self.other_lines:
            return None
        parts = [f"{lines_named(lines)} as {codec}" for codec, lines in self.other_lines.items()]
        return (f"{label}: mixes encodings: read as {self.encoding} except {'; '.join(parts)}; "
                "check those lines, and convert the file to one encoding (UTF-8) at its source")


def lines_named(lines: list[int], shown: int = 5) -> str:
    """"line 3", "lines 3, 7", or the first ``shown`` and how many more."""
    head = ", ".join(map(str, lines[:shown]))
    more = f" and {len(lines) - shown} more" if len(lines) > shown else ""
    return f"line{'s' if len(lines) > 1 else ''} {head}{more}"


def read_bytes(source: str | Path | bytes, *, max_bytes: int | None = None, name: str | None = None) -> tuple[bytes, str]:
    """Return the bytes of ``source`` (a path or bytes) and a label naming it for messages."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "<bytes>"
        if max_bytes is not None and len(data) > max_bytes:
            raise InputError(f"{label}: over the limit of {max_bytes} bytes; raise input.max_bytes in the config or split the input")
    else:
        path = Path(source)
        label = name or str(path)
        try:
            if path.is_dir():
                raise InputError(f"{label}: is a folder; pass the files inside it (e.g. {label}/*.txt)")
            size = path.stat().st_size
            if max_bytes is not None and size > max_bytes:
                raise InputError(
                    f"{label}: {size} bytes is over the limit of {max_bytes}; raise input.max_bytes "
                    "in the config or split the file"
                )
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputNotFoundError(f"{label}: no such file; check the path") from None
        except PermissionError:
            raise InputError(f"{label}: permission denied; check the file's permissions") from None
        except IsADirectoryError:
            raise InputError(f"{label}: is a folder; pass the files inside it") from None
        except OSError as exc:
            raise InputError(f"{label}: cannot be read ({exc.strerror or exc})") from None
    if not data:
        raise InputError(f"{label}: file is empty; nothing to read")
    return data, label


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    if len(sample) < 16 and (chinese := _looks_utf16_chinese(sample)):
        return chinese  # a few characters: one NUL byte ("一" is U+4E00) is no pattern
    # ASCII-heavy UTF-16 has NUL in every other byte; CJK-heavy text has few NULs anywhere
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf_16_le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf_16_be"
    if len(data) % 2 and len(data) <= len(sample):
        return None  # a whole text of an odd number of bytes is not UTF-16
    return _looks_utf16_chinese(sample)


# characters of Chinese text: CJK ideographs, CJK and full-width punctuation, printable ASCII, the
# punctuation and numbering Chinese text takes from elsewhere (· — ‘ ’ “ ” … ‰ ※ № Ⅰ ①), and the
# emoji of chat (symbols and dingbats, the pictographs beyond U+FFFF, variation selector and joiner)
_EMOJI = r"\u2600-\u27bf\u2b50\u2b55\ufe0f\u200d\U0001f000-\U0001faff"  # as a character class's ranges
_PLAUSIBLE = re.compile(
    r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u0020-\u007e\n\r\t"
    r"\u00b7\u00d7\u2014\u2015\u2018\u2019\u201c\u201d\u2026\u2030\u203b\u2116\u2160-\u216b\u2460-\u2473"
    + _EMOJI + "]"
)


# control characters that text files do not hold (tab, line feed, vertical tab, form feed and
# carriage return excepted)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _looks_utf16_chinese(sample: bytes) -> str | None:
    """The byte order of CJK-heavy UTF-16 without a BOM (it has almost no NUL bytes): one in which
    at least 90% of the characters are those of Chinese text; GBK or Big5 read as UTF-16 falls far
    short. A short text can pass in both byte orders ("赞" is U+8D5E, its bytes swapped U+5E8D
    "庍"): the one with more common characters is taken."""
    sample = sample[: len(sample) // 2 * 2]
    readings = []
    for codec in ("utf_16_le", "utf_16_be"):
        text = sample.decode(codec, errors="replace")
        plausible = len(_PLAUSIBLE.findall(text)) / max(len(text), 1)
        if plausible >= 0.9:
            readings.append((_common_share(text), plausible, codec))
    return max(readings)[2] if readings else None


def _is_mostly_multibyte_utf8(data: bytes) -> bool:
    """True when the non-ASCII bytes mostly form valid UTF-8 sequences (GBK text does not)."""
    sample = data[:SAMPLE_LIMIT]
    non_ascii = sum(1 for b in sample if b >= 0x80)
    if non_ascii == 0:
        return False
    valid = len(sample.decode("utf-8", errors="ignore").encode("utf-8")) - (len(sample) - non_ascii)
    return valid >= 0.95 * non_ascii


def _is_docx(data: bytes, label: str) -> bool:
    """Whether ``data`` is a Word document. One that starts like a Word document (a ZIP package
    naming word/ parts, or a .docx name) but cannot be opened, such as a file cut off while it
    was copied, is refused as damaged."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        if b"word/" in data or label.lower().endswith(".docx"):
            raise InputError(
                f"{label}: a Word document that is damaged or incomplete (cut off?) and cannot be opened; "
                "open it in Word and save it again as .docx (or as text), or copy it again"
            ) from None
        return False


def _docx_text(data: bytes, label: str) -> str:
    """One line per paragraph; a table row as one line of its cells, separated by spaces (a merged
    cell once; two cells that only read alike twice, "95% 95%"), so "客服中心接待业务 4803次" keeps
    its figure and subject together. All the text Word shows is read: inside content controls, a
    table inside a cell (its rows in the cell's line), tracked insertions and the results of fields;
    deleted text and field codes are not."""
    import docx  # python-docx: only loaded for Word input

    try:
        body = docx.Document(io.BytesIO(data)).element.body
        return "\n".join(_docx_lines(body))
    except Exception as exc:  # a damaged package fails in many ways inside python-docx
        raise InputError(f"{label}: a Word document that cannot be opened ({shorten(str(exc))}); save it again as .docx or as text") from None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# parts of a paragraph whose text Word does not show: deleted text, the old place of moved text
_HIDDEN = {_W + "del", _W + "moveFrom"}


def _docx_paragraph(element) -> str:
    """The text of a w:p as Word shows it: its w:t (in runs, hyperlinks, insertions, fields),
    tabs, and line breaks as spaces, so that each paragraph is one line (the review cites 第N段)."""
    out: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if tag in _HIDDEN:
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append(" ")  # a line break inside a paragraph (Shift+Enter): one paragraph, one line
            else:
                walk(child)

    walk(element)
    return "".join(out)


def _docx_lines(element) -> list[str]:
    """The lines of a block container (the body, a cell, a content control), in document order."""
    lines: list[str] = []
    for child in element:
        if child.tag == _W + "p":
            lines.append(_docx_paragraph(child))
        elif child.tag == _W + "tbl":
            above: dict[int, str] = {}  # each column's text in the row above, for cells merged down
            for row in child.iter(_W + "tr"):
                if row.getparent() is not child:
                    continue  # a nested table's rows: read within their cell
                cells, column = [], 0
                for cell in row:
                    if cell.tag != _W + "tc":
                        continue
                    text = " ".join(" ".join(_docx_lines(cell)).split())
                    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
                    if merge is not None and merge.get(_W + "val") in (None, "continue"):
                        text = above.get(column, "")  # the rest of a cell merged down: the text it shows
                    above[column] = text
                    span = cell.find(f"{_W}tcPr/{_W}gridSpan")
                    column += int(span.get(_W + "val", "1")) if span is not None and span.get(_W + "val", "1").isdigit() else 1
                    cells.append(text)
                # a blank cell among filled ones keeps its place, so the columns stay under their heading
                lines.append(" ".join(c or EMPTY_CELL for c in cells) if any(cells) else "")
        elif child.tag not in _HIDDEN and child.tag != _W + "sectPr":
            lines.extend(_docx_lines(child))  # a content control (w:sdt/w:sdtContent) and the like
    return lines


EMPTY_CELL = "—"  # how a blank cell of a table row is written in the row's line

# files that are often passed by mistake, named in the error
SIGNATURES = [(b"%PDF", "a PDF"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
              (b"PK\x03\x04", "a ZIP archive or an Office file other than .docx"), (b"\x1f\x8b", "a gzip archive")]


def _is_binary(data: bytes) -> bool:
    """Control bytes in more than 5% of the first 8 KiB. A stray NUL or two in an export (after the
    UTF-16 check) does not make it binary: its records are still read, the NULs are removed."""
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 0x09 or 0x0E <= b < 0x20 and b != 0x1B)
    return controls > 0.05 * len(sample)


def _binary_error(data: bytes, label: str) -> InputError:
    kind = next((name for mark, name in SIGNATURES if data.startswith(mark)), "a binary file")
    if data[257:262] == b"ustar":
        kind = "a tar archive"
    return InputError(f"{label}: looks like {kind}, not text; pass a text export (.txt, .csv, .jsonl) or a Word .docx")


def _decode_with(data: bytes, encoding: str, label: str, confidence: float, bom: bool = False) -> Decoded:
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad > MAX_UNDECODABLE_SHARE * max(len(text), 1) and bad > 3:
        raise InputError(
            f"{label}: {bad} of {len(text)} characters cannot be decoded as {encoding}; "
            "name the right encoding with --encoding (or input.encoding in the config)"
        )
    return Decoded(text.replace("\ufffd", ""), encoding, confidence, bom, bad)


@functools.cache
def _common_characters(codec: str | None = None) -> frozenset[str]:
    """The most used Chinese characters: GB2312 level 1 (3,755 Simplified) and Big5's frequently
    used characters (5,401 Traditional); ``codec`` "gb18030" or "big5": those of that encoding
    alone (Big5 bytes read as GB18030 can give Traditional characters that GBK also holds:
    "配置強勁" as "環涸檱沫")."""
    pairs = [] if codec == "big5" else [(bytes([lead, trail]), "gb2312") for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)]
    # Big5's frequently used characters run from A440 to C67E; C6A1 on are kana and symbols
    pairs += [] if codec == "gb18030" else [
        (bytes([lead, trail]), "big5") for lead in range(0xA4, 0xC7) for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
        if lead < 0xC6 or trail < 0x7F
    ]
    return frozenset(code.decode(codec, errors="ignore") for code, codec in pairs) - {""}


def _common_share(text: str) -> float:
    """The share of the CJK ideographs in (the start of) ``text`` that are common ones (0 when there
    are none)."""
    ideographs = [c for c in text[:SAMPLE_LIMIT] if "\u4e00" <= c <= "\u9fff"]
    common = _common_characters()
    return sum(c in common for c in ideographs) / len(ideographs) if ideographs else 0.0


# text of ASCII and of the letters from Greek to Thaana (U+0370 to U+07BF) alone: what a short GBK
# or Big5 text whose bytes happen to be valid UTF-8 reads as (GBK "谢谢" is UTF-8 "лл"). Latin
# letters with accents are left out, as a European word ("café") reads as Chinese in GBK too.
_OTHER_SCRIPTS_ONLY = re.compile(r"[\x00-\x7f\u0370-\u07bf]*")

_PUNCTUATION_OR_EMOJI = re.compile(r"[\u3000-\u303f\uff00-\uffef" + _EMOJI + "]")


def _gb_or_big5(data: bytes) -> tuple[Decoded, float] | None:
    """Text that GB18030 or Big5 (or Big5-HKSCS) decode: the reading in which more of the
    non-ASCII characters are common characters, CJK punctuation or emoji, GB18030 where they tie
    ("垃圾" in GBK bytes reads as Big5 "嶼僵", common characters too), and that share. Its
    confidence grows with its lead over the other reading; a tie gets ``TIE_CONFIDENCE``. None
    where neither decodes it."""
    readings = []
    for order, codec in enumerate(("gb18030", "big5", "big5hkscs")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "big5hkscs" and any(r[2] == "big5" for r in readings):
            continue  # the same reading: Big5-HKSCS only adds characters (Cantonese 哋, 啲, 係)
        common = _common_characters("big5" if codec == "big5hkscs" else codec)
        wide = [c for c in text if c > "\x7f"]
        share = sum(c in common or _PUNCTUATION_OR_EMOJI.match(c) is not None for c in wide) / max(len(wide), 1)
        readings.append((-share, order, codec, text))
    if not readings:
        return None
    readings.sort()
    share, _, codec, text = readings[0]
    # a tie ("垃圾" reads as common characters both ways) is a guess: below input.min_confidence
    # (0.5 by default), which warns; a lead makes it likelier
    margin = -share + (readings[1][0] if len(readings) > 1 else 0.0)
    confidence = TIE_CONFIDENCE if margin <= 0 else 0.5 + 0.5 * min(margin, 1.0)
    return Decoded(text, codec, round(confidence, 3)), -share


def decode_line_elsewhere(data: bytes, encoding: str) -> tuple[str, str] | None:
    """The bytes of one line that do not decode in their file's ``encoding``, read in the other
    encoding of Chinese text they are in (a line pasted in from another export): UTF-8 in a
    GB18030 or Big5 file; in a UTF-8 file GB18030 or Big5, when most of the characters that
    reading gives are common ones. The text and that encoding, or None (damaged bytes)."""
    if codecs.lookup(encoding).name != "utf-8":
        try:
            return data.decode("utf-8"), "utf_8"
        except UnicodeDecodeError:
            return None
    found = _gb_or_big5(data)
    if found is None or found[1] < MIXED_MIN_COMMON:
        return None
    return found[0].text, found[0].encoding


_LINE_ENDS = re.compile(rb"(\r\n|\r|\n)")


def _decode_by_line(data: bytes) -> Decoded | None:
    """``data`` read line by line where it mixes UTF-8 with GB18030 or Big5, or None where it does
    not: text in one encoding, or damaged UTF-8 (``decode_line_elsewhere``). Lines of ASCII alone
    belong to every encoding; the encoding of most other lines is the file's. A line that decodes
    in none of them (cut off, damaged) is read in the file's encoding with its undecodable bytes
    counted and dropped."""
    # the bytes 0x0A and 0x0D are line ends in all three encodings (never part of a character);
    # a file of old Mac line ends (CR alone) is split as one of LF
    parts = _LINE_ENDS.split(data)
    lines, ends = parts[0::2], [end.decode("ascii") for end in parts[1::2]] + [""]
    texts: list[str] = []
    codec_of: dict[int, str] = {}  # each line with other than ASCII, by its encoding
    broken: list[int] = []
    for k, line in enumerate(lines):
        if line.isascii():
            texts.append(line.decode("ascii"))
            continue
        try:
            found = line.decode("utf-8"), "utf_8"
        except UnicodeDecodeError:
            found = decode_line_elsewhere(line, "utf-8")  # GB18030 or Big5
        if found is None:
            texts.append("")
            broken.append(k)
        else:
            texts.append(found[0])
            codec_of[k] = found[1]
    counts = Counter(codec_of.values())
    if len(counts) < 2:
        return None
    encoding = counts.most_common(1)[0][0]
    bad = 0
    for k in broken:
        text = lines[k].decode(encoding, errors="replace")
        bad += text.count("\ufffd")
        texts[k] = text.replace("\ufffd", "")
    if bad > MAX_UNDECODABLE_SHARE * len(data) and bad > 3:
        return None
    other: dict[str, list[int]] = {}
    for k, codec in codec_of.items():
        if codec != encoding:
            other.setdefault(codec, []).append(k + 1)
    return Decoded("".join(t + end for t, end in zip(texts, ends)), encoding, 0.8, undecodable=bad, other_lines=other)


def _decode_best(data: bytes, label: str) -> Decoded:
    """``data`` in the encoding of ``FALLBACKS`` that leaves the fewest bytes undecodable. A damaged
    byte splits the characters around it differently in each encoding, so counts up to three times
    the fewest are a tie, which the share of common Chinese characters breaks (Big5 read as GB18030
    decodes, but as rare characters), then the count itself, then the order of ``FALLBACKS``."""
    readings = []
    for order, codec in enumerate(FALLBACKS):
        text = data.decode(codec, errors="replace")
        readings.append((text.count("\ufffd"), order, codec, text))
    fewest = min(bad for bad, *_ in readings)
    bad, _, codec, text = min(readings, key=lambda r: (r[0] > 3 * fewest, -_common_share(r[3]), r[0], r[1]))
    if bad > MAX_UNDECODABLE_SHARE * max(len(text), 1) and bad > 3:
        raise InputError(
            f"{label}: {bad} of {len(text)} characters cannot be decoded as {codec}, the likeliest of "
            f"{', '.join(FALLBACKS)}; name the right encoding with --encoding (or input.encoding in the config)"
        )
    return Decoded(text.replace("\ufffd", ""), codec, 0.3, undecodable=bad)


def text_codec(name: str) -> codecs.CodecInfo:
    """The codec of a text encoding's ``name``; LookupError for a name Python does not know or
    one of its codecs that are no text encodings (hex, base64, rot13; idna, which names hosts)."""
    info = codecs.lookup(name)
    if not getattr(info, "_is_text_encoding", True) or info.name in ("idna", "punycode"):
        raise LookupError(name)
    return info


def decode_bytes(data: bytes, label: str = "<bytes>", encoding: str = "auto") -> Decoded:
    """Decode ``data``; ``encoding`` is "auto" or a codec name that overrides detection. A Word
    document is read as its text whatever ``encoding`` says (encoding "docx")."""
    if _is_docx(data, label):
        return Decoded(_docx_text(data, label), "docx", 1.0)
    if data.startswith(tuple(mark for mark, _ in SIGNATURES)):
        raise _binary_error(data, label)
    if encoding != "auto":
        try:
            text_codec(encoding)
        except LookupError:
            raise InputError(f"{label}: unknown encoding {shorten(encoding)!r}; use e.g. gb18030, big5, utf-16, utf-8") from None
        return _decode_with(data, encoding, label, 1.0)
    for mark, codec in BOMS:
        if data.startswith(mark):
            body = data[len(mark) :]
            if codec == "utf_8":  # UTF-8 (Notepad writes the mark); a pasted GBK or Big5 line is read as such, and named
                try:
                    return Decoded(body.decode("utf-8"), codec, 1.0, bom=True)
                except UnicodeDecodeError:
                    if by_line := _decode_by_line(body):
                        by_line.bom = True
                        return by_line
            return _decode_with(body, codec, label, 1.0, bom=True)
    try:
        text = data.decode("utf-8")
        # UTF-16 without a BOM is often valid UTF-8 too (ASCII-heavy: every other byte NUL; a short
        # CJK text by chance), but then reads with control characters that text does not have
        if _CONTROL.search(text):
            if utf16 := _looks_utf16(data):
                return _decode_with(data, utf16, label, 0.9)
            if _is_binary(data):  # a tar archive of text files, a file of NUL bytes: valid UTF-8, but no text
                raise _binary_error(data, label)
        if not text.isascii() and _OTHER_SCRIPTS_ONLY.fullmatch(text) and (short := _gb_or_big5(data)) and short[1] == 1.0:
            return short[0]  # "谢谢" in GBK is valid UTF-8 too, as "лл"
        return Decoded(text, "utf_8", 1.0)
    except UnicodeDecodeError as exc:
        # a file cut in the middle of its last character is still UTF-8
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return Decoded(data[: exc.start].decode("utf-8"), "utf_8", 0.99, undecodable=len(data) - exc.start)
    # mostly UTF-8 with a few damaged bytes: still UTF-8 (the damaged bytes are counted)
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if bad <= 0.01 * len(lenient) and _is_mostly_multibyte_utf8(data):
        return _decode_by_line(data) or Decoded(lenient.replace("\ufffd", ""), "utf_8", 0.9, undecodable=bad)
    utf16 = _looks_utf16(data)
    if utf16:
        decoded = _decode_with(data, utf16, label, 0.9)
        # a short GBK or Big5 text whose second bytes are ASCII reads as CJK UTF-16 too ("配置強勁"
        # as "環涸檱沫"); with no NUL byte to tell, the reading with more common characters wins
        if len(data) < SHORT_TEXT_BYTES and b"\x00" not in data and (short := _gb_or_big5(data)):
            if short[1] > _common_share(decoded.text):
                return short[0]
        return decoded
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE container of .doc, .xls, .ppt
        raise InputError(f"{label}: an old Office file (.doc/.xls); save it as .docx, .xlsx or text and pass that")
    if _is_binary(data):
        raise _binary_error(data, label)
    if len(data.translate(None, _ASCII_BYTES)) < SHORT_TEXT_BYTES and (short := _gb_or_big5(data)):
        return short[0]
    match = from_bytes(data, cp_isolation=CANDIDATES).best()
    if match is None:
        # charset-normalizer refuses text with a few bad bytes, and text that mixes encodings
        return _decode_by_line(data) or _decode_best(data, label)
    return Decoded(str(match), match.encoding, max(0.0, 1.0 - match.chaos))
