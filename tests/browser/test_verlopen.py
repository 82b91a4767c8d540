"""Expiry and renewal in a real browser: the lifecycle job expires a request, the
resident finds it in Mijn Buurtplein and renews it with the keyboard."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from marketplace import db
from marketplace.moderatie import lifecycle
from marketplace.models import HelpRequest
from marketplace.timeutil import local_today
from tests.factories import make_request, make_user, make_world


def test_expired_request_is_renewed_by_its_resident(live_server, page):
    with live_server.test_request_context():
        s = db.get_session()
        world = make_world(s)
        anna = make_user(s, email="anna@example.nl", name="Anna Jansen")
        request = make_request(s, anna, world.velve, title="Hulp met de tuin", categories=("klussen",),
                               expires_at=local_today() - timedelta(days=1))
        summary = lifecycle.run(s)  # its mails go to the outbox folder (no MAIL_SERVER in tests)
        assert s.get(HelpRequest, request.id).status == "expired", summary
    base = live_server.live_url

    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill("anna@example.nl")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord")
    page.get_by_role("button", name="Inloggen").press("Enter")
    page.goto(base + "/mijn/")
    page.get_by_role("link", name="Hulp met de tuin").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hulp met de tuin")
    renew = page.get_by_role("button", name="Verlengen")
    renew.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Zoekt nog hulp").first).to_be_visible()
    with live_server.app_context():
        renewed = db.get_session().get(HelpRequest, request.id)
        assert renewed.status == "open" and renewed.expires_at > local_today()
