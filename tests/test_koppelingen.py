"""Match lifecycle over HTTP: propose → accept → messages → contact sharing → done,
plus safety, capacity, reminders and escalation, the batch job, the digest, real SMTP."""

from __future__ import annotations

import email
import re
import email.policy
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from marketplace import db
from marketplace.koppelingen.services import remind_and_escalate, run_batch, weekly_digest
from marketplace.models import Conversation, HelpRequest, Match, Message, User
from .factories import (login, make_offer, make_organisation, make_preventiemakelaar, make_request, make_user,
                        make_voorziening, make_world)



@pytest.fixture
def scene(app, session):
    world = make_world(session)
    volunteer = make_user(session, email="mehmet@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    volunteer.phone = "06-11112222"
    session.add(volunteer)
    session.commit()
    resident = make_user(session, email="anna@example.nl", roles=("bewoner",), name="Anna Jansen")
    offer = make_offer(session, volunteer, world.velve, max_matches_per_month=1)
    request = make_request(session, resident, world.velve)
    pm = make_preventiemakelaar(session, world)
    return {"world": world, "volunteer": volunteer, "resident": resident, "offer": offer, "request": request, "pm": pm}


def _propose(client, scene):
    return client.post("/koppelingen/voorstellen", data={"request_id": scene["request"].id,
                                                         "offer_id": scene["offer"].id})


def _match(app):
    with app.app_context():
        return db.get_session().exec(select(Match)).one()


def test_full_lifecycle_over_http(app, scene, client):
    login(client, "mehmet@example.nl")
    response = _propose(client, scene)
    assert response.status_code == 302
    match = _match(app)
    assert match.status == "proposed" and match.kind == "offer"
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    assert "Wacht op antwoord" in page
    assert client.post(f"/koppelingen/{match.id}/antwoord", data={"antwoord": "ja"}).status_code == 302
    assert _match(app).status == "proposed"  # only the resident decides
    client.post("/logout")

    login(client, "anna@example.nl")
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    assert "Wilt u deze hulp?" in page and "Mehmet" in page and "Kaya" not in page
    client.post(f"/koppelingen/{match.id}/antwoord", data={"antwoord": "ja"})
    assert _match(app).status == "accepted"
    client.post(f"/koppelingen/{match.id}/bericht", data={"body": "Kunt u dinsdag om 10 uur?"})
    assert "06-11112222" not in client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    client.post(f"/koppelingen/{match.id}/contact-delen")
    client.post("/logout")

    login(client, "mehmet@example.nl")
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    assert "Kunt u dinsdag om 10 uur?" in page and "06-11112222" not in page
    client.post(f"/koppelingen/{match.id}/contact-delen")
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    assert "06-11112222" in page and "Velvetstraat 12" in page
    client.post(f"/koppelingen/{match.id}/afronden", data={"rating": "1", "feedback": "Fijn geholpen"})
    with app.app_context():
        s = db.get_session()
        done = s.exec(select(Match)).one()
        assert done.status == "completed" and done.feedback_rating == 1 and done.feedback_text == "Fijn geholpen"
        assert s.get(HelpRequest, scene["request"].id).status == "done"


def test_outsiders_get_403_and_unknown_404(app, scene, client, session):
    login(client, "mehmet@example.nl")
    _propose(client, scene)
    match = _match(app)
    client.post("/logout")
    make_user(session, email="buur@example.nl", roles=("bewoner", "vrijwilliger"))
    login(client, "buur@example.nl")
    assert client.get(f"/koppelingen/{match.id}").status_code == 403
    assert client.post(f"/koppelingen/{match.id}/bericht", data={"body": "hoi"}).status_code == 403
    assert client.get("/koppelingen/99999").status_code == 404
    assert client.post("/koppelingen/voorstellen", data={"request_id": "x", "offer_id": "1"}).status_code == 404


def test_volunteer_cannot_use_someone_elses_offer_or_exceed_capacity(app, scene, client, session):
    other = make_user(session, email="other@example.nl", roles=("vrijwilliger",))
    login(client, "other@example.nl")
    response = _propose(client, scene)
    assert "eigen aanbod" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post("/logout")
    login(client, "mehmet@example.nl")
    _propose(client, scene)
    second = make_request(session, scene["resident"], scene["world"].velve, title="Nog een vraag")
    response = client.post("/koppelingen/voorstellen", data={"request_id": second.id, "offer_id": scene["offer"].id},
                           follow_redirects=True)
    assert "al zoveel mensen geholpen" in response.get_data(as_text=True)
    with app.app_context():
        assert len(db.get_session().exec(select(Match)).all()) == 1
    assert other.id


def test_no_volunteer_on_a_veiligheid_request(app, scene, client, session):
    danger = make_request(session, scene["pm"], scene["world"].velve, title="Zorgen om een kind",
                          categories=("veiligheid",))
    login(client, "mehmet@example.nl")
    response = client.post("/koppelingen/voorstellen", data={"request_id": danger.id, "offer_id": scene["offer"].id},
                           follow_redirects=True)
    assert "professional" in response.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().exec(select(Match)).first() is None


def test_empty_message_is_refused_in_dutch(app, scene, client):
    login(client, "mehmet@example.nl")
    _propose(client, scene)
    match = _match(app)
    response = client.post(f"/koppelingen/{match.id}/bericht", data={"body": "   "}, follow_redirects=True)
    assert "Schrijf eerst een bericht" in response.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().exec(select(Message)).first() is None


def test_proposal_mail_is_delivered_over_real_smtp(make_app, smtp_server):
    host, port, messages = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port)
    with app.app_context():
        s = db.get_session()
        world = make_world(s)
        volunteer = make_user(s, email="mehmet@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
        resident = make_user(s, email="anna@example.nl", name="Anna Jansen")
        offer = make_offer(s, volunteer, world.velve)
        request = make_request(s, resident, world.velve)
    client = app.test_client()
    login(client, "mehmet@example.nl")
    client.post("/koppelingen/voorstellen", data={"request_id": request.id, "offer_id": offer.id})
    assert [m.rcpt_tos for m in messages] == [["anna@example.nl"]]
    body = email.message_from_bytes(messages[0].content, policy=email.policy.default).get_content()
    assert "Mehmet wil helpen" in body and "/koppelingen/" in body


def _remind(s, now, days):
    """The job as cron runs it: its own unit of work, so the mails go out after the commit."""
    with db.unit_of_work(s):
        return remind_and_escalate(s, now, days=days)


def test_reminder_then_escalation_is_bounded(app, scene, client):
    login(client, "mehmet@example.nl")
    _propose(client, scene)
    outbox = app.config["MAIL_OUTBOX"]
    import os
    with app.test_request_context():
        s = db.get_session()
        now = datetime.now(timezone.utc)
        before = len(os.listdir(outbox))
        assert _remind(s, now + timedelta(days=1), days=3) == {"herinnerd": 0, "doorgezet": 0}
        assert _remind(s, now + timedelta(days=4), days=3) == {"herinnerd": 1, "doorgezet": 0}
        assert _remind(s, now + timedelta(days=5), days=3) == {"herinnerd": 0, "doorgezet": 0}
        assert _remind(s, now + timedelta(days=7), days=3) == {"herinnerd": 0, "doorgezet": 1}
        assert _remind(s, now + timedelta(days=30), days=3) == {"herinnerd": 0, "doorgezet": 0}
        assert s.get(HelpRequest, scene["request"].id).status == "escalated"
        mails = sorted(os.listdir(outbox))[before:]
        assert len(mails) == 2 and "pm_at_example.nl" in mails[-1]


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_batch_is_deterministic_and_dry_run_writes_nothing(app, scene, session, runner):
    extra = make_user(session, email="v2@example.nl", roles=("vrijwilliger",))
    make_offer(session, extra, scene["world"].velve, max_matches_per_month=2)
    for i in range(3):
        make_request(session, scene["resident"], scene["world"].velve, title=f"Boodschappen nodig {i}")
    with app.test_request_context():
        s = db.get_session()
        first = run_batch(s, dry_run=True)
        second = run_batch(s, dry_run=True)
        assert first.pairs == second.pairs and first.pairs
        assert s.exec(select(Match)).first() is None
        per_offer = {}
        for _, offer_id, _ in first.pairs:
            per_offer[offer_id] = per_offer.get(offer_id, 0) + 1
        assert per_offer.get(scene["offer"].id, 0) <= 1 and all(n <= 2 for n in per_offer.values())
    result = runner.invoke(args=["match", "batch", "--dry-run"])
    assert result.exit_code == 0 and "Proefrun" in result.output
    result = runner.invoke(args=["match", "batch"])
    assert result.exit_code == 0 and "koppelingen voorgesteld" in result.output
    with app.app_context():
        assert {m.status for m in db.get_session().exec(select(Match))} == {"suggested"}


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_suggested_match_accepted_by_volunteer_becomes_a_proposal(app, scene, client, runner):
    runner.invoke(args=["match", "batch"])
    match = _match(app)
    assert match.status == "suggested"
    login(client, "mehmet@example.nl")
    _propose(client, scene)
    with app.app_context():
        assert [m.status for m in db.get_session().exec(select(Match))] == ["proposed"]
        assert db.get_session().exec(select(Conversation)).one()


def test_weekly_digest_only_for_opted_in_volunteers(app, scene, session):
    vol = session.get(User, scene["volunteer"].id)
    with app.test_request_context():
        assert weekly_digest(db.get_session()) == 0
    vol.digest_opt_in = True
    session.add(vol)
    session.commit()
    with app.test_request_context():
        assert weekly_digest(db.get_session()) == 1


def test_wijkcoach_advice_view(app, scene, client, session):
    org = make_organisation(session)
    make_voorziening(session, org, scene["world"].velve, name="Boodschappendienst", categories=("boodschappen",))
    make_user(session, email="coach@example.nl", roles=("professional",))
    login(client, "coach@example.nl")
    page = client.get("/koppelingen/advies?vraag=kan niet meer zelf boodschappen doen&postcode=7541AB")
    assert page.status_code == 200 and "andere mogelijkheid bekijken" in page.get_data(as_text=True)
    text = client.get("/koppelingen/advies?vraag=kan niet meer zelf boodschappen doen&postcode=7541AB&alle=1").get_data(as_text=True)
    assert "Boodschappendienst" in text and "vrijwilliger uit de buurt van de cliënt" in text
    bad = client.get("/koppelingen/advies?vraag=&postcode=0000")
    assert bad.status_code == 422 and "Beschrijf de vraag" in bad.get_data(as_text=True)
    danger = client.get("/koppelingen/advies?vraag=hij slaat mij&postcode=7541AB").get_data(as_text=True)
    assert "0800-2000" in danger
    client.post("/logout")
    login(client, "anna@example.nl")
    assert client.get("/koppelingen/advies").status_code == 403


def test_request_page_shows_suggestions_to_the_resident_and_a_help_button_to_volunteers(app, scene, client, session):
    org = make_organisation(session)
    make_voorziening(session, org, scene["world"].velve, name="Boodschappendienst De Schakel", categories=("boodschappen",))
    login(client, "anna@example.nl")
    page = client.get(f"/hulpvragen/{scene['request'].id}").get_data(as_text=True)
    assert "Lichtste hulp eerst, dan wat het best past en dichtbij is" in page and "Ik wil helpen" not in page
    # The first answer is the best of the need; the rest is one link away.
    if "Boodschappendienst De Schakel" not in page:
        assert "Nog 1 andere mogelijkheid bekijken" in page and f"/hulpvragen/{scene['request'].id}?alle=1" in page
    complete = client.get(f"/hulpvragen/{scene['request'].id}?alle=1").get_data(as_text=True)
    assert "Boodschappendienst De Schakel" in complete and "andere mogelijkhe" not in complete
    client.post("/logout")
    login(client, "mehmet@example.nl")
    page = client.get(f"/hulpvragen/{scene['request'].id}").get_data(as_text=True)
    assert f"/koppelingen/voorstellen?hulpvraag={scene['request'].id}" in page
    assert "Lichtste hulp eerst" not in page


def test_resident_confirms_the_guessed_category_and_it_is_kept_for_training(app, scene, client, session):
    from marketplace.models import CategoryExample, RequestCategory
    unsure = make_request(session, scene["resident"], scene["world"].velve, title="Mijn computer doet raar",
                          description="Ik kan niet meer inloggen met DigiD op mijn laptop.", categories=())
    login(client, "anna@example.nl")
    page = client.get(f"/hulpvragen/{unsure.id}").get_data(as_text=True)
    assert "Waar gaat uw vraag over?" in page and "Digitaal" in page
    client.post(f"/koppelingen/onderwerp/{unsure.id}", data={"slug": "digitaal"})
    with app.app_context():
        s = db.get_session()
        assert s.exec(select(RequestCategory).where(RequestCategory.request_id == unsure.id)).one()
        example = s.exec(select(CategoryExample)).one()
        assert example.category_slug == "digitaal" and "DigiD" in example.text
    bad = client.post(f"/koppelingen/onderwerp/{unsure.id}", data={"slug": "onzin"}, follow_redirects=True)
    assert "al een onderwerp" in bad.get_data(as_text=True)
    client.post("/logout")
    login(client, "mehmet@example.nl")
    client.post(f"/koppelingen/onderwerp/{scene['request'].id}", data={"slug": "digitaal"})
    with app.app_context():
        assert len(db.get_session().exec(select(CategoryExample)).all()) == 1


def test_contact_sharing_without_any_phone_number_says_so_plainly(app, scene, client, session):
    """Issue 10: both said yes, neither had a number, and the box showed nothing."""
    from marketplace.models import User

    volunteer = session.get(User, scene["volunteer"].id)
    volunteer.phone = None
    session.add(volunteer)
    session.commit()
    login(client, "mehmet@example.nl")
    _propose(client, scene)
    match = _match(app)
    client.post("/logout")
    login(client, "anna@example.nl")
    client.post(f"/koppelingen/{match.id}/antwoord", data={"antwoord": "ja"})
    assert "Wij kennen uw telefoonnummer nog niet" in client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    client.post(f"/koppelingen/{match.id}/contact-delen")
    client.post("/logout")
    login(client, "mehmet@example.nl")
    client.post(f"/koppelingen/{match.id}/contact-delen")
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    assert "er is nog geen telefoonnummer bekend" in page and "Praat verder via de berichten" in page


def test_messages_show_who_wrote_them_and_when_with_ones_own_apart(app, scene, client):
    login(client, "mehmet@example.nl")
    _propose(client, scene)
    match = _match(app)
    client.post(f"/koppelingen/{match.id}/bericht", data={"body": "Dinsdag kan ik."})
    client.post("/logout")
    login(client, "anna@example.nl")
    client.post(f"/koppelingen/{match.id}/bericht", data={"body": "Fijn, tot dan."})
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    theirs = page[page.index("Dinsdag kan ik.") - 400:page.index("Dinsdag kan ik.")]
    mine = page[page.index("Fijn, tot dan.") - 400:page.index("Fijn, tot dan.")]
    assert "<strong>Mehmet</strong>" in theirs and "<time" in theirs
    assert "card--mine" in mine and "<strong>U</strong>" in mine


def _outbox_for(app, address: str) -> list[str]:
    from pathlib import Path
    tag = address.replace("@", "_at_")
    return [p.read_text(encoding="utf-8") for p in sorted(Path(app.config["MAIL_OUTBOX"]).iterdir()) if tag in p.name]


def test_resident_asks_a_suggested_volunteer_who_answers(app, scene, client):
    """Acting on a suggestion: 'Vraag deze vrijwilliger' → the volunteer is mailed, answers yes,
    and the resident hears back; only the volunteer may answer an ask."""
    login(client, "anna@example.nl")
    page = client.get(f"/hulpvragen/{scene['request'].id}").get_data(as_text=True)
    assert "Vraag deze vrijwilliger" in page
    mails_before = len(_outbox_for(app, "mehmet@example.nl"))
    response = client.post("/koppelingen/vragen", data={"request_id": scene["request"].id,
                                                       "offer_id": scene["offer"].id})
    assert response.status_code == 302
    match = _match(app)
    assert match.status == "proposed" and match.proposed_by_id == scene["resident"].id
    assert len(_outbox_for(app, "mehmet@example.nl")) == mails_before + 1
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    assert "U vroeg Mehmet om hulp" in page and "Wilt u deze hulp?" not in page
    client.post(f"/koppelingen/{match.id}/antwoord", data={"antwoord": "ja"})
    assert _match(app).status == "proposed"  # the one who asked does not answer for the volunteer
    again = client.post("/koppelingen/vragen", data={"request_id": scene["request"].id,
                                                    "offer_id": scene["offer"].id}, follow_redirects=True)
    assert "al gevraagd" in again.get_data(as_text=True)
    assert "Wacht op antwoord" in client.get(f"/hulpvragen/{scene['request'].id}").get_data(as_text=True)
    client.post("/logout")

    login(client, "mehmet@example.nl")
    page = client.get(f"/koppelingen/{match.id}").get_data(as_text=True)
    assert "Anna vraagt of u wilt helpen" in page and "Ja, ik help" in page
    assert "Anna vraagt of u wilt helpen" in client.get("/mijn/").get_data(as_text=True)
    anna_before = len(_outbox_for(app, "anna@example.nl"))
    client.post(f"/koppelingen/{match.id}/antwoord", data={"antwoord": "ja"})
    assert _match(app).status == "accepted"
    assert "Mehmet wil u helpen" in _outbox_for(app, "anna@example.nl")[anna_before]


def test_only_the_requests_side_may_ask_and_never_for_a_safety_request(app, scene, client, session):
    login(client, "mehmet@example.nl")
    other = client.post("/koppelingen/vragen", data={"request_id": scene["request"].id, "offer_id": scene["offer"].id})
    assert other.status_code == 403
    client.post("/logout")
    unsafe = make_request(session, scene["resident"], scene["world"].velve, title="Hulp nodig", safety="danger")
    login(client, "anna@example.nl")
    refused = client.post("/koppelingen/vragen", data={"request_id": unsafe.id, "offer_id": scene["offer"].id},
                          follow_redirects=True)
    assert "Vrijwilligers zien deze vraag niet" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().exec(select(Match)).all() == []


def test_suggested_activity_and_voorziening_can_be_acted_on(app, scene, client, session):
    from tests.factories import make_activity
    org = make_organisation(session)
    voorziening = make_voorziening(session, org, scene["world"].velve, name="Boodschappendienst De Schakel",
                                   categories=("boodschappen",))
    # (its text is about shopping too: an activity of the category about something else stays out)
    activity = make_activity(session, scene["world"].velve, org=org, title="Samen naar de markt",
                             description="Samen boodschappen doen op de markt.", categories=("boodschappen",))
    login(client, "anna@example.nl")
    # every suggestion, to act on each kind (the first answer shows the best of the need)
    page = client.get(f"/hulpvragen/{scene['request'].id}?alle=1").get_data(as_text=True)
    assert f'action="/activiteiten/{activity.id}/aanmelden"' in page
    assert f"/voorzieningen/{voorziening.id}#waar" in page
    client.post(f"/activiteiten/{activity.id}/aanmelden")
    assert "U bent aangemeld." in client.get(f"/hulpvragen/{scene['request'].id}?alle=1").get_data(as_text=True)
    client.post("/logout")
    make_user(session, email="coach@example.nl", roles=("professional",))
    login(client, "coach@example.nl")
    page = client.get(f"/hulpvragen/{scene['request'].id}?alle=1").get_data(as_text=True)
    assert f"/verwijzingen/nieuw?voorziening={voorziening.id}" in page
    form = client.get(f"/verwijzingen/nieuw?voorziening={voorziening.id}&vraag=Kan+niet+lopen+na+operatie")
    text = form.get_data(as_text=True)
    assert "Kan niet lopen na operatie" in text and f'value="{voorziening.id}" checked' in text
    advice = client.get("/koppelingen/advies?vraag=kan niet meer zelf boodschappen doen&postcode=7541AB")
    text = advice.get_data(as_text=True)
    assert "Hulpvraag maken voor uw cliënt" in text and "voor=ander" in text
    prefilled = client.get("/hulpvragen/nieuw?voor=ander&vraag=kan+niet+meer+boodschappen&postcode=7541AB")
    assert "kan niet meer boodschappen" in prefilled.get_data(as_text=True)


def test_each_step_mails_the_other_side_unless_turned_off_and_unread_counts_show(app, scene, client):
    """Proposal, answer, message and done each mail the other side; a kind turned off on the
    profile is not sent; the menu and Mijn Buurtplein count new messages until the match is opened."""
    login(client, "anna@example.nl")
    profile = client.get("/profiel").get_data(as_text=True)
    ticked = re.compile(r'<input checked[^>]*value="bericht"')
    assert "Er is een nieuw bericht voor mij" in profile and ticked.search(profile)
    client.post("/profiel", data={"display_name": "Anna Jansen", "mail_kinds": ["voorstel", "antwoord", "klaar"]})
    assert not ticked.search(client.get("/profiel").get_data(as_text=True))
    client.post("/logout")

    login(client, "mehmet@example.nl")
    anna = len(_outbox_for(app, "anna@example.nl"))
    _propose(client, scene)
    match = _match(app)
    assert len(_outbox_for(app, "anna@example.nl")) == anna + 1  # voorstel
    client.post(f"/koppelingen/{match.id}/bericht", data={"body": "Dinsdag om tien uur?"})
    assert len(_outbox_for(app, "anna@example.nl")) == anna + 1  # bericht: turned off
    client.post("/logout")

    login(client, "anna@example.nl")
    assert 'class="count-badge">1' in client.get("/mijn/").get_data(as_text=True)
    assert "1 nieuw bericht" in client.get("/mijn/").get_data(as_text=True)
    mehmet = len(_outbox_for(app, "mehmet@example.nl"))
    client.post(f"/koppelingen/{match.id}/antwoord", data={"antwoord": "ja"})  # opens nothing, so still unread
    assert len(_outbox_for(app, "mehmet@example.nl")) == mehmet + 1  # antwoord
    client.get(f"/koppelingen/{match.id}")
    assert "count-badge" not in client.get("/mijn/").get_data(as_text=True)
    client.post(f"/koppelingen/{match.id}/afronden", data={"rating": "1"})
    last = _outbox_for(app, "mehmet@example.nl")[-1]
    assert "op klaar gezet" in last and "/profiel" in last


def test_reasons_speak_of_the_client_for_whoever_asks_for_one():
    from marketplace.koppelingen.views import for_client
    assert for_client("300 m van u") == "300 m van de cliënt"
    assert for_client("vrijwilliger uit uw buurt") == "vrijwilliger uit de buurt van de cliënt"
    assert for_client("past bij uw vraag: Boodschappen") == "past bij de vraag: Boodschappen"
    assert for_client("gratis, zonder indicatie") == "gratis, zonder indicatie"


def _two_needs(session, world):
    org = make_organisation(session)
    make_voorziening(session, org, world.velve, name="Schuldhulp Buurtwerk", categories=("geldzaken",),
                     description="Hulp bij schulden en geldzaken.")
    make_voorziening(session, org, world.velve, name="Maatjesproject", categories=("gezelschap",),
                     description="Een maatje tegen eenzaamheid.")


def _sections(page: str) -> list[tuple[str, str]]:
    """(heading, the section's text) per need section, in page order."""
    return [(m.group(2).strip(), m.group(3)) for m in re.finditer(
        r'<section class="need" aria-labelledby="([^"]+)">\s*<h\d[^>]*>(?:<img[^>]*>)?\s*([^<]+)</h\d>(.*?)</section>',
        page, re.S)]


def test_advice_for_a_question_with_two_needs_is_grouped_per_need(app, scene, client, session):
    _two_needs(session, scene["world"])
    make_user(session, email="coach@example.nl", roles=("professional",))
    login(client, "coach@example.nl")
    page = client.get("/koppelingen/advies?vraag=mevrouw is eenzaam en heeft schulden&postcode=7541AB").get_data(as_text=True)
    sections = _sections(page)
    assert [heading for heading, _text in sections] == ["Geldzaken", "Gezelschap"]  # the primary need first
    assert "Schuldhulp Buurtwerk" in sections[0][1] and "Maatjesproject" not in sections[0][1]
    assert "Maatjesproject" in sections[1][1]
    assert "Verwijzen naar deze voorziening" in sections[1][1]  # the actions stay on each card
    single = client.get("/koppelingen/advies?vraag=ik heb schulden&postcode=7541AB").get_data(as_text=True)
    assert not _sections(single) and "Schuldhulp Buurtwerk" in single  # one need: one plain list


def test_request_page_groups_suggestions_per_chosen_need(app, scene, client, session):
    _two_needs(session, scene["world"])
    request = make_request(session, scene["resident"], scene["world"].velve, title="Alleen en schulden",
                           description="Ik ben veel alleen en ik heb schulden.", categories=("gezelschap", "geldzaken"))
    login(client, "anna@example.nl")
    sections = _sections(client.get(f"/hulpvragen/{request.id}").get_data(as_text=True))
    assert [heading for heading, _text in sections] == ["Gezelschap", "Geldzaken"]  # the order they were chosen in
    assert "Maatjesproject" in sections[0][1] and "Schuldhulp Buurtwerk" in sections[1][1]


def test_by_need_keeps_the_ladder_order_and_names_an_empty_need():
    from matching.types import SuggestResult, Suggestion
    from marketplace.matching_service import by_need

    def s(title, category, tier):
        return Suggestion("voorziening", hash(title) % 1000, title, category, tier, 100, 1.0)
    listed = [s("Buren", "gezelschap", "nulde"), s("Budgetcoach", "geldzaken", "nulde"), s("Wijkteam", "gezelschap", "eerste")]
    result = SuggestResult([], listed, False, [], needs=["gezelschap", "geldzaken", "wonen"])
    assert [(slug, [x.title for x in items]) for slug, items in by_need(result)] == [
        ("gezelschap", ["Buren", "Wijkteam"]), ("geldzaken", ["Budgetcoach"]), ("wonen", [])]
    assert by_need(SuggestResult([], listed, False, [], needs=["gezelschap"])) == []
    assert by_need(SuggestResult([], listed, False, [], needs=["gezelschap", "geldzaken"], professional_first=True)) == []


def test_resident_chooses_several_categories_from_all_and_the_guess_stays_a_guess(app, scene, client, session):
    from marketplace.models import CategoryExample, RequestCategory
    unsure = make_request(session, scene["resident"], scene["world"].velve, title="Alleen en schulden",
                          description="Ik ben veel alleen en ik heb schulden.", categories=())
    login(client, "anna@example.nl")
    page = client.get(f"/hulpvragen/{unsure.id}").get_data(as_text=True)
    panel = page[page.index('id="onderwerp-kiezen"'):]
    assert "Nog niet gekozen (onze gok: Geldzaken" in page
    assert panel.count('type="checkbox"') == 19 and " checked" not in panel  # every category, none ticked
    assert panel.count("img/categories/") == 19 and "Onze gok" in panel
    empty = client.post(f"/koppelingen/onderwerp/{unsure.id}", data={}, follow_redirects=True)
    assert "Kies minstens één onderwerp" in empty.get_data(as_text=True)
    client.post(f"/koppelingen/onderwerp/{unsure.id}", data={"slug": ["gezelschap", "geldzaken", "gezelschap"]})
    with app.app_context():
        s = db.get_session()
        assert len(s.exec(select(RequestCategory).where(RequestCategory.request_id == unsure.id)).all()) == 2
        assert sorted(e.category_slug for e in s.exec(select(CategoryExample))) == ["geldzaken", "gezelschap"]
    after = client.get(f"/hulpvragen/{unsure.id}").get_data(as_text=True)
    assert 'id="onderwerp-kiezen"' not in after and "Nog niet gekozen" not in after


def test_reasons_speak_of_the_client_in_english_too(app, scene, client, session):
    org = make_organisation(session)
    make_voorziening(session, org, scene["world"].velve, name="Boodschappendienst", categories=("boodschappen",))
    make_user(session, email="coach@example.nl", roles=("professional",))
    login(client, "coach@example.nl")
    client.get("/?lang=en")
    page = client.get("/koppelingen/advies?vraag=kan niet meer zelf boodschappen doen&postcode=7541AB").get_data(as_text=True)
    assert "volunteer from the client's neighbourhood" in page.replace("&#39;", "'")
    assert "from you" not in page and "your neighbourhood" not in page


def test_chosen_categories_keep_their_order_on_the_page_and_in_the_matcher(app, scene, client, session):
    """Gezelschap chosen before geldzaken stays first, although geldzaken comes first in the list."""
    from marketplace import matching_service
    unsure = make_request(session, scene["resident"], scene["world"].velve, title="Alleen en schulden",
                          description="Ik ben veel alleen en ik heb schulden.", categories=())
    login(client, "anna@example.nl")
    client.post(f"/koppelingen/onderwerp/{unsure.id}", data={"slug": ["gezelschap", "geldzaken"]})
    page = client.get(f"/hulpvragen/{unsure.id}").get_data(as_text=True)
    assert "<dd>Gezelschap, Geldzaken</dd>" in page
    with app.app_context():
        s = db.get_session()
        assert matching_service.request_input(s, s.get(HelpRequest, unsure.id)).categories == ("gezelschap", "geldzaken")
