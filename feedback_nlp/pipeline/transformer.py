"""The transformers backend: fine-tuned BERT-family models (needs ``feedback-nlp[transformers]``)."""

from __future__ import annotations

from pathlib import Path

from ..config import NormaliseConfig, bundle_files, resolve_paths
from ..features import WORD_LISTS
from ..models.base import clear_previous, verify_files, write_metadata
from ..models.transformers_backend import ONNX_DIR
from ..normalise.text import normalise_records, records_spans
from .base import EVIDENCE_TERMS, FeedbackClassifier, _with_span

ONNX_FILES = f"{ONNX_DIR}/"  # the prefix of a model's ONNX files in its metadata


class TransformersClassifier(FeedbackClassifier):
    """The transformers backend: fine-tuned BERT-family models (needs ``feedback-nlp[transformers]``).

    Texts are normalised as at training time, then tokenised; those longer than the model's
    ``max_length`` tokens are cut (with a warning). Evidence: the tokens with the largest
    gradient x input attribution towards each decision.
    """

    backend = "transformers"

    def __init__(self, heads, metadata: dict):
        super().__init__(metadata["causes"], metadata["sentiment_labels"], metadata)
        self.heads = heads
        self._norm_cfg = NormaliseConfig(**metadata.get("config", {}).get("normalise", {"remove_boilerplate": False}))

    @classmethod
    def _load(cls, directory: Path, device: str | None, runtime: str) -> TransformersClassifier:
        from ..models.transformers_backend import OnnxHeads, TransformerHeads

        # the ONNX files a model was exported to are needed only to run it with onnxruntime
        meta = verify_files(directory, () if runtime == "onnx" else (ONNX_FILES,))
        config = meta.get("config") or {}
        if config.get("normalise"):  # the files it names are the copies saved with the model
            meta = {**meta, "config": {**config, **resolve_paths({"normalise": config["normalise"]}, directory)}}
        settings = meta.get("config", {}).get("transformers", {})
        max_length, batch_size = int(settings.get("max_length", 128)), int(settings.get("eval_batch_size", 64))
        if runtime == "onnx":
            labels = {"causes": meta["causes"], "sentiment": meta["sentiment_labels"]}
            return cls(OnnxHeads.load(directory, labels, max_length, batch_size), meta)
        return cls(TransformerHeads.load(directory, max_length, batch_size, device), meta)

    def save(self, path: str | Path) -> None:
        """Save the model; the files its normalise settings name (chat codes, boilerplate rules)
        are copied into it and named relative to it, so it reads text as it was trained to on any
        machine, wherever the folder is moved."""
        directory = Path(path)
        clear_previous(directory)  # a model saved there before: none of its parts left beside this one
        files = self.heads.save(directory)
        meta = self._saved_metadata()
        config = dict(meta.get("config") or {})
        bundled, copies = bundle_files({"normalise": config.get("normalise") or {}}, directory, WORD_LISTS)
        meta["config"] = {**config, **bundled} if config.get("normalise") else config
        write_metadata(directory, files + copies, meta)

    def export_onnx(self, path: str | Path) -> list[Path]:
        """Add ONNX files of both models to the saved model directory ``path`` (and their hashes
        to its metadata), for ``FeedbackClassifier.load(path, runtime="onnx")``."""
        from ..models.transformers_backend import export_onnx

        directory = Path(path)
        meta = verify_files(directory, (ONNX_FILES,))  # exporting again where the ONNX files were removed
        written = export_onnx(self.heads, directory)
        recorded = [directory / name for name in meta["files"] if not name.startswith(ONNX_FILES)]
        # the model is the one trained then: its training time and library versions stay
        kept = {"created": meta["created"], "versions": meta.get("versions", {})}
        # and its settings as saved (file names relative to the folder, not where it was loaded from)
        saved = {**self._saved_metadata(), "config": meta.get("config", {})}
        write_metadata(directory, sorted(set(recorded) | set(written)), {**kept, **saved})
        return written

    def _score(self, texts):
        normalised = normalise_records(texts, self._norm_cfg)
        counts = self.heads.batcher.token_counts(normalised)
        limit = self.heads.batcher.max_length
        warnings = [f"text has {n} tokens; only the first {limit} were classified" if n > limit else None for n in counts]
        cause_probs, sent_probs = self.heads.predict_proba(normalised)
        return cause_probs, sent_probs, normalised, warnings

    def _explain(self, texts, normalised, requests):
        out: dict = {}
        rounds: list[list[tuple[int, str, int]]] = []  # each row at most once per round and head
        for request in requests:
            for group in rounds:
                if all(r[0] != request[0] or r[1] != request[1] for r in group):
                    group.append(request)
                    break
            else:
                rounds.append([request])
        rows = sorted({r[0] for r in requests})
        sources = {row: spans for row, (_, spans) in zip(rows, records_spans([texts[row] for row in rows], self._norm_cfg))}
        for group in rounds:
            for head in ("causes", "sentiment"):
                part = [r for r in group if r[1] == head]
                if not part:
                    continue
                spans = self.heads.attributions([normalised[r[0]] for r in part], head, [r[2] for r in part], EVIDENCE_TERMS)
                for (row, _, j), found in zip(part, spans):
                    out[(row, head, j)] = [
                        _with_span({"term": normalised[row][s:e], "weight": round(w, 3)}, (s, e), texts[row], sources[row])
                        for s, e, w in found
                    ]
        return out
