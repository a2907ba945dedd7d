"""Drafting annual service reviews from work reports.

So far: the structure of reports (articles, headings), key-figure extraction, and a first review
drafter whose section assignment and off-topic filter are rules (cue words, headings, domain-word
density); a trained section classifier is to replace them.
"""

from .metrics import Metric, dedupe_metrics, extract_metrics
from .review import Review, draft_review
from .structure import Article, heading_level, split_articles

__all__ = [
    "Article",
    "Metric",
    "Review",
    "dedupe_metrics",
    "draft_review",
    "extract_metrics",
    "heading_level",
    "split_articles",
]
