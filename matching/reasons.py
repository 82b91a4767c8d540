"""Dutch reasons a resident understands, one short phrase per visible fact."""

from __future__ import annotations

from datetime import datetime

from .geo import format_distance
from .types import SupplyItem

LANGUAGE_NAMES = {
    "nl": "Nederlands", "en": "Engels", "tr": "Turks", "ar": "Arabisch", "pl": "Pools",
    "de": "Duits", "fr": "Frans", "es": "Spaans", "pt": "Portugees", "it": "Italiaans",
    "so": "Somalisch", "ti": "Tigrinya", "fa": "Perzisch", "prs": "Dari", "ps": "Pashto",
    "uk": "Oekraïens", "ru": "Russisch", "ro": "Roemeens", "bg": "Bulgaars", "ku": "Koerdisch",
    "zgh": "Berbers", "ber": "Berbers", "tzm": "Berbers", "pap": "Papiaments", "srn": "Sranantongo",
    "zh": "Chinees", "hi": "Hindi", "ur": "Urdu", "fy": "Fries", "sgn": "gebarentaal",
    "ngt": "Nederlandse Gebarentaal",
}
_TIER_REASON = {
    "eerste": "professionele hulp (eerste lijn)",
    "tweede": "specialistische hulp (tweede lijn)",
}


def kind_reason(item: SupplyItem) -> str:
    if item.kind == "offer":
        return "vrijwilliger uit uw buurt"
    if item.kind == "activity":
        return "groepsactiviteit: samen met anderen"
    return _TIER_REASON.get(item.tier, "algemene voorziening in de wijk")


def cost_reason(item: SupplyItem) -> str | None:
    if item.kind == "offer":
        return None  # neighbours help for free; no need to say it
    if item.free and item.indicatievrij:
        return "gratis, zonder indicatie"
    if item.free:
        return "gratis"
    if item.indicatievrij:
        return "zonder indicatie"
    return "alleen met een indicatie"


def language_reason(item: SupplyItem, wanted: tuple[str, ...]) -> str | None:
    """Mention a shared language only when it is not just Dutch."""
    shared = [c.lower() for c in item.languages if c.lower() in {w.lower() for w in wanted}]
    extra = [c for c in shared if c != "nl"]
    if not extra:
        return None
    names = [LANGUAGE_NAMES.get(c, c) for c in extra]
    return "spreekt " + " en ".join(names)


def time_reason(item: SupplyItem, time_fit: float, asked_time: bool) -> str | None:
    if item.schedule_text:
        return item.schedule_text
    if not asked_time or not item.slots:
        return None
    if time_fit >= 0.99:
        return "kan op de tijd die u wilt"
    if time_fit > 0:
        return "kan deels op de tijd die u wilt"
    return None


def places_reason(item: SupplyItem) -> str | None:
    if item.kind != "activity" or item.places_left is None:
        return None
    return "nog 1 plaats vrij" if item.places_left == 1 else f"nog {item.places_left} plaatsen vrij"


def load_reason(item: SupplyItem) -> str | None:
    if item.kind != "offer" or not item.capacity_per_month:
        return None
    return "heeft deze maand nog tijd" if item.load_this_month == 0 else None


def freshness_reason(item: SupplyItem, now: datetime) -> str | None:
    if item.updated_at is None:
        return None
    when = item.updated_at if item.updated_at.tzinfo else item.updated_at.replace(tzinfo=now.tzinfo)
    age = (now - when).days
    if age <= 90:
        return "gegevens onlangs gecontroleerd"
    if age > 365:
        return "let op: gegevens ouder dan een jaar"
    return None


def reasons_for(item: SupplyItem, category_name: str, distance_m: float, parts: dict[str, float],
                wanted_languages: tuple[str, ...], asked_time: bool, now: datetime,
                shared_words: list[str] = ()) -> list[str]:
    found = [
        kind_reason(item),
        f"{format_distance(distance_m)} van u",
        f"past bij uw vraag: {category_name}",
        language_reason(item, wanted_languages),
        cost_reason(item),
        time_reason(item, parts.get("time", 0.0), asked_time),
        places_reason(item),
        load_reason(item),
        # Only when it is true, and saying which of the resident's own words matched.
        ("gaat ook over: " + ", ".join(shared_words)) if shared_words else None,
        freshness_reason(item, now),
    ]
    return [r for r in found if r]
