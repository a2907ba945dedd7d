"""A sentence-section classifier for work reports (overview, achievements, problems, plans,
other), learnt from the labelled reports in ``corpora/reports/``.

The classifier reads a sentence's own words only; the heading it stands under is weighed
afterwards, by structure (``sections.weigh_by_heading``), so a heading is counted once and the
model is not taught to trust heading words it may never see in other people's reports. (Models
saved with ``with_headings`` read "heading | sentence" instead.) Beside it sits the article
model: logistic weights over the genre features of ``genre`` that say whether an article is a
work report at all. The directory holds both ``LinearModel``s and the featurizer's vocabularies,
written by ``scripts/train_sections.py`` and shipped in ``resources/sections``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ..config import RESOURCES_DIR
from ..features import TextFeaturizer
from ..models.base import ModelError, load_objects, save_objects
from ..models.linear import LinearModel
from .genre import FEATURES, feature_matrix
from .sections import CONTENT

SECTION_LABELS = ("overview", "achievements", "problems", "plans", "other")
DEFAULT_DIR = RESOURCES_DIR / "sections"
SEPARATOR = " | "


def with_heading(text: str, heading: str) -> str:
    return f"{heading}{SEPARATOR}{text}" if heading else text


class SectionClassifier:
    def __init__(
        self, featurizer: TextFeaturizer, model: LinearModel, metadata: dict | None = None, articles: LinearModel | None = None
    ):
        self.featurizer, self.model, self.metadata, self.articles = featurizer, model, metadata or {}, articles

    @property
    def with_headings(self) -> bool:
        return bool(self.metadata.get("with_headings", True))

    @classmethod
    def train(
        cls, texts: list[str], headings: list[str], labels: list[str], C: float = 1.0, with_headings: bool = False
    ) -> SectionClassifier:
        from ..models.sklearn_backend import NBLogistic

        docs = [with_heading(t, h) if with_headings else t for t, h in zip(texts, headings)]
        featurizer = TextFeaturizer(word_ngrams=(1, 2), char_ngrams=(1, 3), min_df=1, normalise={"remove_boilerplate": False})
        X = featurizer.fit_transform(docs)
        model = NBLogistic(C=C, classes=list(SECTION_LABELS)).fit(X, labels)
        return cls(featurizer, model.linear_, {"items": len(docs), "with_headings": with_headings})

    @property
    def transitions(self) -> np.ndarray | None:
        """How often one content section follows another in the training reports (rows: from)."""
        value = self.metadata.get("transitions")
        return None if value is None else np.asarray(value, dtype=float)

    @property
    def start(self) -> np.ndarray | None:
        """How often a training report's first content sentence has each content section."""
        value = self.metadata.get("start")
        return None if value is None else np.asarray(value, dtype=float)

    def learn_order(self, documents: list[list[str]]) -> SectionClassifier:
        """Learn the first section and the transitions between content sections from labelled documents (each the
        sections of its sentences in order; "other" is skipped), with one added to every count."""
        counts = np.ones((len(CONTENT), len(CONTENT)))
        first = np.ones(len(CONTENT))
        for sections in documents:
            content = [s for s in sections if s in CONTENT]
            if content:
                first[CONTENT.index(content[0])] += 1
            for a, b in zip(content, content[1:]):
                counts[CONTENT.index(a), CONTENT.index(b)] += 1
        self.metadata = {
            **self.metadata,
            "transitions": (counts / counts.sum(axis=1, keepdims=True)).round(4).tolist(),
            "start": (first / first.sum()).round(4).tolist(),
        }
        return self

    def train_articles(self, articles: list[list[str]], is_report: list[bool], C: float = 10.0) -> SectionClassifier:
        """Learn the article model from articles (each a list of lines) labelled report or not."""
        from sklearn.linear_model import LogisticRegression

        if len(set(is_report)) < 2:
            raise ValueError("the article model needs both reports and non-reports to learn from")
        lr = LogisticRegression(C=C, max_iter=2000).fit(feature_matrix(articles), np.asarray(is_report, dtype=int))
        self.articles = LinearModel(["report"], lr.coef_, lr.intercept_, multilabel=True)
        self.metadata = {**self.metadata, "article_features": list(FEATURES)}
        return self

    def report_probability(self, articles: list[list[str]], titles: list[str | None] | None = None) -> np.ndarray:
        """Probability that each article (a list of lines; its title, by default its first line)
        is a work report or plan."""
        if self.articles is None:
            raise ValueError("this section model has no article model; retrain with scripts/train_sections.py")
        return self.articles.predict_proba(feature_matrix(articles, titles))[:, 0]

    def predict_proba(self, texts: list[str], headings: list[str]) -> np.ndarray:
        docs = [with_heading(t, h) for t, h in zip(texts, headings)] if self.with_headings else list(texts)
        return self.model.predict_proba(self.featurizer.transform(docs))

    def predict(self, texts: list[str], headings: list[str]) -> list[str]:
        probs = self.predict_proba(texts, headings)
        return [str(self.model.classes_[i]) for i in probs.argmax(axis=1)]

    def save(self, directory: Path) -> None:
        models = {"sections": self.model} | ({"articles": self.articles} if self.articles is not None else {})
        featurizer, files = self.featurizer.bundle(Path(directory))
        save_objects(Path(directory), models, {"featurizer": featurizer}, self.metadata, files)

    @classmethod
    def load(cls, directory: str | Path | None = None) -> SectionClassifier | None:
        """The model in ``directory``; with none, the shipped one (None if it is not there)."""
        if directory is None:
            return _default_model() if (DEFAULT_DIR / "metadata.json").is_file() else None
        return cls._read(Path(directory))

    @classmethod
    def _read(cls, directory: Path) -> SectionClassifier:
        objects, meta = load_objects(directory, ["sections"], ["featurizer"], optional_prefixes=("articles",))
        if "articles" in objects and meta.get("article_features") != list(FEATURES):
            raise ModelError(
                f"{directory}: the article model was trained on features {meta.get('article_features')}, this "
                f"feedback_nlp computes {list(FEATURES)}; retrain with scripts/train_sections.py"
            )
        return cls(TextFeaturizer.from_dict(objects["featurizer"], base=directory), objects["sections"], meta, objects.get("articles"))


@functools.lru_cache(maxsize=1)
def _default_model() -> SectionClassifier:
    return SectionClassifier._read(DEFAULT_DIR)
