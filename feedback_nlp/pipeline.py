"""Where the stages meet: text -> normalise -> tokenise -> features -> models -> predictions.

``FeedbackClassifier`` is what other services import. It predicts, for each message, the
complaint causes above their thresholds (with calibrated probabilities and a confidence level),
every cause's probability, whether the message is a complaint, the sentiment label and score,
and the evidence: the words that pushed each decision, with their spans in the input text.
Bad items (None, empty, non-Chinese, mojibake, very long) get a ``warning`` or ``error`` field
instead of failing the batch; items not classified at all (None, not a string, empty, nothing the
model knows) have no sentiment label. Prediction reads only fitted arrays, so one instance can
serve many threads.
"""

from __future__ import annotations

import abc
import difflib
import functools
import itertools
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from .config import RESOURCES_DIR, NormaliseConfig
from .errors import FeedbackNLPError
from .features import Analysis, TextFeaturizer
from .models.base import ModelError, load_objects, read_metadata, save_objects, verify_files, write_metadata
from .models.linear import MESSAGE, LinearModel, blend_styles, covers, style_names, style_probabilities, style_weights
from .normalise.chat import get_reader
from .normalise.encoding import looks_like_mojibake, repair_mojibake
from .normalise.text import PICTOGRAPH, normalise_records

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = RESOURCES_DIR / "model"
MAX_CHARS = 2000  # longer messages are cut (with a warning): the models saw chat-length text
BATCH_SIZE = 2048
EVIDENCE_TERMS = 3
# Share of the sentiment decided by the clause after the last contrast word (但是, 不过…): in
# "东西不错但是客服太慢" that clause carries the verdict.
CONTRAST_WEIGHT = 0.3  # the largest share that did not lower dev accuracy (0.4 did)
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD_CHAR = re.compile(r"[^\W\d_]")  # a letter or character of any script
NOT_KNOWN = "none of its words, characters or emoji is known to the model; not classified"



def _missing(item: Any) -> bool:
    """None, or a missing value from pandas or numpy (NaN, pd.NA, NaT): an empty cell of a table."""
    if item is None or type(item).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(item, (float, np.floating)) and item != item


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


