"""Waiting list in a real browser: a full activity, a free place, and moving up by itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace import db
from .steps import log_in
from tests.factories import make_activity, make_organisation, make_user, make_world


pytestmark = pytest.mark.browser


def test_waiting_list_moves_up_when_someone_signs_off(live_server, page, browser):
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        activity = make_activity(s, world.velve, org=make_organisation(s), title="Koffieochtend", capacity=1)
        make_user(s, email="bea@example.nl", name="Bea Jansen")
        make_user(s, email="anna@example.nl", name="Anna de Vries")
        activity_id = activity.id
    base = live_server.live_url
    detail = f"{base}/activiteiten/{activity_id}"

    other = browser.new_context(locale="nl-NL").new_page()
    try:
        log_in(other, base, "bea@example.nl")
        other.goto(detail)
        other.get_by_role("button", name="Ik doe mee").click()
        expect(other.get_by_text("U bent aangemeld.", exact=True)).to_be_visible()

        # The resident finds the activity through the calendar, by keyboard-friendly names.
        log_in(page, base, "anna@example.nl")
        page.goto(base + "/activiteiten/?wijk=")
        expect(page.get_by_text("vol — wachtlijst")).to_be_visible()
        page.get_by_role("link", name="Koffieochtend").click()
        page.get_by_role("button", name="Zet mij op de wachtlijst").click()
        expect(page.locator("#mijn-status").get_by_text("plek 1 op de wachtlijst")).to_be_visible()

        other.goto(detail)
        other.get_by_role("button", name="Afmelden").click()
        expect(other.get_by_text("U bent afgemeld.")).to_be_visible()
    finally:
        other.context.close()

    page.reload()
    assert page.locator("#mijn-status").inner_text().strip() == "U bent aangemeld."
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
