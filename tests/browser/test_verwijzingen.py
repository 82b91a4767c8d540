"""A referral's whole life in a real browser (issue 11): the wijkcoach refers with consent, the
organisation takes the client in, starts and finishes, and the wijkcoach sees the outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace import db
from marketplace.timeutil import local_today
from marketplace.models import UserWijk
from .steps import log_in
from tests.factories import add, make_organisation, make_user, make_voorziening, make_world


pytestmark = pytest.mark.browser


def test_professional_refers_the_organisation_answers_and_the_professional_sees_the_outcome(live_server, page,
                                                                                             browser):
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        pro = make_user(s, email="pro@example.nl", roles=("professional",), name="Samira El Amrani")
        add(s, UserWijk(user_id=pro.id, wijk_id=world.wijk.id))
        staff = make_user(s, email="aanbieder@example.nl", roles=("aanbieder",), name="Peter de Groot")
        make_voorziening(s, make_organisation(s, name="Welzijn Velve", staff=staff), world.velve,
                         name="Taalcafé De Velve")
    base = live_server.live_url

    # The wijkcoach: the client, the question once, the ladder, then consent.
    log_in(page, base, "pro@example.nl")
    page.goto(base + "/verwijzingen/")
    page.get_by_role("link", name="Nieuwe verwijzing").click()
    page.get_by_label("Voornaam of roepnaam van de cliënt").fill("Fatima")
    page.get_by_label("Buurt", exact=True).select_option(label="Velve")
    page.get_by_label("De vraag, zoals u die samen hebt afgesproken").fill(
        "Mevrouw wil beter Nederlands leren spreken en zoekt contact met anderen.")
    page.get_by_label("Zoek zelf op de sociale kaart (niet verplicht)").fill("taalcafé")
    page.get_by_role("button", name="Zoek passende hulp").click()
    expect(page.get_by_role("heading", name="Stap 3. Kies de voorzieningen")).to_be_visible()
    page.get_by_role("checkbox", name="Taalcafé De Velve").check()
    page.get_by_label("Toestemming geldt tot").fill((local_today() + timedelta(days=90)).isoformat())
    page.get_by_role("group", name="De cliënt heeft de toestemmingstekst gehoord of gelezen en geeft toestemming"
                     " om te delen met:").get_by_label("Welzijn Velve").check()
    page.get_by_role("button", name="Verwijzen").click()
    expect(page.get_by_role("heading", name="Verwijzing VW-", exact=False)).to_be_visible()
    referral_url = page.url
    reference = page.get_by_role("heading", level=1).inner_text().split()[-1]

    # The organisation, in its own browser: the inbox, then intake, start and finish.
    org = browser.new_context(locale="nl-NL").new_page()
    try:
        log_in(org, base, "aanbieder@example.nl")
        org.goto(base + "/verwijzingen/")
        expect(org.get_by_role("heading", name="Verwijzingen naar uw organisatie")).to_be_visible()
        inbox = org.locator("section", has=org.get_by_role("heading", name="Verwijzingen naar uw organisatie"))
        expect(inbox.get_by_text("Taalcafé De Velve")).to_be_visible()
        inbox.get_by_role("link", name=reference).click()
        org.get_by_label("Terugkoppeling aan de wijkcoach, in één zin (niet verplicht)").fill("De intake is gepland.")
        org.get_by_role("button", name="Aannemen: intake bevestigd").click()
        org.get_by_role("button", name="Gestart", exact=True).click()
        org.get_by_label("Terugkoppeling aan de wijkcoach, in één zin (niet verplicht)").fill(
            "Het ging goed, mevrouw komt nu zelf.")
        org.get_by_role("button", name="Afgerond", exact=True).click()
        expect(org.get_by_text("Afgerond").first).to_be_visible()
    finally:
        org.context.close()

    # Back to the wijkcoach: the outcome and the organisation's one sentence.
    page.goto(referral_url)
    expect(page.get_by_text("Het ging goed, mevrouw komt nu zelf.").first).to_be_visible()
    expect(page.get_by_role("heading", name="Wat er gebeurde")).to_be_visible()
    assert "Afgerond" in page.locator("main").inner_text()