class FeedbackClassifier(abc.ABC):
    """Complaint causes and sentiment of customer messages. Load with ``FeedbackClassifier.load()``.

    One class for every backend: ``load`` reads the model directory's metadata and returns the
    matching subclass (scikit-learn linear models, or fine-tuned transformers). Input checks,
    thresholds and the result records are shared; a backend supplies probabilities and evidence.
    """

    backend = ""

    def __init__(self, cause_ids: list[str], sentiment_labels: list[str], metadata: dict):
        self.metadata = metadata
        self.cause_ids_ = [str(c) for c in cause_ids]
        self.cause_names_ = metadata.get("cause_names", {})
        self.thresholds_ = np.array([metadata["thresholds"][c] for c in self.cause_ids_])
        self.sentiment_labels_ = [str(c) for c in sentiment_labels]
        self.neutral_bias_ = float(metadata.get("neutral_bias") or 0.0)
        # praise is not a complaint, nor is a plain question: no causes when the positive or the
        # neutral probability reaches its gate (1.01: no gate)
        self.positive_gate_ = float(metadata.get("positive_gate") or 1.01)
        self.neutral_gate_ = float(metadata.get("neutral_gate") or 1.01)

    # ---- persistence -------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, device: str | None = None, runtime: str = "torch") -> FeedbackClassifier:
        """Load a model directory; with no path, the default model shipped with the package
        (loaded once per process and shared). The backend is read from the directory's metadata.

        For the transformers backend: ``device`` (auto, cpu, cuda, cuda:N) defaults to a GPU when
        torch sees one, else the CPU; ``runtime="onnx"`` serves the exported ONNX files with
        onnxruntime on CPU instead of torch (see ``export_onnx``)."""
        if runtime not in ("torch", "onnx"):
            raise FeedbackNLPError(f"runtime {runtime!r}: use torch or onnx")
        directory = None if path is None else Path(path)
        backend, device, runtime = backend_options(directory, device, runtime)
        if backend == "sklearn":
            return _default_classifier() if directory is None else LinearClassifier._load_dir(directory)
        if backend == "transformers":
            return TransformersClassifier._load_dir(directory, device, runtime)
        if backend is None:
            raise ModelError(f"{directory}/metadata.json names no 'backend' ({' or '.join(BACKENDS)}); the file was edited "
                             "or damaged after training: restore it from the trained model or retrain")
        raise ModelError(f"{directory}: backend {backend!r} is not known to this feedback_nlp ({', '.join(BACKENDS)})")

    @abc.abstractmethod
    def save(self, path: str | Path) -> None:
        """Write the model directory (weights, vocabularies, ``metadata.json`` with file hashes)."""

    def _saved_metadata(self) -> dict:
        return {
            k: v for k, v in self.metadata.items() if k not in ("files", "format", "format_version", "versions", "created", "models")
        }

    # ---- what a backend supplies -------------------------------------------------------
    @abc.abstractmethod
    def _score(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, Any, list[str | None]]:
        """Cause and sentiment probabilities of ``texts``, state for ``_explain``, and a warning
        (or None) per text."""

    def _unknown(self, state: Any) -> np.ndarray | None:
        """Which texts the models know nothing of (their scores are only the models' priors), or
        None where a backend cannot tell."""
        return None

    @abc.abstractmethod
    def _explain(self, texts: list[str], state: Any, requests: list[tuple[int, str, int]]) -> dict:
        """Evidence for each (row, head, label index) request: a list of
        {term, weight, start, end, text} with spans in the input text."""

    # ---- prediction --------------------------------------------------------------------
    def predict(self, texts: Iterable[Any], explain: bool = True, batch_size: int = BATCH_SIZE) -> list[dict]:
        """One result dict per input, in order; see the module docstring for the fields."""
        return list(self._iter_checked(texts, explain, batch_size, "predict"))

    def iter_predict(self, texts: Iterable[Any], explain: bool = True, batch_size: int = BATCH_SIZE) -> Iterator[dict]:
        """``predict`` one batch at a time: reads ``texts`` (any iterable, a generator over a
        database cursor included) ``batch_size`` items at a time and yields each result in order,
        so memory stays that of one batch however many texts there are."""
        return self._iter_checked(texts, explain, batch_size, "iter_predict")

    def _iter_checked(self, texts: Iterable[Any], explain: bool, batch_size: int, method: str) -> Iterator[dict]:
        """The results of ``texts`` (lazily), after refusing what cannot be meant as a list of texts."""
        if isinstance(texts, (str, bytes)):
            raise TypeError(f"{method}() takes a list of texts, not one string (it would classify each character); "
                            "pass [text], or use predict_one(text)")
        if isinstance(texts, (dict, set, frozenset)) or hasattr(texts, "columns"):
            hint = {"dict": "list(texts.values())", "set": "a list", "frozenset": "a list"}.get(type(texts).__name__, "one column, df['text']")
            raise TypeError(
                f"{method}() takes a list of texts, not a {type(texts).__name__} (it would classify its keys, or lose "
                f"the order results come back in); pass {hint}"
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"{method}(): batch_size={batch_size!r}; pass a whole number of texts, 1 or more "
                             f"(default {BATCH_SIZE})")
        return self._iter_batches(iter(texts), explain, batch_size)

    def _iter_batches(self, items: Iterator[Any], explain: bool, batch_size: int) -> Iterator[dict]:
        while batch := list(itertools.islice(items, batch_size)):
            yield from self._predict_batch(batch, explain)

    def predict_one(self, text: Any, explain: bool = True) -> dict:
        """The result dict of one text, as ``predict([text])[0]``."""
        return self._predict_batch([text], explain)[0]

    def _predict_batch(self, batch: list[Any], explain: bool) -> list[dict]:
        results = self._results(batch, explain)
        if not explain:  # then no result has an "evidence" field, whether it was classified or not
            for result in results:
                result.pop("evidence", None)
        return results

    def _results(self, batch: list[Any], explain: bool) -> list[dict]:
        results: list[dict | None] = [None] * len(batch)
        texts, index = [], []
        codes = get_reader()  # the chat export codes ("[图片]", "[强]"), loaded once per process
        for i, item in enumerate(batch):
            if _missing(item):
                results[i] = self._empty_result(None, error=f"text is missing ({item}); pass a string")
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
            if not _WORD_CHAR.search(text) and not PICTOGRAPH.search(text):  # "？？？", "12345": nothing to read
                results[i] = self._empty_result(item, warning="no words, only digits, punctuation or symbols; not classified")
                continue
            placeholders = codes.only_placeholders(text)
            if placeholders:  # "[图片]": a chat turn that was a picture, a voice message, a file
                results[i] = self._empty_result(item, warning=f"only {''.join(placeholders)}, a picture, voice message, file or "
                                                              "the like sent instead of text; not classified")
                continue
            readable = codes.replace(text)  # "[OK]" is an emoticon, not English
            if not _HAN.search(readable) and _WORD_CHAR.search(readable):
                warning = "no Chinese characters; the models were trained on Chinese text"
            elif looks_like_mojibake(text) and repair_mojibake(text).changed:
                warning = ("text looks like UTF-8 that was read as GBK (mojibake); results are unreliable: "
                           "repair it first with feedback_nlp.repair_mojibake(text).text")
            texts.append(text)
            index.append((i, warning))
        if not texts:
            return results  # type: ignore[return-value]
        cause_probs, sent_probs, state, backend_warnings = self._score(texts)
        unknown = self._unknown(state)
        if unknown is None:
            unknown = np.zeros(len(texts), bool)
        cause_rounded = np.round(cause_probs, 4).tolist()
        sent_rounded = np.round(sent_probs, 4).tolist()
        chosen = cause_probs >= self.thresholds_
        for label, gate in (("pos", self.positive_gate_), ("neu", self.neutral_gate_)):
            if label in self.sentiment_labels_:
                chosen &= (sent_probs[:, self.sentiment_labels_.index(label)] < gate)[:, None]
        chosen &= ~unknown[:, None]
        chosen_rows = [sorted(np.flatnonzero(chosen[r]).tolist(), key=lambda j, r=r: -cause_probs[r, j]) for r in range(len(texts))]
        sentiments = [self._sentiment(sent_probs[r]) for r in range(len(texts))]
        evidence = {}
        if explain:
            requests = [(r, "causes", j) for r in range(len(texts)) for j in chosen_rows[r]]
            requests += [
                (r, "sentiment", self.sentiment_labels_.index(sentiments[r][0])) for r in range(len(texts)) if not unknown[r]
            ]
            evidence = self._explain(texts, state, requests)
        for row, (i, warning) in enumerate(index):
            label, score, sent_p = sentiments[row]
            warning = "; ".join(w for w in (warning, backend_warnings[row]) if w) or None
            if unknown[row]:  # its scores would be the models' priors, which say nothing of it
                results[i] = self._empty_result(batch[i], warning="; ".join(w for w in (warning, NOT_KNOWN) if w))
                continue
            result = {
                "causes": [
                    {
                        "id": self.cause_ids_[j],
                        "name": self.cause_names_.get(self.cause_ids_[j], self.cause_ids_[j]),
                        "probability": cause_rounded[row][j],
                        "confidence": confidence_level(cause_probs[row, j]),
                    }
                    for j in chosen_rows[row]
                ],
                "cause_probabilities": dict(zip(self.cause_ids_, cause_rounded[row])),
                "is_complaint": bool(chosen_rows[row]) or label == "neg",
                "sentiment": {
                    "label": label,
                    "score": round(score, 4),
                    "confidence": confidence_level(sent_p),
                    "probabilities": dict(zip(self.sentiment_labels_, sent_rounded[row])),
                },
                "warning": warning,
                "error": None,
            }
            if explain:
                result["evidence"] = {
                    "causes": {self.cause_ids_[j]: evidence[(row, "causes", j)] for j in chosen_rows[row]},
                    "sentiment": evidence[(row, "sentiment", self.sentiment_labels_.index(label))],
                }
            results[i] = result
        return results  # type: ignore[return-value]

    def _sentiment(self, probs: np.ndarray) -> tuple[str, float, float]:
        adjusted = probs.copy()
        if "neu" in self.sentiment_labels_:
            adjusted[self.sentiment_labels_.index("neu")] -= self.neutral_bias_
        label = self.sentiment_labels_[int(adjusted.argmax())]
        p = dict(zip(self.sentiment_labels_, probs))
        score = float(p.get("pos", 0.0) - p.get("neg", 0.0))
        return label, score, float(p[label])

    def _empty_result(self, original, warning: str | None = None, error: str | None = None) -> dict:
        # nothing was classified: no sentiment, so that counting labels does not count these as neutral
        return {
            "causes": [],
            "cause_probabilities": {c: 0.0 for c in self.cause_ids_},
            "is_complaint": False,
            "sentiment": {"label": None, "score": None, "confidence": None, "probabilities": {}},
            "warning": warning,
            "error": error,
            "evidence": {"causes": {}, "sentiment": []},
        }


