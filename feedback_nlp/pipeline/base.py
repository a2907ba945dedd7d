"""The classifier every backend shares: input checks, thresholds, result records and loading.

``FeedbackClassifier.load`` reads a model directory's metadata and returns the backend that
trained it (``linear``: scikit-learn; ``transformer``: fine-tuned transformers). Bad items (None,
empty, non-Chinese, mojibake, very long) get a ``warning`` or ``error`` field instead of failing
the batch; items not classified at all (None, not a string, empty, nothing the model knows) have
no sentiment label.
"""

from __future__ import annotations

import abc
import contextlib
import copy
import gc
import itertools
import logging
import operator
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from ..config import RESOURCES_DIR
from ..errors import FeedbackNLPError
from ..io.decode import SURROGATE
from ..models.base import ModelError, read_metadata
from ..normalise.encoding import mojibake_flags, repair_mojibake
from ..normalise.chat import PICTOGRAPH, get_reader

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = RESOURCES_DIR / "model"
MAX_CHARS = 2000  # longer messages are cut (with a warning): the models saw chat-length text
BATCH_SIZE = 2048
MAX_BATCH_SIZE = 10_000_000  # a batch's texts and their features are held in memory at once
EVIDENCE_TERMS = 3
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")  # with the extensions beyond U+FFFF
_WORD_CHAR = re.compile(r"[^\W\d_]")  # a letter or character of any script
NOT_KNOWN = "none of its words, characters or emoji is known to the model; not classified"
_BACKENDS: dict[str, type[FeedbackClassifier]] = {}  # each backend's name and class, as they are defined


def _missing(item: Any) -> bool:
    """None, or a missing value from pandas or numpy (NaN, pd.NA, NaT): an empty cell of a table."""
    if item is None or type(item).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(item, (float, np.floating)) and item != item


