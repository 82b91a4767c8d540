"""Buurtplein matching library: plain data in, ranked and explained suggestions out.

Pure Python with NumPy, SciPy and scikit-learn; no Flask, no database.
See matching/README.md.
"""

from .batch import Assignment, assign
from .categories import CATEGORIES, PROFESSIONAL_ONLY, SLUGS
from .classifier import CategoryClassifier
from .engine import Matcher
from .safety import EMERGENCY_NUMBERS, is_dangerous
from .types import HelpRequestIn, Slot, SuggestResult, Suggestion, SupplyItem

__all__ = [
    "Assignment", "CATEGORIES", "CategoryClassifier", "EMERGENCY_NUMBERS", "HelpRequestIn",
    "Matcher", "PROFESSIONAL_ONLY", "SLUGS", "Slot", "SuggestResult", "Suggestion", "SupplyItem",
    "assign", "is_dangerous",
]