HEADS = ("causes", "sentiment")
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
            weights = [m.coef_ for _, models in self._heads.values() for m in models] + [style.coef_]
            self._styled = np.ascontiguousarray(np.vstack(weights).T)
        self._word_names = featurizer.word_feature_names()
        self._n_word = len(self._word_names)

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
    def _load_dir(cls, directory: Path) -> LinearClassifier:
        objects, meta = load_objects(directory, ["causes", "sentiment"], ["featurizer"], optional_prefixes=("causes_", "sentiment_", STYLE))
        featurizer = TextFeaturizer.from_dict(objects.pop("featurizer"))
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
        save_objects(
            Path(path),
            {"causes": self.causes_model, "sentiment": self.sentiment_model} | parts,
            {"featurizer": self.featurizer.to_dict()},
            self._saved_metadata(),
        )

    def _score(self, texts):
        analyses = self.featurizer.analyse(texts)
        X = self.featurizer.transform(texts, analyses=analyses)
        cause_probs, sent_probs, weights = self._probabilities(X)
        sent_probs = self._contrast_adjusted(analyses, sent_probs)
        # the set of weights each text is mostly read with, for its evidence
        chosen = {head: w.argmax(axis=1) for head, w in weights.items()}
        return cause_probs, sent_probs, (analyses, X, chosen), [None] * len(texts)

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
        analyses, X, chosen = state
        mappings: dict[int, list[int] | None] = {}
        out = {}
        for row, head, j in requests:
            if row not in mappings:
                mappings[row] = _offset_map(analyses[row].text, texts[row])
            model = self._heads[head][1][chosen[head][row]] if head in chosen else self._plain[head]
            out[(row, head, j)] = self._evidence(X, row, model.coef_[j], analyses[row], texts[row], mappings[row])
        return out

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
                out.append(_with_span(entry, span, text, mapping))
            else:
                out.append(entry)
        return out


