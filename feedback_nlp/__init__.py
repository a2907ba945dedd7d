"""feedback_nlp: Chinese customer-service text, from messy files to something a manager can act on.

The public API is the names in ``__all__``; everything else may change between versions.
"""

from .about import __version__
from .config import Config, load_config
from .errors import FeedbackNLPError
from .normalise import normalise_text, read_text, repair_mojibake
from .tokenise import Tokeniser, split_sentences, tokenise

__all__ = [
    "Config",
    "FeedbackClassifier",
    "FeedbackNLPError",
    "Tokeniser",
    "__version__",
    "draft_review",
    "load_config",
    "normalise_text",
    "read_text",
    "repair_mojibake",
    "split_sentences",
    "tokenise",
]


def __getattr__(name: str):
    # the classifier pulls in scikit-learn; load it only when it is asked for
    if name == "FeedbackClassifier":
        from .pipeline import FeedbackClassifier

        return FeedbackClassifier
    if name == "draft_review":
        from .summarise.review import draft_review

        return draft_review
    raise AttributeError(f"module 'feedback_nlp' has no attribute {name!r}")
