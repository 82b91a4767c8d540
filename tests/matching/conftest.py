"""Shared fixtures for the matching library tests (plain Python, no Flask)."""

from __future__ import annotations

import pytest

from matching.categories import CATEGORIES
from matching.classifier import CategoryClassifier


@pytest.fixture(scope="session")
def clf() -> CategoryClassifier:
    """Trained once per run (under a second)."""
    return CategoryClassifier.from_categories(CATEGORIES)
