"""BERT-family models for complaint causes and sentiment (optional extra: ``feedback-nlp[transformers]``).

Two sequence-classification models share one tokenizer: a multi-label cause model
(``problem_type="multi_label_classification"``, one sigmoid per cause) and a single-label
sentiment model. Both start from a pretrained checkpoint in a local folder; nothing is ever
downloaded. Weights are read and written as safetensors only (``use_safetensors=True``), so no
pickled file is ever loaded.

This module works on texts that are already normalised; the pipeline does the normalising, the
thresholds and the result records. torch and transformers are imported when a function needs
them, so the rest of the package never requires them.
"""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import ConfigError, FeedbackNLPError
from .linear import sigmoid

logger = logging.getLogger(__name__)

TOKENIZER_DIR, CAUSES_DIR, SENTIMENT_DIR = "tokenizer", "causes", "sentiment"
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
INSTALL_HINT = (
    "pip install 'feedback-nlp[transformers]' (for a CPU-only torch first run: "
    "pip install torch --index-url https://download.pytorch.org/whl/cpu)"
)


def require() -> tuple[Any, Any]:
    """torch and transformers, or an error that says how to install them."""
    try:
        import torch
    except ImportError:
        raise FeedbackNLPError(f"the transformers backend needs torch, which is not installed: {INSTALL_HINT}") from None
    return torch, _transformers()


def _transformers():
    try:
        import transformers
    except ImportError:
        raise FeedbackNLPError(f"the transformers backend needs transformers, which is not installed: {INSTALL_HINT}") from None
    transformers.logging.set_verbosity_error()  # its notes on freshly initialised heads are expected here
    transformers.logging.disable_progress_bar()  # per-file bars; training logs its own progress
    return transformers


def resolve_device(name: str | None = "auto"):
    """``auto`` picks the first GPU when torch sees one, else the CPU."""
    torch, _ = require()
    name = name or "auto"
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ConfigError(f"device {name!r}: use auto, cpu, cuda, cuda:N or mps") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise FeedbackNLPError(f"device {name!r} was asked for but torch sees no GPU; use device auto or cpu")
    return device


# what a tokenizer is read from, as save_pretrained writes it: a fast tokenizer's tokenizer.json,
# or the vocabulary of a slow one (WordPiece vocab.txt, BPE vocab.json, SentencePiece *.model)
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "vocab.json", "*.model")
_EXPECTED_FILES = "tokenizer.json, or a vocabulary file: vocab.txt, vocab.json (with merges.txt) or a SentencePiece *.model"


def load_tokenizer(path: Path):
    """The tokenizer in a local folder. Refuses a folder that does not exist, one without tokenizer
    files (transformers would make up an empty tokenizer that reads every text as [UNK]) and a
    tokenizer whose vocabulary holds only special tokens."""
    transformers = _transformers()
    hint = "pass a local folder holding a pretrained model and its tokenizer files (training: transformers.model_name_or_path)"
    if not path.exists():
        raise FeedbackNLPError(f"model folder {path} not found; {hint}")
    if not path.is_dir():
        raise FeedbackNLPError(f"{path} is not a folder; {hint}")
    if not any(any(path.glob(pattern)) for pattern in TOKENIZER_FILES):
        raise FeedbackNLPError(
            f"{path} holds no tokenizer files (expected {_EXPECTED_FILES}); copy the tokenizer files that "
            "came with the model into it (tokenizer.save_pretrained writes them)"
        )
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise FeedbackNLPError(
            f"{path}: no usable tokenizer there ({str(exc).splitlines()[0]}); pass a local folder holding a "
            "pretrained model and its tokenizer files"
        ) from None
    special = set(tokenizer.all_special_tokens)
    if all(token in special for token in tokenizer.get_vocab()):
        raise FeedbackNLPError(
            f"{path}: the tokenizer's vocabulary holds only special tokens ({', '.join(sorted(special))}), so every "
            f"text would be read as {tokenizer.unk_token}; the folder needs the model's own tokenizer files "
            f"({_EXPECTED_FILES})"
        )
    return tokenizer


def load_classifier(path: Path, **kwargs):
    """A sequence-classification model from a local folder, from safetensors weights only."""
    _, transformers = require()
    if not path.is_dir():
        raise FeedbackNLPError(f"model folder {path} not found; pass a local folder with a pretrained model")
    if not any(path.glob("*.safetensors")):
        raise FeedbackNLPError(
            f"{path} has no .safetensors weights; convert the checkpoint with save_pretrained(..., "
            "safe_serialization=True) (pickled .bin files are never loaded)"
        )
    try:
        return transformers.AutoModelForSequenceClassification.from_pretrained(
            str(path), local_files_only=True, use_safetensors=True, **kwargs
        )
    except (OSError, ValueError) as exc:
        raise FeedbackNLPError(f"{path}: cannot load the model ({str(exc).splitlines()[0]})") from None


