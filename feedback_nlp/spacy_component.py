"""spaCy integration (needs ``pip install feedback-nlp[spacy]``).

- ``make_nlp()`` returns ``spacy.blank("zh")`` whose tokenizer is our jieba-based ``Tokeniser``
  with the customer-service dictionary (not spaCy's own jieba setup, which uses jieba's global
  default instance).
- The tokenizer is registered as ``feedback_nlp.jieba_tokenizer.v1`` for spaCy configs:
  ``[nlp.tokenizer] @tokenizers = "feedback_nlp.jieba_tokenizer.v1"``, with the ``tokenise``
  settings of ``configs/default.yaml`` as its arguments (``hmm = true``, ``user_dicts =
  ["my_words.txt"]``); ``make_nlp`` builds the pipeline that way. ``nlp.to_disk`` writes the tokenizer's settings to ``tokenizer/settings.json``
  with copies of its user dictionaries and stop-word list, so ``spacy.load`` rebuilds the same
  tokenizer; the package's entry points let spaCy find the tokenizer and the component without
  importing feedback_nlp first.
- The ``feedback_nlp_normaliser`` component (``nlp.add_pipe("feedback_nlp_normaliser")``) sets each
  token's ``norm_`` to its normalised form (Simplified script, half-width letters and digits) and
  ``doc._.feedback_normalised`` to the normalised text of the whole document. spaCy never changes
  a document's text, so the original stays ``doc.text``.

Nothing else in the package imports this module.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("the spaCy integration needs spaCy; run: pip install 'feedback-nlp[spacy]'") from exc

from .config import NormaliseConfig, TokeniseConfig, bundle_files, format_validation_error, resolve_paths
from .errors import ConfigError, InputError
from .normalise.script import LONE_SURROGATES, to_simplified
from .normalise.text import normalise_text
from .tokenise import get_tokeniser

# full-width letters, digits and the signs of numbers, as their ASCII forms, one for one: the user
# dictionary's words ("APP", "4S店") and numbers with units ("93.81%") are ASCII
_HALF_WIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_HALF_WIDTH.update({ord(a): ord(b) for a, b in zip("％＋－．／", "%+-./")})

logger = logging.getLogger(__name__)

DOC_EXTENSION = "feedback_normalised"
TOKENIZER_NAME = "feedback_nlp.jieba_tokenizer.v1"
NORMALISER_NAME = "feedback_nlp_normaliser"
SETTINGS_FILE = "settings.json"


class JiebaTokenizer:
    """A spaCy tokenizer: ``Doc`` words from our ``Tokeniser``; ``doc.text`` equals the input."""

    def __init__(self, vocab, config: TokeniseConfig | None = None):
        self.vocab = vocab
        self._configure(config or TokeniseConfig())

    def _configure(self, config: TokeniseConfig) -> None:
        self.config = config
        self._tokeniser = None

    @property
    def tokeniser(self):
        """Built on first use: ``spacy.load`` creates the tokenizer from config.cfg, whose word
        lists may be where the pipeline was saved, not here, and then ``from_disk`` points it at
        the copies saved with the pipeline."""
        if self._tokeniser is None:
            self._tokeniser = get_tokeniser(self.config)
        return self._tokeniser

    def __call__(self, text: str) -> Doc:
        """A Doc of the words of ``text``. A spaCy tokenizer drops nothing (``doc.text`` is the
        input), so the tokenise settings that drop words act as spaCy's own tokenizer does: without
        ``keep_whitespace``, a space after a word is that word's trailing space (``token.whitespace_``)
        rather than a token of its own; with ``drop_stopwords``, stop words are marked
        ``token.is_stop``."""
        lone = LONE_SURROGATES.search(text)
        if lone is not None:  # spaCy keeps its strings as UTF-8 and cannot hold one
            raise InputError(f"the text holds half of a character (a lone surrogate, {lone.group()!r} at offset {lone.start()}), which spaCy "
                             "cannot hold: normalise it first (feedback_nlp.normalise_text drops it), or read the source "
                             "with errors='replace'")
        # segment the Simplified, half-width form (the dictionaries are Simplified and ASCII) and
        # cut the original text at the same offsets; both map character to character, so offsets
        # carry over
        simplified = to_simplified(text, "t2s")
        if len(simplified) != len(text):
            simplified = text
        simplified = simplified.translate(_HALF_WIDTH)  # full-width forms: segmented as their ASCII
        keep_space = self.config.keep_whitespace
        stop = self.tokeniser.stopwords_ if self.config.drop_stopwords else ()
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for piece in self.tokeniser.segment(simplified):
            word = text[pos : pos + len(piece)]
            pos += len(piece)
            if not keep_space and word[0] == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                word = word[1:]
                if not word:
                    continue
            if piece in stop:
                self.vocab[word].is_stop = True
            words.append(word)
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy saves the tokenizer with the pipeline: we save our settings (the tokenise config);
    # the shipped dictionary comes from the package, user word lists are copied along on disk
    def to_bytes(self, **_kwargs) -> bytes:
        """The settings as JSON (word lists by absolute path: they must exist where it is read)."""
        settings = self.config.model_dump(mode="json")
        settings["user_dicts"] = [str(Path(p).resolve()) for p in self.config.user_dicts]
        if self.config.stopwords is not None:
            settings["stopwords"] = str(Path(self.config.stopwords).resolve())
        return json.dumps(settings, ensure_ascii=False, indent=2).encode("utf-8")

    def from_bytes(self, data: bytes, **_kwargs) -> JiebaTokenizer:
        self._configure(self._read_settings(json.loads(data.decode("utf-8")), "the tokenizer's bytes", None))
        return self

    def to_disk(self, path, **_kwargs) -> None:
        """``path/settings.json`` plus copies of the user dictionaries and the stop-word list."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        settings = bundle_files({"tokenise": self.config.model_dump(mode="json")}, path)[0]["tokenise"]
        text = json.dumps(settings, ensure_ascii=False, indent=2) + "\n"
        (path / SETTINGS_FILE).write_text(text, encoding="utf-8")

    def from_disk(self, path, **_kwargs) -> JiebaTokenizer:
        path = Path(path)
        file = path / SETTINGS_FILE
        if not file.is_file():
            # pipelines saved before the settings were written: they used the default settings
            logger.info("%s not found; the tokenizer keeps its default settings", file)
            return self
        try:
            settings = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{file}: not a JSON settings file ({exc}); save the pipeline again with nlp.to_disk") from None
        self._configure(self._read_settings(settings, str(file), path))
        return self

    @staticmethod
    def _read_settings(settings, source: str, base: Path | None) -> TokeniseConfig:
        if not isinstance(settings, dict):
            raise ConfigError(f"{source}: expected a JSON object of tokenise settings; save the pipeline again with nlp.to_disk")
        if base is not None:  # word lists saved next to the settings
            settings = resolve_paths({"tokenise": settings}, base)["tokenise"]
        try:
            return TokeniseConfig.model_validate(settings)
        except ValidationError as exc:
            raise ConfigError(f"{format_validation_error(exc, source)}; save the pipeline again with nlp.to_disk") from None


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_tokenizer(
    engine: str = "auto",
    hmm: bool = False,
    user_dicts: list[str] = [],  # noqa: B006  (spaCy reads defaults from the signature; never mutated)
    stopwords: Optional[str] = None,
    drop_stopwords: bool = False,
    keep_whitespace: bool = False,
):
    """The tokenizer, with the ``tokenise`` settings of ``configs/default.yaml`` as arguments, so a
    spaCy config can set them in its ``[nlp.tokenizer]`` block (``user_dicts = ["my_words.txt"]``)."""
    settings = {"engine": engine, "hmm": hmm, "user_dicts": list(user_dicts), "stopwords": stopwords,
                "drop_stopwords": drop_stopwords, "keep_whitespace": keep_whitespace}
    try:
        config = TokeniseConfig.model_validate(settings)
    except ValidationError as exc:
        raise ConfigError(
            f"{format_validation_error(exc, f'spaCy tokenizer {TOKENIZER_NAME!r}')}; fix the [nlp.tokenizer] block of the config"
        ) from None
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, config)

    return make


