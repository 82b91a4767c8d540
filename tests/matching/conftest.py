"""Shared fixtures for the matching library tests (plain Python: the library under test never sees Flask)."""

from __future__ import annotations

import pytest

from matching.classifier import CategoryClassifier


@pytest.fixture(scope="session")
def clf(classifier) -> CategoryClassifier:
    """The run's one trained classifier (tests/conftest.py), the same the app uses."""
    return classifier
