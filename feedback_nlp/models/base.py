"""Saving and loading model directories.

A model is a directory:
- ``metadata.json``: format version, backend, package and library versions, labels, taxonomy
  version, thresholds, the resolved training config, a fingerprint of the training data, metrics,
  creation time, and the SHA-256 of every other file;
- one ``.npz`` file of plain arrays per linear model, read with ``allow_pickle=False``: no
  objects are deserialised, so nothing in a model file can run code (pickle and joblib are never
  used); the labels and settings of each are in ``metadata.json``;
- plain JSON files for data that is only data (the featurizer's settings and vocabularies);
- for the transformers backend instead: ``tokenizer/``, ``causes/`` and ``sentiment/`` as written
  by ``save_pretrained``, weights in safetensors (never pickle).

Loading refuses a directory whose files do not match their recorded hashes, whose format is newer
than this package knows, or whose metadata does not hold what loading needs (a threshold typed as
text, a label removed). Loading a linear model needs numpy alone, so library versions only warn: a
model written by a newer feedback_nlp, or with another numpy major version.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import platform
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, Iterable

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..about import __version__
from ..config import format_validation_error
from ..errors import FeedbackNLPError
from .linear import LinearModel

logger = logging.getLogger(__name__)

FORMAT = "feedback_nlp.model"
FORMAT_VERSION = 3  # 3: weights may be 8-bit integers with a scale per label; 2: a style model may tell several
# styles apart, each with its own parts (<model>_<style>); 1 and 2 are read too
METADATA = "metadata.json"
LIBRARIES = ("scikit-learn", "numpy", "scipy")
TRANSFORMERS_LIBRARIES = ("torch", "transformers", "tokenizers", "safetensors")


class ModelError(FeedbackNLPError, ValueError):
    """A model directory is missing, incomplete, tampered with or incompatible."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions(backend: str = "sklearn") -> dict[str, str]:
    out = {"python": platform.python_version(), "feedback_nlp": __version__}
    for lib in LIBRARIES + (TRANSFORMERS_LIBRARIES if backend == "transformers" else ()):
        out[lib] = version(lib)
    return out


def clear_previous(directory: Path, keep: Iterable[Path] = ()) -> None:
    """Remove a model saved in ``directory`` before: the files its ``metadata.json`` lists, but
    not ``keep``, and the file itself, so that a model saved over another leaves none of its parts
    (a style model the new one has not) beside it. Files the metadata does not list are left."""
    path = directory / METADATA
    try:
        listed = json.loads(path.read_text(encoding="utf-8")).get("files") or {}
    except (OSError, ValueError, AttributeError):
        return  # no model here, or none that can be read: nothing of it is known to remove
    kept = {Path(p).resolve() for p in keep}
    root = directory.resolve()
    for name in listed if isinstance(listed, dict) else ():
        old = (directory / str(name)).resolve()
        if old.is_relative_to(root) and old not in kept and old.is_file():
            old.unlink()
    path.unlink()


def save_objects(
    directory: Path, models: dict[str, LinearModel], data: dict[str, Any], metadata: dict, files: Iterable[Path] = ()
) -> None:
    """Write ``models`` as .npz files, ``data`` as JSON files and ``metadata.json`` (with the
    models' settings and the hash of every file, ``files`` already in ``directory`` included)
    into ``directory``, in place of a model saved there before. Every file is first written
    beside its place under a temporary name and moved into it only when all are written, the
    metadata last: a save that fails part-way (a full disk, a folder where a file goes, an
    interrupt) leaves the model saved there before as it was."""
    files = list(files)
    directory.mkdir(parents=True, exist_ok=True)
    final = [directory / f"{name}.npz" for name in models] + [directory / f"{name}.json" for name in data]
    for path in (*final, directory / METADATA):
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, f"{os.strerror(errno.EISDIR)} (the model's file goes there; move the folder away)",
                                    str(path))
    partial = {path: _partial(path) for path in final}
    try:
        for (_name, model), path in zip(models.items(), final):
            model.save(partial[path])
        for (_name, value), path in zip(data.items(), final[len(models) :]):
            partial[path].write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        for path in final:
            os.replace(partial[path], path)
    finally:
        for path in partial.values():
            path.unlink(missing_ok=True)
    clear_previous(directory, [*files, *final])  # the earlier model's parts this one has not
    write_metadata(directory, [*files, *final], {**metadata, "models": {name: model.settings() for name, model in models.items()}})