class Normaliser:
    """Pipeline component: normalised token forms and document text."""

    def __init__(self, script: str = "t2s", name: str = NORMALISER_NAME):
        try:
            self.config = NormaliseConfig(script=script, remove_boilerplate=False)
        except ValidationError as exc:
            raise ConfigError(
                f"{format_validation_error(exc, f'spaCy component {name!r} ({NORMALISER_NAME})')}; "
                'fix the "script" setting in the config passed to nlp.add_pipe (or in config.cfg)'
            ) from None
        if not Doc.has_extension(DOC_EXTENSION):
            Doc.set_extension(DOC_EXTENSION, default=None)

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(DOC_EXTENSION, normalise_text(doc.text, self.config).text)
        for token in doc:
            if not token.is_space:
                norm = normalise_text(token.text, self.config).text
                if norm:  # set where it is the token's text too: spaCy's own norm folds "！" to "!"
                    token.norm_ = norm
        return doc


@Language.factory(NORMALISER_NAME, default_config={"script": "t2s"})
def make_normaliser(nlp: Language, name: str, script: str) -> Normaliser:
    return Normaliser(script=script, name=name)


def make_nlp(tokenise_config: TokeniseConfig | None = None, normalise: bool = True) -> Language:
    """A blank Chinese pipeline with our tokenizer and, by default, the normaliser component.

    The pipeline's config names the registered tokenizer, so ``nlp.to_disk`` / ``spacy.load``
    round-trip (the tokenise settings are saved with the tokenizer)."""
    settings = (tokenise_config or TokeniseConfig()).model_dump(mode="json")
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME, **settings}}})
    if normalise:
        nlp.add_pipe(NORMALISER_NAME)
    return nlp
