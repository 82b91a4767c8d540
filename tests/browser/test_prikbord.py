"""The printable board in a real browser with print media: codes shown, no menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace import db
from tests.factories import make_activity, make_organisation, make_request, make_user, make_world


pytestmark = pytest.mark.browser


def test_board_prints_codes_without_navigation(live_server, page):
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        anna = make_user(s, email="anna@example.nl", name="Anna de Vries")
        request_id = make_request(s, anna, world.velve, title="Wie doet boodschappen?").id
        activity_id = make_activity(s, world.velve, org=make_organisation(s), title="Eettafel").id
        code = world.velve.code
    page.goto(f"{live_server.live_url}/prikbord/{code}")
    # On screen, with JavaScript, the print button appears.
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1, name="Prikbord Velve")).to_be_visible()
    expect(page.get_by_text(f"H-{request_id}")).to_be_visible()
    expect(page.get_by_text(f"A-{activity_id}")).to_be_visible()
    expect(page.get_by_text("noem de code").first).to_be_visible()
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".site-footer").is_hidden()
    assert page.get_by_role("button", name="Afdrukken").is_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
