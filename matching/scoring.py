"""Score parts, each in [0, 1], computed with NumPy over a whole candidate set.

Every part is shown to people (Suggestion.parts and the Dutch reasons), so
each one stays simple enough to explain in one sentence.
"""

from __future__ import annotations

import numpy as np

from .index import KIND_CODE, TIER_CODE
from .slots import has_slots, overlap_fraction

WEIGHTS: dict[str, float] = {
    "category": 0.20,   # does it fit the question
    "fit": 0.26,        # what the listing is about fits what the request says (best of its need: 1)
    "text": 0.05,       # the request's meaningful words that the listing also uses
    "distance": 0.14,   # close by (decays with the category's radius)
    "ladder": 0.11,     # lightest help first
    "time": 0.08,       # available when the resident wants
    "together": 0.07,   # group activity for social needs
    "language": 0.04,   # a shared language
    "load": 0.03,       # spread the work over volunteers
    "freshness": 0.02,  # recently checked listing
}
# The fit part: the listing's text against the request's, each measure relative to the best
# candidate of the same need (a short request shares few words with any listing), then mixed.
FIT_MIX = {"words": 0.4, "meaning": 0.35, "topics": 0.25}
# A measure's best below this is weak evidence (one shared word, half the subjects): it counts as
# that much, not as a full fit.
FIT_FLOOR = {"words": 0.2, "meaning": 0.0, "topics": 0.5}
FIT_STEPS = 4  # the display sorts on the fit in this many steps, so distance still orders near-equals
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


def relative(values: np.ndarray, need: np.ndarray, floor: float = 0.0, none: float = 0.0) -> np.ndarray:
    """Each value over the largest of its need (at least ``floor``); ``none`` where a need has
    nothing above 0."""
    best = np.zeros(int(need.max()) + 1 if len(need) else 0)
    # float64 first (exact): ufunc.at has a fast loop only when the types match (float32 meaning: 7x slower)
    np.maximum.at(best, need, values if values.dtype == np.float64 else values.astype(np.float64))
    top = np.maximum(best[need], floor)
    positive = top > 0
    if positive.all():  # the usual case: every need has something above 0 (the same values, fewer steps)
        return values / top
    return np.where(positive, values / np.where(positive, top, 1.0), none)


def fit_part(words: np.ndarray, meaning: np.ndarray, topics: np.ndarray, need: np.ndarray) -> np.ndarray:
    """How well each listing's own text fits the request, against the other listings of its need:
    the share of the request's rare words it uses (``words``), the cosine of their embeddings
    (``meaning``, which also sees synonyms the words miss) and the share of the request's subjects
    (topics.py) it is about (``topics``, Dutch and English alike). 1 for the best of a need on
    measure, and again relative to the best of its need (1: the best fit the need has)."""
    measures = {"words": words, "meaning": np.clip(meaning, 0.0, 1.0), "topics": topics}
    mixed = sum(FIT_MIX[k] * relative(v, need, FIT_FLOOR[k]) for k, v in measures.items())
    return relative(mixed, need, none=1.0)  # nothing to tell them apart: all fit alike


def fit_step(fit: np.ndarray) -> np.ndarray:
    """The fit in ``FIT_STEPS`` steps (3: about as good as the best, 0: the category only), for the
    display sort and the pick: small differences in wording do not outweigh distance."""
    return np.round(np.clip(fit, 0.0, 1.0) * (FIT_STEPS - 1))


def total(parts: dict[str, np.ndarray], weights: dict[str, float] = WEIGHTS) -> np.ndarray:
    return sum(weights[name] * parts[name] for name in weights)
