"""Shared fixtures. Seeds are real Chinese pages kept outside the repository (../shared/seeds);
tests that need them skip with a clear reason when the folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_path(prefix: str) -> Path:
    """Path of the seed whose name starts with ``prefix`` (e.g. "004"), or skip the test."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed {prefix} not found: the real test pages live in {SEEDS} (outside the repository)")
    return matches[0]


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Keep caches (jieba's dictionary cache) out of the user's home during tests."""
    monkeypatch.setenv("FEEDBACK_NLP_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