class Batcher:
    """Tokenises texts into padded batches, similar lengths together: torch tensors on ``device``,
    or int64 numpy arrays when ``device`` is None (for onnxruntime). Safe to share between threads:
    a fast tokenizer keeps its padding and truncation settings as state that each call sets, so one
    call at a time goes through it (the models themselves run side by side)."""

    def __init__(self, tokenizer, device, max_length: int, batch_size: int):
        self.tokenizer, self.device, self.max_length, self.batch_size = tokenizer, device, max_length, batch_size
        self._lock = threading.Lock()

    def encode(self, texts: list[str], **options):
        """The tokenizer's encoding of ``texts`` with ``options``, one call at a time."""
        with self._lock:
            return self.tokenizer(texts, **options)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text without truncation (special tokens included)."""
        return [len(ids) for ids in self.encode(list(texts), add_special_tokens=True)["input_ids"]]

    def batches(self, texts: Sequence[str], offsets: bool = False):
        """Yields (positions in ``texts``, tensors on the device, token offsets or None)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            positions = order[start : start + self.batch_size]
            enc = self.encode(
                [texts[i] for i in positions],
                truncation=True,
                max_length=self.max_length,
                padding=True,
                return_tensors="np" if self.device is None else "pt",
                return_offsets_mapping=offsets,
            )
            spans = enc.pop("offset_mapping").tolist() if offsets else None
            enc.pop("token_type_ids", None)
            if self.device is None:
                yield positions, {k: v.astype(np.int64) for k, v in enc.items()}, spans
            else:
                yield positions, {k: v.to(self.device) for k, v in enc.items()}, spans

    def proba(self, run: Callable[[dict], dict], texts: Sequence[str], heads: dict[str, int]) -> dict[str, np.ndarray]:
        """Probabilities of each head, rows in input order. ``run`` maps one batch to each head's
        logits as numpy arrays; ``heads`` gives each head's number of labels. Texts are
        tokenised once for all heads."""
        out = {head: np.zeros((len(texts), n), dtype=np.float64) for head, n in heads.items()}
        for positions, batch, _ in self.batches(texts):
            for head, logits in run(batch).items():
                out[head][positions] = probabilities(logits.astype(np.float64), head)
        return out


def probabilities(logits: np.ndarray, head: str) -> np.ndarray:
    """Sigmoid per cause (multi-label), softmax over the sentiment labels."""
    if head == "causes":
        return sigmoid(logits)
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def torch_runner(models: dict):
    """``Batcher.proba``'s ``run`` for torch models: logits without gradients, as numpy."""
    torch, _ = require()

    def run(batch: dict) -> dict:
        with torch.inference_mode():
            return {head: model(**batch).logits.double().cpu().numpy() for head, model in models.items()}

    return run


class TransformerHeads:
    """The tokenizer and the two fine-tuned models, on one device."""

    def __init__(self, tokenizer, causes, sentiment, max_length: int = 128, batch_size: int = 64, device=None):
        self.tokenizer = tokenizer
        self.device = device if device is not None else resolve_device("auto")
        self.models = {"causes": causes.to(self.device).eval(), "sentiment": sentiment.to(self.device).eval()}
        self.batcher = Batcher(tokenizer, self.device, max_length, batch_size)

    @classmethod
    def load(cls, directory: Path, max_length: int, batch_size: int, device: str | None = None) -> TransformerHeads:
        tokenizer = load_tokenizer(directory / TOKENIZER_DIR)
        causes = load_classifier(directory / CAUSES_DIR)
        sentiment = load_classifier(directory / SENTIMENT_DIR)
        return cls(tokenizer, causes, sentiment, max_length, batch_size, resolve_device(device))

    def save(self, directory: Path) -> list[Path]:
        """Write the tokenizer and both models; returns every file written."""
        directory.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save_pretrained(str(directory / TOKENIZER_DIR))
        for name, sub in (("causes", CAUSES_DIR), ("sentiment", SENTIMENT_DIR)):
            self.models[name].save_pretrained(str(directory / sub), safe_serialization=True)
        return sorted(p for sub in (TOKENIZER_DIR, CAUSES_DIR, SENTIMENT_DIR) for p in (directory / sub).rglob("*") if p.is_file())

    # ---- prediction ------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Cause probabilities (sigmoid) and sentiment probabilities (softmax), rows in input order."""
        sizes = {head: model.config.num_labels for head, model in self.models.items()}
        out = self.batcher.proba(torch_runner(self.models), texts, sizes)
        return out["causes"], out["sentiment"]

    def attributions(self, texts: Sequence[str], head: str, targets: Sequence[int], top: int = 3) -> list[list[tuple[int, int, float]]]:
        """For each text, the tokens that pushed its target label up most: (start, end, score) in the
        text, by gradient x input on the token embeddings; special tokens are left out."""
        torch, _ = require()
        model = self.models[head]
        embeddings = model.get_input_embeddings()
        out: list[list[tuple[int, int, float]]] = [[] for _ in texts]
        for positions, batch, spans in self.batcher.batches(texts, offsets=True):
            inputs = embeddings(batch["input_ids"]).detach().requires_grad_(True)
            logits = model(inputs_embeds=inputs, attention_mask=batch["attention_mask"]).logits
            chosen = logits[torch.arange(len(positions), device=self.device), torch.tensor([targets[i] for i in positions], device=self.device)]
            (grad,) = torch.autograd.grad(chosen.sum(), inputs)
            scores = (grad * inputs).sum(-1).detach().cpu().numpy()
            for row, i in enumerate(positions):
                ranked = []
                for k in np.argsort(-scores[row]):
                    start, end = spans[row][k]
                    if end <= start or scores[row][k] <= 0:
                        continue
                    ranked.append((int(start), int(end), float(scores[row][k])))
                    if len(ranked) == top:
                        break
                out[i] = ranked
        return out


