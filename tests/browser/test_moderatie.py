"""Moderation in a real browser (CSRF on): a preventiemakelaar approves a first post by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace import db
from tests.factories import make_preventiemakelaar, make_request, make_user, make_world


pytestmark = pytest.mark.browser


def login_by_keyboard(page, base, email, password="geheim-wachtwoord"):
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.get_by_label("Wachtwoord").press("Enter")


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused element has this text, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"'{name}' cannot be reached with Tab")


def test_preventiemakelaar_approves_a_first_post_by_keyboard(live_server, page, browser):
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        make_preventiemakelaar(s, world)
        newbie = make_user(s, email="nieuw@example.nl", name="Nina Nieuw")
        request_id = make_request(s, newbie, world.velve, title="Wie helpt met mijn kapotte fiets?",
                                  moderation="pending").id
    base = live_server.live_url
    public = browser.new_context(locale="nl-NL").new_page()
    try:
        assert public.goto(f"{base}/hulpvragen/{request_id}").status == 404  # not public yet

        login_by_keyboard(page, base, "pm@example.nl")
        page.goto(base + "/")
        page.get_by_role("link", name="Moderatie").click()
        expect(page.get_by_role("heading", level=1, name="Moderatie")).to_be_visible()
        card = page.get_by_role("article", name="Wie helpt met mijn kapotte fiets?")
        expect(card.get_by_text("Eerste bericht van een nieuw account.")).to_be_visible()
        tab_to(page, "Goedkeuren")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_text("Uw keuze is opgeslagen.")).to_be_visible()
        expect(page.get_by_role("article", name="Wie helpt met mijn kapotte fiets?")).to_have_count(0)

        response = public.goto(f"{base}/hulpvragen/{request_id}")
        assert response.status == 200
        expect(public.get_by_role("heading", name="Wie helpt met mijn kapotte fiets?")).to_be_visible()
    finally:
        public.context.close()


def test_visitor_reports_a_listing_without_an_account(live_server, page):
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        poster = make_user(s, email="poster@example.nl")
        request_id = make_request(s, poster, world.velve, title="Snel geld verdienen").id
    page.goto(f"{live_server.live_url}/moderatie/melden?soort=request&id={request_id}")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("alert").get_by_text("Kies wat er mis is.")).to_be_visible()
    page.get_by_label("Oplichting of spam").check()
    page.get_by_label("Wilt u iets uitleggen?").fill("Dit is reclame.")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("heading", level=1, name="Bedankt voor uw melding")).to_be_visible()