class TransformersClassifier(FeedbackClassifier):
    """The transformers backend: fine-tuned BERT-family models (needs ``feedback-nlp[transformers]``).

    Texts are normalised as at training time, then tokenised; those longer than the model's
    ``max_length`` tokens are cut (with a warning). Evidence: the tokens with the largest
    gradient x input attribution towards each decision.
    """

    backend = "transformers"

    def __init__(self, heads, metadata: dict):
        super().__init__(metadata["causes"], metadata["sentiment_labels"], metadata)
        self.heads = heads
        self._norm_cfg = NormaliseConfig(**metadata.get("config", {}).get("normalise", {"remove_boilerplate": False}))

    @classmethod
    def _load_dir(cls, directory: Path, device: str | None = None, runtime: str = "torch") -> TransformersClassifier:
        from .models.transformers_backend import OnnxHeads, TransformerHeads

        meta = verify_files(directory)
        settings = meta.get("config", {}).get("transformers", {})
        max_length, batch_size = int(settings.get("max_length", 128)), int(settings.get("eval_batch_size", 64))
        if runtime == "onnx":
            labels = {"causes": meta["causes"], "sentiment": meta["sentiment_labels"]}
            return cls(OnnxHeads.load(directory, labels, max_length, batch_size), meta)
        return cls(TransformerHeads.load(directory, max_length, batch_size, device), meta)

    def save(self, path: str | Path) -> None:
        directory = Path(path)
        files = self.heads.save(directory)
        write_metadata(directory, files, self._saved_metadata())

    def export_onnx(self, path: str | Path) -> list[Path]:
        """Add ONNX files of both models to the saved model directory ``path`` (and their hashes
        to its metadata), for ``FeedbackClassifier.load(path, runtime="onnx")``."""
        from .models.transformers_backend import export_onnx

        directory = Path(path)
        meta = verify_files(directory)
        written = export_onnx(self.heads, directory)
        recorded = [directory / name for name in meta["files"] if not name.startswith("onnx/")]
        write_metadata(directory, sorted(set(recorded) | set(written)), self._saved_metadata())
        return written

    def _score(self, texts):
        normalised = normalise_records(texts, self._norm_cfg)
        counts = self.heads.batcher.token_counts(normalised)
        limit = self.heads.batcher.max_length
        warnings = [f"text has {n} tokens; only the first {limit} were classified" if n > limit else None for n in counts]
        cause_probs, sent_probs = self.heads.predict_proba(normalised)
        return cause_probs, sent_probs, normalised, warnings

    def _explain(self, texts, normalised, requests):
        out: dict = {}
        rounds: list[list[tuple[int, str, int]]] = []  # each row at most once per round and head
        for request in requests:
            for group in rounds:
                if all(r[0] != request[0] or r[1] != request[1] for r in group):
                    group.append(request)
                    break
            else:
                rounds.append([request])
        mappings = {row: _offset_map(normalised[row], texts[row]) for row in {r[0] for r in requests}}
        for group in rounds:
            for head in ("causes", "sentiment"):
                part = [r for r in group if r[1] == head]
                if not part:
                    continue
                spans = self.heads.attributions([normalised[r[0]] for r in part], head, [r[2] for r in part], EVIDENCE_TERMS)
                for (row, _, j), found in zip(part, spans):
                    out[(row, head, j)] = [
                        _with_span({"term": normalised[row][s:e], "weight": round(w, 3)}, (s, e), texts[row], mappings[row])
                        for s, e, w in found
                    ]
        return out


