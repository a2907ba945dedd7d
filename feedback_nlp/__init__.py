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
    "FeedbackNLPError",
    "Tokeniser",
    "__version__",
    "load_config",
    "normalise_text",
    "read_text",
    "repair_mojibake",
    "split_sentences",
    "tokenise",
]