# ---- ONNX: export, and CPU serving with onnxruntime --------------------------------------
ONNX_DIR = "onnx"


def export_onnx(heads: TransformerHeads, directory: Path) -> list[Path]:
    """Write ``onnx/causes.onnx`` and ``onnx/sentiment.onnx`` (dynamic batch and length) into a
    model directory; returns the files written."""
    torch, _ = require()
    try:
        import onnxscript  # noqa: F401  (the exporter needs it)
    except ImportError:
        raise FeedbackNLPError("ONNX export needs onnx and onnxscript: pip install 'feedback-nlp[onnx]'") from None
    import warnings

    sample = heads.tokenizer(["快递还没到", "客服态度很好谢谢"], padding=True, return_tensors="pt")
    inputs = {"input_ids": sample["input_ids"], "attention_mask": sample["attention_mask"]}
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}}
    (directory / ONNX_DIR).mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in heads.models.items():
        path = directory / ONNX_DIR / f"{name}.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's own deprecation notes
            torch.onnx.export(
                model.cpu().eval(), (), str(path), kwargs=inputs, input_names=list(inputs), output_names=["logits"],
                dynamic_axes=axes, dynamo=True, verbose=False, external_data=False,
            )
        model.to(heads.device)
        written.append(path)
    return written


class OnnxHeads:
    """The same two models served by onnxruntime on CPU (no torch needed). No evidence: that
    needs gradients, which only the torch runtime gives."""

    def __init__(self, tokenizer, sessions: dict, labels: dict, max_length: int, batch_size: int):
        self.tokenizer = tokenizer
        self.sessions = sessions
        self.labels = labels  # head -> list of label names
        self.batcher = Batcher(tokenizer, None, max_length, batch_size)

    @classmethod
    def load(cls, directory: Path, labels: dict, max_length: int, batch_size: int) -> OnnxHeads:
        try:
            import onnxruntime
        except ImportError:
            raise FeedbackNLPError("serving with ONNX needs onnxruntime: pip install 'feedback-nlp[onnx]'") from None
        sessions = {}
        for head in ("causes", "sentiment"):
            path = directory / ONNX_DIR / f"{head}.onnx"
            if not path.is_file():
                raise FeedbackNLPError(f"{path} not found; export the model first: feedback-nlp export-onnx {directory}")
            sessions[head] = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        tokenizer = load_tokenizer(directory / TOKENIZER_DIR)
        return cls(tokenizer, sessions, labels, max_length, batch_size)

    def predict_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        def run(batch: dict) -> dict:
            return {head: session.run(None, batch)[0] for head, session in self.sessions.items()}

        out = self.batcher.proba(run, texts, {head: len(names) for head, names in self.labels.items()})
        return out["causes"], out["sentiment"]

    def attributions(self, texts, head, targets, top=3):
        return [[] for _ in texts]


