"""Small builders for the matching tests."""

from __future__ import annotations

from datetime import datetime, timezone

from matching import topics
from matching.types import HelpRequestIn, SupplyItem

NOW = datetime(2025, 3, 1, tzinfo=timezone.utc)
HOME = (52.2215, 6.8937)  # Enschede centre
METRE_LAT = 1 / 111_320  # degrees latitude per metre


def north(metres: float) -> tuple[float, float]:
    """A point `metres` north of HOME."""
    return HOME[0] + metres * METRE_LAT, HOME[1]


def item(kind: str = "offer", id: int = 1, categories=("boodschappen",), metres: float = 300,
         **kw) -> SupplyItem:
    lat, lon = north(metres)
    defaults = dict(title=f"{kind} {id}", text="Ik help graag met boodschappen doen", tier="nulde",
                    updated_at=NOW)
    defaults.update(kw)
    return SupplyItem(kind=kind, id=id, categories=tuple(categories), lat=lat, lon=lon, **defaults)


def ask(text: str, **kw) -> HelpRequestIn:
    """A request from HOME."""
    return HelpRequestIn(None, text, HOME[0], HOME[1], **kw)


def ids(result) -> list[tuple[str, int]]:
    return [(s.kind, s.id) for s in result.suggestions]


def named(text: str) -> set[str]:
    """The topics (topics.py) a text names."""
    return set(topics.names(topics.topics_of(text)))
