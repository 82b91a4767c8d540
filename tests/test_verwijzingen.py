"""Referrals (issue 11): the lifecycle over HTTP, consent, the response clock, access, audit."""

from __future__ import annotations

import re

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from marketplace.models import (AuditEvent, Consent, Referral, ReferralClient, ReferralEvent, UserWijk)
from marketplace.timeutil import LOCAL_TZ, local_today
from marketplace.verwijzingen import services as svc

from .factories import add, login, make_organisation, make_user, make_voorziening, make_world

PASSWORD = "geheim-wachtwoord"
ALIAS = "Fatimazwaan"
QUESTION = "Mevrouw wil beter Nederlands leren spreken en zoekt contact met anderen."


@pytest.fixture
def world(app, session):
    w = make_world(session)
    wijk_b = w.pathmos.parent_id
    people = {}
    for key, roles in [("pro", ("professional",)), ("pro2", ("professional",)), ("pro_b", ("professional",)),
                       ("aanbieder", ("aanbieder",)), ("aanbieder2", ("aanbieder",)), ("bewoner", ("bewoner",)),
                       ("vrijwilliger", ("vrijwilliger",)), ("beheerder", ("beheerder",)),
                       ("pm", ("preventiemakelaar",)), ("ambassadeur", ("ambassadeur",))]:
        people[key] = make_user(session, email=f"{key}@example.nl", roles=roles, name=f"{key.capitalize()} Test")
    add(session, UserWijk(user_id=people["pro"].id, wijk_id=w.wijk.id))
    add(session, UserWijk(user_id=people["pro2"].id, wijk_id=w.wijk.id))
    add(session, UserWijk(user_id=people["pro_b"].id, wijk_id=wijk_b))
    add(session, UserWijk(user_id=people["pm"].id, wijk_id=w.wijk.id))
    org = make_organisation(session, name="Welzijn Velve", staff=people["aanbieder"])
    org2 = make_organisation(session, name="Ander Welzijn", staff=people["aanbieder2"])
    taal = make_voorziening(session, org, w.velve, name="Taalcafé De Velve")
    other = make_voorziening(session, org2, w.velve, name="Eettafel Elders", categories=("ontmoeting",))
    return {"world": w, "people": people, "org": org, "org2": org2, "taal": taal, "other": other}


def _client_for(app, email):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 302
    return client


def _form(world, **extra):
    data = {"alias": ALIAS, "buurt": str(world["world"].velve.id), "age_band": "66-79", "languages": ["nl", "ar"],
            "life_domains": ["sociale_omgeving"], "contact_preference": "telefoon", "question": QUESTION,
            "zoek": "taalcafé", "legal_basis": "wmo_2015", "shared_fields": ["vraag", "voornaam", "leeftijd"],
            "purpose": "Aanmelden bij het taalcafé.", "valid_until": (local_today() + timedelta(days=90)).isoformat(),
            "method": "mondeling"}
    data.update(extra)
    return data


def _refer(app, world, **extra) -> Referral:
    pro = _client_for(app, "pro@example.nl")
    response = pro.post("/verwijzingen/nieuw", data=_form(world, voorzieningen=[str(world["taal"].id)],
                                                          consent_organisations=[str(world["org"].id)],
                                                          refer="Verwijzen", **extra))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response


def _only_referral(session) -> Referral:
    session.expire_all()
    return session.exec(select(Referral)).one()


