"""Keep the Category table in line with matching.categories (the single source of truth)."""

from __future__ import annotations

from sqlmodel import Session, select

from matching.categories import CATEGORIES

from .models import Category


_BY_SLUG = {c["slug"]: c for c in CATEGORIES}


def slug_name(slug: str, locale: str) -> str:
    """A category slug's name in a language, from the matching library's list (the slug if unknown)."""
    found = _BY_SLUG.get(slug)
    if found is None:
        return slug
    return found["name_en"] if locale == "en" else found["name_nl"]


def sync_categories(session: Session) -> int:
    """Insert or update the 19 stable categories; returns how many rows changed."""
    existing = {c.slug: c for c in session.exec(select(Category)).all()}
    changed = 0
    for order, data in enumerate(CATEGORIES):
        row = existing.get(data["slug"]) or Category(slug=data["slug"])
        values = {
            "name_nl": data["name_nl"], "name_en": data["name_en"],
            "description_nl": data["description_nl"], "keywords": ", ".join(data["keywords"]),
            "icon": f"img/categories/{data['slug']}.svg",
            "professional_only": data["professional_only"], "sort_order": order,
        }
        if row.id is None or any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
            changed += 1
    session.flush()
    return changed


def all_categories(session: Session, include_professional_only: bool = True) -> list[Category]:
    """Categories in display order (for pictogram tiles and filters)."""
    stmt = select(Category).order_by(Category.sort_order)
    if not include_professional_only:
        stmt = stmt.where(Category.professional_only.is_(False))
    return list(session.exec(stmt).all())


def categories_by_slug(session: Session) -> dict[str, Category]:
    return {c.slug: c for c in session.exec(select(Category)).all()}


def category_by_slug(session: Session, slug: str | None) -> Category | None:
    if not slug:
        return None
    return session.exec(select(Category).where(Category.slug == slug)).first()


def ids_with_category(key, link_category_id, slugs: str | list[str]):
    """Subquery: the ``key`` column of a link table (e.g. ``RequestCategory.request_id``) for rows
    that carry one of these category slugs; for ``Model.id.in_(...)``."""
    slugs = [slugs] if isinstance(slugs, str) else list(slugs)
    return select(key).join(Category, Category.id == link_category_id).where(Category.slug.in_(slugs))
