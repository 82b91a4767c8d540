"""Synthetic supply around Enschede, for the evaluation, tests and benchmarks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from .categories import CATEGORIES
from .types import Slot, SupplyItem

CENTRE = (52.2215, 6.8937)  # Enschede
_LANGS = [("nl",), ("nl",), ("nl",), ("nl", "en"), ("nl", "tr"), ("nl", "ar"), ("nl", "pl")]
_SLOTS = [(), (Slot(1, 600, 720),), (Slot(3, 840, 1020),), (Slot(0, 540, 1020), Slot(4, 540, 1020)),
          (Slot(5, 600, 960),)]
_KIND_WORD = {"offer": "Vrijwilliger helpt met", "activity": "Groep voor", "voorziening": "Loket voor"}


def random_points(rng: np.random.Generator, n: int, radius_km: float = 15.0) -> np.ndarray:
    """n (lat, lon) points spread uniformly over a disc around the centre."""
    r = radius_km * np.sqrt(rng.random(n))
    theta = rng.random(n) * 2 * np.pi
    lat = CENTRE[0] + (r * np.cos(theta)) / 111.32
    lon = CENTRE[1] + (r * np.sin(theta)) / (111.32 * np.cos(np.radians(CENTRE[0])))
    return np.column_stack([lat, lon])


def _text(kind: str, cat: dict, variant: int) -> tuple[str, str]:
    words = cat["keywords"]
    body = " ".join(words[(variant + j) % len(words)] for j in range(3))
    return f"{_KIND_WORD[kind]} {cat['name_nl'].lower()}", f"{cat['description_nl']} {body}"


def synthetic_supply(n: int, seed: int = 0, radius_km: float = 15.0, now: datetime | None = None,
                     kind_share: tuple[float, float, float] = (0.6, 0.25, 0.15)) -> list[SupplyItem]:
    """A city of n supply points: by default 60 % volunteer offers, 25 % voorzieningen
    and 15 % activities (kind_share).

    Texts come from a few hundred templates (category x kind x variant), which is
    why indexing embeds each distinct text once.
    """
    rng = np.random.default_rng(seed)
    now = now or datetime(2025, 1, 1, tzinfo=timezone.utc)
    pts = random_points(rng, n, radius_km)
    kinds = rng.choice(["offer", "voorziening", "activity"], n, p=list(kind_share))
    cats = rng.integers(0, len(CATEGORIES), n)
    second = rng.integers(0, len(CATEGORIES), n)
    two = rng.random(n) < 0.3
    tiers = rng.choice(["nulde", "eerste", "tweede"], n, p=[0.7, 0.2, 0.1])
    variant = rng.integers(0, 8, n)
    lang = rng.integers(0, len(_LANGS), n)
    slot = rng.integers(0, len(_SLOTS), n)
    age = rng.integers(0, 720, n)
    cap = rng.integers(1, 6, n)
    load = rng.integers(0, 4, n)
    dates = [now - timedelta(days=int(d)) for d in range(720)]
    texts = {}
    out = []
    for i in range(n):
        kind, cat = str(kinds[i]), CATEGORIES[cats[i]]
        key = (kind, cats[i], variant[i])
        if key not in texts:
            texts[key] = _text(kind, cat, int(variant[i]))
        title, text = texts[key]
        categories = (cat["slug"], CATEGORIES[second[i]]["slug"]) if two[i] else (cat["slug"],)
        out.append(_item(kind, i, title, text, categories, pts[i], str(tiers[i]), lang[i], slot[i],
                         dates[age[i]], int(cap[i]), int(load[i]), cat))
    return out


def _item(kind, i, title, text, categories, pt, tier, lang, slot, updated, cap, load, cat):
    offer = kind == "offer"
    safety = cat["professional_only"]
    if safety and kind != "voorziening":
        categories = tuple(c for c in categories if c != cat["slug"]) or ("gezondheid",)
    tier = tier if kind == "voorziening" else "nulde"
    if safety and kind == "voorziening":
        tier = "eerste"
    return SupplyItem(
        kind=kind, id=i, title=title, text=text, categories=categories,
        lat=float(pt[0]), lon=float(pt[1]), tier=tier, languages=_LANGS[lang], slots=_SLOTS[slot],
        radius_m=3000 if offer and i % 3 == 0 else None,
        capacity_per_month=cap if offer else None, load_this_month=min(load, cap - 1) if offer else 0,
        updated_at=updated, free=kind != "voorziening" or i % 2 == 0, indicatievrij=tier != "tweede",
        professional=tier != "nulde", schedule_text="elke dinsdag 10:00" if kind == "activity" else None,
        places_left=(i % 12) if kind == "activity" else None)
