"""spaCy integration (needs ``pip install feedback-nlp[spacy]``).

- ``make_nlp()`` returns ``spacy.blank("zh")`` whose tokenizer is our jieba-based ``Tokeniser``
  with the customer-service dictionary (not spaCy's own jieba setup, which uses jieba's global
  default instance).
- The tokenizer is registered as ``feedback_nlp.jieba_tokenizer.v1`` for spaCy configs:
  ``[nlp.tokenizer] @tokenizers = "feedback_nlp.jieba_tokenizer.v1"``.
- The ``feedback_nlp_normaliser`` component (``nlp.add_pipe("feedback_nlp_normaliser")``) sets each
  token's ``norm_`` to its normalised form (Simplified script, half-width letters and digits) and
  ``doc._.feedback_normalised`` to the normalised text of the whole document. spaCy never changes
  a document's text, so the original stays ``doc.text``.

Nothing else in the package imports this module.
"""

from __future__ import annotations

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("the spaCy integration needs spaCy; run: pip install 'feedback-nlp[spacy]'") from exc

from .config import NormaliseConfig, TokeniseConfig
from .normalise.script import to_simplified
from .normalise.text import normalise_text
from .tokenise import get_tokeniser

DOC_EXTENSION = "feedback_normalised"


class JiebaTokenizer:
    """A spaCy tokenizer: ``Doc`` words from our ``Tokeniser``; ``doc.text`` equals the input."""

    def __init__(self, vocab, config: TokeniseConfig | None = None):
        self.vocab = vocab
        self.tokeniser = get_tokeniser(config or TokeniseConfig())

    def __call__(self, text: str) -> Doc:
        # segment the Simplified form (the dictionaries are Simplified) and cut the original
        # text at the same offsets; t2s maps character to character, so offsets carry over
        simplified = to_simplified(text, "t2s")
        if len(simplified) != len(text):
            simplified = text
        words, pos = [], 0
        for piece in self.tokeniser.segment(simplified):
            words.append(text[pos : pos + len(piece)])
            pos += len(piece)
        return Doc(self.vocab, words=words, spaces=[False] * len(words))

    # spaCy serialises tokenizers with the pipeline; ours is rebuilt from the package resources
    def to_bytes(self, **_kwargs) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_kwargs) -> JiebaTokenizer:
        return self

    def to_disk(self, _path, **_kwargs) -> None:
        return None

    def from_disk(self, _path, **_kwargs) -> JiebaTokenizer:
        return self


@spacy.registry.tokenizers("feedback_nlp.jieba_tokenizer.v1")
def create_tokenizer():
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)

    return make


class Normaliser:
    """Pipeline component: normalised token forms and document text."""

    def __init__(self, script: str = "t2s"):
        self.config = NormaliseConfig(script=script, remove_boilerplate=False)
        if not Doc.has_extension(DOC_EXTENSION):
            Doc.set_extension(DOC_EXTENSION, default=None)

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(DOC_EXTENSION, normalise_text(doc.text, self.config).text)
        for token in doc:
            if not token.is_space:
                norm = normalise_text(token.text, self.config).text
                if norm and norm != token.text:
                    token.norm_ = norm
        return doc


@Language.factory("feedback_nlp_normaliser", default_config={"script": "t2s"})
def make_normaliser(nlp: Language, name: str, script: str) -> Normaliser:
    return Normaliser(script=script)


def make_nlp(tokenise_config: TokeniseConfig | None = None, normalise: bool = True) -> Language:
    """A blank Chinese pipeline with our tokenizer and, by default, the normaliser component."""
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, tokenise_config)
    if normalise:
        nlp.add_pipe("feedback_nlp_normaliser")
    return nlp
