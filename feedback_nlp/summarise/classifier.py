"""A sentence-section classifier for work reports (overview, achievements, problems, plans,
other), learnt from the labelled reports in ``corpora/reports/``.

Each sentence is classified together with the heading it stands under ("存在的问题 | 部分坐席业务
不熟练…"), so a heading is strong evidence but not the whole method: cue words and the sentence's
own content count too. The model is a directory like the complaint model: a ``LinearModel`` and
the featurizer's vocabularies, written by ``scripts/train_sections.py`` and shipped in
``resources/sections``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ..config import RESOURCES_DIR
from ..features import TextFeaturizer
from ..models.base import load_objects, save_objects
from ..models.linear import LinearModel

SECTION_LABELS = ("overview", "achievements", "problems", "plans", "other")
DEFAULT_DIR = RESOURCES_DIR / "sections"
SEPARATOR = " | "



def with_heading(text: str, heading: str) -> str:
    return f"{heading}{SEPARATOR}{text}" if heading else text


class SectionClassifier:
    def __init__(self, featurizer: TextFeaturizer, model: LinearModel, metadata: dict | None = None):
        self.featurizer, self.model, self.metadata = featurizer, model, metadata or {}

    @classmethod
    def train(cls, texts: list[str], headings: list[str], labels: list[str], C: float = 1.0) -> SectionClassifier:
        from ..models.sklearn_backend import NBLogistic

        docs = [with_heading(t, h) for t, h in zip(texts, headings)]
        featurizer = TextFeaturizer(word_ngrams=(1, 2), char_ngrams=(1, 3), min_df=1, normalise={"remove_boilerplate": False})
        X = featurizer.fit_transform(docs)
        model = NBLogistic(C=C, classes=list(SECTION_LABELS)).fit(X, labels)
        return cls(featurizer, model.linear_, {"items": len(docs)})

    def predict_proba(self, texts: list[str], headings: list[str]) -> np.ndarray:
        docs = [with_heading(t, h) for t, h in zip(texts, headings)]
        return self.model.predict_proba(self.featurizer.transform(docs))

    def predict(self, texts: list[str], headings: list[str]) -> list[str]:
        probs = self.predict_proba(texts, headings)
        return [str(self.model.classes_[i]) for i in probs.argmax(axis=1)]

    def save(self, directory: Path) -> None:
        save_objects(Path(directory), {"sections": self.model}, {"featurizer": self.featurizer.to_dict()}, self.metadata)

    @classmethod
    def load(cls, directory: str | Path | None = None) -> SectionClassifier | None:
        """The model in ``directory``; with none, the shipped one (None if it is not there)."""
        if directory is None:
            return _default_model() if (DEFAULT_DIR / "metadata.json").is_file() else None
        return cls._read(Path(directory))

    @classmethod
    def _read(cls, directory: Path) -> SectionClassifier:
        objects, meta = load_objects(directory, ["sections"], ["featurizer"])
        return cls(TextFeaturizer.from_dict(objects["featurizer"]), objects["sections"], meta)


@functools.lru_cache(maxsize=1)
def _default_model() -> SectionClassifier:
    return SectionClassifier._read(DEFAULT_DIR)