# ---- fine-tuning ---------------------------------------------------------------------
def fine_tune(
    pretrained: Path,
    tokenizer,
    head: str,
    train_texts: Sequence[str],
    train_targets: np.ndarray,
    dev_texts: Sequence[str],
    score_dev: Callable[[np.ndarray], float],
    labels: Sequence[str],
    settings,
    device,
):
    """Fine-tune one model and return it with the epoch that scored best on dev.

    ``head`` is ``causes`` (``train_targets``: 0/1 matrix, BCE loss, positives weighted by
    ``settings.causes_pos_weight``) or ``sentiment`` (label indices, cross-entropy).
    ``score_dev`` turns dev probabilities into the number early stopping maximises. Training
    stops after ``settings.patience`` epochs without improvement.
    """
    torch, transformers = require()
    torch.manual_seed(settings.seed)
    multilabel = head == "causes"
    model = load_classifier(
        pretrained,
        num_labels=len(labels),
        problem_type="multi_label_classification" if multilabel else "single_label_classification",
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    ).to(device)
    if multilabel:
        positives = train_targets.sum(0)
        learnable = positives > 0
        if not learnable.all():
            # a cause with no training example cannot be learnt: it stays off (probability ~0)
            logger.warning("no training examples for %s; the model will not predict them", ", ".join(np.asarray(labels)[~learnable]))
            with torch.no_grad():
                model.classifier.bias[torch.from_numpy(~learnable)] = -10.0
        weight = None
        if settings.causes_pos_weight == "balanced":
            # sqrt of the negative/positive ratio: rare causes count more without swamping precision
            weight = torch.tensor(np.sqrt((len(train_targets) - positives) / np.maximum(positives, 1)), dtype=torch.float32, device=device)
        bce = torch.nn.BCEWithLogitsLoss(pos_weight=weight, reduction="none")
        columns = torch.from_numpy(learnable).to(device)

        def loss_fn(logits, y):
            return bce(logits, y)[:, columns].mean()

        targets = torch.tensor(train_targets, dtype=torch.float32)
    else:
        loss_fn = torch.nn.CrossEntropyLoss()
        targets = torch.tensor(train_targets, dtype=torch.long)
    encoded = tokenizer(list(train_texts), truncation=True, max_length=settings.max_length)["input_ids"]
    steps_per_epoch = math.ceil(len(encoded) / settings.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    schedule = transformers.get_linear_schedule_with_warmup(
        optimizer, int(settings.warmup_ratio * steps_per_epoch * settings.epochs), steps_per_epoch * settings.epochs
    )
    batcher = Batcher(tokenizer, device, settings.max_length, settings.eval_batch_size)
    rng = np.random.default_rng(settings.seed)
    best, best_state, waited = -math.inf, None, 0
    for epoch in range(1, settings.epochs + 1):
        model.train()
        order = rng.permutation(len(encoded))
        total = 0.0
        for step in range(steps_per_epoch):
            idx = order[step * settings.batch_size : (step + 1) * settings.batch_size]
            batch = tokenizer.pad({"input_ids": [encoded[i] for i in idx]}, return_tensors="pt")
            batch = {k: v.to(device) for k, v in batch.items() if k in ("input_ids", "attention_mask")}
            loss = loss_fn(model(**batch).logits, targets[idx].to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += loss.item()
        model.eval()
        score = score_dev(batcher.proba(torch_runner({head: model}), dev_texts, {head: len(labels)})[head])
        logger.info("%s epoch %d: training loss %.4f, dev score %.4f", head, epoch, total / steps_per_epoch, score)
        if score > best:
            best, waited = score, 0
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited >= settings.patience:  # patience 1: one epoch without a better dev score ends it
                logger.info("%s: no dev improvement for %d epochs, stopping", head, waited)
                break
    model.load_state_dict(best_state)
    return model.eval()


# ---- building blocks for a model trained from scratch (tests, comparisons) -------------
def build_char_tokenizer(texts: Sequence[str], directory: Path, min_freq: int = 2, max_size: int = 8000, max_length: int = 512):
    """A BERT-style tokenizer whose vocabulary is the characters of ``texts`` (made with the
    ``tokenizers`` library): Chinese characters become one token each, as in bert-base-chinese."""
    require()
    from collections import Counter

    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    counts = Counter(ch for text in texts for ch in text.lower() if not ch.isspace())
    chars = [ch for ch, n in counts.most_common(max_size) if n >= min_freq]
    vocab: dict[str, int] = {}
    for token in [*SPECIAL_TOKENS, *chars, *("##" + ch for ch in chars if ch.isascii())]:
        vocab.setdefault(token, len(vocab))
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=max_length,
    )
    directory.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(str(directory))
    return fast


def init_bert(
    tokenizer,
    directory: Path,
    hidden_size: int = 64,
    layers: int = 2,
    heads: int = 2,
    intermediate_size: int = 128,
    max_positions: int = 512,
    seed: int = 0,
) -> Path:
    """Write a randomly initialised BERT encoder with ``tokenizer`` to ``directory``: a stand-in
    for a pretrained checkpoint where none is on disk (it has learnt nothing yet)."""
    torch, transformers = require()
    torch.manual_seed(seed)
    config = transformers.BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=intermediate_size,
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = transformers.BertModel(config)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(directory), safe_serialization=True)
    tokenizer.save_pretrained(str(directory))
    return directory
