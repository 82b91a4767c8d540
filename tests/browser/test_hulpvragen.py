"""An ambassadeur asks for help on behalf of a resident, by keyboard, in a real browser;
an anonymous visitor then sees the request without the private phone."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from marketplace import db
from marketplace.models import HelpRequest
from tests.factories import make_user, make_world


PASSWORD = "geheim-wachtwoord"
PHONE = "06-24681357"


def _login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").press("Enter")


def _press(page, locator, key="Space"):
    locator.focus()
    page.keyboard.press(key)


def _next(page, heading: str) -> None:
    """Press the visible "Volgende stap" by keyboard; the next step's heading gets the focus."""
    _press(page, page.locator("section.step:not([hidden])").get_by_role("button", name="Volgende stap"), "Enter")
    expect(page.get_by_role("heading", name=heading)).to_be_focused()


def test_ambassadeur_posts_on_behalf_and_the_public_does_not_see_the_phone(live_server, page, browser):
    with live_server.app_context():
        s = db.get_session()
        make_world(s)
        make_user(s, email="bram@example.nl", roles=("ambassadeur",), name="Bram de Ambassadeur")
    base = live_server.live_url

    _login(page, base, "bram@example.nl")
    page.goto(base + "/hulpvragen/nieuw")
    _press(page, page.get_by_label("Ja, ik vraag dit voor iemand anders"))
    page.get_by_label("Voornaam van de bewoner").fill("Fatma")
    page.get_by_label("Volledige naam van de bewoner").fill("Fatma Yilmaz")
    page.get_by_label("Telefoonnummer van de bewoner").fill(PHONE)
    expect(page.get_by_role("button", name="Vraag versturen")).to_be_hidden()  # one step at a time
    _next(page, "Stap 1 van 5: Waar heeft u hulp bij nodig?")
    tile = page.get_by_role("checkbox", name="Boodschappen")  # a checked tile adds a ✓ to its name
    _press(page, tile)
    assert tile.is_checked()
    _next(page, "Stap 2 van 5: Vertel uw vraag")
    page.get_by_label("Uw vraag in een paar woorden").fill("Wie doet boodschappen voor Fatma?")
    page.get_by_label("Vertel in uw eigen woorden").fill("Fatma kan niet goed lopen. Zij heeft eten nodig.")
    _next(page, "Stap 3 van 5: Hoe snel?")
    _press(page, page.get_by_role("radio", name="Deze week"))
    _next(page, "Stap 4 van 5: Wanneer?")
    page.get_by_label("Wanneer komt het u goed uit?").fill("dinsdagochtend")
    _next(page, "Stap 5 van 5: Waar?")
    page.get_by_label("Postcode").fill("9999 ZZ")  # not in the gemeente: the server says so, on this step
    _press(page, page.get_by_role("button", name="Vraag versturen"), "Enter")
    expect(page.get_by_role("heading", name="Stap 5 van 5: Waar?")).to_be_visible()
    expect(page.get_by_role("heading", name="Stap 2 van 5: Vertel uw vraag")).to_be_hidden()
    expect(page.get_by_label("Voornaam van de bewoner")).to_be_hidden()
    page.get_by_label("Postcode").fill("7541 AB")
    page.get_by_label("Straat en huisnummer").fill("Velvetstraat 12")
    _press(page, page.get_by_role("button", name="Vraag versturen"), "Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Wie doet boodschappen voor Fatma?")
    expect(page.get_by_text(PHONE)).to_be_visible()
    page.get_by_role("link", name="Mijn Buurtplein").click()
    card = page.get_by_role("listitem").filter(has_text="Wie doet boodschappen voor Fatma?")
    expect(card.get_by_text("— voor Fatma")).to_be_visible()
    expect(card.get_by_text(PHONE)).to_be_visible()
    with live_server.app_context():
        row = db.get_session().exec(select(HelpRequest)).one()
        assert row.on_behalf and row.public_name == "Fatma"

    anonymous = browser.new_context(locale="nl-NL")
    visitor = anonymous.new_page()
    try:
        visitor.goto(base + "/hulpvragen/")
        visitor.get_by_role("link", name="Wie doet boodschappen voor Fatma?").click()
        expect(visitor.get_by_text("Gevraagd door")).to_be_visible()
        body = visitor.content()
        assert "Fatma" in body and "Velve" in body
        assert PHONE not in body and "Yilmaz" not in body and "Velvetstraat 12" not in body
    finally:
        anonymous.close()


def test_the_tile_ticked_first_is_the_main_need(live_server, page, browser):
    """Vervoer ticked before Boodschappen: the tiles show 1 and 2 and the request lists Vervoer
    first, although the browser itself sends checkboxes in page order (Boodschappen first)."""
    with live_server.app_context():
        s = db.get_session()
        make_world(s)
        make_user(s)
    base = live_server.live_url
    _login(page, base, "anna@example.nl")
    page.goto(base + "/hulpvragen/nieuw")
    expect(page.get_by_text("Kies eerst wat het belangrijkst is.")).to_be_visible()
    vervoer, boodschappen = (page.get_by_role("checkbox", name=n) for n in ("Vervoer", "Boodschappen"))
    _press(page, vervoer)
    _press(page, boodschappen)
    label = page.locator("label[for='category-boodschappen']")
    assert (page.locator("label[for='category-vervoer']").get_attribute("data-order"),
            label.get_attribute("data-order")) == ("1", "2")
    _next(page, "Stap 2 van 5: Vertel uw vraag")
    page.get_by_label("Uw vraag in een paar woorden").fill("Naar de dokter en boodschappen")
    page.get_by_label("Vertel in uw eigen woorden").fill("Ik moet naar de dokter en daarna boodschappen doen.")
    for heading in ("Stap 3 van 5: Hoe snel?", "Stap 4 van 5: Wanneer?", "Stap 5 van 5: Waar?"):
        _next(page, heading)
    page.get_by_label("Postcode").fill("7541 AB")
    _press(page, page.get_by_role("button", name="Vraag versturen"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Naar de dokter en boodschappen")
    expect(page.locator("dd", has_text="Vervoer, Boodschappen")).to_be_visible()
