"""Import of the postcode gazetteer (postcode, lat, lon, buurt code)."""

from __future__ import annotations

from typing import Iterable

from sqlmodel import Session, select

from .geocoding import normalise_postcode
from .models import Area, PostcodeArea

HEADER = ["postcode", "lat", "lon", "buurt_code"]


class PostcodeImportError(ValueError):
    pass


def import_postcodes(session: Session, rows: Iterable[list[str]]) -> int:
    """All rows or none: the first bad row stops the import with its line number."""
    buurten = {a.code: a.id for a in session.exec(select(Area).where(Area.kind == "buurt")).all()}
    imported = 0
    for line_no, row in enumerate(rows, start=1):
        if line_no == 1 and [c.strip().lower() for c in row[:4]] == HEADER:
            continue
        if not row or all(not c.strip() for c in row):
            continue
        session.merge(_parse_row(row, line_no, buurten))
        imported += 1
    return imported


def _parse_row(row: list[str], line_no: int, buurten: dict[str, int]) -> PostcodeArea:
    if len(row) < 3:
        raise PostcodeImportError(f"Regel {line_no}: verwacht postcode,lat,lon,buurt_code maar vond {row!r}.")
    postcode = normalise_postcode(row[0])
    if postcode is None:
        raise PostcodeImportError(f"Regel {line_no}: '{row[0]}' is geen postcode (zoals 7511 of 7511AB).")
    try:
        lat, lon = float(row[1]), float(row[2])
    except ValueError:
        raise PostcodeImportError(f"Regel {line_no}: '{row[1]}', '{row[2]}' zijn geen getallen.") from None
    if not (50.5 <= lat <= 53.8 and 3.2 <= lon <= 7.3):
        raise PostcodeImportError(f"Regel {line_no}: {lat}, {lon} ligt niet in Nederland.")
    code = row[3].strip() if len(row) > 3 else ""
    if code and code not in buurten:
        raise PostcodeImportError(f"Regel {line_no}: buurtcode '{code}' is onbekend.")
    return PostcodeArea(postcode=postcode, lat=lat, lon=lon, buurt_id=buurten.get(code))
