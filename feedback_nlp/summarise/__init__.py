"""Drafting annual service reviews from work reports.

``structure`` finds articles, headings and the years titles sum up; ``sections`` and
``classifier`` give each sentence its section; ``metrics`` extracts key figures; ``ranking``
picks the sentences quoted; ``feedback`` sums up classified chats; ``review`` drafts the review
and ``render`` writes it as Markdown, Word or JSON.
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
