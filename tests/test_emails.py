"""Every mail is a function in marketplace/emails.py with templates/email/<name>/: rendered in the
recipient's language, links from BASE_URL only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace as Row

import pytest
from sqlmodel import Session

from marketplace import emails, mail, notifications
from tests.factories import make_user

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "email"

request = Row(id=7, title="Boodschappen doen", public_name="Anna", expires_at=date(2026, 3, 14))
offer = Row(id=8, title="Ik doe boodschappen", expires_at=date(2026, 3, 14))
match = Row(id=9)
referral = Row(id=10, reference="VW-2026-0001")
voorziening = Row(name="Taalcafé Velve")
organisation = Row(name="Stichting Samen")
activity = Row(id=11, title="Samen koken")

# Each mail function with example values: (values, a word the Dutch body must hold).
EXAMPLES = {
    "send_welcome": ({"token": "t0k"}, "bevestigen"),
    "send_account_exists": ({}, "al een account"),
    "send_password_reset": ({"token": "t0k"}, "nieuw wachtwoord"),
    "send_match_proposed": ({"match": match, "request": request, "volunteer": Row(first_name="Mehmet")},
                            "Mehmet wil helpen"),
    "send_match_accepted": ({"match": match, "request": request}, "zegt ja"),
    "send_match_declined": ({"request": request}, "andere hulp"),
    "send_match_asked": ({"match": match, "request": request}, "Anna vraagt of u wilt helpen"),
    "send_match_volunteer_accepted": ({"match": match, "request": request, "volunteer": Row(first_name="Mehmet")},
                                      "Mehmet wil u helpen"),
    "send_match_volunteer_declined": ({"request": request, "volunteer": Row(first_name="Mehmet")},
                                      "kan deze keer niet"),
    "send_match_completed": ({"match": match, "request": request, "by": Row(first_name="Mehmet")},
                             "op klaar gezet"),
    "send_match_reminder_asked": ({"match": match, "request": request}, "Anna vroeg uw hulp"),
    "send_match_message": ({"match": match, "sender": Row(first_name="Mehmet")}, "bericht"),
    "send_match_reminder": ({"match": match, "request": request}, "ja of nee"),
    "send_match_escalated": ({"match": match, "request": request}, "geen antwoord"),
    "send_weekly_digest": ({"requests": [request]}, "Boodschappen doen (Anna)"),
    "send_request_reminder": ({"request": request}, "14 maart"),
    "send_offer_reminder": ({"offer": offer}, "14 maart"),
    "send_verify_listing": ({"organisation": organisation, "token": "t0k", "days": 30}, "Stichting Samen"),
    "send_moderation_decision": ({"what": "Hulpvraag", "title": "Boodschappen", "action": "hide",
                                  "reason": "Reclame."}, "Reclame."),
    "send_referral_new": ({"referral": referral, "voorziening": voorziening, "days": 2}, "Taalcafé Velve"),
    "send_referral_reminder": ({"referral": referral}, "VW-2026-0001"),
    "send_referral_status": ({"referral": referral, "voorziening": voorziening, "status_word": "Aangemeld",
                              "feedback": "Welkom dinsdag."}, "Welkom dinsdag."),
    "send_referral_client_report": ({"referral": referral, "went": True}, "ik ben geweest"),
    "send_activity_cancelled": ({"activity": activity}, "gaat niet door"),
    "send_activity_place_free": ({"activity": activity}, "U stond op de wachtlijst"),
    "send_activity_volunteer_interest": ({"activity": activity, "volunteer": Row(display_name="Mehmet Yilmaz",
                                                                                  email="mehmet@example.nl")},
                                         "mehmet@example.nl"),
    "send_activity_support_asked": ({"activity": activity, "asker": Row(display_name="Ali Demir"),
                                     "question": "Wie helpt met een flyer?"}, "Wie helpt met een flyer?"),
    "send_activity_support_answered": ({"activity": activity, "status": "done", "answer": "Bel het buurthuis."},
                                       "Status: Afgerond."),
}


def mail_functions():
    return sorted(n for n in dir(emails) if n.startswith("send_") and hasattr(getattr(emails, n), "template"))


def test_every_mail_function_has_an_example_and_its_templates():
    assert set(mail_functions()) == set(EXAMPLES)
    for name in mail_functions():
        folder = TEMPLATES / getattr(emails, name).template
        assert (folder / "subject.txt").is_file() and (folder / "body.txt").is_file(), folder


def _queued(app, function, locale, values):
    with app.app_context(), Session(app.extensions["db_engine"]) as session:
        person = emails.Recipient("lid@example.nl", locale, "Bea")
        assert getattr(emails, function)(session, person, **values) == 1
        (queued,) = mail.queued_mail(session)
        session.rollback()
    return queued


@pytest.mark.parametrize("function", sorted(EXAMPLES))
def test_each_mail_renders_in_dutch_and_in_english(app, function):
    app.config["BASE_URL"] = "https://buurtplein.example.nl"
    values, dutch_words = EXAMPLES[function]
    nl = _queued(app, function, "nl", values)
    en = _queued(app, function, "en", values)
    assert nl.to_address == "lid@example.nl"
    assert dutch_words in nl.body and nl.body.startswith("Hallo Bea,")
    assert en.body.startswith("Hello Bea,") and en.subject != nl.subject and en.body != nl.body
    assert "\n" not in nl.subject and nl.subject.strip() == nl.subject
    for line in nl.body.splitlines():  # every link is absolute and from BASE_URL
        if "://" in line:
            assert line.strip().startswith("https://buurtplein.example.nl/"), line


def test_a_mail_to_an_organisation_address_is_dutch_and_says_hallo(app):
    with app.app_context(), Session(app.extensions["db_engine"]) as session:
        emails.send_referral_reminder(session, "info@welzijn.example.nl", referral=referral)
        (queued,) = mail.queued_mail(session)
        session.rollback()
    assert queued.body.startswith("Hallo,\n\nVerwijzing VW-2026-0001 heeft nog geen reactie")


def test_the_reminder_names_the_day_in_the_readers_language(app):
    assert "14 March" in _queued(app, "send_request_reminder", "en", {"request": request}).body


def test_a_journey_mail_says_how_to_turn_it_off_and_skips_who_turned_it_off(app, session):
    app.config["BASE_URL"] = "https://buurtplein.example.nl"
    muted = make_user(session, email="uit@example.nl")
    notifications.set_muted(session, muted.id, {"bericht"})
    values = {"match": match, "sender": Row(first_name="Mehmet")}
    with app.app_context():
        assert emails.send_match_message(session, [muted, "aan@example.nl"], kind="bericht", **values) == 1
        assert emails.send_match_message(session, muted, kind="voorstel", **values) == 1
    first, second = mail.queued_mail(session)
    assert first.to_address == "aan@example.nl" and second.to_address == "uit@example.nl"
    assert "Zet hem uit op uw profiel:\nhttps://buurtplein.example.nl/profiel" in first.body
    assert first.body.endswith("/profiel\n\nBuurtplein")
    escalated = _queued(app, "send_match_escalated", "nl", {"match": match, "request": request})
    assert "Zet hem uit" not in escalated.body  # a task for a professional: not a mail to turn off
