"""Drafting a year-end service review from work reports, every sentence traceable to its source.

Steps: read and normalise each report (mojibake repaired, Traditional converted); split pages into
articles; drop articles that are not about service work (scraped pages mix in study tips and
etiquette guides); split into sentences with their source line; give each sentence a section
(``sections``); rank the sentences of each section by centrality (TextRank over character-bigram
similarity) with a small bonus for early position and for figures, and pick them with MMR so that
near-repeats are left out; extract the key figures (``metrics``) of every sentence of the articles kept.

Only the section titles are generated; every other sentence is quoted verbatim with its file and
line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..normalise import normalise_text, read_text
from ..tokenise import split_sentences
from .metrics import Metric, dedupe_metrics, extract_metrics
from .classifier import SectionClassifier
from .sections import SECTIONS, section_of_heading, section_of_sentence
from .structure import split_articles

TITLES = {
    "overview": "一、工作概况",
    "achievements": "二、主要成绩与关键指标",
    "feedback": "三、客户反馈分析",
    "problems": "四、存在的问题与不足",
    "plans": "五、下一年度工作计划与目标",
}
LIMITS = {"overview": 4, "achievements": 10, "problems": 6, "plans": 8}
# words that service reports use and off-topic articles (study tips, etiquette) do not
DOMAIN_WORDS = re.compile(
    r"客户|顾客|业主|服务|投诉|满意|售后|客服|维修|报修|物业|收费|回访|接待|工作|完成|部门|公司|中心|问题|年度|计划|指标|率"
)
MIN_DOMAIN_DENSITY = 0.02  # domain-word hits per character below which an article is off-topic
MIN_SENTENCE_CHARS = 6
MAX_CANDIDATES = 300  # sentences per section that TextRank compares pairwise
OFF_TOPIC_SHARE = 0.5  # with the classifier: an article with more "other" sentences than this is left out


@dataclass
class Sentence:
    text: str
    section: str
    file: str
    line: int  # line in the source file as read (1-based)
    article: str
    score: float = 0.0
    metrics: list[Metric] = field(default_factory=list)


@dataclass
class Review:
    year: int | None
    org: str | None
    sections: dict[str, list[Sentence]]
    metrics: list[tuple[Metric, Sentence]]
    dropped_articles: list[tuple[str, str]]  # (file, title) judged off-topic
    feedback: dict | None = None


def _article_is_on_topic(lines: list[str]) -> bool:
    text = "".join(lines)
    return bool(text) and len(DOMAIN_WORDS.findall(text)) / len(text) >= MIN_DOMAIN_DENSITY


def collect_sentences(path: str | Path) -> tuple[list[Sentence], list[tuple[str, str]]]:
    """Sentences of a report with section and source line; and the articles left out.

    With the shipped section classifier, each sentence is classified with the heading it stands
    under, and an article most of whose sentences are "other" is left out as off-topic; without
    it, headings and cue words decide and a domain-word density filters articles.
    """
    read = read_text(path)
    norm = normalise_text(read.text)
    label = str(path)
    classifier = SectionClassifier.load()
    sentences: list[Sentence] = []
    dropped: list[tuple[str, str]] = []
    for article in split_articles(norm.text):
        found: list[Sentence] = []
        headings: list[str] = []
        heading_section: str | None = None
        heading_text, heading_level = "", 9
        for line in article.lines:
            source_line = norm.line_map[line.number - 1]
            if line.heading_level:
                section = section_of_heading(line.text)
                if section or line.heading_level <= heading_level:
                    heading_section, heading_level, heading_text = section, line.heading_level, line.text
                continue
            for s in split_sentences(line.text):
                if len(s.text) < MIN_SENTENCE_CHARS:
                    continue
                metrics = extract_metrics(s.text)
                has_target = any(m.kind == "target" for m in metrics)
                section = section_of_sentence(s.text, heading_section, has_target)
                found.append(Sentence(s.text, section, label, source_line, article.title, metrics=metrics))
                headings.append(heading_text)
        if classifier is not None and found:
            predicted = classifier.predict([s.text for s in found], headings)
            for s, section in zip(found, predicted):
                s.section = section
            off_topic = sum(p == "other" for p in predicted) / len(predicted) > OFF_TOPIC_SHARE
        else:
            off_topic = not _article_is_on_topic([line.text for line in article.lines])
        if off_topic:
            dropped.append((label, article.title or "(untitled)"))
            continue
        sentences.extend(found)
    return sentences, dropped


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _prior(s: Sentence) -> float:
    """Cheap score used to bound the candidates: figures and a readable length."""
    return bool(s.metrics) + (15 <= len(s.text) <= 120)


def rank(sentences: list[Sentence], limit: int, redundancy: float = 0.7) -> list[Sentence]:
    """Central sentences first (TextRank), skipping near-repeats (MMR); returned in source order.

    At most ``MAX_CANDIDATES`` sentences (the best by a cheap prior, earliest first on ties) are
    compared, so drafting from thousands of reports stays fast."""
    if not sentences:
        return []
    if len(sentences) > MAX_CANDIDATES:
        keep = sorted(range(len(sentences)), key=lambda i: (-_prior(sentences[i]), i))[:MAX_CANDIDATES]
        sentences = [sentences[i] for i in sorted(keep)]
    grams = [bigrams(s.text) for s in sentences]
    n = len(sentences)
    sim = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            sim[i, j] = sim[j, i] = similarity(grams[i], grams[j])
    weights = sim / np.maximum(sim.sum(axis=1, keepdims=True), 1e-9)
    score = np.full(n, 1.0 / n)
    for _ in range(30):
        score = 0.15 / n + 0.85 * weights.T @ score
    for i, s in enumerate(sentences):
        s.score = float(score[i] * n + 0.3 * bool(s.metrics) + 0.2 / (1 + i / 10))
    chosen: list[int] = []
    for i in sorted(range(n), key=lambda k: -sentences[k].score):
        if len(chosen) >= limit:
            break
        if all(sim[i, j] < redundancy for j in chosen):
            chosen.append(i)
    return [sentences[i] for i in sorted(chosen)]


def draft_review(
    reports: list[str | Path], year: int | None = None, org: str | None = None, feedback: dict | None = None
) -> Review:
    """Draft a review from report files; ``feedback`` is the customer-feedback analysis of
    classified chat logs (``feedback.analyse_chats``), or None."""
    sentences: list[Sentence] = []
    dropped: list[tuple[str, str]] = []
    for path in reports:
        found, left_out = collect_sentences(path)
        sentences.extend(found)
        dropped.extend(left_out)
    sections = {
        name: rank([s for s in sentences if s.section == name], LIMITS[name]) for name in SECTIONS if name in LIMITS
    }
    metrics: list[tuple[Metric, Sentence]] = []
    seen = set()
    for s in sentences:  # every sentence of the articles kept: figures are key whatever the section
        for m in dedupe_metrics(s.metrics):
            if m.subject and m.key() not in seen:
                seen.add(m.key())
                metrics.append((m, s))
    return Review(year, org, sections, metrics, dropped, feedback)
