"""Traditional -> Simplified conversion with OpenCC.

Modes: ``off``, ``t2s`` (character by character), ``tw2sp`` (Taiwan standard with Mainland
phrases, e.g. 軟體 -> 软件), ``hk2s`` (Hong Kong standard). Converters are built once per mode
and shared; OpenCC's converter is safe to call from several threads.
"""

from __future__ import annotations

import re
import threading
from typing import Iterator

import opencc

from ..errors import ConfigError

MODES = ("off", "t2s", "tw2sp", "hk2s")
_lock = threading.Lock()
_converters: dict[str, opencc.OpenCC] = {}


def _converter(mode: str) -> opencc.OpenCC:
    with _lock:
        conv = _converters.get(mode)
        if conv is None:
            conv = _converters[mode] = opencc.OpenCC(f"{mode}.json")
        return conv


# half of a character written as two (an emoji cut in two in a JSON export): a Python string may
# hold one, but libraries that take UTF-8 (OpenCC, rjieba) refuse the whole text for it
LONE_SURROGATES = re.compile("[\ud800-\udfff]+")


def surrogate_runs(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` in runs, each with whether it is lone surrogates: the runs between them can be
    handed to a library that takes UTF-8, the surrogates kept as they are."""
    pos = 0
    for m in LONE_SURROGATES.finditer(text):
        if m.start() > pos:
            yield text[pos : m.start()], False
        yield m.group(), True
        pos = m.end()
    if pos < len(text):
        yield text[pos:], False


def to_simplified(text: str, mode: str = "t2s") -> str:
    """Convert ``text`` to Simplified Chinese; ``mode="off"`` returns it unchanged. Lone
    surrogates in it are kept as they are (``surrogate_runs``)."""
    if mode == "off" or not text:
        return text
    if mode not in MODES:
        raise ConfigError(f"unknown script mode {mode!r}; set normalise.script to one of {', '.join(MODES)}")
    conv = _converter(mode)
    try:
        return conv.convert(text)
    except UnicodeEncodeError:
        return "".join(run if lone else conv.convert(run) for run, lone in surrogate_runs(text))
