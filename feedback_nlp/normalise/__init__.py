"""Normalisation: decoding and mojibake repair, script conversion, text clean-up, boilerplate."""

from .encoding import MojibakeRepair, TextRead, read_text, repair_mojibake
from .script import to_simplified
from .text import NormalisedText, normalise_text

__all__ = [
    "MojibakeRepair",
    "NormalisedText",
    "TextRead",
    "normalise_text",
    "read_text",
    "repair_mojibake",
    "to_simplified",
]
