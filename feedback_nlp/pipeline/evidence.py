"""Evidence of the linear backend: the words of a text behind each decision, from the weights.

A word's pull towards a label is its own weight (with the n-grams of words that start at it) plus
that of the character n-grams that start inside it, each shared among its occurrences in the text,
times the text's scale (one over its length under idf); the words with the largest positive pulls
are the evidence, each with its span in the input text. ``batch_words`` finds the words and
features of a batch of texts in array operations; ``text_words`` does the same for one text in
plain Python, faster for a few: both give the same words and weights, to the bit.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np

from ..features import Analysis, NgramHits, TextFeaturizer
from ..normalise.text import records_sources, records_spans
from .base import EVIDENCE_TERMS, input_span


def batch_words(featurizer: TextFeaturizer, analyses: list[Analysis], texts: list[str], hits: NgramHits) -> BatchWords:
    """The words of each text of a batch that evidence names, and which features count towards
    each (see the module's docstring): in "退货退款要多久" the n-grams 退, 退款, 退货 make the word
    退货退款 evidence even where the word itself is too rare to have a weight of its own."""
    # all texts joined, each followed by one spare position, so that a span of the joined text
    # tells its text, and one integer (start times width plus end) tells a span
    offsets = np.zeros(len(analyses) + 1, np.int64)
    offsets[1:] = np.cumsum([len(a.text) + 1 for a in analyses])
    width = int(offsets[-1]) + 1
    n_terms = np.array([len(a.spans) for a in analyses], np.int64)
    term_text = np.repeat(np.arange(len(analyses)), n_terms)
    first_term = np.concatenate([[0], np.cumsum(n_terms)])  # each text's first term among all
    bounds = np.array(list(chain.from_iterable(chain.from_iterable(a.spans for a in analyses))), np.int64).reshape(-1, 2)
    bounds += offsets[term_text][:, None]
    # each distinct span of a term or a known word n-gram is a unit, numbered in each text in
    # the order of its first occurrence (terms first, then word n-grams by column) and named by it
    word_rows, word_cols, word_terms, word_lengths = hits.first_words()
    word_first = first_term[word_rows] + word_terms
    word_bounds = np.stack([bounds[word_first, 0], bounds[word_first + word_lengths - 1, 1]], axis=1)
    keys = np.concatenate([bounds[:, 0] * width + bounds[:, 1], word_bounds[:, 0] * width + word_bounds[:, 1]])
    key_text = np.concatenate([term_text, word_rows])
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    unit_text = key_text[first]
    order = np.lexsort((first, unit_text))  # by text, then first occurrence
    sizes = np.bincount(unit_text, minlength=len(analyses))
    unit_base = np.concatenate([[0], np.cumsum(sizes)])
    local = np.empty(len(uniq), np.int64)
    local[order] = np.arange(len(uniq)) - unit_base[unit_text[order]]
    key_units = local[inverse.reshape(-1)]
    term_units, word_units = key_units[: len(bounds)], key_units[len(bounds) :]
    # each unit, in order of text and number: its first term in its text, its length in terms,
    # its span in its text
    at_first = first[order]
    is_term = at_first < len(bounds)
    from_word = np.where(is_term, 0, at_first - len(bounds))
    unit_term = np.where(is_term, at_first, word_first[from_word] if len(word_first) else 0) - first_term[unit_text[order]]
    unit_len = np.where(is_term, 1, word_lengths[from_word] if len(word_lengths) else 1)
    unit_span = np.stack([uniq[order] // width, uniq[order] % width], axis=1) - offsets[unit_text[order]][:, None]
    # the character n-grams of all texts at once, each with the share of its column's pull an
    # occurrence gets (one over the number of times it occurs in its text) and the term it
    # starts in (none: it starts between terms, in punctuation or spaces)
    which, starts, columns = hits.char_rows, hits.char_starts, hits.char_columns
    share = 1.0 / occurrences(which * featurizer.n_features_ + columns)
    at = starts + offsets[which]
    k = np.maximum(np.searchsorted(bounds[:, 0], at, side="right") - 1, 0)
    keep = (at >= bounds[k, 0]) & (at < bounds[k, 1]) if len(bounds) else np.zeros(len(at), bool)
    kept = np.flatnonzero(keep)[np.argsort(which[keep], kind="stable")]
    char_units = term_units[k[kept]] if len(bounds) else k[kept]
    char_cols, char_share = columns[kept], share[kept]
    edges = np.searchsorted(which[kept], np.arange(len(analyses) + 1))
    word_edges = np.searchsorted(word_rows, np.arange(len(analyses) + 1))
    sources = _sources(featurizer, analyses, texts)
    # each text's features in turn: its word n-grams, then its character n-grams
    n_words, n_chars = np.diff(word_edges), np.diff(edges)
    per_text = n_words + n_chars
    text_at = np.concatenate([[0], np.cumsum(per_text)])[:-1]
    word_at = np.arange(len(word_units)) + np.repeat(text_at - word_edges[:-1], n_words)
    char_at = np.arange(len(char_cols)) + np.repeat(text_at + n_words - edges[:-1], n_chars)
    size = int(per_text.sum())
    feature_cols, feature_units, feature_share = np.empty(size, np.int64), np.empty(size, np.int64), np.ones(size)
    feature_cols[word_at], feature_units[word_at] = word_cols, word_units
    feature_cols[char_at], feature_units[char_at], feature_share[char_at] = char_cols, char_units, char_share
    return BatchWords(texts, [a.terms for a in analyses], sources, feature_cols, feature_units, feature_share, per_text,
                  sizes, (unit_base, unit_term, unit_len, unit_span))


def _sources(featurizer: TextFeaturizer, analyses: list[Analysis], texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Where each character of each analysed text came from in its input text: a table of
    spans in the input, one row a character, and where each text's rows start in it (-1: the
    text is its input, which normalising left as it was)."""
    base = np.full(len(analyses), -1, np.int64)
    changed = [r for r, (a, text) in enumerate(zip(analyses, texts)) if a.origin is not None or a.text != text]
    if not changed:
        return np.zeros((0, 2), np.int64), base
    _, spans, bounds, offsets = records_sources([texts[r] for r in changed], featurizer._norm_cfg)
    rows, shifts = [], []
    at = 0
    for r, (start, _stop), offset in zip(changed, bounds, offsets):
        origin = analyses[r].origin
        rows.append(np.arange(start, start + len(analyses[r].text)) if origin is None else start + np.asarray(origin, np.int64))
        shifts.append(offset)
        base[r] = at
        at += len(rows[-1])
    sizes = [len(part) for part in rows]
    table = spans[np.concatenate(rows)] - np.repeat(np.array(shifts, np.int64), sizes)[:, None]
    return table, base


class BatchWords:
    """The words of a batch of texts that evidence can name, and the features that count towards
    each word; see ``batch_words``. ``cols``, ``unit`` and ``share`` hold each text's
    features in turn (``per_text`` of them), ``unit`` numbering the words of each text from 0;
    ``words`` says where the words of each text start among all, and each word's first term in
    its text, its length in terms and its span in its text."""

    def __init__(self, texts, terms, sources, cols, unit, share, per_text, n_units, words):
        self.texts, self.terms = texts, terms
        self.sources, self.source_base = sources  # see _sources
        # texts without a space or an invisible character (control, format): no span needs trimming
        self.plain = [text.isprintable() and " " not in text for text in texts]
        self.cols, self.unit, self.share = cols, unit, share
        self.starts = np.concatenate([[0], np.cumsum(per_text)])
        self.per_text, self.n_units = per_text, n_units
        self.unit_base, self.unit_term, self.unit_len, self.unit_span = words

    def evidence(self, texts: list[int], weights: list[tuple], scales: np.ndarray) -> list[list[dict]]:
        """For each request (its text, its model and label, its scale): the words with the largest
        positive pull towards the label (the weights of their features times the scale), each as
        its evidence entry, largest first; "!w" in a term marks a word inside the
        scope of a negation. All requests are worked out together in array operations (fewer
        calls, each on more data)."""
        # requests with the same weights next to each other, so that each set of weights is read once
        groups: dict[tuple, list[int]] = {}
        for q, (model, j) in enumerate(weights):
            groups.setdefault((id(model), j), []).append(q)
        order_of = [q for qs in groups.values() for q in qs]
        texts = np.asarray(texts, np.int64)[order_of]
        counts = self.per_text[texts]
        # the features of each request's text, one after another
        request = np.repeat(np.arange(len(texts)), counts)
        first = np.concatenate([[0], np.cumsum(counts)])
        at = np.arange(first[-1]) - np.repeat(first[:-1] - self.starts[texts], counts)
        values = np.empty(len(at))
        done = 0
        for qs in groups.values():
            model, j = weights[qs[0]]
            lo, hi = first[done], first[done + len(qs)]
            values[lo:hi] = model.coef_[j][self.cols[at[lo:hi]]]
            done += len(qs)
        shares = self.share[at]
        shares *= np.repeat(scales[order_of], counts)
        values *= shares
        # each request's words numbered after those of the requests before it
        sizes = self.n_units[texts]
        base = np.concatenate([[0], np.cumsum(sizes)])
        pulls = np.bincount(base[request] + self.unit[at], values, minlength=int(base[-1]))
        owner = np.repeat(np.arange(len(texts)), sizes)
        best = largest_per_group(pulls, owner, EVIDENCE_TERMS)
        owners = owner[best]
        named = self._named(texts[owners], best - base[owners], pulls[best])
        edges = np.searchsorted(owners, np.arange(len(texts) + 1)).tolist()  # each request's entries
        out: list[list[dict]] = [[]] * len(texts)
        for q, lo, hi in zip(order_of, edges[:-1], edges[1:]):
            out[q] = [entry for entry in named[lo:hi] if entry["weight"] > 0]  # not a pull too small to show
        return out

    def _named(self, texts: np.ndarray, units: np.ndarray, pulls: np.ndarray) -> list[dict]:
        """The evidence entry of each word ``units`` of ``texts`` with its pull: its term, weight,
        and span in the input text (see ``input_span``)."""
        at = self.unit_base[texts] + units
        spans = self.unit_span[at]
        base = self.source_base[texts]
        moved = np.flatnonzero(base >= 0)  # words of texts that normalising changed: their spans in the input
        if len(moved):
            spans[moved, 0] = self.sources[base[moved] + spans[moved, 0], 0]
            spans[moved, 1] = self.sources[base[moved] + spans[moved, 1] - 1, 1]
        out = []
        plain = self.plain
        for t, k, n, start, end, weight in zip(texts.tolist(), self.unit_term[at].tolist(), self.unit_len[at].tolist(),
                                               spans[:, 0].tolist(), spans[:, 1].tolist(), rounded(pulls, 3)):
            term = self.terms[t][k] if n == 1 else " ".join(self.terms[t][k : k + n])
            text = self.texts[t]
            if not plain[t]:
                start, end = input_span((start, end), text, None)
            out.append({"term": term, "weight": weight, "start": start, "end": end, "text": text[start:end]})
        return out


def largest_per_group(values: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` largest positive ``values`` of each group (``groups``: each value's
    group, in ascending order), by group, then largest value first, ties in index order: as two
    stable sorts would give, but found as ``k`` rounds of each group's maximum, a few passes over
    the values each, since a group has few values and only the first ``k`` are wanted."""
    at = np.flatnonzero(values > 0)
    rounds = []
    for rank in range(k):
        if not len(at):
            break
        found, group = values[at], groups[at]
        starts = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
        largest = np.maximum.reduceat(found, starts)
        top = np.flatnonzero(found == np.repeat(largest, np.diff(np.append(starts, len(at)))))
        top = top[np.concatenate([[True], group[top[1:]] != group[top[:-1]]])]  # the first of each group's ties
        rounds.append(at[top])
        at = np.delete(at, top)
    if not rounds:
        return np.zeros(0, np.int64)
    picked = np.concatenate(rounds)
    rank = np.repeat(np.arange(len(rounds)), [len(r) for r in rounds])
    return picked[np.lexsort((rank, groups[picked]))]


def occurrences(keys: np.ndarray) -> np.ndarray:
    """How many times each element of ``keys`` occurs in it (as ``np.unique`` with
    ``return_inverse`` and ``return_counts`` tells, without its second sort)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if len(keys) else np.zeros(0, np.int64)
    runs = np.diff(np.append(starts, len(keys)))
    out = np.empty(len(keys), np.int64)
    out[order] = np.repeat(runs, runs)
    return out


def rounded(values: np.ndarray, digits: int) -> list[float]:
    """``[round(v, digits) for v in values]``, in array operations: a value is scaled, rounded to
    the nearest integer and scaled back (a correctly rounded division, so the same float as
    ``round`` gives), except where its scaled value lies so near a half that the scaling's own
    rounding could tip it; those few go through ``round``."""
    scale = 10.0**digits
    scaled = values * scale
    out = (np.rint(scaled) / scale).tolist()
    for i in np.flatnonzero(np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < 1e-6).tolist():
        out[i] = round(float(values[i]), digits)
    return out


def text_words(featurizer: TextFeaturizer, analysis: Analysis, text: str, hits: NgramHits, row: int) -> TextWords:
    """``batch_words`` of one text, worked out in plain Python: for a few texts, several times faster
    than the array operations, whose fixed costs a batch shares. The same words, numbered the
    same, with the same features in the same order, so that evidence is the same to the bit."""
    spans = analysis.spans
    number: dict[tuple[int, int], int] = {}  # a span's word
    words: list[tuple[int, int, tuple[int, int]]] = []  # each word's first term, length in terms, span
    term_words = []
    for i, span in enumerate(spans):  # the terms' words first, in order
        if span not in number:
            number[span] = len(words)
            words.append((i, 1, span))
        term_words.append(number[span])
    # then the words of known word n-grams, by column, each at its first occurrence; a text's
    # word n-grams are its terms, then its pairs of terms, ... (see TextFeaturizer._grams)
    in_row = np.flatnonzero(hits.word_rows == row)
    columns = hits.word_columns[in_row].tolist()
    first: dict[int, tuple[int, int]] = {}
    place = 0
    lo, hi = hits.word_ngrams
    for n in range(lo, hi + 1):
        for i in range(len(spans) - n + 1):
            if columns[place] >= 0 and columns[place] not in first:
                first[columns[place]] = (i, n)
            place += 1
    # each feature that counts: its column, its word, the share of the column's pull it gets
    columns_of: list[int] = []
    word_of: list[int] = []
    shares: list[float] = []
    for column in sorted(first):
        i, n = first[column]
        span = (spans[i][0], spans[i + n - 1][1])
        if span not in number:
            number[span] = len(words)
            words.append((i, n, span))
        columns_of.append(column)
        word_of.append(number[span])
        shares.append(1.0)
    # then each occurrence of a known character n-gram that starts inside a term, in the order
    # found, with its share: one over the times its n-gram occurs in the text
    in_row = np.flatnonzero(hits.char_rows == row)
    starts, char_columns = hits.char_starts[in_row].tolist(), hits.char_columns[in_row].tolist()
    times = Counter(char_columns)
    word_at = [-1] * (len(analysis.text) + 1)  # the word of the term at each character (-1: none)
    for (start, end), word in zip(spans, term_words):
        word_at[start:end] = [word] * (end - start)
    for start, column in zip(starts, char_columns):
        if word_at[start] >= 0:
            columns_of.append(column)
            word_of.append(word_at[start])
            shares.append(1.0 / times[column])
    sources = None
    if analysis.origin is not None or analysis.text != text:
        sources = records_spans([text], featurizer._norm_cfg)[0][1]
        if analysis.origin is not None:
            sources = [sources[j] for j in analysis.origin]
    return TextWords(text, analysis.terms, words, (columns_of, word_of, shares), sources)


class TextWords:
    """The words of one text that evidence can name, and the features that count towards each;
    see ``text_words``."""

    def __init__(self, text, terms, words, features, sources):
        self.text, self.terms, self.words, self.sources = text, terms, words, sources
        self.plain = text.isprintable() and " " not in text
        self.columns, self.word_of = (np.array(values, np.int64) for values in features[:2])
        self.shares = np.array(features[2], np.float64)

    def evidence(self, weights: np.ndarray, scale: float) -> list[dict]:
        """As ``BatchWords.evidence`` for a request on this text: its weights and its scale."""
        pulls = np.bincount(self.word_of, weights[self.columns] * (self.shares * scale), minlength=len(self.words))
        best = sorted((-pull, word) for word, pull in enumerate(pulls.tolist()) if pull > 0)[:EVIDENCE_TERMS]
        out = []
        for pull, word in best:
            if round(-pull, 3) <= 0:
                continue  # a pull too small to show, as in a batch
            k, n, span = self.words[word]
            start, end = input_span(span, self.text, self.sources, self.plain)
            term = self.terms[k] if n == 1 else " ".join(self.terms[k : k + n])
            out.append({"term": term, "weight": round(-pull, 3), "start": start, "end": end, "text": self.text[start:end]})
        return out