def _is_number(value: Any) -> bool:
    """A number as Python or numpy gives it; not a bool, which is an int to Python."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def checked_thresholds(cause_ids: list[str], thresholds: float | Mapping[str, float]) -> dict[str, float]:
    """``thresholds`` as {cause id: threshold}: one number for every cause, or a mapping for some.
    Unknown causes and values outside [0, 1] are refused, named."""
    if _is_number(thresholds):
        if not 0.0 <= thresholds <= 1.0:
            raise FeedbackNLPError(f"thresholds: {thresholds} for every cause; a threshold is a probability from 0 to 1")
        thresholds = dict.fromkeys(cause_ids, thresholds)
    if not isinstance(thresholds, Mapping):
        raise FeedbackNLPError(f"thresholds: got {type(thresholds).__name__}; give one number for every cause, "
                               "or cause ids with numbers, e.g. {'attitude': 0.3}")
    unknown = [str(c) for c in thresholds if c not in cause_ids]
    if unknown:
        raise FeedbackNLPError(f"thresholds: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a cause of this "
                               f"model; its causes are {', '.join(cause_ids)}")
    checked = {}
    for cause, value in thresholds.items():
        number = value if _is_number(value) else None
        if number is None or not 0.0 <= number <= 1.0:
            raise FeedbackNLPError(f"thresholds: {cause} = {value!r}; a threshold is a probability from 0 to 1")
        checked[cause] = float(number)
    return checked


def _check_explain(explain: Any, method: str) -> None:
    """Refuse an ``explain`` that is not True or False: the string "false" would be true."""
    if not isinstance(explain, (bool, np.bool_)) and not (isinstance(explain, (int, np.integer)) and explain in (0, 1)):
        raise TypeError(f"{method}(): explain={explain!r}; pass True or False")


def confidence_level(probability: float) -> str:
    """high (>= 0.8), medium (>= 0.6) or low."""
    return "high" if probability >= 0.8 else "medium" if probability >= 0.6 else "low"


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
        self.cause_names_ = metadata.get("cause_names") or {}
        self.thresholds_ = np.array([metadata["thresholds"][c] for c in self.cause_ids_])
        self.threshold_overrides_: dict[str, float] = {}  # set by ``with_thresholds``
        self.sentiment_labels_ = [str(c) for c in sentiment_labels]
        self.neutral_bias_ = float(metadata.get("neutral_bias") or 0.0)
        # praise is not a complaint, nor is a plain question: no causes when the positive or the
        # neutral probability reaches its gate (1.01: no gate)
        self.positive_gate_ = float(metadata.get("positive_gate") or 1.01)
        self.neutral_gate_ = float(metadata.get("neutral_gate") or 1.01)

    def with_thresholds(self, thresholds: float | Mapping[str, float]) -> FeedbackClassifier:
        """A classifier that shares this one's models and chooses causes at other thresholds: one
        number for every cause, or {cause id: threshold} for some (the others keep theirs). A lower
        threshold finds more of a cause's messages and gives it to more that lack it; score the
        choice on labelled messages of your own (``feedback-nlp evaluate --threshold``). This
        classifier is unchanged, and ``save`` writes the thresholds the model was trained with."""
        changed = checked_thresholds(self.cause_ids_, thresholds)
        clf = copy.copy(self)
        clf.threshold_overrides_ = {**self.threshold_overrides_, **changed}
        clf.thresholds_ = np.array([clf.threshold_overrides_.get(c, t) for c, t in zip(self.cause_ids_, self.thresholds_)])
        return clf

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
        if backend in _BACKENDS:
            return _BACKENDS[backend]._load(directory, device, runtime)
        if backend is None:
            raise ModelError(f"{directory}/metadata.json names no 'backend' ({' or '.join(_BACKENDS)}); the file was edited "
                             "or damaged after training: restore it from the trained model or retrain")
        raise ModelError(f"{directory}: backend {backend!r} is not known to this feedback_nlp ({', '.join(_BACKENDS)})")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.backend:
            _BACKENDS[cls.backend] = cls

    @classmethod
    @abc.abstractmethod
    def _load(cls, directory: Path | None, device: str | None, runtime: str) -> FeedbackClassifier:
        """The model in ``directory`` (None: the default model) on ``device`` with ``runtime``."""

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
        _check_explain(explain, method)
        if texts is None or not hasattr(texts, "__iter__"):
            raise TypeError(f"{method}() takes a list of texts, not {type(texts).__name__}; pass [text], or use predict_one(text)")
        if isinstance(texts, (str, bytes)):
            raise TypeError(f"{method}() takes a list of texts, not one string (it would classify each character); "
                            "pass [text], or use predict_one(text)")
        if isinstance(texts, (dict, set, frozenset)) or hasattr(texts, "columns"):
            hint = {"dict": "list(texts.values())", "set": "a list", "frozenset": "a list"}.get(type(texts).__name__, "one column, df['text']")
            raise TypeError(
                f"{method}() takes a list of texts, not a {type(texts).__name__} (it would classify its keys, or lose "
                f"the order results come back in); pass {hint}"
            )
        try:
            size = operator.index(batch_size)  # an int, or numpy's integers; not 64.0 or "64"
        except TypeError:
            size = 0
        if isinstance(batch_size, bool) or not 1 <= size <= MAX_BATCH_SIZE:
            raise ValueError(f"{method}(): batch_size={batch_size!r}; pass a whole number of texts from 1 to "
                             f"{MAX_BATCH_SIZE:,} (default {BATCH_SIZE})")
        return self._iter_batches(iter(texts), explain, size)

    def _iter_batches(self, items: Iterator[Any], explain: bool, batch_size: int) -> Iterator[dict]:
        while batch := list(itertools.islice(items, batch_size)):
            yield from self._predict_batch(batch, explain)

    def predict_one(self, text: Any, explain: bool = True) -> dict:
        """The result dict of one text, as ``predict([text])[0]``."""
        _check_explain(explain, "predict_one")
        return self._predict_batch([text], explain)[0]

    def _predict_batch(self, batch: list[Any], explain: bool) -> list[dict]:
        with _collector_paused():
            results = self._results(batch, explain)
        if not explain:  # then no result has an "evidence" field, whether it was classified or not
            for result in results:
                result.pop("evidence", None)
        return results

    def _results(self, batch: list[Any], explain: bool) -> list[dict]:
        results: list[dict | None] = [None] * len(batch)
        texts: list[str] = []
        index: list[tuple[int, list[str]]] = []  # each text's place in the batch and its warnings
        chinese: list[int] = []  # the texts to test for mojibake
        codes = get_reader()  # the chat export codes ("[图片]", "[强]"), loaded once per process
        for i, item in enumerate(batch):
            if _missing(item):
                results[i] = self._empty_result(None, error=f"text is missing ({item}); pass a string")
                continue
            if not isinstance(item, str):
                hint = (" (decode bytes first: feedback_nlp.read_text(data).text finds their encoding, GBK and Big5 too)"
                        if isinstance(item, (bytes, bytearray, memoryview)) else "")
                results[i] = self._empty_result(None, error=f"text has type {type(item).__name__}; pass a string{hint}")
                continue
            warnings = []
            text = item
            if len(text) > MAX_CHARS:
                # whitespace at either end does not count: the text still starts where the input does
                lead = len(text) - len(text.lstrip())
                length = len(text.strip())
                if length > MAX_CHARS:
                    text = text[: lead + MAX_CHARS]
                    blanks = "leading space or line break" if lead == 1 else "leading spaces or line breaks"
                    after = f" after {lead:,} {blanks}" if lead else ""
                    warnings.append(f"text has {length:,} characters{after}; only the first {MAX_CHARS:,} were classified")
            text, broken = SURROGATE.subn("\ufffd", text)  # as long as before, so spans still fit the input
            if broken:  # they cannot be encoded, by OpenCC or a writer; normalising takes U+FFFD out
                warnings.append(f"text has {broken} broken character{'s' if broken > 1 else ''} (half of an emoji or "
                                "the like, e.g. from a cut JSON escape); left out")
            if not text.strip():
                results[i] = self._empty_result(item, warning="; ".join([*warnings, "empty text; nothing to classify"]))
                continue
            placeholders = codes.only_placeholders(text)
            if placeholders:  # "[图片]": a chat turn that was a picture, a voice message, a file
                results[i] = self._empty_result(item, warning=f"only {''.join(placeholders)}, a picture, voice message, file or "
                                                              "the like sent instead of text; not classified")
                continue
            readable = codes.replace(text)  # "[OK]" is an emoticon, not English; "[图片]" is no word
            if not _WORD_CHAR.search(readable) and not PICTOGRAPH.search(readable):  # "？？？", "12345": nothing to read
                results[i] = self._empty_result(
                    item, warning="; ".join([*warnings, "no words, only digits, punctuation or symbols; not classified"]))
                continue
            if not _HAN.search(readable) and _WORD_CHAR.search(readable):
                warnings.append("no Chinese characters; the models were trained on Chinese text")
            else:
                chinese.append(len(texts))
            texts.append(text)
            index.append((i, warnings))
        if not texts:
            return results  # type: ignore[return-value]
        for row, flagged in zip(chinese, mojibake_flags([texts[row] for row in chinese])):
            if flagged:
                repair = repair_mojibake(texts[row])
                if repair.changed:
                    index[row][1].append("text looks like UTF-8 that was read as GBK (mojibake); results are unreliable: "
                                         "repair it first with feedback_nlp.repair_mojibake(text).text")
                elif repair.lines_unrepaired:
                    index[row][1].append("text looks like UTF-8 that was read as GBK (mojibake) with bytes replaced by "
                                         "U+FFFD (�), which cannot be repaired; results are unreliable: decode the "
                                         "original bytes again, dropping what GBK cannot read (errors='ignore')")
        cause_probs, sent_probs, state, backend_warnings = self._score(texts)
        unknown = self._unknown(state)
        if unknown is None:
            unknown = np.zeros(len(texts), bool)
        cause_rounded = np.round(cause_probs, 4).tolist()
        sent_rounded = np.round(sent_probs, 4).tolist()
        # chosen as shown: a probability that rounds to its threshold reaches it; a threshold of 1
        # switches its cause off, as it did before the rounding
        chosen = (np.round(cause_probs, 4) >= self.thresholds_) & (self.thresholds_ < 1.0)
        for label, gate in (("pos", self.positive_gate_), ("neu", self.neutral_gate_)):
            if label in self.sentiment_labels_:
                chosen &= (sent_probs[:, self.sentiment_labels_.index(label)] < gate)[:, None]
        chosen &= ~unknown[:, None]
        chosen_rows = _chosen_in_order(cause_probs, chosen)
        sentiments = self._sentiments(sent_probs)
        evidence = {}
        if explain:
            requests = [(r, "causes", j) for r in range(len(texts)) for j in chosen_rows[r]]
            requests += [
                (r, "sentiment", self.sentiment_labels_.index(sentiments[r][0])) for r in range(len(texts)) if not unknown[r]
            ]
            evidence = self._explain(texts, state, requests)
        for row, (i, warnings) in enumerate(index):
            label, score, sent_p = sentiments[row]
            if backend_warnings[row]:
                warnings.append(backend_warnings[row])
            if unknown[row]:  # its scores would be the models' priors, which say nothing of it
                results[i] = self._empty_result(batch[i], warning="; ".join([*warnings, NOT_KNOWN]))
                continue
            warning = "; ".join(warnings) if warnings else None
            result = {
                "causes": [
                    {
                        "id": self.cause_ids_[j],
                        "name": self.cause_names_.get(self.cause_ids_[j], self.cause_ids_[j]),
                        "probability": cause_rounded[row][j],
                        "confidence": confidence_level(cause_rounded[row][j]),
                    }
                    for j in chosen_rows[row]
                ],
                "cause_probabilities": dict(zip(self.cause_ids_, cause_rounded[row])),
                "is_complaint": bool(chosen_rows[row]) or label == "neg",
                "sentiment": {
                    "label": label,
                    "score": round(score, 4),
                    "confidence": confidence_level(round(sent_p, 4)),  # as the probability shown
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
                if texts[row] is not batch[i] and len(texts[row]) == len(batch[i]):
                    # broken characters were classified as U+FFFD: each word as the input has it
                    for entries in (*result["evidence"]["causes"].values(), result["evidence"]["sentiment"]):
                        for entry in entries:
                            entry["text"] = batch[i][entry["start"] : entry["end"]]
            results[i] = result
        return results  # type: ignore[return-value]

    def _sentiments(self, probs: np.ndarray) -> list[tuple[str, float, float]]:
        """Each row's sentiment label (the most likely, after the neutral bias), its score (the
        positive probability less the negative) and the label's probability; worked out for all
        rows at once."""
        labels = self.sentiment_labels_
        adjusted = probs.copy()
        if "neu" in labels:
            adjusted[:, labels.index("neu")] -= self.neutral_bias_
        best = adjusted.argmax(axis=1)
        column = {label: probs[:, labels.index(label)] if label in labels else np.zeros(len(probs)) for label in ("pos", "neg")}
        scores = (column["pos"] - column["neg"]).tolist()
        chosen = probs[np.arange(len(probs)), best].tolist()
        return [(labels[k], score, p) for k, score, p in zip(best.tolist(), scores, chosen)]

    def _empty_result(self, original, warning: str | None = None, error: str | None = None) -> dict:
        # nothing was classified: no sentiment, so that counting labels does not count these as neutral
        return {
            "causes": [],
            "cause_probabilities": {},  # none: not 0.0, which an average over messages would count
            "is_complaint": False,
            "sentiment": {"label": None, "score": None, "confidence": None, "probabilities": {}},
            "warning": warning,
            "error": error,
            "evidence": {"causes": {}, "sentiment": []},
        }


_collector_lock = threading.Lock()
_collector_pauses = 0  # batches being classified, in all threads, while the collector is paused
_collector_was_enabled = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a batch is classified. A batch makes and
    drops some hundred thousand objects (terms, spans, result records) with no reference cycles,
    which reference counting frees; meanwhile the collector would walk every object alive, the
    results of earlier batches included, again and again: a tenth to a sixth of the time of a
    large ``predict``. Re-enabled when the last batch in any thread is done, unless it was off."""
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


