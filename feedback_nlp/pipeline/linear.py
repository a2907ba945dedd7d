"""The scikit-learn backend: n-gram features and linear models, evidence from the weights (see ``evidence``)."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import numpy as np

from ..errors import FeedbackNLPError
from ..features import Analysis, TextFeaturizer
from ..models.base import ModelError, load_objects, save_objects
from ..models.linear import MESSAGE, LinearModel, blend_styles, covers, style_names, style_probabilities, style_weights
from .base import _HAN, DEFAULT_MODEL_DIR, FeedbackClassifier
from .evidence import batch_words, text_words

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
        try:
            featurizer = TextFeaturizer.from_dict(objects.pop("featurizer"), base=directory)
        except FeedbackNLPError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            # its hash matched: the file was written so, or edited and the hash with it
            raise ModelError(f"{directory / 'featurizer.json'}: not a featurizer this version can read "
                             f"({type(exc).__name__}: {exc}); restore the model directory or retrain with "
                             "'feedback-nlp train'") from None
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
            words = {row: text_words(self.featurizer, analyses[row], texts[row], hits, row) for row in rows}
            found = [words[row].evidence(model.coef_[j], float(scale)) for (row, _, _), (model, j), scale in zip(requests, weights, scales)]
        else:
            units = batch_words(self.featurizer, [analyses[r] for r in rows], [texts[r] for r in rows], hits.take(rows))
            position = {row: k for k, row in enumerate(rows)}
            found = units.evidence([position[row] for row, _, _ in requests], weights, np.array(scales))
        return dict(zip(requests, found))


_default_lock = threading.Lock()


def _default_classifier() -> LinearClassifier:
    """The default model, loaded by the first caller; threads that ask meanwhile wait for it."""
    with _default_lock:
        return _load_default()


@functools.lru_cache(maxsize=1)
def _load_default() -> LinearClassifier:
    return LinearClassifier._load_dir(DEFAULT_MODEL_DIR)
