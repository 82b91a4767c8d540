"""Strict parsing of numbers and dates that arrive from outside (query strings, forms, URLs).

One rule for the whole app, so no view can be reached with an input that crashes it:

- ids are ASCII digits only, 1 .. 2**63-1 (the largest BIGINT on PostgreSQL; SQLite's INTEGER too).
  ``str.isdigit()`` is not enough: it accepts '²' and '٣', which ``int()`` then refuses or reads.
- other integers have explicit bounds; floats must be finite and within bounds (no nan, inf, 1e400).
- dates lie between MIN_DATE and MAX_DATE, also after adding weeks for a repeating series.

Every function returns ``None`` for input it does not accept; the caller decides what that means
(404, a default, or a Dutch message on the form).
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1
MAX_PAGE = 10_000  # page numbers beyond this are the last page (an OFFSET the database can hold)
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)

_ID = re.compile(r"[0-9]{1,19}")
_INT = re.compile(r"[+-]?[0-9]{1,19}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})(?:[eE][+-]?[0-9]{1,3})?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _text(raw) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("ascii")
        except UnicodeDecodeError:
            return None
    return str(raw).strip()


def flag(raw) -> bool:
    """A yes/no switch in a query string (``?alle=1``): only "1" is yes."""
    return _text(raw) == "1"


def int_id(raw) -> int | None:
    """A database id: ASCII digits, 1 .. 2**63-1; anything else is None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= MAX_ID else None
    text = _text(raw)
    if not text or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def bounded_int(raw, lo: int, hi: int, *, clamp: bool = False) -> int | None:
    """An integer (optional sign, ASCII digits) within lo..hi.

    Out of range gives None, or with ``clamp=True`` the nearest bound (for page and week numbers,
    where 'too far' simply means 'the last one').
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = _text(raw)
        if not text or not _INT.fullmatch(text):
            return None
        value = int(text)
    if lo <= value <= hi:
        return value
    return min(max(value, lo), hi) if clamp else None



def page_number(raw) -> int:
    """A page number from a query parameter: 1 when missing or not a number, clamped to 1..MAX_PAGE."""
    return bounded_int(raw, 1, MAX_PAGE, clamp=True) or 1

def finite_float(raw, lo: float, hi: float) -> float | None:
    """A decimal number within lo..hi. Refuses nan, inf, 1e400, '1_0' and non-ASCII digits."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = _text(raw)
        if not text or len(text) > 48 or not _FLOAT.fullmatch(text):
            return None
        value = float(text)
    if not math.isfinite(value) or not lo <= value <= hi:
        return None
    return value


def date_in_range(raw, lo: date = MIN_DATE, hi: date = MAX_DATE) -> date | None:
    """A date (or 'YYYY-MM-DD') between lo and hi."""
    if isinstance(raw, date):
        value = raw
    else:
        text = _text(raw)
        found = _ISO_DATE.fullmatch(text or "")
        if found is None:
            return None
        try:
            value = date(*(int(part) for part in found.groups()))
        except ValueError:
            return None
    return value if lo <= value <= hi else None


def add_weeks(first: date, weeks: int) -> date | None:
    """first + weeks, or None when that leaves MIN_DATE..MAX_DATE (no OverflowError at year 9999)."""
    if date_in_range(first) is None or not -6000 <= weeks <= 6000:
        return None
    return date_in_range(first + timedelta(weeks=weeks))


def has_nul(values) -> bool:
    """True when any of the strings holds a NUL character (PostgreSQL text cannot)."""
    return any("\x00" in value for value in values if isinstance(value, str))


class SafeIntConverter(IntegerConverter):
    """The app's ``<int:...>``: ASCII digits only and at most 2**63-1, so an id the database
    cannot hold is a 404 on every route, not an OverflowError."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