BACKENDS = ("sklearn", "transformers")


def _with_span(entry: dict, span: tuple[int, int], text: str, mapping) -> dict:
    """``entry`` with the span of its words in the input ``text``, without the spaces and invisible
    characters that normalising took out at its edges ("快递\u200b" -> "快递")."""
    start, end = span
    if mapping is not None:
        start, end = mapping[start], mapping[end]
    while end > start and _invisible(text[end - 1]):
        end -= 1
    while start < end and _invisible(text[start]):
        start += 1
    entry.update(start=start, end=end, text=text[start:end])
    return entry


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def backend_options(directory: Path | None, device: str | None, runtime: str) -> tuple[str | None, str | None, str]:
    """The backend of a model directory (None: the default model), with ``device`` and ``runtime``
    as they apply to it: a scikit-learn model runs on the CPU, so for it they are logged as
    ignored and reset (a batch run checks once, before its workers load the model)."""
    backend = "sklearn" if directory is None else read_metadata(directory).get("backend")
    if backend != "sklearn":
        return backend, device, runtime
    defaults = (("device", device, (None, "auto", "cpu")), ("runtime", runtime, ("torch",)))
    ignored = [f"{name}={value!r}" for name, value, default in defaults if value not in default]
    if ignored:
        logger.warning(
            "%s is a scikit-learn model, which runs on the CPU; %s applies to transformers models only and is ignored",
            directory or "the default model", " and ".join(ignored),
        )
    return backend, None, "torch"


@functools.lru_cache(maxsize=1)
def _default_classifier() -> FeedbackClassifier:
    return LinearClassifier._load_dir(DEFAULT_MODEL_DIR)


def _find_terms(analysis: Analysis, terms: list[str]) -> tuple[int, int] | None:
    n = len(terms)
    for i in range(len(analysis.terms) - n + 1):
        if analysis.terms[i : i + n] == terms:
            return analysis.spans[i][0], analysis.spans[i + n - 1][1]
    return None
