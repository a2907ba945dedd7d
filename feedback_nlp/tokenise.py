"""Words and sentences, with character offsets.

``Tokeniser`` wraps one segmentation engine instance of its own (never jieba's module-level
default): ``rjieba`` (jieba's algorithm in Rust, about 15x faster) when installed, else ``jieba``.
With HMM off (the default) both give identical segmentation with our dictionaries; a test checks
this on real pages. Before the engine sees the text, spans it would break are cut out and kept
whole: dictionary words with digits or symbols ("4S店", "T+1"), full dates ("2012年8月31日"),
numbers with their sign and unit ("93.81%", "-26.95%", "29848.47㎡", "4803次"), which later stages
read as metrics, and emoji made of several code points ("👍🏻", "❤️", "👨‍👩‍👧", "🇨🇳", "1️⃣"), which
the engine would cut into their pieces, a joiner or a skin tone a token of its own.

The shipped customer-service dictionary and any ``tokenise.user_dicts`` are loaded into every
instance, so they apply in every worker process (a ``Tokeniser`` pickles as its config and is
rebuilt on the other side). ``get_tokeniser`` builds one instance per config per process.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import NamedTuple

from .config import RESOURCES_DIR, TokeniseConfig, cache_dir
from .errors import ConfigError, ResourceError
from .normalise.chat import PICTOGRAPH_RANGES
from .normalise.script import surrogate_runs

logger = logging.getLogger(__name__)

USER_DICT = RESOURCES_DIR / "userdict.txt"
STOPWORDS = RESOURCES_DIR / "stopwords.txt"

# units that stay attached to a number; longer forms first so that "万元" wins over "万"
UNITS = sorted(
    """平方米 平方公里 平方 立方米 方 万元 亿元 千元 百元 元 人民币 美元 港币 块钱 块 毛 角 分钱 分钟 小时 个月 周 天 秒
    次 起 件 户 套 人次 人 名 位 个 台 辆 份 单 条 项 家 间 栋 幢 层 楼 米 公里 千米 厘米 毫米 公斤 千克
    克 斤 吨 升 毫升 度 倍 岁 % ％ ‰ ㎡ ㎝ ㎜ ㎞ ㎏ ℃ kg km cm mm m GB MB KB TB G M K W kW kWh V Hz
    万 亿 千 百""".split(),
    key=len,
    reverse=True,
)
# a one-character unit that starts a word with the characters after it is no unit there: "2单元"
# is building unit 2 (2 + 单元), not 2 orders and 元; "3方面", "6:30起床", "1单间"
_NOT_A_UNIT_BEFORE = {"单": "元间位号据价", "方": "面式法案向便", "起": "床来码", "间": "隔", "周": "末围边年", "层": "次面",
                      "人": "员", "度": "假", "天": "气", "台": "湾阶", "米": "饭", "毛": "巾衣病"}
_UNIT = "|".join(re.escape(u) + (f"(?![{_NOT_A_UNIT_BEFORE[u]}])" if u in _NOT_A_UNIT_BEFORE else "") for u in UNITS)
# dates stay whole: 2012年8月31日, 2012年8月, 12月1日, 2012-08-31, 2024.3.5, 2024/3/5 (a bare year is
# left to the engine); so do times of day, 6:30 and 18:05:59
_DATE = (
    r"(?<!\d)(?:\d{2,4}年\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}月\d{1,2}[日号])(?!\d)"
    r"|(?<![\d.])\d{4}([-./])\d{1,2}\1\d{1,2}(?![\d.-])"
    r"|(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"
)
# product and version codes with dotted numbers: V1.1, iOS17.2, 1.2.3 (the engine would split the dots)
_CODE = r"(?<![0-9A-Za-z.])(?:[A-Za-z]+\d+(?:\.\d+)+|\d+(?:\.\d+){2,})(?![0-9A-Za-z.])"
# numbers with a sign and a unit; a dash after a percentage is a range's, not a sign ("30%-40%")
# emoji of several code points, each one token: a pictograph with its modifiers (variation
# selector, skin tone, tags), joined by zero-width joiners to the next; a flag (two regional
# indicators); a keycap (a digit, # or * with the keycap mark)
_EMOJI_MODIFIER = "[\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
_EMOJI = (
    rf"[{PICTOGRAPH_RANGES}]{_EMOJI_MODIFIER}*(?:\u200d[{PICTOGRAPH_RANGES}]{_EMOJI_MODIFIER}*)+"
    rf"|[{PICTOGRAPH_RANGES}]{_EMOJI_MODIFIER}+"
    r"|[\U0001f1e6-\U0001f1ff]{2}"
    r"|[0-9#*]\ufe0f?\u20e3"
)
_NUMBER = rf"(?<![0-9A-Za-z.])(?:(?<![%％])[-+−])?\d+(?:,\d{{3}})*(?:\.\d+)?(?:{_UNIT})?(?![0-9A-Za-z%])"

_SENTENCE_END = re.compile(
    # an ASCII mark inside a web address, between what it is made of ("…/list?id=3&p=2"), ends nothing
    r"(?:[。！？；]+|(?<![A-Za-z0-9/_.\-])[!?;]+|[!?;]+(?![A-Za-z0-9=&%/#_.-])|…+|(?<=[\u4e00-\u9fff])\.(?![\d.]))[”’」』）)】》\"']*"
    r"|\n+"
    # a numbered item that starts in the middle of a line: "…工作计划1.做好…", "…19742次 2、受理…" (a
    # Word list whose items were joined by Shift+Enter); not an ordinal ("排名第1、第2")
    r"|(?<=[\u4e00-\u9fff%％])(?<!第)[ \t\u3000]*(?=\d{1,2}[、.．](?=[\u4e00-\u9fff]))"
)


class Token(NamedTuple):
    text: str
    start: int
    end: int


class Sentence(NamedTuple):
    text: str
    start: int
    end: int


def read_word_list(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a UTF-8 word list."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResourceError(f"word list {path} not found; check tokenise.user_dicts / tokenise.stopwords") from None
    except UnicodeDecodeError as exc:
        raise ResourceError(f"word list {path} is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _parse_dict_line(line: str, path: Path, number: int) -> tuple[str, int | None, str | None]:
    parts = line.split()
    word = parts[0]
    freq: int | None = None
    tag: str | None = None
    if len(parts) >= 2:
        if parts[1].isdigit():
            freq = int(parts[1])
            tag = parts[2] if len(parts) >= 3 else None
        else:
            tag = parts[1]
    if len(parts) > 3 or (len(parts) == 3 and freq is None):
        raise ResourceError(f"{path} entry {number} {line!r}: expected 'word [frequency] [tag]'")
    return word, freq, tag


class _RJiebaEngine:
    name = "rjieba"

    def __init__(self, hmm: bool):
        import rjieba

        self._jieba = rjieba.Jieba()
        self._hmm = hmm

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        self._jieba.add_word(word, freq, tag)

    def cut(self, text: str) -> list[str]:
        try:
            return self._jieba.cut(text, self._hmm)
        except UnicodeEncodeError:  # a lone surrogate: each is a piece of its own, as jieba cuts it
            out: list[str] = []
            for run, lone in surrogate_runs(text):
                out.extend(run if lone else self._jieba.cut(run, self._hmm))
            return out


class _JiebaEngine:
    name = "jieba"

    def __init__(self, hmm: bool):
        import jieba

        jieba.setLogLevel(logging.WARNING)  # jieba prints its dictionary loading to stderr otherwise
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = str(cache_dir())  # its dictionary cache: per user, not a shared /tmp file
        self._jieba.initialize()
        self._hmm = hmm

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        self._jieba.add_word(word, freq, tag)

    def cut(self, text: str) -> list[str]:
        return self._jieba.lcut(text, HMM=self._hmm)


ENGINES = {"rjieba": _RJiebaEngine, "jieba": _JiebaEngine}


def _make_engine(name: str, hmm: bool):
    if name == "auto":
        try:
            return _RJiebaEngine(hmm)
        except ImportError:
            logger.info("rjieba is not installed; using jieba (slower, same segmentation)")
            return _JiebaEngine(hmm)
    if name not in ENGINES:
        raise ConfigError(f"unknown tokenise.engine {name!r}; use one of auto, {', '.join(ENGINES)}")
    try:
        return ENGINES[name](hmm)
    except ImportError:
        raise ImportError(f"tokenise.engine is {name!r} but {name} is not installed; run: pip install {name}") from None


def _protected_pattern(words: list[str]) -> re.Pattern:
    alternatives = []
    for word in sorted(words, key=len, reverse=True):
        pat = re.escape(word)
        if word[0].isascii() and word[0].isalnum():
            pat = r"(?<![0-9A-Za-z])" + pat
        if word[-1].isascii() and word[-1].isalnum():
            pat += r"(?![0-9A-Za-z])"
        alternatives.append(pat)
    # every alternative starts with a letter, a digit or a sign; failing fast elsewhere makes the
    # scan about 9x faster on Chinese text
    starts = "".join(sorted({re.escape(w[0]) for w in words if not re.match(r"[0-9A-Za-z]", w)}))
    first = rf"(?=[0-9A-Za-z+\-−０-９Ａ-Ｚａ-ｚ＋－#*{PICTOGRAPH_RANGES}{starts}])"
    return re.compile(first + "(?:" + "|".join(alternatives + [_EMOJI, _DATE, _CODE, _NUMBER]) + ")")


class Tokeniser:
    """Segments text into words with offsets; see the module docstring."""

    def __init__(self, config: TokeniseConfig | None = None):
        self.config = config or TokeniseConfig()
        self._engine = _make_engine(self.config.engine, self.config.hmm)
        special: list[str] = []
        for path in (USER_DICT, *self.config.user_dicts):
            path = Path(path)
            for number, line in enumerate(read_word_list(path), start=1):
                word, freq, tag = _parse_dict_line(line, path, number)
                if not all("\u4e00" <= ch <= "\u9fff" for ch in word):
                    special.append(word)
                if not word.isascii():
                    # all-ASCII words are only protected: in the engine's dictionary "app" would
                    # also split "happy" into h/app/y
                    self._engine.add_word(word, freq, tag)
        self._protect = _protected_pattern(special)
        self.stopwords_ = frozenset(read_word_list(Path(self.config.stopwords or STOPWORDS)))

    @property
    def engine(self) -> str:
        """Name of the segmentation engine in use."""
        return self._engine.name

    def __reduce__(self):
        return (Tokeniser, (self.config,))

    def segment(self, text: str) -> list[str]:
        """All pieces of ``text`` in order, whitespace included: ``"".join(result) == text``."""
        out: list[str] = []
        cut = self._engine.cut
        pos = 0
        for m in self._protect.finditer(text):
            if m.start() > pos:
                out.extend(cut(text[pos : m.start()]))
            out.append(m.group())
            pos = m.end()
        if pos < len(text):
            out.extend(cut(text[pos:]))
        return out

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (whitespace and, if configured, stop words left out)."""
        return [t.text for t in self.tokenise(text)]

    def tokenise(self, text: str) -> list[Token]:
        """Words of ``text`` with their character offsets."""
        tokens: list[Token] = []
        pos = 0
        keep_space = self.config.keep_whitespace
        stop = self.stopwords_ if self.config.drop_stopwords else ()
        for piece in self.segment(text):
            end = pos + len(piece)
            if (keep_space or not piece.isspace()) and piece not in stop:
                tokens.append(Token(piece, pos, end))
            pos = end
        return tokens


_lock = threading.Lock()
_instances: dict[TokeniseConfig, Tokeniser] = {}


def get_tokeniser(config: TokeniseConfig | None = None) -> Tokeniser:
    """The process-wide tokeniser for ``config``, built on first use (thread-safe)."""
    config = config or TokeniseConfig()
    found = _instances.get(config)
    if found is None:
        with _lock:
            found = _instances.get(config)
            if found is None:
                found = _instances[config] = Tokeniser(config)
    return found


def tokenise(text: str, config: TokeniseConfig | None = None) -> list[Token]:
    """Tokens of ``text`` with offsets, using the process-wide tokeniser for ``config``."""
    return get_tokeniser(config).tokenise(text)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with offsets: split after 。！？；… (and ASCII forms, closing quotes
    included), at line breaks, and before numbered items that start mid-line."""
    sentences: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group() and not m.group().startswith("\n") else m.start()
        _add_sentence(text, start, end, sentences)
        start = m.end()
    _add_sentence(text, start, len(text), sentences)
    return sentences


def _add_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(text[start:end], start, end))
