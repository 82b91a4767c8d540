"""Score parts, each in [0, 1], computed with NumPy over a whole candidate set.

Every part is shown to people (Suggestion.parts and the Dutch reasons), so
each one stays simple enough to explain in one sentence.
"""

from __future__ import annotations

import numpy as np

from .index import KIND_CODE, TIER_CODE
from .slots import has_slots, overlap_fraction

WEIGHTS: dict[str, float] = {
    "category": 0.22,   # does it fit the question
    "text": 0.20,       # the request's meaningful words that the listing also uses
    "distance": 0.16,   # close by (decays with the category's radius)
    "ladder": 0.11,     # lightest help first
    "time": 0.09,       # available when the resident wants
    "together": 0.08,   # group activity for social needs
    "language": 0.06,   # a shared language
    "load": 0.04,       # spread the work over volunteers
    "freshness": 0.04,  # recently checked listing
}
SOCIAL = frozenset({"ontmoeting", "bewegen", "gezelschap"})
TEXT_REASON_MIN = 0.15  # share of the request's meaningful words before "gaat ook over: ..." is said

OFFER, VOORZIENING, ACTIVITY = KIND_CODE["offer"], KIND_CODE["voorziening"], KIND_CODE["activity"]
NULDE, EERSTE, TWEEDE = TIER_CODE["nulde"], TIER_CODE["eerste"], TIER_CODE["tweede"]

# Rungs of the ladder (DOMAIN.md principle 1): neighbour/volunteer first.
RUNG_OFFER = 1.0
RUNG_NULDE = 0.75      # group activity or general voorziening
RUNG_NULDE_PRO = 0.65  # general service run by professionals
RUNG_EERSTE = 0.40     # generalist professional
RUNG_TWEEDE = 0.15     # specialist care
NEEDS_INDICATIE = 0.5  # a formal assessment makes any rung heavier
FRESH_HALF_LIFE_DAYS = 180.0
UNKNOWN_FRESHNESS = 0.3
UNKNOWN_TIMES = 0.5


def distance_part(dist_m: np.ndarray, radius_m: np.ndarray) -> np.ndarray:
    """1 at the door, 0.5 at half the category radius, 0.25 at its edge."""
    return np.power(0.5, dist_m / (radius_m / 2.0))


def ladder_part(kind: np.ndarray, tier: np.ndarray, professional: np.ndarray,
                indicatievrij: np.ndarray) -> np.ndarray:
    # The first that applies: volunteer, tweede lijn, eerste lijn, professionals, else nulde.
    rung = np.where(kind == OFFER, RUNG_OFFER,
                    np.where(tier == TWEEDE, RUNG_TWEEDE,
                             np.where(tier == EERSTE, RUNG_EERSTE,
                                      np.where(professional, RUNG_NULDE_PRO, RUNG_NULDE))))
    return rung * np.where(indicatievrij, 1.0, NEEDS_INDICATIE)


def together_part(kind: np.ndarray, social: bool) -> np.ndarray:
    """Together where possible: for social needs a group activity comes first."""
    if not social:
        return np.zeros(len(kind))
    return (kind == ACTIVITY).astype(float)


def time_part(wanted: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """Share of the wanted time covered; unknown times count as half."""
    if not wanted.any():
        return np.ones(len(offered))
    frac = overlap_fraction(wanted, offered)
    return np.where(has_slots(offered), frac, UNKNOWN_TIMES)


def language_part(wanted_mask: int, item_masks: np.ndarray) -> np.ndarray:
    return ((item_masks & wanted_mask) != 0).astype(float)


def load_part(kind: np.ndarray, capacity: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Volunteers with room this month first; services have no monthly cap here."""
    room = 1.0 - load / np.where(capacity > 0, capacity, 1)  # never divides by zero
    return np.where((kind == OFFER) & (capacity > 0), np.clip(room, 0.0, 1.0), 1.0)


def freshness_part(updated_days: np.ndarray, today_days: float) -> np.ndarray:
    age = np.maximum(today_days - updated_days, 0.0)
    fresh = np.power(0.5, age / FRESH_HALF_LIFE_DAYS)
    return np.where(np.isnan(updated_days), UNKNOWN_FRESHNESS, fresh)


def text_part(request_vec: np.ndarray, item_vecs: np.ndarray) -> np.ndarray:
    return np.clip(item_vecs @ request_vec, 0.0, 1.0).astype(float)


def total(parts: dict[str, np.ndarray], weights: dict[str, float] = WEIGHTS) -> np.ndarray:
    return sum(weights[name] * parts[name] for name in weights)