def _partial(path: Path) -> Path:
    """Where ``path`` is written before it is moved into place."""
    return path.with_name(f".{path.name}.partial")


def write_metadata(directory: Path, files: list[Path], metadata: dict) -> None:
    """Write ``metadata.json``: format, creation time, library versions, ``metadata`` and the
    SHA-256 of each of ``files`` (named by their path inside ``directory``)."""
    full = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(metadata.get("backend", "sklearn")),
        **metadata,
        "files": {p.relative_to(directory).as_posix(): sha256_file(p) for p in files},
    }
    partial = _partial(directory / METADATA)
    partial.write_text(json.dumps(full, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, directory / METADATA)


class Metadata(BaseModel):
    """What loading relies on in ``metadata.json``; other keys (config, metrics …) pass through.

    A hand-edited file is checked here, so a threshold typed as text or a removed key is named,
    and a model is never loaded with parts silently left out."""

    model_config = ConfigDict(extra="allow")

    format: str
    format_version: Annotated[int, Field(strict=True, ge=1)]  # "99" typed as text is no version, nor is 0
    backend: str | None = None
    versions: dict[str, str] = {}
    files: dict[str, str]
    models: dict[str, dict[str, Any]] = {}
    causes: list[str] | None = None
    cause_names: dict[str, str] | None = None  # the Chinese name of each cause
    sentiment_labels: list[str] | None = None
    # numbers as JSON writes them (strict: "0.3" typed as text is named, not read as 0.3)
    thresholds: dict[str, Annotated[float, Field(strict=True, ge=0, le=1)]] | None = None
    # a complaint classifier's decision settings; required with its causes (checked below)
    neutral_bias: Annotated[float, Field(strict=True, ge=-1, le=1)] | None = None
    positive_gate: Annotated[float, Field(strict=True, gt=0, le=1.01)] | None = None
    neutral_gate: Annotated[float, Field(strict=True, gt=0, le=1.01)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Metadata:
        if not self.files:
            raise ValueError("'files' lists no files")
        causes = self.causes or self.models.get("causes", {}).get("classes")
        if causes:
            missing = [c for c in causes if c not in (self.thresholds or {})]
            if missing:
                raise ValueError(f"'thresholds' has no value for {', '.join(missing)}")
            unset = [k for k in ("neutral_bias", "positive_gate", "neutral_gate") if getattr(self, k) is None]
            if unset:
                raise ValueError(f"{', '.join(repr(k) for k in unset)} missing: a classifier's decisions depend on it")
        if self.causes and self.cause_names is not None and list(self.cause_names) != self.causes:
            # both are written in the taxonomy's order: a list reordered by hand would give one cause's
            # weights another's name
            raise ValueError(f"'causes' {self.causes} and 'cause_names' {list(self.cause_names)} do not name the same "
                             "causes in the same order")
        for head, labels, multilabel in (("causes", self.causes, True), ("sentiment", self.sentiment_labels, False)):
            for name, part in self.models.items():
                if not (name == head or name.startswith(head + "_")) or not isinstance(part, dict):
                    continue
                classes = part.get("classes")
                if labels and classes is not None and list(classes) != labels:
                    raise ValueError(f"the {name} part has the labels {classes} where the model has {labels} (in this "
                                     "order); parts of different models were put together, or a list was edited")
                if "multilabel" in part and part["multilabel"] is not multilabel:
                    raise ValueError(f"the {name} part has 'multilabel' {part['multilabel']!r}: {head} are "
                                     f"{'several labels' if multilabel else 'one label'} a text, so it must be {multilabel!r}")
        if self.causes and self.sentiment_labels is None and "sentiment" in self.models:
            raise ValueError("'sentiment_labels' missing: a classifier's sentiment parts are read by it")
        weights = {name.removesuffix(".npz") for name in self.files if name.endswith(".npz") and "/" not in name}
        if weights != set(self.models):
            unlisted = sorted(weights ^ set(self.models))
            raise ValueError(
                f"'files' and 'models' name different model parts ({', '.join(unlisted)}); "
                "a part was removed from one list but not the other"
            )
        return self


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def read_metadata(directory: Path) -> dict:
    path = directory / METADATA
    if directory.is_file():
        raise ModelError(f"{directory} is a file; pass the model folder (the one holding {METADATA}) written by 'feedback-nlp train'")
    if not directory.is_dir():
        raise ModelError(f"model directory {directory} not found; pass the folder written by 'feedback-nlp train'")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{directory} has no {METADATA}; it is not a feedback_nlp model directory") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path} is not valid JSON ({exc.msg}); the model directory is damaged") from None
    except UnicodeDecodeError:
        raise ModelError(f"{path} is not UTF-8 (saved again in another encoding, such as GBK, by an editor?); restore it "
                         "from the trained model or retrain with 'feedback-nlp train'") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ModelError(f"{path}: not a feedback_nlp model (format {found!r})")
    newer = meta.get("format_version")
    if isinstance(newer, int) and newer > FORMAT_VERSION:  # before the checks, which a newer format may not pass
        raise ModelError(f"{directory}: model format {newer} is newer than this feedback_nlp ({__version__}) reads; "
                         "upgrade feedback-nlp")
    try:
        checked = Metadata.model_validate(meta)
    except ValidationError as exc:
        raise ModelError(
            f"{format_validation_error(exc, str(path))}. The file was edited or damaged after training; "
            "restore it from the trained model or retrain with 'feedback-nlp train'"
        ) from None
    saved = checked.versions.get("feedback_nlp", "")
    if _version_tuple(saved) > _version_tuple(__version__):
        logger.warning(
            "%s was written by feedback_nlp %s, installed is %s; if loading or predicting fails, upgrade feedback-nlp",
            directory, saved, __version__,
        )
    return checked.model_dump()


def _checked(directory: Path, meta: dict, filename: str) -> Path:
    path = directory / filename
    if not path.is_file():
        raise ModelError(f"{directory}: {filename} is missing; the model directory is incomplete: copy the whole "
                         "directory again from where the model was trained, or retrain with 'feedback-nlp train'")
    if filename not in meta["files"]:
        raise ModelError(
            f"{directory}: {filename} is not listed under 'files' in {METADATA}, so it cannot be checked; "
            "restore metadata.json from the trained model or retrain"
        )
    if meta["files"][filename] != sha256_file(path):
        raise ModelError(
            f"{path}: contents do not match the hash in {METADATA}; the file was changed after "
            "training, so it is not loaded: restore it from where the model was trained, or retrain with 'feedback-nlp train'"
        )
    return path


def verify_files(directory: Path, optional_prefixes: tuple[str, ...] = ()) -> dict:
    """The metadata of a model directory, after checking every file it records against its hash;
    a file whose name starts with one of ``optional_prefixes`` (the ONNX files, for a model served
    by torch) may be missing, and is checked where it is there."""
    meta = read_metadata(directory)
    for name in meta["files"]:
        if name.startswith(optional_prefixes) and not (directory / name).exists():
            continue
        _checked(directory, meta, name)
    return meta


def load_objects(
    directory: Path, names: list[str], data_names: list[str], optional_prefixes: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict]:
    """Check and load the named models and JSON files of a model directory, with its metadata;
    the other models the metadata records whose names start with one of ``optional_prefixes`` are
    loaded too."""
    meta = read_metadata(directory)
    names = list(names)
    names += [name for name in meta.get("models", {}) if name not in names and name.startswith(optional_prefixes)]
    saved = meta.get("versions", {}).get("numpy", "")
    if saved.split(".")[:1] != version("numpy").split(".")[:1]:
        logger.warning("%s was saved with numpy %s, installed is %s", directory, saved, version("numpy"))
    objects: dict[str, Any] = {}
    for name in names:
        path = _checked(directory, meta, f"{name}.npz")
        settings = meta.get("models", {}).get(name)
        if settings is None:
            raise ModelError(f"{directory}/{METADATA} has no settings for model {name!r}; the directory is damaged")
        try:
            objects[name] = LinearModel.load(path, settings)
        except (ValueError, KeyError, OSError) as exc:
            raise ModelError(f"{path}: not a valid model file ({exc}); retrain with 'feedback-nlp train'") from None
    for name in data_names:
        path = _checked(directory, meta, f"{name}.json")
        try:
            objects[name] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ModelError(f"{path} is not valid JSON ({exc.msg}); the model directory is damaged") from None
    loaded = {f"{name}.npz" for name in names} | {f"{name}.json" for name in data_names}
    for filename in meta["files"]:  # the rest (word lists the featurizer reads) are checked too
        if filename not in loaded:
            _checked(directory, meta, filename)
    return objects, meta