def test_the_whole_lifecycle_over_http(app, session, world):
    pro = _client_for(app, "pro@example.nl")
    assert pro.get("/verwijzingen/nieuw").status_code == 200
    # Step 1-2: the question, then the ladder and a search of the sociale kaart.
    page = pro.post("/verwijzingen/nieuw", data=_form(world, search="Zoek"))
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    body = page.get_data(as_text=True)
    assert "Taalcafé De Velve" in body and "Stap 3" in body
    # Referring without consent is refused, and nothing is written.
    refused = pro.post("/verwijzingen/nieuw", data=_form(world, voorzieningen=[str(world["taal"].id)], refer="V"))
    assert refused.status_code == 422
    assert session.exec(select(Referral)).first() is None
    # Step 3-4: pick, consent, refer.
    response = pro.post("/verwijzingen/nieuw", data=_form(world, voorzieningen=[str(world["taal"].id)],
                                                          consent_organisations=[str(world["org"].id)],
                                                          refer="Verwijzen"))
    assert response.status_code == 302
    referral = _only_referral(session)
    assert response.headers["Location"].endswith(f"/verwijzingen/{referral.id}")
    assert referral.status == "referred" and referral.organisation_id == world["org"].id
    assert referral.question == QUESTION and referral.reference.startswith("VW-")
    client_row = session.get(ReferralClient, referral.client_id)
    assert client_row.alias == ALIAS and client_row.age_band == "66-79" and client_row.languages == "nl,ar"
    consent = session.exec(select(Consent).where(Consent.referral_id == referral.id)).one()
    assert consent.shared_fields == "vraag,voornaam,leeftijd" and consent.method == "mondeling"
    assert consent.recorded_by_id == world["people"]["pro"].id and consent.text_version == app.config["CONSENT_TEXT_VERSION"]
    assert referral.legal_basis == "wmo_2015"  # the legal basis lives on the referral, apart from consent

    # The organisation: inbox, details (only what was shared), accept, start, finish.
    org = _client_for(app, "aanbieder@example.nl")
    inbox = org.get("/verwijzingen/").get_data(as_text=True)
    assert referral.reference in inbox
    details = org.get(f"/verwijzingen/{referral.id}").get_data(as_text=True)
    assert QUESTION in details and ALIAS in details and "Telefoon" not in details
    assert "Bellen" not in details  # contact preference was not shared
    for to, feedback in (("signed_up", "Intake is dinsdag om tien uur."), ("started", ""), ("completed", "Ze komt elke week.")):
        assert org.post(f"/verwijzingen/{referral.id}/status", data={"naar": to, "feedback": feedback}).status_code == 302
        assert _only_referral(session).status == to
    referral = _only_referral(session)
    assert referral.responded_at is not None and referral.feedback == "Ze komt elke week."
    # A step that is not allowed from here is refused with a message, nothing changes.
    org.post(f"/verwijzingen/{referral.id}/status", data={"naar": "signed_up"})
    assert _only_referral(session).status == "completed"

    # Back to the professional: the terugkoppeling and every event.
    back = pro.get(f"/verwijzingen/{referral.id}").get_data(as_text=True)
    assert "Ze komt elke week." in back
    moves = [(e.from_status, e.to_status, e.actor_kind) for e in session.exec(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.id)).all()]
    assert moves == [(None, "referred", "professional"), ("referred", "signed_up", "organisatie"),
                     ("signed_up", "started", "organisatie"), ("started", "completed", "organisatie")]
    # The printable letter.
    letter = pro.get(f"/verwijzingen/{referral.id}/brief").get_data(as_text=True)
    assert referral.reference in letter and "Velvetstraat 1" in letter and "053-1234567" in letter
    assert f"/verwijzingen/terugmelden/{referral.client_token}" in letter


def test_decline_needs_a_reason_and_records_who_gave_it(app, session, world):
    _refer(app, world)
    referral = _only_referral(session)
    org = _client_for(app, "aanbieder@example.nl")
    org.post(f"/verwijzingen/{referral.id}/status", data={"naar": "not_started"})
    assert _only_referral(session).status == "referred"
    org.post(f"/verwijzingen/{referral.id}/status", data={"naar": "waiting_list"})
    assert _only_referral(session).status == "waiting_list"
    org.post(f"/verwijzingen/{referral.id}/status", data={"naar": "not_started", "reason": "geen_plek"})
    referral = _only_referral(session)
    assert (referral.status, referral.reason, referral.reason_by) == ("not_started", "geen_plek", "organisatie")


def test_the_client_link_without_an_account(app, session, world):
    _refer(app, world)
    referral = _only_referral(session)
    anonymous = app.test_client()
    assert anonymous.get("/verwijzingen/terugmelden/niet-echt").status_code == 404
    page = anonymous.get(f"/verwijzingen/terugmelden/{referral.client_token}")
    assert page.status_code == 200 and ALIAS not in page.get_data(as_text=True)
    anonymous.post(f"/verwijzingen/terugmelden/{referral.client_token}",
                   data={"uitkomst": "niet_gelukt", "reason": "niet_bereikt"})
    referral = _only_referral(session)
    assert (referral.status, referral.reason, referral.reason_by, referral.client_report) == \
        ("not_started", "niet_bereikt", "client", "niet_gelukt")


