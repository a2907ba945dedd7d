"""The scikit-learn backend: n-gram features and linear models, evidence from the weights."""

from __future__ import annotations

import functools
import threading
from collections import Counter
from itertools import chain
from pathlib import Path

import numpy as np

from ..features import Analysis, NgramHits, TextFeaturizer
from ..models.base import ModelError, load_objects, save_objects
from ..models.linear import MESSAGE, LinearModel, blend_styles, covers, style_names, style_probabilities, style_weights
from ..normalise.text import records_sources, records_spans
from .base import _HAN, DEFAULT_MODEL_DIR, EVIDENCE_TERMS, FeedbackClassifier, input_span

# Share of the sentiment decided by the clause after the last contrast word (但是, 不过…): in
# "东西不错但是客服太慢" that clause carries the verdict.
CONTRAST_WEIGHT = 0.3  # the largest share that did not lower dev accuracy (0.4 did)
HEADS = ("causes", "sentiment")
FEW_TEXTS = 16  # evidence for up to this many texts is worked out text by text in plain Python (faster for a few)
STYLE = "style"  # the part that says which style of text each text is


class LinearClassifier(FeedbackClassifier):
    """The scikit-learn backend: n-gram features and linear models; evidence from the weights.

    Optionally the cause and the sentiment model each have more sets of weights, one per style of
    text other than messages to an organisation: ``review`` for review lines, or one per kind of
    review line (``review_hotel`` …). The style model says how likely each text is of each style,
    and the sets' scores are mixed by that. In a model directory each set is the part
    ``<model>_<style>`` (``causes_review``, ``sentiment_review_hotel``)."""

    backend = "sklearn"

    def __init__(
        self,
        featurizer: TextFeaturizer,
        causes: LinearModel,
        sentiment: LinearModel,
        metadata: dict,
        styled: dict[str, dict[str, LinearModel]] | None = None,
        style: LinearModel | None = None,
    ):
        super().__init__(list(causes.classes_), list(sentiment.classes_), metadata)
        styled = {head: dict(parts) for head, parts in (styled or {}).items() if parts}
        if bool(styled) != (style is not None):
            raise ModelError("a model with weights per style of text needs its style model too, and the other way round")
        self.featurizer = featurizer
        self.causes_model = causes
        self.sentiment_model = sentiment
        self.styled = styled
        self.style_model = style
        self._plain = dict(zip(HEADS, (causes, sentiment)))  # each model's weights for messages
        # each model split by style: its styles (message first) and their weights
        self._heads: dict[str, tuple[list[str], list[LinearModel]]] = {}
        if style is not None:
            self._styles = style_names(style)
            for head, base in self._plain.items():
                if head in styled:
                    names = [MESSAGE, *sorted(styled[head])]
                    self._check_styles(head, names)
                    self._heads[head] = (names, [base] + [styled[head][n] for n in names[1:]])
            # all weights in one matrix, features by labels, for one sparse product a batch; each
            # model's weights become a view into it, copied in one model at a time, so that memory
            # holds one copy of them, not two (35 MB a process for the default model)
            parts = [m for _, models in self._heads.values() for m in models] + [style]
            dtype = np.result_type(*[m.coef_ for m in parts])
            self._styled = np.empty((featurizer.n_features_, sum(m.coef_.shape[0] for m in parts)), dtype=dtype)
            start = 0
            for m in parts:
                k = m.coef_.shape[0]
                self._styled[:, start : start + k] = m.coef_.T
                m.coef_ = self._styled[:, start : start + k].T
                start += k

    def _check_styles(self, head: str, names: list[str]) -> None:
        """Each style the style model tells apart must be served by exactly one of a model's sets of
        weights, and each set must serve some style."""
        unused = [n for n in names if not any(covers(n, s) for s in self._styles)]
        if unused:
            raise ModelError(f"the {head} model has weights for the styles {unused}, which its style model does not tell apart "
                             f"({self._styles}); the directory mixes parts of different models")
        for style in self._styles:
            serving = [n for n in names if covers(n, style)]
            if len(serving) != 1:
                raise ModelError(
                    f"the {head} model has weights for the styles {names}, which serve texts of the style {style!r} "
                    f"{len(serving)} times instead of once; the directory mixes parts of different models"
                )

    @classmethod
    def _load(cls, directory: Path | None, device: str | None, runtime: str) -> LinearClassifier:
        return _default_classifier() if directory is None else cls._load_dir(directory)

    @classmethod
    def _load_dir(cls, directory: Path) -> LinearClassifier:
        objects, meta = load_objects(directory, ["causes", "sentiment"], ["featurizer"], optional_prefixes=("causes_", "sentiment_", STYLE))
        featurizer = TextFeaturizer.from_dict(objects.pop("featurizer"), base=directory)
        for name in objects:
            if objects[name].coef_.shape[1] != featurizer.n_features_:
                raise ModelError(
                    f"{directory}: the {name} model has {objects[name].coef_.shape[1]} features but the featurizer "
                    f"makes {featurizer.n_features_}; the directory mixes parts of different models"
                )
        styled = {head: {name[len(head) + 1 :]: m for name, m in objects.items() if name.startswith(head + "_")} for head in HEADS}
        return cls(featurizer, objects["causes"], objects["sentiment"], meta, styled, objects.get(STYLE))

    def save(self, path: str | Path) -> None:
        parts = {f"{head}_{name}": m for head, sets in self.styled.items() for name, m in sets.items()}
        if self.style_model is not None:
            parts[STYLE] = self.style_model
        featurizer, files = self.featurizer.bundle(Path(path))
        save_objects(
            Path(path),
            {"causes": self.causes_model, "sentiment": self.sentiment_model} | parts,
            {"featurizer": featurizer},
            self._saved_metadata(),
            files,
        )

    def _score(self, texts):
        analyses = self.featurizer.analyse(texts)
        X, hits = self.featurizer.transform(texts, analyses=analyses, hits=True)
        cause_probs, sent_probs, weights = self._probabilities(X)
        sent_probs = self._contrast_adjusted(analyses, sent_probs)
        # the set of weights each text is mostly read with, for its evidence
        chosen = {head: w.argmax(axis=1) for head, w in weights.items()}
        return cause_probs, sent_probs, (analyses, X, hits, chosen), [None] * len(texts)

    def _probabilities(self, X) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Cause and sentiment probabilities of feature rows, and for each model split by style,
        each row's weight for each of its styles."""
        if self.style_model is None:
            return self.causes_model.predict_proba(X), self.sentiment_model.predict_proba(X), {}
        products = np.asarray(X @ self._styled)
        n_style = len(self.style_model.classes_)
        probs_style = style_probabilities(self.style_model, products[:, -n_style:] + self.style_model.intercept_)
        probs, weights, start = {}, {}, 0
        for head, (names, models) in self._heads.items():
            width = len(names) * len(models[0].classes_)
            weights[head] = style_weights(names, self._styles, probs_style)
            probs[head] = models[0].probabilities(blend_styles(models, X, weights[head], products[:, start : start + width]))
            start += width
        for head, model in self._plain.items():
            if head not in probs:  # not split by style
                probs[head] = model.predict_proba(X)
        return probs["causes"], probs["sentiment"], weights

    def _contrast_adjusted(self, analyses: list[Analysis], probs: np.ndarray) -> np.ndarray:
        rows = [i for i, a in enumerate(analyses) if a.tail_offset is not None and _HAN.search(a.text[a.tail_offset :])]
        if not rows:
            return probs
        tails = [self.featurizer.analyse_normalised(analyses[i].text[analyses[i].tail_offset :]) for i in rows]
        tail_probs = self._probabilities(self.featurizer.transform(None, analyses=tails))[1]
        probs = probs.copy()
        probs[rows] = (1.0 - CONTRAST_WEIGHT) * probs[rows] + CONTRAST_WEIGHT * tail_probs
        return probs

    def _unknown(self, state) -> np.ndarray:
        return np.diff(state[1].indptr) == 0  # no feature of the text is in the vocabulary

    def _explain(self, texts, state, requests):
        analyses, X, hits, chosen = state
        rows = sorted({row for row, _, _ in requests})
        # a model with idf divides a text's products with its weights by the text's length under
        # idf, and so are the pulls: each is then the word's share of the decision score
        lengths = {head: self._plain[head].row_norms(X) if self._plain[head].idf_ is not None else None
                   for head in {head for _, head, _ in requests}}
        weights, scales = [], []
        for row, head, j in requests:
            model = self._heads[head][1][chosen[head][row]] if head in chosen else self._plain[head]
            weights.append((model, j))
            scales.append(1.0 / lengths[head][row] if lengths[head] is not None else 1.0)
        if len(rows) <= FEW_TEXTS:
            words = {row: self._text_words(analyses[row], texts[row], hits, row) for row in rows}
            found = [words[row].evidence(model.coef_[j], float(scale)) for (row, _, _), (model, j), scale in zip(requests, weights, scales)]
        else:
            units = self._units([analyses[r] for r in rows], [texts[r] for r in rows], hits.take(rows))
            position = {row: k for k, row in enumerate(rows)}
            found = units.evidence([position[row] for row, _, _ in requests], weights, np.array(scales))
        return dict(zip(requests, found))

    def _text_words(self, analysis: Analysis, text: str, hits: NgramHits, row: int) -> _TextWords:
        """``_units`` of one text, worked out in plain Python: for a few texts, several times faster
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
            sources = records_spans([text], self.featurizer._norm_cfg)[0][1]
            if analysis.origin is not None:
                sources = [sources[j] for j in analysis.origin]
        return _TextWords(text, analysis.terms, words, (columns_of, word_of, shares), sources)

    def _units(self, analyses: list[Analysis], texts: list[str], hits: NgramHits) -> _Units:
        """The words of each text that evidence names, and which features count towards each. A
        word's pull is its own weight (with the n-grams of words that start at it) plus that of the
        character n-grams that start inside it, each shared among its occurrences in the text: in
        "退货退款要多久" the n-grams 退, 退款, 退货 make the word 退货退款 evidence even where the word
        itself is too rare to have a weight of its own."""
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
        share = 1.0 / occurrences(which * self.featurizer.n_features_ + columns)
        at = starts + offsets[which]
        k = np.maximum(np.searchsorted(bounds[:, 0], at, side="right") - 1, 0)
        keep = (at >= bounds[k, 0]) & (at < bounds[k, 1]) if len(bounds) else np.zeros(len(at), bool)
        kept = np.flatnonzero(keep)[np.argsort(which[keep], kind="stable")]
        char_units = term_units[k[kept]] if len(bounds) else k[kept]
        char_cols, char_share = columns[kept], share[kept]
        edges = np.searchsorted(which[kept], np.arange(len(analyses) + 1))
        word_edges = np.searchsorted(word_rows, np.arange(len(analyses) + 1))
        sources = self._sources(analyses, texts)
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
        return _Units(texts, [a.terms for a in analyses], sources, feature_cols, feature_units, feature_share, per_text,
                      sizes, (unit_base, unit_term, unit_len, unit_span))

    def _sources(self, analyses: list[Analysis], texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Where each character of each analysed text came from in its input text: a table of
        spans in the input, one row a character, and where each text's rows start in it (-1: the
        text is its input, which normalising left as it was)."""
        base = np.full(len(analyses), -1, np.int64)
        changed = [r for r, (a, text) in enumerate(zip(analyses, texts)) if a.origin is not None or a.text != text]
        if not changed:
            return np.zeros((0, 2), np.int64), base
        _, spans, bounds, offsets = records_sources([texts[r] for r in changed], self.featurizer._norm_cfg)
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


