"""Wijken and buurten: the lookups every area needs (a wijk holds several buurten)."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from .models import Area


def wijken(session: Session) -> list[Area]:
    """All wijken by name (for filters and choices)."""
    return list(session.exec(select(Area).where(Area.kind == "wijk").order_by(Area.name)).all())


def wijk_by_code(session: Session, code: str) -> Area | None:
    return session.exec(select(Area).where(Area.code == code, Area.kind == "wijk")).first()


def wijk_id_of_buurt(session: Session, buurt_id: int | None) -> int | None:
    buurt = session.get(Area, buurt_id) if buurt_id else None
    return buurt.parent_id if buurt is not None else None


def buurt_ids_in(wijk_id: int | None):
    """Subquery: the buurten of one wijk (none for an unknown wijk), for ``column.in_(...)``."""
    return select(Area.id).where(Area.parent_id == (wijk_id if wijk_id is not None else -1))


def buurten_by_id(session: Session, ids) -> dict[int, Area]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {a.id: a for a in session.exec(select(Area).where(Area.id.in_(ids))).all()}


def outlines(session: Session) -> dict:
    """The wijken and buurten with an outline, as one GeoJSON FeatureCollection: what a map draws
    when it has no tile server (``MAP_TILE_URL`` empty), so dots are not alone on grey."""
    rows = session.exec(select(Area.kind, Area.name, Area.code, Area.outline_geojson).where(
        Area.kind.in_(("wijk", "buurt")), Area.outline_geojson.is_not(None)).order_by(Area.kind, Area.code)).all()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(outline), "properties": {"kind": kind, "name": name, "code": code}}
        for kind, name, code, outline in rows]}
