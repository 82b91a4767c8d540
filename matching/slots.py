"""Weekly availability as bitmasks of half-hours, so overlap is a popcount."""

from __future__ import annotations

import numpy as np

from .types import Slot

STEP_MIN = 30
BITS = 7 * 24 * 60 // STEP_MIN  # 336 half-hours in a week
WORDS = (BITS + 63) // 64  # 6 x uint64


def slot_bits(slots: tuple[Slot, ...]) -> np.ndarray:
    """The half-hours covered by the slots (a half-hour counts when partly covered)."""
    bits = np.zeros(BITS, dtype=bool)
    for s in slots:
        first = (s.weekday % 7) * 48 + s.start_min // STEP_MIN
        last = (s.weekday % 7) * 48 + -(-s.end_min // STEP_MIN)  # ceil
        bits[first:max(first + 1, last)] = True
    return np.packbits(np.concatenate([bits, np.zeros(WORDS * 64 - BITS, bool)])).view(">u8").astype(np.uint64)


def overlap_fraction(wanted: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """Share of the wanted half-hours that each offered row covers (rows x WORDS)."""
    total = int(np.bitwise_count(wanted).sum())
    if total == 0:
        return np.ones(len(offered))
    return np.bitwise_count(offered & wanted).sum(axis=1) / total


def has_slots(offered: np.ndarray) -> np.ndarray:
    return offered.any(axis=1)
