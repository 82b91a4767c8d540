"""English catalogue: complete, placeholders intact, and the language switch works end to end."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from marketplace.i18n import TRANSLATIONS

PO_PATH = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]")


@pytest.fixture(scope="module")
def catalog():
    with PO_PATH.open("rb") as po_file:
        return read_po(po_file, locale="en")


def messages(catalog):
    return [m for m in catalog if m.id]


def forms(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


# --------------------------------------------------------------------------- the catalogue


def test_catalogue_is_not_empty(catalog):
    assert len(messages(catalog)) > 500


def test_every_entry_is_translated(catalog):
    untranslated = [m.id for m in messages(catalog) if not all(s.strip() for s in forms(m.string))]
    assert untranslated == []


def test_no_fuzzy_and_no_obsolete_entries(catalog):
    assert [m.id for m in messages(catalog) if m.fuzzy] == []
    assert list(catalog.obsolete) == []


def test_placeholders_are_kept(catalog):
    wrong = []
    for m in messages(catalog):
        ids = forms(m.id)
        for text in forms(m.string):
            # A plural form may follow either the singular or the plural msgid.
            if not any(placeholders(text) == placeholders(i) for i in ids):
                wrong.append((m.id, text))
    assert wrong == []


def test_leading_and_trailing_whitespace_is_kept(catalog):
    wrong = []
    for m in messages(catalog):
        source = forms(m.id)[0]
        for text in forms(m.string):
            if (source[:1].isspace(), source[-1:].isspace()) != (text[:1].isspace(), text[-1:].isspace()):
                wrong.append(m.id)
    assert wrong == []


def test_plural_entries_have_both_forms(catalog):
    plurals = [m for m in messages(catalog) if m.pluralizable]
    assert plurals
    for m in plurals:
        assert len(m.string) == 2 and all(m.string), m.id


def test_words_translated_at_run_time_have_english(catalog):
    """Labels kept in dicts and passed through _() at run time (not seen by extraction)."""
    from marketplace.admin import ROLE_LABELS
    from marketplace.koppelingen.views import STATUS_WORDS
    from marketplace.moderatie.services import KIND_LABELS, REPORT_REASONS

    # Day, month and language names are Babel's (tests/test_formatting.py), not the catalogue's.
    words = [*ROLE_LABELS.values(), *STATUS_WORDS.values(), *KIND_LABELS.values(), *REPORT_REASONS.values()]
    translated = {m.id: m.string for m in messages(catalog) if isinstance(m.id, str) and m.string}
    missing = sorted({str(w) for w in words} - set(translated))
    assert missing == [], "add these to marketplace/translations/dynamic_strings.py and translate them"


# --------------------------------------------------------------------------- the language switch


def test_query_parameter_switches_to_english_and_sticks(client):
    first = client.get("/?lang=en")
    assert first.status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "What can you do here?" in page
    assert "Log in" in page
    assert "Wat kunt u hier doen?" not in page


def test_form_post_switches_to_english(client):
    client.post("/taal", data={"lang": "en"})
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Email address" in page and "Password" in page


def test_the_maps_script_gets_its_words_from_the_page(client):
    """static/js/map.js writes the location messages the page hands it, in the reader's language."""
    client.post("/taal", data={"lang": "en"})
    page = client.get("/voorzieningen/").get_data(as_text=True)
    assert 'data-busy="Looking up your location…"' in page
    assert 'data-failed="Your location was not found. Fill in your postcode."' in page


def test_dutch_is_the_default_even_when_the_browser_asks_for_english(app):
    fresh = app.test_client()
    page = fresh.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="nl"' in page
    assert "Wat kunt u hier doen?" in page
    assert "What can you do here?" not in page


def test_unknown_language_is_ignored(client):
    page = client.get("/?lang=xx").get_data(as_text=True)
    assert 'lang="nl"' in page


def test_switching_back_to_dutch(client):
    client.get("/?lang=en")
    page = client.get("/?lang=nl").get_data(as_text=True)
    assert 'lang="nl"' in page
    assert "Wat kunt u hier doen?" in page


def test_form_errors_are_in_english_after_switching(client):
    client.get("/?lang=en")
    response = client.post("/login", data={"email": "geen-e-mailadres", "password": "iets"})
    page = response.get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Fill in a valid email address, like name@example.nl." in page
    assert "Vul een geldig e-mailadres in" not in page


def test_form_errors_stay_dutch_by_default(client):
    page = client.post("/login", data={"email": "geen-e-mailadres", "password": "iets"}).get_data(as_text=True)
    assert "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl." in page


def test_category_descriptions_are_all_in_the_catalogue(catalog):
    from matching.categories import CATEGORIES
    translated = {m.id: m.string for m in messages(catalog)}
    missing = [c["slug"] for c in CATEGORIES if not translated.get(c["description_nl"])]
    assert not missing, f"add to marketplace/translations/dynamic_strings.py: {missing}"


