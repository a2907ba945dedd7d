"""Features of customer messages for the linear models.

``TextFeaturizer.analyse`` turns messages into their normalised text and *terms* with spans:
jieba words, where words within a few words after a negation (不, 没有, 别…) are marked ``!word``
so that "不满意" and "满意" are different evidence (the scope ends with its clause: at punctuation,
an emoji, and after the negated words at a contrast word, a conjunction or a space before a run of
Chinese characters; particles and pronouns use none of it), plus the terms after the last contrast word
(但是, 不过…) again as ``^term``, because the clause after "但是" usually carries the verdict.
With ``double_negation``, a negation right after another cancels it, and the message is read
without both: "不是不好" as "好", "没有不满意的地方" as "满意的地方", "不是没有问题" as "有问题"
(the first negation word goes, and the negating character of the second), with the term ``!!``
before the word that was negated twice, since litotes is weaker praise than the plain word. A
negation said again ("没没没收到货") is emphasis, not a double negation.
``TextFeaturizer`` turns messages into one sparse matrix: binary word n-grams of the terms,
binary character n-grams of the normalised text, and binary n-grams of the contrast clause.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .config import NormaliseConfig, TokeniseConfig, bundle_files, resolve_paths
from .errors import ConfigError
from .normalise.chat import PICTOGRAPH
from .normalise.text import _HAN, code_points, normalise_records
from .tokenise import Tokeniser, get_tokeniser

NEGATIONS = frozenset(
    """不 没 没有 别 未 无 非 不是 不太 不够 不会 不能 不要 不用 并不 从不 毫不 绝不 难以 从没 无法 没法 毫无 从来不
    从来没 从未 不怎么 并非 不肯 未能 没能 不曾 未曾 冇""".split()  # 冇: Cantonese 没有
)
AFFIRMED = "!!"  # the term standing for a double negation taken out (不是不好 -> !! 好)
# words that start with 不 or 没 without negating the rest of the word
NOT_NEGATING = frozenset(
    "不仅 不但 不管 不论 不过 不断 不久 不然 不如 不禁 不得不 不料 不愧 不免 不时 不止 没事 不停 不少 不久前 没想到 没关系 没收 不好意思 不客气 不小心".split()
)
CONTRASTS = frozenset("但是 但 可是 不过 然而 就是 只是 只不过 可惜 却".split())
# words that start a new clause without punctuation ("不满意因为太慢"): a negation's scope ends before them
CONJUNCTIONS = frozenset("因为 所以 而且 并且 然后 而是 另外 况且 何况 于是 因此".split())
CLAUSE_END = frozenset("，。！？；、,.!?;…~：:\n")
_END, _NEGATION, _CONTRAST, _CONJUNCTION = 1, 2, 3, 4
_KINDS = {
    **{w: _CONJUNCTION for w in CONJUNCTIONS},
    **{w: _CONTRAST for w in CONTRASTS},
    **{w: _NEGATION for w in NEGATIONS},
    **{w: _END for w in CLAUSE_END},
}
_WORD_CHAR = re.compile(r"[^\W_]")  # a letter, digit or Chinese character: what a negation can negate
# particles and personal pronouns inside a negation's scope negate nothing and use none of it:
# "没人给我处理" negates 处理 as "没人处理" does
PASSED_OVER = frozenset("了 的 啊 呀 吧 呢 嘛 哦 啦 我 你 您 他 她 它 我们 你们 他们 咱 咱们 人家".split())
_BASE = 0x110001  # one more than the number of code points: character n-grams as base-_BASE numbers
MAX_CHAR_NGRAM = 3  # _BASE ** 3 still fits in 64 bits
SMALL_BATCH_CHARS = 100  # fewer characters than this: character n-grams are looked up one by one
SMALL_BATCH_TERMS = 200  # fewer terms than this: word n-grams are joined and looked up one by one


@dataclass
class Analysis:
    text: str  # normalised text
    terms: list[str]
    spans: list[tuple[int, int]]  # span of each term in ``text``
    tail: list[str]  # terms of the clause after the last contrast word
    tail_offset: int | None = None  # where that clause starts in ``text``
    # where each character of ``text`` is in the normalised text, when double negations were
    # taken out of it (None: ``text`` is the normalised text)
    origin: list[int] | None = None


def _terms(
    norm: str, tokeniser: Tokeniser, negation_scope: int, double_negation: bool = False, affirmed: tuple[int, ...] = ()
) -> Analysis:
    """Terms with spans; ``affirmed``: where double negations were taken out (each gets the term
    ``AFFIRMED`` before the first word at or after it, with that word's span)."""
    terms: list[str] = []
    spans: list[tuple[int, int]] = []
    tail_start = tail_offset = None
    scope = 0
    end = 0
    stop = tokeniser.stopwords_ if tokeniser.config.drop_stopwords else ()
    kinds = _KINDS
    cancelled: list[tuple[int, int]] = []  # character spans of negations that cancel each other
    for word in tokeniser.segment(norm):
        start = end
        end += len(word)
        kind = kinds.get(word)
        if kind is None and not scope and not affirmed:  # most words: what the rest of the loop does with them
            if not (word.isspace() or word in stop):
                terms.append(word)
                spans.append((start, end))
            continue
        if kind == _END:
            scope = 0
            continue
        if word.isspace():
            if scope < negation_scope and _clause_after(norm, start, end):  # "快递没到 客服态度很好"
                scope = 0
            continue
        if word in stop:
            continue
        if kind in (_CONTRAST, _CONJUNCTION) and scope < negation_scope:
            # a new clause starts after the negated words: "不满意但是还行", "不满意因为太慢"; right
            # after the negation the word is what it negates ("不是因为价格贵")
            scope = 0
        elif scope and (word in PASSED_OVER or not _WORD_CHAR.search(word)):
            # an emoji ends the clause, as punctuation does ("不满意😡"); a bracket, quote or dash
            # is passed over, negating nothing
            if PICTOGRAPH.search(word):
                scope = 0
            terms.append(word)
            spans.append((start, end))
            continue
        if (
            double_negation and spans and scope == negation_scope > 0 and _negates(word) and word != terms[-1]
            and not (cancelled and cancelled[-1][0] == spans[-1][0])
        ):
            # right after a negation word: 不是不好, 没有不满意, 也不是不能用, 不是没有问题; not a
            # negation said again ("没没没收到货", "不不不": the same), nor one that a negation
            # before it cancelled already ("不是不是不好" keeps one 不)
            cancelled += [spans[-1], (start, start + 1)]
        if affirmed and start >= affirmed[0]:
            affirmed = affirmed[1:]
            terms.append(AFFIRMED)
            spans.append((start, end))
        if kind == _NEGATION:
            scope = negation_scope
            terms.append(word)
        elif scope:
            terms.append("!" + word)
            scope -= 1
        else:
            terms.append(word)
        spans.append((start, end))
        if kind == _CONTRAST:
            tail_start, tail_offset = len(terms), end
    if cancelled:
        text, where, origin = _without(norm, cancelled)
        analysis = _terms(text, tokeniser, negation_scope, affirmed=where)
        analysis.origin = origin
        return analysis
    if tail_start is None:
        return Analysis(norm, terms, spans, [])
    return Analysis(norm, terms, spans, terms[tail_start:], tail_offset)


_HAN_RUN = re.compile(f"[{_HAN}]{{3,}}")
_HAN_CHAR = re.compile(f"[{_HAN}]")


def _clause_after(text: str, start: int, end: int) -> bool:
    """Whether the space ``text[start:end]`` stands between clauses, as a comma would: a Chinese
    character before it and a run of three or more after it ("快递没到 客服态度很好"). Words spaced
    one or two characters apart ("不 太 满意") and spaces beside Latin words ("没有 5G 信号") are
    not clause ends."""
    return start > 0 and _HAN_CHAR.match(text, start - 1) is not None and _HAN_RUN.match(text, end) is not None


def _tail_grams(tail: list[str]) -> list[str]:
    """The n-grams of the clause after a contrast word: its terms and its pairs of terms."""
    return tail + [" ".join(tail[i : i + 2]) for i in range(len(tail) - 1)]


def _negates(word: str) -> bool:
    """Whether a word is a negation or starts with one that negates the rest (不好, 没用)."""
    return _KINDS.get(word) == _NEGATION or (len(word) > 1 and word[0] in "不没" and word not in NOT_NEGATING)


def _without(text: str, pairs: list[tuple[int, int]]) -> tuple[str, tuple[int, ...], list[int]]:
    """``text`` without the characters of the cancelled negations (pairs of spans), where each
    pair was in the new text, and where each character of the new text was in ``text``."""
    keep = np.ones(len(text), bool)
    for start, end in pairs:
        keep[start:end] = False
    before = np.concatenate([[0], np.cumsum(keep)])  # kept characters before each position
    where = tuple(int(before[pairs[i][0]]) for i in range(0, len(pairs), 2))
    return "".join(ch for ch, k in zip(text, keep) if k), where, np.flatnonzero(keep).tolist()


def _binary_csr(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """A binary matrix with a 1 at each (row, column), repeats counted once, columns in order: the
    entries' keys (row times width plus column) sorted, repeats dropped. A third faster than
    scipy's COO format, which sorts each row's columns and sums their repeats, from one message to
    batches of 100,000."""
    keys = np.sort(rows * shape[1] + cols)
    first = np.ones(len(keys), bool)  # the first of each run of equal keys (np.diff's prepend costs more)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    keys = keys[first]
    # 32-bit indices, as the COO path gives: scipy converts 64-bit ones itself, at twice the cost
    index = np.int32 if shape[1] < 2**31 and len(keys) < 2**31 else np.int64
    indptr = np.searchsorted(keys, np.arange(shape[0] + 1) * shape[1]).astype(index)
    return sp.csr_matrix((np.ones(len(keys), np.float32), (keys % shape[1]).astype(index), indptr), shape=shape)


class CodeTable:
    """Non-negative integer codes (distinct) -> columns: an open-addressing hash table held in two
    arrays, so that a whole batch of codes is looked up in a few array operations, each slot found
    by Fibonacci hashing and the next slots tried while one holds another code. Half full at most
    (a quarter full would save a fifth of the time for twice the memory, 8 MB for the default model's
    character n-grams), most codes are found at their first slot: three times faster than a binary
    search of the sorted codes for the n-grams of chat messages, whose steps miss the cache."""

    _EMPTY = -1
    _FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2**64 over the golden ratio, odd

    def __init__(self, codes: np.ndarray, columns: np.ndarray):
        codes, columns = np.asarray(codes, np.int64), np.asarray(columns, np.int64)
        bits = max(int(len(codes) * 2 - 1).bit_length(), 4)
        self._shift = np.uint64(64 - bits)
        self._mask = (1 << bits) - 1
        self._keys = np.full(1 << bits, self._EMPTY, np.int64)
        self._values = np.full(1 << bits, -1, np.int32 if not len(columns) or columns.max() < 2**31 else np.int64)
        slots = self._slots(codes)
        placed = np.zeros(len(codes), bool)
        pending = np.arange(len(codes))
        while len(pending):  # each round, the first code that wants a free slot gets it
            want = slots[pending]
            free = self._keys[want] == self._EMPTY
            taken, first = np.unique(want[free], return_index=True)
            won = pending[free][first]
            self._keys[taken], self._values[taken] = codes[won], columns[won]
            placed[won] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & self._mask

    def _slots(self, codes: np.ndarray) -> np.ndarray:
        return ((codes.astype(np.uint64) * self._FIBONACCI) >> self._shift).astype(np.int64)

    def __len__(self) -> int:
        return int(np.count_nonzero(self._keys != self._EMPTY))

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        """The column of each code, -1 where it is not in the table."""
        slots = self._slots(codes)
        # the first slot of every code, on whole arrays (most codes end there); then the few left
        keys = self._keys[slots]
        found = keys == codes
        out = np.where(found, self._values[slots], -1).astype(np.int64, copy=False)
        todo = np.flatnonzero(~found & (keys != self._EMPTY))
        slots = (slots[todo] + 1) & self._mask
        while len(todo):
            keys = self._keys[slots]
            found = keys == codes[todo]
            out[todo[found]] = self._values[slots[found]]
            going = ~found & (keys != self._EMPTY)
            todo, slots = todo[going], (slots[going] + 1) & self._mask
        return out


def _char_code(gram: str) -> int:
    code = 0
    for ch in gram:
        code = code * _BASE + ord(ch) + 1
    return code


@dataclass
class NgramHits:
    """Where the n-grams of a batch of texts occur, as ``TextFeaturizer.transform`` found them:
    every occurrence of a known character n-gram (its text, where it starts, its column), and every
    word n-gram of each text in the order ``_grams`` lists them (its text, its column or -1)."""

    char_rows: np.ndarray
    char_starts: np.ndarray
    char_columns: np.ndarray
    word_rows: np.ndarray
    word_columns: np.ndarray
    n_terms: np.ndarray  # the number of terms of each text
    word_ngrams: tuple[int, int]

    def take(self, rows: list[int]) -> NgramHits:
        """The hits of the texts ``rows`` (ascending), renumbered 0, 1, ... in that order."""
        new = np.full(len(self.n_terms), -1)
        new[rows] = np.arange(len(rows))
        char = new[self.char_rows] >= 0
        word = new[self.word_rows] >= 0
        return NgramHits(new[self.char_rows[char]], self.char_starts[char], self.char_columns[char],
                         new[self.word_rows[word]], self.word_columns[word], self.n_terms[rows], self.word_ngrams)

    def first_words(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The first occurrence of each known word n-gram in its text: the text, the column, the
        index of the term it starts at and its length in terms; ordered by text, then column."""
        n_grams = np.bincount(self.word_rows, minlength=len(self.n_terms))
        first = np.concatenate([[0], np.cumsum(n_grams)])
        known = np.flatnonzero(self.word_columns >= 0)
        keys = self.word_rows[known] * (int(self.word_columns.max(initial=0)) + 1) + self.word_columns[known]
        where = known[np.unique(keys, return_index=True)[1]]  # sorted by text, then column
        rows = self.word_rows[where]
        # a text's word n-grams are its terms, then its pairs of terms, ...: the place of an n-gram
        # in that list tells where it starts and how many terms it has
        place = where - first[rows]
        n_terms = self.n_terms[rows]
        lengths = np.zeros(len(where), np.int64)
        lo, hi = self.word_ngrams
        for n in range(lo, hi + 1):
            block = np.maximum(n_terms - n + 1, 0)  # the text's n-grams of n terms
            inside = (lengths == 0) & (place < block)
            lengths[inside] = n
            place = np.where(lengths == 0, place - block, place)
        return rows, self.word_columns[where], place, lengths


WORD_LISTS = "word_lists/"  # where a saved model keeps the files its featurizer reads


class TextFeaturizer:
    """Messages -> sparse binary n-gram features (word, character, contrast clause).

    The vocabularies are plain lists of n-grams (``to_dict`` / ``from_dict`` give JSON-ready
    data, so a saved featurizer is a text file, not code). Lookups go through ``dict.get`` in
    bulk, which is several times faster than scikit-learn's vectorizers on short messages.
    ``normalise`` and ``tokenise`` are config mappings (keys as in ``configs/default.yaml``).
    """

    def __init__(
        self, word_ngrams=(1, 2), char_ngrams=(1, 3), min_df=2, negation_scope=3, double_negation=False, normalise=None, tokenise=None
    ):
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams)
        if self.char_ngrams[1] > MAX_CHAR_NGRAM:
            raise ConfigError(f"features.char_ngrams: at most {MAX_CHAR_NGRAM} characters, got {self.char_ngrams[1]}")
        self.min_df = min_df
        self.negation_scope = negation_scope
        self.double_negation = double_negation
        self.normalise = dict(normalise or {})
        self.tokenise = dict(tokenise or {})
        self._norm_cfg = NormaliseConfig(**self.normalise)
        self._tok_cfg = TokeniseConfig(**self.tokenise)

    def analyse(self, texts) -> list[Analysis]:
        normalised = normalise_records(list(texts), self._norm_cfg)
        tokeniser = get_tokeniser(self._tok_cfg)
        return [_terms(t, tokeniser, self.negation_scope, self.double_negation) for t in normalised]

    def analyse_normalised(self, text: str) -> Analysis:
        """Terms of a text that is already normalised (e.g. a clause cut from one)."""
        return _terms(text, get_tokeniser(self._tok_cfg), self.negation_scope, self.double_negation)

    # ---- n-grams ---------------------------------------------------------------------
    def _grams(self, analysis: Analysis, chars: bool = True) -> tuple[list[str], list[str], list[str]]:
        words: list[str] = []
        terms = analysis.terms
        lo, hi = self.word_ngrams
        for n in range(lo, hi + 1):
            words.extend(terms if n == 1 else [" ".join(terms[i : i + n]) for i in range(len(terms) - n + 1)])
        char_grams: list[str] = []
        text = analysis.text
        lo, hi = self.char_ngrams
        for n in range(lo, hi + 1 if chars else lo):
            char_grams.extend(text if n == 1 else [text[i : i + n] for i in range(len(text) - n + 1)])
        return words, char_grams, _tail_grams(analysis.tail)

    def fit(self, texts, analyses: list[Analysis] | None = None) -> TextFeaturizer:
        analyses = analyses if analyses is not None else self.analyse(texts)
        counts: tuple[Counter, Counter, Counter] = (Counter(), Counter(), Counter())
        for a in analyses:
            for counter, grams in zip(counts, self._grams(a)):
                counter.update(set(grams))
        vocabs = [sorted(g for g, n in c.items() if n >= self.min_df) for c in counts]
        self._set_vocabularies(*vocabs)
        return self

    def _set_vocabularies(self, words: list[str], chars: list[str], tails: list[str]) -> None:
        self.word_vocabulary_ = words
        self.char_vocabulary_ = chars
        self.tail_vocabulary_ = tails
        self._offsets = (0, len(words), len(words) + len(chars))
        self._lookups = tuple(
            {g: i + off for i, g in enumerate(vocab)} for vocab, off in zip((words, chars, tails), self._offsets)
        )
        self.n_features_ = len(words) + len(chars) + len(tails)
        codes = np.array([_char_code(g) for g in chars], dtype=np.int64)
        self._char_table = CodeTable(codes, np.arange(len(chars)) + len(words))
        self._word_codes = self._word_ngram_codes(words)

    def _word_ngram_codes(self, words: list[str]) -> CodeTable | None:
        """Each word n-gram of more than one term as one integer (its terms' columns as digits in
        base len(words)) in a table of their columns: n-grams are then looked up for a whole batch at
        once (terms hold no spaces: the tokeniser splits whitespace off). None where that cannot be
        done (too many digits for 64 bits, or an n-gram whose terms are not all in the vocabulary, as
        they are in any vocabulary ``fit`` made), and ``transform`` joins and looks up strings instead."""
        lo, hi = self.word_ngrams
        base = len(words) + 1
        if lo != 1 or hi < 2 or base ** hi >= 2**63:
            return None
        column = self._lookups[0]
        codes, columns = [], []
        for col, gram in enumerate(words):
            parts = gram.split(" ")
            if len(parts) == 1:
                continue
            if len(parts) > hi or any(p not in column for p in parts):
                return None
            code = 0
            for p in parts:
                code = code * base + column[p] + 1
            codes.append(code)
            columns.append(col)
        return CodeTable(np.array(codes, np.int64), np.array(columns, np.int64))

    def _word_ngram_columns(self, analyses: list[Analysis]) -> tuple[np.ndarray, np.ndarray] | None:
        """The column of each word n-gram of each text in the order ``_grams`` lists them (-1 where
        unknown), and each one's text; computed for all texts at once from the columns of their
        terms (None: not possible for this vocabulary, see ``_word_ngram_codes``, or a batch too
        small to be worth the fixed costs of array operations)."""
        if self._word_codes is None or sum(len(a.terms) for a in analyses) < SMALL_BATCH_TERMS:
            return None
        table = self._word_codes
        lo, hi = self.word_ngrams
        base = len(self.word_vocabulary_) + 1
        n_terms = np.fromiter(map(len, (a.terms for a in analyses)), np.int64, len(analyses))
        terms = list(chain.from_iterable(a.terms for a in analyses))
        unigram = np.fromiter(map(self._lookups[0].get, terms, repeat(-1)), np.int64, len(terms))
        text_of = np.repeat(np.arange(len(analyses)), n_terms)
        # each text's n-grams: its terms, then its pairs of terms, ...; where each block starts
        blocks = [np.maximum(n_terms - n + 1, 0) for n in range(lo, hi + 1)]
        per_text = np.sum(blocks, axis=0)
        text_start = np.concatenate([[0], np.cumsum(per_text)])
        out = np.empty(int(text_start[-1]), np.int64)
        term_start = np.concatenate([[0], np.cumsum(n_terms)])
        offset = text_start[:-1].copy()
        for n, block in zip(range(lo, hi + 1), blocks):
            # the n-grams of n terms that start at each term of a text with at least n terms left
            starts = np.flatnonzero(np.arange(len(terms)) - term_start[text_of] <= n_terms[text_of] - n)
            if n == 1:
                values = unigram
            else:
                code = np.zeros(len(starts), np.int64)
                known = np.ones(len(starts), bool)
                for k in range(n):
                    part = unigram[starts + k]
                    known &= part >= 0
                    code = code * base + part + 1
                values = np.where(known, table.lookup(code), -1)
            owner = text_of[starts]
            out[offset[owner] + starts - term_start[owner]] = values
            offset += block
        return out, np.repeat(np.arange(len(analyses)), per_text)

    def fit_transform(self, texts, analyses: list[Analysis] | None = None):
        analyses = analyses if analyses is not None else self.analyse(texts)
        return self.fit(texts, analyses).transform(texts, analyses)

    def transform(self, texts, analyses: list[Analysis] | None = None, hits: bool = False):
        """The feature matrix of ``texts``; with ``hits``, also where each known n-gram occurs in
        them (``NgramHits``), for evidence."""
        analyses = analyses if analyses is not None else self.analyse(texts)
        word_lookup, _char_lookup, tail_lookup = self._lookups
        words: list[int] = []  # the column of each word n-gram of each text, -1 where unknown
        tails: list[int] = []
        n_words, n_tails = [], []
        batched = self._word_ngram_columns(analyses)
        for a in analyses:
            if batched is None:
                grams, _chars, tail = self._grams(a, chars=False)
                words.extend(map(word_lookup.get, grams, repeat(-1)))
                n_words.append(len(grams))
            else:
                tail = _tail_grams(a.tail)
            tails.extend(map(tail_lookup.get, tail, repeat(-1)))
            n_tails.append(len(tail))
        if batched is None:
            word_cols = np.array(words, np.int64)
            word_rows = np.repeat(np.arange(len(analyses)), n_words)
        else:
            word_cols, word_rows = batched
        tail_cols = np.array(tails, np.int64)
        tail_rows = np.repeat(np.arange(len(analyses)), n_tails)
        char_rows, char_starts, char_cols = self.char_ngram_hits([a.text for a in analyses])
        known_words, known_tails = word_cols >= 0, tail_cols >= 0
        all_rows = np.concatenate([word_rows[known_words], tail_rows[known_tails], char_rows])
        all_cols = np.concatenate([word_cols[known_words], tail_cols[known_tails], char_cols])
        X = _binary_csr(all_rows, all_cols, (len(analyses), self.n_features_))
        if not hits:
            return X
        n_terms = np.array([len(a.terms) for a in analyses], np.int64)
        return X, NgramHits(char_rows, char_starts, char_cols, word_rows, word_cols, n_terms, self.word_ngrams)

    def char_ngram_hits(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every occurrence of a known character n-gram in ``texts``: the text it is in, where it
        starts in that text, and its column; computed for all texts at once. Each n-gram becomes
        an integer code (code points as digits in base 0x110001) looked up in a table of the
        vocabulary's codes (``CodeTable``)."""
        if not texts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        if sum(map(len, texts)) < SMALL_BATCH_CHARS:
            return self._char_ngram_hits_by_lookup(texts)
        # code point + 1 for each character, 0 between texts (and at the end)
        joined = "\0".join(texts) + "\0"
        points = code_points(joined).astype(np.int64) + 1
        points[points == 1] = 0
        row_of = np.cumsum(points == 0) - (points == 0)
        codes_list, pos_list = [], []
        lo, hi = self.char_ngrams
        for n in range(lo, hi + 1):
            if len(points) < n:
                continue
            code = np.zeros(len(points) - n + 1, np.int64)
            valid = np.ones(len(code), bool)
            for k in range(n):
                part = points[k : k + len(code)]
                code = code * _BASE + part
                valid &= part != 0
            codes_list.append(code[valid])
            pos_list.append(np.nonzero(valid)[0])
        codes = np.concatenate(codes_list)
        positions = np.concatenate(pos_list)
        columns = self._char_table.lookup(codes)
        hit = columns >= 0
        positions = positions[hit]
        rows = row_of[positions]
        text_starts = np.concatenate([[0], np.cumsum([len(t) + 1 for t in texts])])
        return rows, positions - text_starts[rows], columns[hit]

    def _char_ngram_hits_by_lookup(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``char_ngram_hits`` by looking each n-gram up in the vocabulary, in the same order
        (n-gram length, text, start): faster than the arrays for a few short texts."""
        lookup = self._lookups[1]
        rows: list[int] = []
        starts: list[int] = []
        columns: list[int] = []
        lo, hi = self.char_ngrams
        for n in range(lo, hi + 1):
            for row, text in enumerate(texts):
                grams = text if n == 1 else [text[i : i + n] for i in range(len(text) - n + 1)]
                columns.extend(map(lookup.get, grams, repeat(-1)))
                rows.extend(repeat(row, len(grams)))
                starts.extend(range(len(grams)))
        columns_ = np.array(columns, np.int64)
        known = columns_ >= 0
        return np.array(rows, np.int64)[known], np.array(starts, np.int64)[known], columns_[known]

    # ---- names and persistence -------------------------------------------------------------
    def word_feature_names(self) -> list[str]:
        return self.word_vocabulary_

    def to_dict(self) -> dict:
        return {
            "params": {
                "word_ngrams": list(self.word_ngrams),
                "char_ngrams": list(self.char_ngrams),
                "min_df": self.min_df,
                "negation_scope": self.negation_scope,
                "double_negation": self.double_negation,
                "normalise": self.normalise,
                "tokenise": self.tokenise,
            },
            "vocabulary": {"word": self.word_vocabulary_, "char": self.char_vocabulary_, "tail": self.tail_vocabulary_},
        }

    def bundle(self, directory: Path) -> tuple[dict, list[Path]]:
        """``to_dict()`` with the files its settings name (user dictionaries, stop words, chat
        codes) copied into ``directory/word_lists`` and named relative to ``directory``, so that a
        saved model reads the words it was trained with on any machine; and the copies."""
        data = self.to_dict()
        params = dict(data["params"])
        files = {"normalise": params["normalise"], "tokenise": params["tokenise"]}
        bundled, copies = bundle_files(files, directory, WORD_LISTS)
        params.update(bundled)
        return {**data, "params": params}, copies

    @classmethod
    def from_dict(cls, data: dict, base: Path | None = None) -> TextFeaturizer:
        """A featurizer from ``to_dict()``'s data; ``base``: the directory that file names in its
        settings are relative to (a saved model's, see ``bundle``)."""
        params = data["params"]
        if base is not None:
            files = resolve_paths({"normalise": params.get("normalise") or {}, "tokenise": params.get("tokenise") or {}}, base)
            params = {**params, **files}
        feat = cls(**params)
        vocab = data["vocabulary"]
        feat._set_vocabularies(vocab["word"], vocab["char"], vocab["tail"])
        return feat
