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

from .base import (
    BATCH_SIZE,
    DEFAULT_MODEL_DIR,
    MAX_CHARS,
    FeedbackClassifier,
    backend_options,
    checked_thresholds,
    confidence_level,
    evidence_entries,
)
from .linear import LinearClassifier
from .transformer import TransformersClassifier

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_MODEL_DIR",
    "MAX_CHARS",
    "FeedbackClassifier",
    "LinearClassifier",
    "TransformersClassifier",
    "backend_options",
    "checked_thresholds",
    "confidence_level",
    "evidence_entries",
]