def _chosen_in_order(probs: np.ndarray, chosen: np.ndarray) -> list[list[int]]:
    """The columns ``chosen`` in each row, most likely first (ties in column order)."""
    order = np.argsort(-probs, axis=1, kind="stable")
    picked = np.take_along_axis(chosen, order, axis=1)
    flat = order[picked].tolist()
    edges = np.concatenate([[0], np.cumsum(picked.sum(axis=1))]).tolist()
    return [flat[lo:hi] for lo, hi in zip(edges[:-1], edges[1:])]


def evidence_entries(result: dict) -> list[dict]:
    """The evidence words of a result (those of each cause, then those of the sentiment), as one
    list of the result's own entries."""
    evidence = result.get("evidence") or {}
    return [entry for entries in [*(evidence.get("causes") or {}).values(), evidence.get("sentiment") or []] for entry in entries]


def input_span(span: tuple[int, int], text: str, sources: list[tuple[int, int]] | None, plain: bool = False) -> tuple[int, int]:
    """The span in the input ``text`` of the words at ``span`` of its normalised text (``sources``:
    the input span of each character of the normalised text; None where normalising changed
    nothing), without the spaces and invisible characters that normalising took out at its edges
    ("快递\u200b" -> "快递"); ``plain``: the text has none of those, so nothing is trimmed."""
    start, end = span if sources is None else (sources[span[0]][0], sources[span[1] - 1][1])
    if plain:
        return start, end
    while end > start and _invisible(text[end - 1]):
        end -= 1
    while start < end and _invisible(text[start]):
        start += 1
    return start, end


def _with_span(entry: dict, span: tuple[int, int], text: str, sources: list[tuple[int, int]] | None) -> dict:
    """``entry`` with the span of its words in the input ``text`` (see ``input_span``)."""
    start, end = input_span(span, text, sources)
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
