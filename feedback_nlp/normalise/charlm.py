"""A character bigram language model, used to choose among candidate readings of damaged text.

The model is a table of character and character-pair counts (``resources/charlm.tsv.gz``, built by
``scripts/build_charlm.py`` from jieba's dictionary and real review text). Probabilities are
interpolated with Witten-Bell smoothing: P(c | a) = l_a * count(a, c) / count(a) + (1 - l_a) * P(c),
with l_a = count(a) / (count(a) + types(a)). Dictionary counts see pairs only inside words, which
makes l_a too confident for characters that end words, so a fixed share ``floor`` of every
estimate is given to the unigram model: P'(c | a) = (1 - floor) * P(c | a) + floor * P(c).
"""

from __future__ import annotations

import functools
import gzip
import math
from collections import defaultdict
from pathlib import Path

from ..config import RESOURCES_DIR
from ..errors import ResourceError

DEFAULT_PATH = RESOURCES_DIR / "charlm.tsv.gz"
FORMAT_LINE = "# feedback_nlp charlm v1"



class CharLM:
    """Log-probabilities of characters given the previous character."""

    def __init__(self, unigrams: dict[str, int], bigrams: dict[str, int], floor: float = 0.1):
        total = sum(unigrams.values())
        vocab_size = len(unigrams) + 1
        # add-one on the unigram level so that every character has a finite cost
        self.unseen_ = math.log(1.0 / (total + vocab_size))
        self.unigram_ = {c: math.log((n + 1.0) / (total + vocab_size)) for c, n in unigrams.items()}
        left_total: dict[str, int] = defaultdict(int)
        left_types: dict[str, int] = defaultdict(int)
        for pair, n in bigrams.items():
            left_total[pair[0]] += n
            left_types[pair[0]] += 1
        self.backoff_ = {}
        lam = {}
        for a, n in left_total.items():
            lam[a] = n / (n + left_types[a])
            self.backoff_[a] = math.log((1.0 - floor) * (1.0 - lam[a]) + floor)
        self.bigram_ = {}
        for pair, n in bigrams.items():
            a, c = pair[0], pair[1]
            p_uni = math.exp(self.unigram_.get(c, self.unseen_))
            p_wb = lam[a] * n / left_total[a] + (1.0 - lam[a]) * p_uni
            self.bigram_[pair] = math.log((1.0 - floor) * p_wb + floor * p_uni)
        self.vocab_ = frozenset(unigrams)

    def logp(self, prev: str, char: str) -> float:
        """log P(char | prev); ``prev`` may be "" at the start of a text."""
        value = self.bigram_.get(prev + char)
        if value is not None:
            return value
        return self.backoff_.get(prev, 0.0) + self.unigram_.get(char, self.unseen_)

    def score(self, text: str, prev: str = "\n") -> float:
        """Total log-probability of ``text``."""
        total = 0.0
        for char in text:
            total += self.logp(prev, char)
            prev = char
        return total

    @classmethod
    def load(cls, path: str | Path | None = None) -> CharLM:
        """Load a model file; with no path, the shipped model (loaded once per process)."""
        if path is None:
            return _default_model()
        return cls._read(Path(path))

    @classmethod
    def _read(cls, path: Path) -> CharLM:
        unigrams: dict[str, int] = {}
        bigrams: dict[str, int] = {}
        try:
            with gzip.open(path, "rt", encoding="utf-8", newline="\n") as fh:
                header = fh.readline().rstrip("\n")
                if header != FORMAT_LINE:
                    raise ResourceError(
                        f"{path}: not a character model file (first line {header[:40]!r}); "
                        "rebuild it with scripts/build_charlm.py"
                    )
                for line in fh:
                    kind, key, count = line.rstrip("\n").split("\t")
                    key = _unescape(key)
                    (unigrams if kind == "U" else bigrams)[key] = int(count)
        except FileNotFoundError:
            raise ResourceError(
                f"character model {path} is missing; reinstall feedback-nlp or rebuild it with "
                "scripts/build_charlm.py"
            ) from None
        except (OSError, ValueError, EOFError) as exc:
            raise ResourceError(f"character model {path} is damaged ({exc}); rebuild it with scripts/build_charlm.py") from None
        return cls(unigrams, bigrams)


@functools.lru_cache(maxsize=1)
def _default_model() -> CharLM:
    return CharLM._read(DEFAULT_PATH)


def escape(key: str) -> str:
    """Escape tab, newline and backslash so that keys fit in one TSV field."""
    return key.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(key: str) -> str:
    if "\\" not in key:
        return key
    out, i = [], 0
    while i < len(key):
        if key[i] == "\\" and i + 1 < len(key):
            out.append({"t": "\t", "n": "\n", "\\": "\\"}[key[i + 1]])
            i += 2
        else:
            out.append(key[i])
            i += 1
    return "".join(out)
