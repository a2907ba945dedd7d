"""The ``feedback-nlp`` command: a thin layer over the library, one module per group of commands.

Errors the package raises on purpose (``FeedbackNLPError``) are printed as one line and the
command exits non-zero; a traceback is shown only with ``--verbose``.
"""

# each module registers its commands on the app, in the order ``--help`` lists them
from . import text  # noqa: F401  (normalise)
from . import classify  # noqa: F401  (classify)
from . import models  # noqa: F401  (train, evaluate, export-onnx)
from . import review  # noqa: F401  (review)
from .app import app, main

__all__ = ["app", "main"]
