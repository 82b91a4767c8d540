"""Sociale kaart in a real browser, by keyboard: a misspelt search, a category tile, the detail page."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from marketplace import db

from tests.factories import make_organisation, make_voorziening, make_world


def test_search_and_filter_by_keyboard_then_open_the_detail(live_server, page):
    with live_server.app_context():
        with db.session_scope() as s:
            world = make_world(s)
            org = make_organisation(s, name="Bibliotheek Oost")
            make_voorziening(s, org, world.velve, name="Taalcafé De Velve")
            make_voorziening(s, org, world.velve, name="Taalmaatje Velve", categories=("gezelschap",),
                             description="Een maatje om samen Nederlands te oefenen.")
            make_voorziening(s, org, world.pathmos, name="Formulierenbrigade", categories=("administratie",),
                             description="Hulp bij brieven.")

    page.goto(live_server.live_url + "/voorzieningen/")
    query = page.get_by_label("Wat zoekt u?")
    query.focus()
    page.keyboard.type("taalkafe")
    # The checked tile gets a tick (CSS ::after) in its name, so pin it by id once found by name.
    found = page.get_by_role("checkbox", name="Taal", exact=True)
    tile = page.locator("#" + found.get_attribute("id"))
    tile.focus()
    page.keyboard.press("Space")
    assert tile.is_checked()
    page.get_by_role("button", name="Zoeken").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"q=taalkafe"))
    results = page.locator(".card__title")
    assert results.all_inner_texts() == ["Taalcafé De Velve"]
    assert page.get_by_label("Wat zoekt u?").input_value() == "taalkafe"  # what was typed stays

    page.get_by_role("link", name="Taalcafé De Velve").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/voorzieningen/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Taalcafé De Velve"
    expect(page.get_by_text("dinsdag 10:00 tot 12:00")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Meld het"))).to_be_visible()


SQUARE = {"type": "Polygon", "coordinates": [[[6.85, 52.20], [6.87, 52.20], [6.87, 52.212], [6.85, 52.212],
                                               [6.85, 52.20]]]}


def test_map_view_works_without_tiles(live_server, page):
    """Offline: the wijk outline and its name are drawn, and markers that overlap become one cluster."""
    with live_server.app_context():
        with db.session_scope() as s:
            world = make_world(s)
            world.wijk.outline_geojson = json.dumps(SQUARE)
            s.add(world.wijk)
            org = make_organisation(s)
            for name in ("Taalcafé De Velve", "Eettafel De Velve", "Repaircafé De Velve"):
                make_voorziening(s, org, world.velve, name=name)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.live_url + "/voorzieningen/?weergave=kaart")
    page.wait_for_selector("#kaart .marker-cluster", state="attached")  # three at one spot: one cluster
    assert page.locator("#kaart .marker-cluster").inner_text().strip() == "3"
    assert page.locator("#kaart .leaflet-overlay-pane path").count() == 1  # the wijk's outline
    expect(page.locator("#kaart .map-label")).to_have_text("Velve-Lindenhof")
    assert sorted(page.locator(".card__title").all_inner_texts()) == [
        "Eettafel De Velve", "Repaircafé De Velve", "Taalcafé De Velve"]
    assert all(url.startswith(live_server.live_url) for url in requests)  # no CDN, no tiles
    assert page.locator("#kaart").get_attribute("aria-hidden") == "true"
    assert page.locator("#kaart a, #kaart button").evaluate_all("els => els.every(e => e.tabIndex === -1)")
