"""Why a suggestion was made, as reason codes with parameters, one per visible fact.

The library says *what* is true (``("distance_km", {"km": 1.2})``); the app says it in the
reader's language (marketplace/matching_service.reason_text). Codes:

| code | parameters | means |
|---|---|---|
| kind_offer, kind_activity, kind_nulde, kind_eerste, kind_tweede | – | who helps |
| distance_km | km (two decimals) | how far |
| comes_home | – | the service comes to the home (or helps by phone) |
| category | slug | the need it fits |
| languages | codes (ISO, not Dutch) | a shared language besides Dutch |
| cost_free_no_indicatie, cost_free, cost_no_indicatie, cost_indicatie | – | cost and access |
| weekly | weekday (0 = Monday), time ("HH:MM") | when it is on |
| schedule_text | text | a schedule given as text by the caller |
| time_fit, time_fit_partial | – | available at the wanted time |
| places_left | n | places left in an activity |
| time_this_month | – | the volunteer has room this month |
| target_group | min_age, max_age, groups | it is meant for people like this resident |
| own_wijk | – | a wijk-bound service of the resident's own wijk |
| shared_words | words | the resident's own words it also uses |
| verified_recently, data_old | – | how fresh its details are |
"""

from __future__ import annotations

from datetime import datetime

from .types import SupplyItem

Reason = tuple[str, dict]


def kind_reason(item: SupplyItem) -> Reason:
    if item.kind == "offer":
        return ("kind_offer", {})
    if item.kind == "activity":
        return ("kind_activity", {})
    return (f"kind_{item.tier}" if item.tier in ("eerste", "tweede") else "kind_nulde", {})


def cost_reason(item: SupplyItem) -> Reason | None:
    if item.kind == "offer":
        return None  # neighbours help for free; no need to say it
    if item.free and item.indicatievrij:
        return ("cost_free_no_indicatie", {})
    if item.free:
        return ("cost_free", {})
    if item.indicatievrij:
        return ("cost_no_indicatie", {})
    return ("cost_indicatie", {})


def language_reason(item: SupplyItem, wanted: tuple[str, ...]) -> Reason | None:
    """Mention a shared language only when it is not just Dutch."""
    shared = [c.lower() for c in item.languages if c.lower() in {w.lower() for w in wanted}]
    extra = [c for c in shared if c != "nl"]
    return ("languages", {"codes": extra}) if extra else None


def time_reason(item: SupplyItem, time_fit: float, asked_time: bool) -> Reason | None:
    if item.kind != "offer" and item.slots:
        first = item.slots[0]
        return ("weekly", {"weekday": first.weekday, "time": f"{first.start_min // 60:02d}:{first.start_min % 60:02d}"})
    if item.schedule_text:
        return ("schedule_text", {"text": item.schedule_text})
    if not asked_time or not item.slots:
        return None
    if time_fit >= 0.99:
        return ("time_fit", {})
    if time_fit > 0:
        return ("time_fit_partial", {})
    return None


def places_reason(item: SupplyItem) -> Reason | None:
    if item.kind != "activity" or item.places_left is None:
        return None
    return ("places_left", {"n": item.places_left})


def load_reason(item: SupplyItem) -> Reason | None:
    if item.kind != "offer" or not item.capacity_per_month:
        return None
    return ("time_this_month", {}) if item.load_this_month == 0 else None


def freshness_reason(item: SupplyItem, now: datetime) -> Reason | None:
    if item.updated_at is None:
        return None
    when = item.updated_at if item.updated_at.tzinfo else item.updated_at.replace(tzinfo=now.tzinfo)
    age = (now - when).days
    if age <= 90:
        return ("verified_recently", {})
    if age > 365:
        return ("data_old", {})
    return None


def audience_reason(ages: tuple[int, int], groups: list[str]) -> Reason | None:
    """Said only when the listing is for a narrower group than everyone, and the resident fits it."""
    lo, hi = ages
    narrow = lo > 18 or hi < 120
    if not narrow and not groups:
        return None
    return ("target_group", {"min_age": lo if lo > 0 else None, "max_age": hi if hi < 120 else None,
                             "groups": list(groups)})


def reasons_for(item: SupplyItem, category: str, distance_m: float, parts: dict[str, float],
                wanted_languages: tuple[str, ...], asked_time: bool, now: datetime,
                shared_words: list[str] = (), at_home: bool = False, audience: Reason | None = None,
                own_wijk: bool = False) -> list[Reason]:
    found = [
        kind_reason(item),
        ("comes_home", {}) if at_home else ("distance_km", {"km": round(distance_m / 1000.0, 2)}),
        ("category", {"slug": category}),
        ("own_wijk", {}) if own_wijk else None,
        audience,
        language_reason(item, wanted_languages),
        cost_reason(item),
        time_reason(item, parts.get("time", 0.0), asked_time),
        places_reason(item),
        load_reason(item),
        # Only when it is true, and saying which of the resident's own words matched.
        ("shared_words", {"words": list(shared_words)}) if shared_words else None,
        freshness_reason(item, now),
    ]
    return [r for r in found if r]
