"""The sociale kaart filters, orders and pages in the database: the same answers whichever path
(small or large text matches, page by page), no IN-list past the bind limit, a bounded map."""

from __future__ import annotations

import pytest

from marketplace.voorzieningen import finding
from tests.factories import make_organisation, make_voorziening, make_world

NAMES = ["Taalcafé Noord", "taalcafé zuid", "Taalhuis Centrum", "Koffie en taal", "Wandelgroep Velve",
         "Taalmaatjes Pathmos", "Eettafel De Bron"]


@pytest.fixture
def many(session):
    world = make_world(session)
    org = make_organisation(session)
    buurten = [world.velve, world.pathmos]
    for i, name in enumerate(NAMES):
        make_voorziening(session, org, buurten[i % 2], name=name,
                         categories=("bewegen",) if "Wandel" in name else ("taal",),
                         description="Samen Nederlands oefenen." if "Wandel" not in name else "Samen wandelen.")
    return world


def _run(app, filters):
    with app.test_request_context("/"):
        from marketplace.db import get_session
        result = finding.find(get_session(), filters)
        return result.total, result.pages, [c.name for c in result.cards], [c.name for c in result.all_cards]


CASES = [
    finding.Filters(),
    finding.Filters(sort="naam", page=2),
    finding.Filters(categories=["taal"]),
    finding.Filters(origin=(52.2135, 6.905), sort="afstand"),
    finding.Filters(origin=(52.2135, 6.905), max_km=1),
    finding.Filters(q="taal"),
    finding.Filters(q="taal", sort="naam"),
    finding.Filters(q="taal", origin=(52.2135, 6.905), sort="afstand"),
    finding.Filters(q="nederlands", page=2),
]


@pytest.mark.parametrize("filters", CASES, ids=range(len(CASES)))
def test_small_and_large_text_matches_give_the_same_pages(app, many, monkeypatch, filters):
    monkeypatch.setitem(app.extensions, "result_cache", None)  # both paths must really run
    monkeypatch.setattr(finding, "PAGE_SIZE", 2)
    expected = _run(app, filters)
    monkeypatch.setattr(finding, "IN_LIST_LIMIT", 2)  # every text match now takes the "too many to bind" path
    assert _run(app, filters) == expected
    total, pages, page_names, map_names = expected
    assert len(page_names) <= 2 and total >= len(map_names)


def test_name_order_ignores_case_and_pages_follow_it(app, many, monkeypatch):
    monkeypatch.setattr(finding, "PAGE_SIZE", 3)
    names = []
    for page in (1, 2, 3):
        names += _run(app, finding.Filters(page=page))[2]
    assert names == sorted(NAMES, key=str.lower)


def test_distance_sort_and_radius(app, many):
    in_pathmos = sorted(NAMES[1::2], key=str.lower)  # equally near: then by name
    _, _, near, _ = _run(app, finding.Filters(origin=(52.2135, 6.905), sort="afstand"))
    assert near == in_pathmos + sorted(NAMES[0::2], key=str.lower)[:len(near) - 3]
    total, _, inside, _ = _run(app, finding.Filters(origin=(52.2135, 6.905), max_km=1))
    assert total == 3 and inside == in_pathmos


def test_the_map_is_bounded_but_the_total_is_not(app, many, monkeypatch):
    monkeypatch.setattr(finding, "MAP_LIMIT", 2)
    total, _, _, map_names = _run(app, finding.Filters())
    assert total == len(NAMES) and map_names == sorted(NAMES, key=str.lower)[:2]
