"""Drafting annual service reviews from work reports. So far: the structure of reports (articles,
headings) and key-figure extraction."""

from .metrics import Metric, dedupe_metrics, extract_metrics
from .structure import Article, heading_level, split_articles

__all__ = ["Article", "Metric", "dedupe_metrics", "extract_metrics", "heading_level", "split_articles"]
