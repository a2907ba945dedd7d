"""Where the stages meet: text -> normalise -> tokenise -> features -> models -> predictions.

``FeedbackClassifier`` is what other services import. It predicts, for each message, the
complaint causes above their thresholds (with calibrated probabilities and a confidence level),
every cause's probability, whether the message is a complaint, the sentiment label and score,
and the evidence: the words that pushed each decision, with their spans in the input text.
Bad items (None, empty, non-Chinese, very long) get a ``warning`` or ``error`` field instead of
failing the batch. Prediction reads only fitted arrays, so one instance can serve many threads.
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from .config import RESOURCES_DIR
from .errors import FeedbackNLPError
from .features import Analysis, TextFeaturizer
from .models.base import ModelError, load_objects, save_objects
from .models.linear import LinearModel

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = RESOURCES_DIR / "model"
MAX_CHARS = 2000  # longer messages are cut (with a warning): the models saw chat-length text
BATCH_SIZE = 2048
EVIDENCE_TERMS = 3
# Share of the sentiment decided by the clause after the last contrast word (但是, 不过…): in
# "东西不错但是客服太慢" that clause carries the verdict.
CONTRAST_WEIGHT = 0.3  # the largest share that did not lower dev accuracy (0.4 did)
_HAN = re.compile(r"[\u3400-\u9fff]")



def confidence_level(probability: float) -> str:
    """high (>= 0.8), medium (>= 0.6) or low."""
    return "high" if probability >= 0.8 else "medium" if probability >= 0.6 else "low"


def _offset_map(normalised: str, original: str) -> list[int] | None:
    """For each position of ``normalised``, the matching position in ``original`` (None: identity)."""
    if len(normalised) == len(original):
        return None
    mapping = [0] * (len(normalised) + 1)
    matcher = difflib.SequenceMatcher(None, normalised, original, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2):
            mapping[k] = j1 + min(k - i1, max(j2 - j1 - 1, 0)) if tag != "equal" else j1 + (k - i1)
    mapping[len(normalised)] = len(original)
    return mapping


class FeedbackClassifier:
    """Complaint causes and sentiment of customer messages. Load with ``FeedbackClassifier.load()``."""

    def __init__(self, featurizer: TextFeaturizer, causes: LinearModel, sentiment: LinearModel, metadata: dict):
        self.featurizer = featurizer
        self.causes_model = causes
        self.sentiment_model = sentiment
        self.metadata = metadata
        self.cause_ids_ = [str(c) for c in causes.classes_]
        self.cause_names_ = metadata.get("cause_names", {})
        self.thresholds_ = np.array([metadata["thresholds"][c] for c in self.cause_ids_])
        self.sentiment_labels_ = [str(c) for c in sentiment.classes_]
        self.neutral_bias_ = float(metadata.get("neutral_bias", 0.0))
        # praise is not a complaint: no causes when the positive probability reaches this
        self.positive_gate_ = float(metadata.get("positive_gate", 1.01))
        self._word_names = featurizer.word_feature_names()
        self._n_word = len(self._word_names)

    # ---- persistence -------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> FeedbackClassifier:
        """Load a model directory; with no path, the default model shipped with the package
        (loaded once per process and shared)."""
        if path is None:
            return _default_classifier()
        return cls._load_dir(Path(path))

    @classmethod
    def _load_dir(cls, directory: Path) -> FeedbackClassifier:
        objects, meta = load_objects(directory, ["causes", "sentiment"], ["featurizer"])
        if meta.get("backend") != "sklearn":
            raise FeedbackNLPError(f"{directory}: backend {meta.get('backend')!r} is not available in this installation")
        featurizer = TextFeaturizer.from_dict(objects["featurizer"])
        for name in ("causes", "sentiment"):
            if objects[name].coef_.shape[1] != featurizer.n_features_:
                raise ModelError(
                    f"{directory}: the {name} model has {objects[name].coef_.shape[1]} features but the featurizer "
                    f"makes {featurizer.n_features_}; the directory mixes parts of different models"
                )
        return cls(featurizer, objects["causes"], objects["sentiment"], meta)

    def save(self, path: str | Path) -> None:
        meta = {
            k: v for k, v in self.metadata.items() if k not in ("files", "format", "format_version", "versions", "created", "models")
        }
        save_objects(
            Path(path),
            {"causes": self.causes_model, "sentiment": self.sentiment_model},
            {"featurizer": self.featurizer.to_dict()},
            meta,
        )

    # ---- prediction --------------------------------------------------------------------
    def predict(self, texts: Iterable[Any], explain: bool = True, batch_size: int = BATCH_SIZE) -> list[dict]:
        """One result dict per input, in order; see the module docstring for the fields."""
        items = list(texts)
        out: list[dict] = []
        for start in range(0, len(items), batch_size):
            out.extend(self._predict_batch(items[start : start + batch_size], explain))
        return out

    def predict_one(self, text: Any, explain: bool = True) -> dict:
        return self._predict_batch([text], explain)[0]

    def _predict_batch(self, batch: list[Any], explain: bool) -> list[dict]:
        results: list[dict | None] = [None] * len(batch)
        texts, index = [], []
        for i, item in enumerate(batch):
            if item is None:
                results[i] = self._empty_result(None, error="text is None; pass a string")
                continue
            if not isinstance(item, str):
                results[i] = self._empty_result(None, error=f"text has type {type(item).__name__}; pass a string")
                continue
            warning = None
            text = item
            if len(text) > MAX_CHARS:
                text = text[:MAX_CHARS]
                warning = f"text has {len(item)} characters; only the first {MAX_CHARS} were classified"
            if not text.strip():
                results[i] = self._empty_result(item, warning="empty text; nothing to classify")
                continue
            if not _HAN.search(text):
                warning = "no Chinese characters; the models were trained on Chinese text"
            texts.append(text)
            index.append((i, warning))
        if texts:
            analyses = self.featurizer.analyse(texts)
            X = self.featurizer.transform(texts, analyses=analyses)
            cause_probs = self.causes_model.predict_proba(X)
            sent_probs = self._contrast_adjusted(analyses, self.sentiment_model.predict_proba(X))
            cause_rounded = np.round(cause_probs, 4).tolist()
            sent_rounded = np.round(sent_probs, 4).tolist()
            chosen = cause_probs >= self.thresholds_
            if "pos" in self.sentiment_labels_:
                chosen &= (sent_probs[:, self.sentiment_labels_.index("pos")] < self.positive_gate_)[:, None]
            for row, (i, warning) in enumerate(index):
                results[i] = self._result(
                    texts[row], analyses[row], X, row, cause_probs[row], chosen[row],
                    cause_rounded[row], sent_probs[row], sent_rounded[row], explain, warning,
                )
        return results  # type: ignore[return-value]

    def _contrast_adjusted(self, analyses: list[Analysis], probs: np.ndarray) -> np.ndarray:
        rows = [i for i, a in enumerate(analyses) if a.tail_offset is not None and _HAN.search(a.text[a.tail_offset :])]
        if not rows:
            return probs
        tails = [self.featurizer.analyse_normalised(analyses[i].text[analyses[i].tail_offset :]) for i in rows]
        tail_probs = self.sentiment_model.predict_proba(self.featurizer.transform(None, analyses=tails))
        probs = probs.copy()
        probs[rows] = (1.0 - CONTRAST_WEIGHT) * probs[rows] + CONTRAST_WEIGHT * tail_probs
        return probs

    def _sentiment(self, probs: np.ndarray) -> tuple[str, float, float]:
        adjusted = probs.copy()
        if "neu" in self.sentiment_labels_:
            adjusted[self.sentiment_labels_.index("neu")] -= self.neutral_bias_
        label = self.sentiment_labels_[int(adjusted.argmax())]
        p = dict(zip(self.sentiment_labels_, probs))
        score = float(p.get("pos", 0.0) - p.get("neg", 0.0))
        return label, score, float(p[label])

    def _result(
        self, text, analysis: Analysis, X, row, cause_probs, chosen_mask, cause_rounded, sent_probs, sent_rounded, explain, warning
    ) -> dict:
        chosen = sorted(np.flatnonzero(chosen_mask).tolist(), key=lambda j: -cause_probs[j])
        label, score, sent_p = self._sentiment(sent_probs)
        result = {
            "causes": [
                {
                    "id": self.cause_ids_[j],
                    "name": self.cause_names_.get(self.cause_ids_[j], self.cause_ids_[j]),
                    "probability": cause_rounded[j],
                    "confidence": confidence_level(cause_probs[j]),
                }
                for j in chosen
            ],
            "cause_probabilities": dict(zip(self.cause_ids_, cause_rounded)),
            "is_complaint": bool(chosen) or label == "neg",
            "sentiment": {
                "label": label,
                "score": round(score, 4),
                "confidence": confidence_level(sent_p),
                "probabilities": dict(zip(self.sentiment_labels_, sent_rounded)),
            },
            "warning": warning,
            "error": None,
        }
        if explain:
            mapping = _offset_map(analysis.text, text)
            result["evidence"] = {
                "causes": {
                    self.cause_ids_[j]: self._evidence(X, row, self.causes_model.coef_[j], analysis, text, mapping)
                    for j in chosen
                },
                "sentiment": self._evidence(
                    X, row, self.sentiment_model.coef_[self.sentiment_labels_.index(label)], analysis, text, mapping
                ),
            }
        return result

    def _evidence(self, X, row, weights: np.ndarray, analysis: Analysis, text: str, mapping) -> list[dict]:
        """The word features with the largest positive pull towards a label, with input spans."""
        lo, hi = X.indptr[row], X.indptr[row + 1]
        cols, values = X.indices[lo:hi], X.data[lo:hi]
        words = cols < self._n_word
        cols, values = cols[words], values[words]
        if not len(cols):
            return []
        pull = weights[cols] * values
        out = []
        for k in np.argsort(-pull)[:EVIDENCE_TERMS]:
            if pull[k] <= 0:
                break
            name = self._word_names[cols[k]]
            span = _find_terms(analysis, name.split(" "))
            # "!w" marks a word inside the scope of a negation
            entry = {"term": name, "weight": round(float(pull[k]), 3)}
            if span is not None:
                start, end = span
                if mapping is not None:
                    start, end = mapping[start], mapping[end]
                entry.update(start=start, end=end, text=text[start:end])
            out.append(entry)
        return out

    def _empty_result(self, original, warning: str | None = None, error: str | None = None) -> dict:
        neutral = {s: (1.0 if s == "neu" else 0.0) for s in self.sentiment_labels_}
        return {
            "causes": [],
            "cause_probabilities": {c: 0.0 for c in self.cause_ids_},
            "is_complaint": False,
            "sentiment": {"label": "neu", "score": 0.0, "confidence": "low", "probabilities": neutral},
            "warning": warning,
            "error": error,
            "evidence": {"causes": {}, "sentiment": []},
        }


@functools.lru_cache(maxsize=1)
def _default_classifier() -> FeedbackClassifier:
    return FeedbackClassifier._load_dir(DEFAULT_MODEL_DIR)


def _find_terms(analysis: Analysis, terms: list[str]) -> tuple[int, int] | None:
    n = len(terms)
    for i in range(len(analysis.terms) - n + 1):
        if analysis.terms[i : i + n] == terms:
            return analysis.spans[i][0], analysis.spans[i + n - 1][1]
    return None
