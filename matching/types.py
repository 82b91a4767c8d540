"""Plain data going in and out of the matching library (no Flask, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

KINDS = ("offer", "voorziening", "activity")
TIERS = ("nulde", "eerste", "tweede")


@dataclass(frozen=True, slots=True)
class Slot:
    """A weekly time window; weekday 0 is Monday, minutes since midnight."""

    weekday: int
    start_min: int
    end_min: int


# slots=True keeps a million items in a few hundred MB instead of ~1 GB of __dict__s.
@dataclass(frozen=True, slots=True)
class SupplyItem:
    kind: str  # "offer" | "voorziening" | "activity"
    id: int
    title: str
    text: str
    categories: tuple[str, ...]
    lat: float
    lon: float
    tier: str = "nulde"
    languages: tuple[str, ...] = ("nl",)
    slots: tuple[Slot, ...] = ()
    radius_m: int | None = None
    capacity_per_month: int | None = None
    load_this_month: int = 0
    updated_at: datetime | None = None
    free: bool = False
    indicatievrij: bool = True
    professional: bool = False
    schedule_text: str | None = None
    places_left: int | None = None
    # Who it is for (see audience.py): age limits, the eligibility and access texts, and the
    # area codes of a wijk-bound service (empty: everyone).
    min_age: int | None = None
    max_age: int | None = None
    eligibility: str | None = None
    access: str | None = None
    areas: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HelpRequestIn:
    id: int | None
    text: str
    lat: float
    lon: float
    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("nl",)
    slots: tuple[Slot, ...] = ()
    urgency: str = "geen haast"
    areas: tuple[str, ...] = ()  # the buurt and wijk codes where the request is (empty: unknown)


@dataclass(slots=True)
class Suggestion:
    kind: str
    id: int
    title: str
    category: str
    tier: str
    distance_m: int
    score: float
    reasons: list[tuple[str, dict]] = field(default_factory=list)  # codes with parameters (reasons.py)
    parts: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class SuggestResult:
    categories: list[tuple[str, float]]
    suggestions: list[Suggestion]  # in display order: lightest help first, then nearest
    safety_flag: bool  # danger: professional help only
    emergency: list[dict]  # the numbers fitted to the situation, most fitting first
    safety: str = "none"  # "none" | "possible" | "danger"
    confident: bool = True  # False: the text was not understood; ask instead of guessing
    needs: list[str] = field(default_factory=list)  # the categories searched, primary first
    professional_first: bool = False
    held_back: int = 0  # listings left out of a first answer (complete=False) that a complete one shows
