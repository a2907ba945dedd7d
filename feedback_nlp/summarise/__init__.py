"""Drafting annual service reviews from work reports: key-figure extraction so far."""

from .metrics import Metric, dedupe_metrics, extract_metrics

__all__ = ["Metric", "dedupe_metrics", "extract_metrics"]