def test_the_professional_reports_for_the_client_and_can_withdraw(app, session, world):
    _refer(app, world)
    referral = _only_referral(session)
    pro = _client_for(app, "pro@example.nl")
    pro.post(f"/verwijzingen/{referral.id}/voor-client", data={"uitkomst": "geweest"})
    assert _only_referral(session).status == "started"
    pro.post(f"/verwijzingen/{referral.id}/intrekken", data={})  # no reason: refused
    assert _only_referral(session).status == "started"
    pro.post(f"/verwijzingen/{referral.id}/intrekken", data={"reason": "elders_verwezen"})
    referral = _only_referral(session)
    assert (referral.status, referral.reason, referral.reason_by) == ("withdrawn", "elders_verwezen", "professional")


def test_consent_withdrawal_stops_sharing_at_once(app, session, world):
    _refer(app, world)
    referral = _only_referral(session)
    org = _client_for(app, "aanbieder@example.nl")
    assert org.get(f"/verwijzingen/{referral.id}").status_code == 200
    pro = _client_for(app, "pro@example.nl")
    assert pro.post(f"/verwijzingen/{referral.id}/toestemming-intrekken").status_code == 302
    referral = _only_referral(session)
    assert referral.status == "withdrawn" and referral.reason_by == "client"
    consent = session.exec(select(Consent).where(Consent.referral_id == referral.id)).one()
    assert consent.withdrawn_at is not None and consent.withdrawn_by_id == world["people"]["pro"].id
    assert org.get(f"/verwijzingen/{referral.id}").status_code == 403
    assert org.post(f"/verwijzingen/{referral.id}/status", data={"naar": "signed_up"}).status_code == 403
    inbox = org.get("/verwijzingen/").get_data(as_text=True)
    assert referral.reference in inbox and "Ingetrokken" in inbox
    assert ALIAS not in inbox and QUESTION not in inbox
    assert pro.get(f"/verwijzingen/{referral.id}").status_code == 200  # the team keeps its record


