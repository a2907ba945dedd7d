"""Traditional -> Simplified conversion with OpenCC.

Modes: ``off``, ``t2s`` (character by character), ``tw2sp`` (Taiwan standard with Mainland
phrases, e.g. 軟體 -> 软件), ``hk2s`` (Hong Kong standard). Converters are built once per mode
and shared; OpenCC's converter is safe to call from several threads.
"""

from __future__ import annotations

import threading

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


def to_simplified(text: str, mode: str = "t2s") -> str:
    """Convert ``text`` to Simplified Chinese; ``mode="off"`` returns it unchanged."""
    if mode == "off" or not text:
        return text
    if mode not in MODES:
        raise ConfigError(f"unknown script mode {mode!r}; set normalise.script to one of {', '.join(MODES)}")
    return _converter(mode).convert(text)
