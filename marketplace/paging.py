"""One way to page a list: count, clamp the page number into range, take the slice."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    rows: list[T]
    page: int   # 1-based, always within 1..pages
    pages: int  # at least 1, also for an empty list
    total: int


def _clamp(page: int, total: int, per_page: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / per_page))
    return min(max(1, page), pages), pages


def paginate_query(session: Session, stmt, page: int, per_page: int, order_by=(), options=(),
                   cached_count: tuple | None = None) -> Page:
    """Count ``stmt`` in the database, then fetch one page in ``order_by`` order, with the loader
    ``options`` (what the cards show) applied to that page only.

    ``cached_count=(name, question, kinds)``: the count comes from result_cache under the supply
    version of those kinds (a public list that is the same for every visitor, at 10^5 rows the
    count is most of the page's cost). ``question`` must hold everything the count depends on
    besides the rows of those kinds (filters, today's date)."""
    def count() -> int:
        return session.exec(select(func.count()).select_from(stmt.subquery())).one()
    if cached_count is None:
        total = count()
    else:
        from . import result_cache
        name, question, kinds = cached_count
        total = result_cache.cached(session, name, question, count, kinds)
    page, pages = _clamp(page, total, per_page)
    rows = session.exec(stmt.options(*options).order_by(*order_by)
                        .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), page, pages, total)


def paginate_list(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    """The same for a list already in memory (sorted in Python)."""
    page, pages = _clamp(page, len(items), per_page)
    return Page(list(items[(page - 1) * per_page: page * per_page]), page, pages, len(items))