def test_english_pages_translate_categories_and_the_login_message_and_mark_dutch_data(client, session):
    from .factories import make_organisation, make_request, make_user, make_voorziening, make_world
    world = make_world(session)
    org = make_organisation(session)
    v = make_voorziening(session, org, world.velve, name="Taalcafé De Velve", description="Samen Nederlands oefenen.")
    anna = make_user(session, email="anna@example.nl")
    r = make_request(session, anna, world.velve, title="Wie doet boodschappen?")
    client.get("/?lang=en")
    home = client.get("/").get_data(as_text=True)
    assert "Help with shopping, going to the supermarket or the pharmacy." in home
    assert "naar de supermarkt of de apotheek" not in home
    login_page = client.get("/mijn/", follow_redirects=True).get_data(as_text=True)
    assert "Please log in first to see this page." in login_page
    request_page = client.get(f"/hulpvragen/{r.id}").get_data(as_text=True)
    assert '<span lang="nl">Wie doet boodschappen?</span>' in request_page
    assert '<p class="lead pre-line"><span lang="nl">' in request_page
    listing = client.get(f"/voorzieningen/{v.id}").get_data(as_text=True)
    assert '<h1><span lang="nl">Taalcafé De Velve</span></h1>' in listing
    assert '<p><span lang="nl">Samen Nederlands oefenen.</span></p>' in listing
    found = client.get("/voorzieningen/?q=taalcafe").get_data(as_text=True)
    assert '<span lang="nl">Taalcafé De Velve</span></a>' in found


def test_dutch_data_says_so_through_one_filter_in_queues_cards_and_edit_forms(app, client, session):
    """|nl (marketplace/data_language.py) wraps Dutch data; the field macro marks an input that
    shows stored data, not an empty one the writer fills in their own language."""
    from flask import render_template_string

    from .factories import login, make_offer, make_preventiemakelaar, make_request, make_user, make_world
    with app.test_request_context():
        assert render_template_string("{{ '<b>Hé</b>'|nl }}|{{ none|nl }}|{{ ''|nl }}") == (
            '<span lang="nl">&lt;b&gt;Hé&lt;/b&gt;</span>||')
    world = make_world(session)
    volunteer = make_user(session, email="piet@example.nl", roles=("vrijwilliger",), name="Piet")
    offer = make_offer(session, volunteer, world.velve, title="Ik fiets graag mee")
    make_request(session, make_user(session), world.velve, title="Wie helpt met de tuin?", moderation="pending")
    make_preventiemakelaar(session, world)
    login(client, "piet@example.nl")
    client.post("/taal", data={"lang": "en"})
    edit = client.get(f"/aanbod/{offer.id}/bewerken").get_data(as_text=True)
    assert re.search(r'<input[^>]*lang="nl"[^>]*value="Ik fiets graag mee"|<input[^>]*value="Ik fiets graag mee"[^>]*lang="nl"', edit)
    assert re.search(r'<textarea[^>]*lang="nl"', edit)
    new = client.get("/aanbod/nieuw").get_data(as_text=True)
    assert 'lang="nl"' not in new.split("<main", 1)[1].split("</main>", 1)[0]
    mine = client.get("/mijn/").get_data(as_text=True)
    assert '<span lang="nl">Ik fiets graag mee</span>' in mine
    moderator = app.test_client()
    login(moderator, "pm@example.nl")
    moderator.post("/taal", data={"lang": "en"})
    queue = moderator.get("/moderatie/").get_data(as_text=True)
    assert '<span lang="nl">Wie helpt met de tuin?</span>' in queue


def test_templates_follow_a_locale_change_within_one_request(app):
    """The templates' gettext remembers the catalogue per request (marketplace.i18n._translations);
    a mail rendered in the recipient's language (force_locale) and a new choice (refresh) still
    get their own language, and the page after it its own again."""
    from flask import render_template_string, session
    from flask_babel import force_locale, refresh

    page = "{{ _('Uitloggen') }}|{{ ngettext('nieuw bericht', 'nieuwe berichten', 2) }}"
    with app.test_request_context("/"):
        assert render_template_string(page) == "Uitloggen|nieuwe berichten"
        with force_locale("en"):
            assert render_template_string(page) == "Log out|new messages"
        assert render_template_string(page) == "Uitloggen|nieuwe berichten"
        session["lang"] = "en"
        refresh()
        assert render_template_string(page) == "Log out|new messages"


def test_the_language_chooser_is_a_list_of_links(client):
    """Plain links (no form, so no CSRF token in every page): lang and hreflang on each, the
    current language marked, the page's own query kept."""
    import re
    page = client.get("/voorzieningen/?q=taal&categorie=taal").get_data(as_text=True)
    footer = page.split('<footer class="site-footer">')[1]
    assert "<form" not in footer and "csrf_token" not in footer
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="(\w+)"( aria-current="true")?>', footer)
    assert [(lang, hreflang, bool(current)) for _, lang, hreflang, current in links] == [
        ("nl", "nl", True), ("en", "en", False)]
    english_link = links[1][0].replace("&amp;", "&")
    assert english_link == "/voorzieningen/?q=taal&categorie=taal&lang=en"
    english = client.get(english_link).get_data(as_text=True)
    assert 'lang="en"' in english.split(">")[1]
    footer = english.split('<footer class="site-footer">')[1]
    assert 'hreflang="en" aria-current="true"' in footer and 'hreflang="nl" aria-current' not in footer
    assert "lang=nl" in footer and "lang=en&amp;lang" not in footer  # one lang in the link, the new one
    assert 'lang="en"' in client.get("/hulpvragen/").get_data(as_text=True).split(">")[1]  # the choice sticks
