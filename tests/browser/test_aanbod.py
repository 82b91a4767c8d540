"""A volunteer offers help in a real browser, by keyboard, one step at a time (static/js/steps.js)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from marketplace import db
from marketplace.models import VolunteerOffer
from tests.browser.steps import log_in
from tests.factories import make_user, make_world


def _next(page, heading: str) -> None:
    page.locator("section.step:not([hidden])").get_by_role("button", name="Volgende stap").press("Enter")
    expect(page.get_by_role("heading", name=heading)).to_be_focused()


def test_a_volunteer_offers_help_step_by_step(live_server, page):
    with live_server.app_context():
        s = db.get_session()
        make_world(s)
        make_user(s, email="mehmet@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    log_in(page, live_server.live_url, "mehmet@example.nl")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.live_url + "/aanbod/nieuw")
    expect(page.get_by_role("heading", name="Stap 2 van 4: Wanneer kunt u?")).to_be_hidden()
    tile = page.get_by_role("checkbox", name="Boodschappen")
    tile.focus()
    page.keyboard.press("Space")
    page.get_by_label("Uw aanbod in een paar woorden").fill("Ik doe boodschappen met de auto")
    page.get_by_label("Vertel wat u kunt en wilt doen").fill("Op dinsdag en donderdag rijd ik naar de markt.")
    _next(page, "Stap 2 van 4: Wanneer kunt u?")
    _next(page, "Stap 3 van 4: Waar en hoe vaak?")
    page.get_by_label("Uw postcode").fill("7541 AB")
    _next(page, "Stap 4 van 4: Talen")
    page.get_by_role("button", name="Aanbod opslaan").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ik doe boodschappen met de auto")
    with live_server.app_context():
        assert db.get_session().exec(select(VolunteerOffer.title)).one() == "Ik doe boodschappen met de auto"
