"""Journeys from the first click to the last, as a person does them: click, type, read the screen.

With BUURTPLEIN_SCREENSHOTS=<folder> every step named in ``shot`` is also saved at desktop width
and at 375 px (scripts/screenshots.sh refreshes docs/screenshots/ this way).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from marketplace import db
from marketplace.models import HelpRequest, Match
from .steps import log_in
from tests.factories import (make_activity, make_offer, make_organisation, make_request, make_user,
                             make_voorziening, make_world)


DESKTOP, PHONE = {"width": 1100, "height": 900}, {"width": 375, "height": 800}


def shot(page, name: str) -> None:
    folder = os.environ.get("BUURTPLEIN_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("desktop", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)


def _logout(page):
    page.get_by_role("button", name="Uitloggen").click()


def _scene(app):
    with app.app_context():
        s = db.get_session()
        world = make_world(s)
        volunteer = make_user(s, email="mehmet@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
        resident = make_user(s, email="anna@example.nl", name="Anna Jansen")
        make_offer(s, volunteer, world.velve, title="Boodschappen met de fiets")
        org = make_organisation(s)
        make_voorziening(s, org, world.velve, name="Boodschappendienst De Schakel", categories=("boodschappen",))
        make_activity(s, world.velve, org=org, title="Samen naar de markt", description="Samen boodschappen doen op de markt.",
                      categories=("boodschappen",))
        request = make_request(s, resident, world.velve, title="Wie haalt mijn boodschappen?")
        return request.id


def test_resident_asks_a_suggested_volunteer_and_is_helped_to_the_end(live_server, page):
    request_id = _scene(live_server)
    base = live_server.live_url

    log_in(page, base, "anna@example.nl")
    page.goto(f"{base}/hulpvragen/{request_id}")
    expect(page.get_by_role("heading", name="Lichtste hulp eerst, dan wat het best past en dichtbij is")).to_be_visible()
    shot(page, "1-bewoner-suggesties")
    page.get_by_role("button", name="Vraag deze vrijwilliger").click()
    expect(page.get_by_text("U vroeg Mehmet om hulp")).to_be_visible()
    page.get_by_role("link", name="Mijn Buurtplein").click()
    expect(page.get_by_text("U vroeg Mehmet om hulp. U krijgt een e-mail als er antwoord is.")).to_be_visible()
    _logout(page)

    log_in(page, base, "mehmet@example.nl")
    page.get_by_role("link", name="Mijn Buurtplein").click()
    page.get_by_role("link", name="Anna vraagt of u wilt helpen. Kijk en zeg ja of nee.").click()
    shot(page, "2-vrijwilliger-gevraagd")
    page.get_by_role("button", name="Ja, ik help").click()
    page.get_by_label("Uw bericht").fill("Ik kom dinsdag om 10 uur.")
    page.get_by_role("button", name="Versturen").click()
    _logout(page)

    log_in(page, base, "anna@example.nl")
    expect(page.get_by_role("link", name="Mijn Buurtplein 1 nieuw bericht")).to_be_visible()
    page.get_by_role("link", name="Mijn Buurtplein 1 nieuw bericht").click()
    shot(page, "3-bewoner-mijn-buurtplein")
    page.get_by_role("link", name="Maak samen een afspraak.").click()
    expect(page.get_by_text("Ik kom dinsdag om 10 uur.")).to_be_visible()
    page.get_by_role("radio", name="Goed", exact=True).check()
    page.get_by_role("button", name="Klaar: de hulp is gegeven").click()
    expect(page.get_by_text("De hulp staat nu op klaar")).to_be_visible()
    shot(page, "4-afspraak-klaar")
    with live_server.app_context():
        s = db.get_session()
        assert s.exec(select(Match)).one().status == "completed"
        assert s.get(HelpRequest, request_id).status == "done"


def test_resident_signs_up_for_a_suggested_activity(live_server, page):
    request_id = _scene(live_server)
    base = live_server.live_url
    log_in(page, base, "anna@example.nl")
    page.goto(f"{base}/hulpvragen/{request_id}")
    # The first answer holds the best of the need; the activity is among the other options.
    page.get_by_role("link", name=re.compile("andere mogelijkhe(id|den) bekijken")).click()
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("U bent aangemeld. Tot dan!")).to_be_visible()
    page.get_by_role("link", name="Mijn Buurtplein").click()
    expect(page.get_by_role("link", name="Samen naar de markt")).to_be_visible()


def test_wijkcoach_finds_the_lightest_help_and_refers_with_the_question_carried_along(live_server, page):
    _scene(live_server)
    with live_server.app_context():
        make_user(db.get_session(), email="coach@example.nl", roles=("professional",), name="Wim Coach")
    base = live_server.live_url
    log_in(page, base, "coach@example.nl")
    page.get_by_role("link", name="Lichtste hulp zoeken").click()
    page.get_by_label("Vraag van de cliënt").fill("Meneer kan niet meer zelf boodschappen doen")
    page.get_by_label("Postcode van de cliënt").fill("7541 AB")
    page.get_by_role("button", name="Zoek hulp").click()
    # The first answer is the best of the need; the service is among the other options.
    page.get_by_role("link", name=re.compile("andere mogelijkhe(id|den) bekijken")).click()
    expect(page.get_by_role("link", name="Boodschappendienst De Schakel", exact=True)).to_be_visible()
    shot(page, "5-wijkcoach-advies")
    page.get_by_role("link", name="Verwijzen naar deze voorziening").click()
    expect(page.get_by_label("De vraag, zoals u die samen hebt afgesproken")).to_have_value(
        "Meneer kan niet meer zelf boodschappen doen")
    expect(page.get_by_label("Boodschappendienst De Schakel")).to_be_checked()


def test_phone_menu_opens_behind_one_button_without_javascript(browser, live_server):
    context = browser.new_context(locale="nl-NL", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.live_url + "/")
        menu = page.locator("summary", has_text="Menu")
        expect(menu).to_be_visible()
        expect(page.get_by_role("link", name="Hulpvragen")).to_be_hidden()
        shot(page, "0-start")
        menu.click()
        page.get_by_role("link", name="Hulpvragen").click()
        expect(page).to_have_url(live_server.live_url + "/hulpvragen/")
    finally:
        context.close()


def test_aanbieder_updates_a_voorziening_and_sees_it_current_on_mijn_buurtplein(live_server, page):
    from datetime import datetime, timezone
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        staff = make_user(s, email="olga@example.nl", roles=("aanbieder",), name="Olga Org")
        org = make_organisation(s, name="Buurtwerk Oost", staff=staff)
        v = make_voorziening(s, org, world.velve, name="Koffieochtend De Velve",
                             last_verified_at=datetime(2025, 1, 6, 10, tzinfo=timezone.utc))
        listing_id = v.id
    base = live_server.live_url

    log_in(page, base, "olga@example.nl")
    page.get_by_role("link", name="Mijn Buurtplein").click()
    card = page.locator("li.card", has=page.get_by_role("link", name="Koffieochtend De Velve", exact=True))
    expect(card.get_by_text("Mogelijk verouderd")).to_be_visible()
    shot(page, "6-aanbieder-verouderd")
    card.get_by_role("link", name="Gegevens bijwerken").click()
    page.get_by_label("Wat is het? Beschrijf het in eenvoudige woorden").fill(
        "Elke dinsdag koffie en een praatje in het buurthuis. Iedereen is welkom.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De wijzigingen zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Elke dinsdag koffie en een praatje in het buurthuis.")).to_be_visible()

    page.get_by_role("link", name="Mijn Buurtplein").click()
    card = page.locator("li.card", has=page.get_by_role("link", name="Koffieochtend De Velve", exact=True))
    expect(card.get_by_text("Actueel")).to_be_visible()
    expect(card.get_by_text("Mogelijk verouderd")).to_have_count(0)
    expect(card.get_by_text("Graag controleren vóór")).to_be_visible()
    shot(page, "7-aanbieder-actueel")
    assert page.goto(f"{base}/voorzieningen/{listing_id}").status == 200


def test_preventiemakelaar_filters_the_queue_on_a_wijk_and_approves_a_first_post(live_server, page, browser):
    from datetime import timedelta

    from marketplace.models import UserWijk, utcnow
    from tests.factories import make_preventiemakelaar
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        pm = make_preventiemakelaar(s, world)
        s.add(UserWijk(user_id=pm.id, wijk_id=world.pathmos.parent_id))  # two wijken: the filter shows
        newbie = make_user(s, email="nina@example.nl", name="Nina Nieuw")
        request_id = make_request(s, newbie, world.velve, title="Wie helpt met mijn kapotte fiets?",
                                  moderation="pending", created_at=utcnow() - timedelta(days=3)).id
        make_request(s, newbie, world.pathmos, title="Wie laat mijn hond uit?", moderation="pending")
    base = live_server.live_url

    log_in(page, base, "pm@example.nl")
    page.get_by_role("link", name="Moderatie").click()
    expect(page.get_by_role("article", name="Wie laat mijn hond uit?")).to_be_visible()
    page.get_by_label("Wijk", exact=True).select_option(label="Velve-Lindenhof")
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_role("article", name="Wie laat mijn hond uit?")).to_have_count(0)
    card = page.get_by_role("article", name="Wie helpt met mijn kapotte fiets?")
    expect(card.get_by_text("Wijk: Velve-Lindenhof")).to_be_visible()
    expect(card.get_by_text("3 dagen geleden")).to_be_visible()
    shot(page, "8-moderatie-wachtrij")
    card.get_by_role("button", name="Goedkeuren").click()
    expect(page.get_by_text("Uw keuze is opgeslagen.")).to_be_visible()
    expect(page.get_by_role("article", name="Wie helpt met mijn kapotte fiets?")).to_have_count(0)

    public = browser.new_context(locale="nl-NL").new_page()  # what the neighbours see now
    try:
        public.goto(f"{base}/hulpvragen/")
        public.get_by_role("link", name="Wie helpt met mijn kapotte fiets?").click()
        expect(public).to_have_url(f"{base}/hulpvragen/{request_id}")
        expect(public.get_by_text("Wordt nog bekeken")).to_have_count(0)
    finally:
        public.context.close()


def test_beheerder_gives_a_resident_the_preventiemakelaar_role_for_a_wijk(live_server, page):
    with live_server.app_context(), db.session_scope() as s:
        make_world(s)
        make_user(s, email="gemeente@example.nl", roles=("beheerder",), name="Gerda Gemeente")
        make_user(s, email="fatima@example.nl", name="Fatima Yilmaz")
    base = live_server.live_url

    log_in(page, base, "gemeente@example.nl")
    page.get_by_role("link", name="Beheer").click()
    page.get_by_label("Zoek op naam of e-mail").fill("fatima")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Rollen aanpassen van Fatima Yilmaz").click()
    expect(page.get_by_role("heading", level=1, name="Rollen van Fatima Yilmaz")).to_be_visible()
    page.get_by_label("Preventiemakelaar", exact=True).check()
    page.get_by_label("Velve-Lindenhof", exact=True).check()
    shot(page, "9-beheerder-rollen")
    page.get_by_role("button", name="Rollen opslaan").click()
    expect(page.get_by_text("De rollen van Fatima Yilmaz zijn opgeslagen.")).to_be_visible()
    row = page.get_by_role("row", name="Fatima Yilmaz")
    expect(row.get_by_text("Preventiemakelaar")).to_be_visible()
    _logout(page)

    log_in(page, base, "fatima@example.nl")  # the state she checks: she can moderate now
    page.get_by_role("link", name="Moderatie").click()
    expect(page.get_by_role("heading", level=1, name="Moderatie")).to_be_visible()
