"""The match lifecycle in a real browser, by keyboard-friendly labels and roles."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from marketplace import db
from marketplace.models import HelpRequest, Match
from .steps import log_in
from tests.factories import make_offer, make_request, make_user, make_world




def _logout(page):
    page.get_by_role("button", name="Uitloggen").click()


def test_propose_accept_message_and_finish(live_server, page):
    with live_server.app_context():
        s = db.get_session()
        world = make_world(s)
        volunteer = make_user(s, email="mehmet@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
        make_user(s, email="anna@example.nl", name="Anna Jansen")
        resident = s.exec(select(type(volunteer)).where(type(volunteer).email == "anna@example.nl")).one()
        make_offer(s, volunteer, world.velve, title="Boodschappen met de fiets")
        request = make_request(s, resident, world.velve, title="Wie haalt mijn medicijnen?")
    base = live_server.live_url

    log_in(page, base, "mehmet@example.nl")
    page.goto(f"{base}/koppelingen/voorstellen?hulpvraag={request.id}")
    page.get_by_label("Boodschappen met de fiets").check()
    page.get_by_role("button", name="Ja, ik wil helpen").click()
    expect(page.get_by_text("Wacht op antwoord")).to_be_visible()
    _logout(page)

    log_in(page, base, "anna@example.nl")
    with live_server.app_context():
        match_id = db.get_session().exec(select(Match)).one().id
    page.goto(f"{base}/koppelingen/{match_id}")
    page.get_by_role("button", name="Ja, graag").click()
    page.get_by_label("Uw bericht").fill("Dinsdag om 10 uur is goed.")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Dinsdag om 10 uur is goed.")).to_be_visible()
    page.get_by_role("radio", name="Goed", exact=True).check()
    page.get_by_role("button", name="Klaar: de hulp is gegeven").click()
    expect(page.get_by_text("De hulp staat nu op klaar")).to_be_visible()
    with live_server.app_context():
        s = db.get_session()
        assert s.exec(select(Match)).one().status == "completed"
        assert s.get(HelpRequest, request.id).status == "done"