def test_access_for_every_other_role(app, session, world):
    _refer(app, world)
    referral = _only_referral(session)
    anonymous = app.test_client()
    for url in ("/verwijzingen/", "/verwijzingen/nieuw", f"/verwijzingen/{referral.id}"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for who in ("bewoner", "vrijwilliger", "ambassadeur", "pm"):
        c = _client_for(app, f"{who}@example.nl")
        for url in ("/verwijzingen/", "/verwijzingen/nieuw", f"/verwijzingen/{referral.id}",
                    f"/verwijzingen/{referral.id}/brief"):
            assert c.get(url).status_code == 403, (who, url)
    # Another team (wijk B), another organisation, the beheerder: no details.
    for who in ("pro_b", "aanbieder2", "beheerder"):
        c = _client_for(app, f"{who}@example.nl")
        assert c.get(f"/verwijzingen/{referral.id}").status_code == 403, who
        assert ALIAS not in c.get("/verwijzingen/").get_data(as_text=True)
    assert _client_for(app, "pro_b@example.nl").post(
        f"/verwijzingen/{referral.id}/intrekken", data={"reason": "anders"}).status_code == 403
    assert _client_for(app, "aanbieder2@example.nl").post(
        f"/verwijzingen/{referral.id}/status", data={"naar": "signed_up"}).status_code == 403
    # The same team (a colleague in the same wijk) sees it; the organisation may not act as the team.
    assert ALIAS in _client_for(app, "pro2@example.nl").get(f"/verwijzingen/{referral.id}").get_data(as_text=True)
    assert _client_for(app, "aanbieder@example.nl").get(f"/verwijzingen/{referral.id}/brief").status_code == 403
    assert _only_referral(session).status == "referred"


def test_a_professional_without_a_wijk_is_a_team_of_one(app, session, world):
    loner = make_user(session, email="loner@example.nl", roles=("professional",), name="Lone Ranger")
    assert svc.team_ids(session, loner) == {loner.id}
    assert svc.team_ids(session, world["people"]["pro"]) == {world["people"]["pro"].id, world["people"]["pro2"].id}


def test_every_view_and_change_is_audited_and_the_beheerder_exports_the_log(app, session, world):
    _refer(app, world)
    referral = _only_referral(session)
    pro = _client_for(app, "pro@example.nl")
    pro.get(f"/verwijzingen/{referral.id}")
    pro.get(f"/verwijzingen/{referral.id}/brief")
    org = _client_for(app, "aanbieder@example.nl")
    org.get(f"/verwijzingen/{referral.id}")
    org.post(f"/verwijzingen/{referral.id}/status", data={"naar": "signed_up"})
    _client_for(app, "pro_b@example.nl").get(f"/verwijzingen/{referral.id}")
    rows = session.exec(select(AuditEvent).where(AuditEvent.target_kind == "referral",
                                                 AuditEvent.target_id == referral.id)).all()
    seen = {(r.action, r.actor_id) for r in rows}
    p = world["people"]
    for expected in [("referral.create", p["pro"].id), ("consent.record", p["pro"].id),
                     ("referral.view", p["pro"].id), ("referral.letter", p["pro"].id),
                     ("referral.view", p["aanbieder"].id), ("referral.status", p["aanbieder"].id),
                     ("referral.refused", p["pro_b"].id)]:
        assert expected in seen, expected
    assert all(ALIAS not in (r.detail or "") and QUESTION not in (r.detail or "") for r in rows)
    admin = _client_for(app, "beheerder@example.nl")
    page = admin.get("/verwijzingen/auditlog")
    assert page.status_code == 200 and "referral.status" in page.get_data(as_text=True)
    export = admin.get("/verwijzingen/auditlog.csv?actie=referral")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    text = export.get_data(as_text=True)
    assert text.splitlines()[0].startswith("id,tijd_utc") and "referral.create" in text and ALIAS not in text
    assert _client_for(app, "pro@example.nl").get("/verwijzingen/auditlog").status_code == 403
    assert _client_for(app, "pro@example.nl").get("/verwijzingen/auditlog.csv").status_code == 403


# --------------------------------------------------------------------------- the response clock


def _referral_at(app, session, world, when: datetime) -> Referral:
    with app.test_request_context():
        new = svc.NewReferral(
            client=svc.NewClient(alias=ALIAS, buurt_id=world["world"].velve.id, age_band=None, languages=["nl"],
                                 life_domains=[], contact_preference="via_wijkcoach"),
            question=QUESTION, voorziening_ids=[world["taal"].id],
            consent=svc.NewConsent(shared_fields=["vraag"], purpose="Aanmelden", valid_until=date(2027, 6, 1),
                                   method="schriftelijk", text_version="2026-12"),
            consented_organisation_ids={world["org"].id})
        from marketplace.db import get_session
        s = get_session()
        (referral,) = svc.create_referrals(s, s.get(type(world["people"]["pro"]), world["people"]["pro"].id), new,
                                           now=when)
        s.commit()
        return referral


def _local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def test_working_days_skip_the_weekend():
    friday = _local(2026, 12, 4, 15, 0)
    assert svc.add_working_days(friday, 2) == _local(2026, 12, 8, 15, 0).astimezone(timezone.utc)
    assert svc.add_working_days(_local(2026, 12, 1, 9, 0), 2) == _local(2026, 12, 3, 9, 0).astimezone(timezone.utc)


def test_the_response_clock_reminds_once_then_shows_no_response(app, session, world, tmp_path):
    app.config.update(MAIL_OUTBOX=str(tmp_path / "outbox"))
    referral = _referral_at(app, session, world, _local(2026, 12, 4, 15, 0))  # a Friday afternoon
    with app.test_request_context():
        from marketplace.db import get_session
        s = get_session()
        assert svc.remind(s, now=_local(2026, 12, 7, 16, 0)) == 0  # Monday: still within 2 working days
        s.commit()
        assert not svc.no_response(s.get(Referral, referral.id), _local(2026, 12, 8, 14, 59))
        assert svc.remind(s, now=_local(2026, 12, 8, 15, 1)) == 1  # Tuesday after 15:00: one reminder
        s.commit()
        assert svc.remind(s, now=_local(2026, 12, 20, 9, 0)) == 0  # never a second one
        s.commit()
        fresh = s.get(Referral, referral.id)
        assert fresh.reminder_sent_at is not None and svc.no_response(fresh, _local(2026, 12, 9, 9, 0))
    mails = sorted((tmp_path / "outbox").glob("*.eml"))
    recipients = " ".join(path.read_text() for path in mails)
    assert "pro@example.nl" in recipients and "aanbieder@example.nl" in recipients
    assert "Herinnering" in recipients and ALIAS not in recipients and "Nederlands leren" not in recipients


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_the_remind_command_with_a_frozen_clock(app, session, world):
    _referral_at(app, session, world, _local(2026, 12, 1, 9, 0))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verwijzingen", "remind", "--now", "2026-12-02T10:00+01:00"])
    assert result.exit_code == 0 and "0 herinneringen" in result.output
    result = runner.invoke(args=["verwijzingen", "remind", "--now", "2026-12-03T09:30+01:00"])
    assert result.exit_code == 0 and "1 herinneringen" in result.output, result.output
    assert runner.invoke(args=["verwijzingen", "remind", "--now", "2026-12-03T09:30"]).exit_code != 0


def test_an_answer_stops_the_clock(app, session, world):
    referral = _referral_at(app, session, world, _local(2026, 12, 1, 9, 0))
    org = _client_for(app, "aanbieder@example.nl")
    # Consent valid until 2027; the referral is old, the organisation answers.
    assert org.post(f"/verwijzingen/{referral.id}/status", data={"naar": "waiting_list"}).status_code == 302
    with app.test_request_context():
        from marketplace.db import get_session
        s = get_session()
        assert svc.remind(s, now=_local(2026, 12, 10, 9, 0)) == 0
        assert not svc.no_response(s.get(Referral, referral.id), _local(2026, 12, 10, 9, 0))


def test_the_list_shows_no_response(app, session, world):
    referral = _referral_at(app, session, world, datetime.now(timezone.utc) - timedelta(days=10))
    page = _client_for(app, "pro@example.nl").get("/verwijzingen/").get_data(as_text=True)
    assert referral.reference in page and "Geen reactie" in page


def test_searching_needs_only_the_first_two_steps(app, session, world):
    """The consent date is on step 4, which appears after the search: a search without it must work."""
    pro = _client_for(app, "pro@example.nl")
    data = {k: v for k, v in _form(world).items() if k not in ("valid_until", "method", "legal_basis",
                                                                 "shared_fields", "purpose")}
    page = pro.post("/verwijzingen/nieuw", data={**data, "search": "Zoek"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Stap 3" in body and "Taalcafé De Velve" in body
    assert (local_today() + timedelta(days=182)).isoformat() in body  # the consent date starts at half a year
    assert re.search(r'<input checked[^>]*value="vraag"', body) and re.search(r'<input checked[^>]*value="mondeling"', body)
    assert "Aanmelden bij de voorziening en de vraag samen oppakken." in body


def test_consent_is_given_per_receiving_organisation(app, session, world):
    """Two voorzieningen of two organisations, consent for one: nothing is shared with the other,
    and nothing is written until the professional fixes it."""
    pro = _client_for(app, "pro@example.nl")
    both = [str(world["taal"].id), str(world["other"].id)]
    page = pro.post("/verwijzingen/nieuw", data=_form(world, voorzieningen=both, refer="Verwijzen",
                                                      consent_organisations=[str(world["org"].id)]))
    assert page.status_code == 422
    assert "Zonder toestemming voor Ander Welzijn" in page.get_data(as_text=True)
    assert session.exec(select(Referral)).first() is None
    page = pro.post("/verwijzingen/nieuw", data=_form(world, voorzieningen=both, refer="Verwijzen"))
    assert page.status_code == 422 and "Zonder toestemming van de cliënt" in page.get_data(as_text=True)
    ok = pro.post("/verwijzingen/nieuw", data=_form(world, voorzieningen=[str(world["taal"].id)], refer="Verwijzen",
                                                    consent_organisations=[str(world["org"].id)]))
    assert ok.status_code == 302
    [referral] = session.exec(select(Referral)).all()
    assert referral.organisation_id == world["org"].id


def test_the_lists_page_with_the_ones_under_way_first(app, session, world):
    for _ in range(21):
        _refer(app, world)
    first = session.exec(select(Referral).order_by(Referral.id)).first()
    first.status = "completed"
    session.add(first)
    session.commit()
    org = _client_for(app, "aanbieder@example.nl")
    page_one = org.get("/verwijzingen/").get_data(as_text=True)
    assert page_one.count('<article class="card">') == 20 and "21 verwijzingen" in page_one
    assert f"/verwijzingen/{first.id}\"" not in page_one  # finished: after the 20 under way
    page_two = org.get("/verwijzingen/?inbox=2").get_data(as_text=True)
    assert page_two.count('<article class="card">') == 1 and f"/verwijzingen/{first.id}\"" in page_two
    team = _client_for(app, "pro2@example.nl").get("/verwijzingen/?team=2").get_data(as_text=True)
    assert team.count('<article class="card">') == 1
    assert org.get("/verwijzingen/?inbox=abc").status_code == 200  # bad page numbers fall back to page 1
