"""The files a run reads: paths as given, each checked to exist, and the files inside folders in
natural order (numbers in names read as numbers), hidden ones left out."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, InputNotFoundError
from .records import SUFFIXES


def _natural_key(path: Path) -> list:
    """Sort key that reads numbers in names as numbers: "2024年2月…" before "2024年10月…",
    "export_9.csv" before "export_10.csv"."""
    return [[(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", part)] for part in path.parts]


def visible_files(folder: Path) -> list[Path]:
    """The files inside ``folder`` and its subfolders, in natural order (numbers in names read as
    numbers, so monthly files come in month order), leaving out hidden ones (a name, or a folder
    on the way, starting with a dot)."""
    return [
        p for p in sorted(folder.rglob("*"), key=_natural_key)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]


def named_paths(items, what: str = "inputs") -> list[Path]:
    """``items`` (one path, or a list of them) as paths, each checked to exist: an empty or
    missing path is a mistake to report before anything is read or written."""
    if items is None or isinstance(items, (str, Path)):
        items = [] if items is None else [items]
    paths = []
    for item in items:
        if item is None or not str(item).strip():
            raise InputError(f"an empty path was given among the {what}; name a file or a folder")
        path = Path(item)
        if not path.exists():
            raise InputNotFoundError(f"{path}: no such file or folder; check the path")
        paths.append(path)
    if not paths:
        raise InputError(f"no {what} given; name a file or a folder")
    return paths


def expand_inputs(inputs: list[str | Path], skipped: list[Path] | None = None) -> list[Path]:
    """Files as given, and the files with known suffixes inside folders (sorted, recursively);
    the other visible files found in folders are added to ``skipped`` when it is given. Every
    input must exist (``named_paths``)."""
    out: list[Path] = []
    for path in named_paths(inputs):
        if path.is_dir():
            for p in visible_files(path):
                if p.suffix.lower() in SUFFIXES or p.suffix == ".gz":
                    out.append(p)
                elif skipped is not None:
                    skipped.append(p)
        else:
            out.append(path)
    return out