class _Units:
    """The words of a batch of texts that evidence can name, and the features that count towards
    each word; see ``LinearClassifier._units``. ``cols``, ``unit`` and ``share`` hold each text's
    features in turn (``per_text`` of them), ``unit`` numbering the words of each text from 0;
    ``words`` says where the words of each text start among all, and each word's first term in
    its text, its length in terms and its span in its text."""

    def __init__(self, texts, terms, sources, cols, unit, share, per_text, n_units, words):
        self.texts, self.terms = texts, terms
        self.sources, self.source_base = sources  # see LinearClassifier._sources
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
            out[q] = named[lo:hi]
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


class _TextWords:
    """The words of one text that evidence can name, and the features that count towards each;
    see ``LinearClassifier._text_words``."""

    def __init__(self, text, terms, words, features, sources):
        self.text, self.terms, self.words, self.sources = text, terms, words, sources
        self.plain = text.isprintable() and " " not in text
        self.columns, self.word_of = (np.array(values, np.int64) for values in features[:2])
        self.shares = np.array(features[2], np.float64)

    def evidence(self, weights: np.ndarray, scale: float) -> list[dict]:
        """As ``_Units.evidence`` for a request on this text: its weights and its scale."""
        pulls = np.bincount(self.word_of, weights[self.columns] * (self.shares * scale), minlength=len(self.words))
        best = sorted((-pull, word) for word, pull in enumerate(pulls.tolist()) if pull > 0)[:EVIDENCE_TERMS]
        out = []
        for pull, word in best:
            k, n, span = self.words[word]
            start, end = input_span(span, self.text, self.sources, self.plain)
            term = self.terms[k] if n == 1 else " ".join(self.terms[k : k + n])
            out.append({"term": term, "weight": round(-pull, 3), "start": start, "end": end, "text": self.text[start:end]})
        return out


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


_default_lock = threading.Lock()


def _default_classifier() -> LinearClassifier:
    """The default model, loaded by the first caller; threads that ask meanwhile wait for it."""
    with _default_lock:
        return _load_default()


@functools.lru_cache(maxsize=1)
def _load_default() -> LinearClassifier:
    return LinearClassifier._load_dir(DEFAULT_MODEL_DIR)
