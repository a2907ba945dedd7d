"""The exception family. Every error the package raises on purpose is a FeedbackNLPError.

Subclasses also inherit the matching builtin, so callers that already catch ValueError or
OSError keep working. Messages say what was wrong, in which input, and what to do.
"""

from __future__ import annotations


class FeedbackNLPError(Exception):
    """Base class of all errors raised by feedback_nlp."""


class ConfigError(FeedbackNLPError, ValueError):
    """A config file or override is invalid (unknown key, wrong type, bad value)."""


class InputError(FeedbackNLPError, ValueError):
    """An input file or record cannot be used (empty, binary, undecodable, malformed)."""


class InputNotFoundError(InputError, FileNotFoundError):
    """An input path does not exist or cannot be read."""


class ResourceError(FeedbackNLPError, RuntimeError):
    """A resource shipped with the package (dictionary, language model) is missing or damaged."""


def shorten(value: object, limit: int = 40) -> str:
    """Return ``repr``-like text of ``value`` cut to ``limit`` characters, for error messages."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
