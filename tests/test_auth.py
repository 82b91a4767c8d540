"""Registration, login, logout, password reset, roles, CSRF: over HTTP."""

from __future__ import annotations

import email
import email.policy
import re

from sqlmodel import select

from marketplace import db
from marketplace.models import AuditEvent, User

from .factories import login, make_user


def _user_count(app):
    with app.app_context():
        return len(db.get_session().exec(select(User)).all())


def confirm_link(app, address: str) -> str:
    """The confirmation link in the last welcome mail to ``address`` (the outbox folder)."""
    import pathlib
    mails = sorted(pathlib.Path(app.config["MAIL_OUTBOX"]).glob(f"*{address.replace('@', '_at_')}*.eml"))
    body = email.message_from_bytes(mails[-1].read_bytes(), policy=email.policy.default).get_body().get_content()
    return re.search(r"https?://[^/\s]+(/account-bevestigen/\S+)", body).group(1)


def test_register_hashes_the_password_and_the_mailed_link_logs_in(app, client):
    response = client.post("/registreren", data={
        "display_name": "Fatma Yilmaz", "email": "Fatma@Example.nl", "password": "een lange zin hier",
        "confirm": "een lange zin hier", "postcode": "7511 ab", "wants": ["bewoner", "vrijwilliger"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    with app.app_context():
        user = db.get_session().exec(select(User).where(User.email == "fatma@example.nl")).one()
        # Hashed with the configured method (cheap in tests; see the next test for production).
        assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
        assert user.role_names == {"bewoner", "vrijwilliger"}
        assert user.postcode == "7511AB" and not user.email_confirmed
    # Not logged in, and the password alone does not open the account before the mail's link.
    assert client.get("/profiel").status_code == 302
    assert login(client, "fatma@example.nl", "een lange zin hier").status_code == 422
    assert client.get(confirm_link(app, "fatma@example.nl")).status_code == 302
    assert "Fatma" in client.get("/profiel").get_data(as_text=True)
    client.post("/logout")
    assert login(client, "fatma@example.nl", "een lange zin hier").status_code == 302


def test_a_forged_confirmation_link_confirms_nothing(client):
    response = client.get("/account-bevestigen/niet-echt")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_passwords_are_hashed_with_scrypt_unless_configured_otherwise():
    from marketplace.account.services import hash_password
    from marketplace.config import from_environment
    assert from_environment()["PASSWORD_HASH_METHOD"] == "scrypt"
    assert hash_password("een lange zin hier").startswith("scrypt:")


def test_register_bad_input_gives_dutch_errors_keeps_input_and_writes_nothing(app, client):
    response = client.post("/registreren", data={
        "display_name": "Jan", "email": "geen-email", "password": "kort", "confirm": "anders",
        "postcode": "12345"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "geldig e-mailadres" in page
    assert "minstens 10 tekens" in page
    assert "postcode in zoals 7511 AB" in page
    assert 'value="Jan"' in page and 'value="geen-email"' in page
    assert _user_count(app) == 0


REGISTER = {"display_name": "Anna", "password": "een lange zin hier", "confirm": "een lange zin hier",
            "wants": ["bewoner"]}


def _flashes(client):
    with client.session_transaction() as s:
        return list(s.get("_flashes", []))


def _outbox(app):
    from pathlib import Path
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"))]


def test_register_refuses_a_self_chosen_staff_role(app, client):
    page = client.post("/registreren", data={**REGISTER, "email": "b@example.nl", "wants": ["beheerder"]}).get_data(as_text=True)
    assert "ongeldige keuze" in page
    assert _user_count(app) == 0


def test_register_answers_a_known_address_exactly_like_a_new_one(make_app, tmp_path):
    app = make_app(MAIL_OUTBOX=str(tmp_path / "outbox"))
    with app.app_context():
        anna = make_user(db.get_session(), email="anna@example.nl")
    new, known = app.test_client(), app.test_client()
    first = new.post("/registreren", data={**REGISTER, "email": "nieuw@example.nl"})
    second = known.post("/registreren", data={**REGISTER, "email": "Anna@Example.nl"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert first.get_data() == second.get_data()
    assert _flashes(new) == _flashes(known) == [("success", "Kijk in uw e-mail om verder te gaan.")]
    assert "al een account" not in second.get_data(as_text=True)
    # The owner gets a note, not a second account; nothing about the account changed.
    assert _user_count(app) == 2
    mails = {m["To"]: m for m in _outbox(app)}
    assert set(mails) == {"nieuw@example.nl", "anna@example.nl"}
    note = mails["anna@example.nl"]
    assert "Iemand wilde een account maken" in note["Subject"]
    assert "/wachtwoord-vergeten" in note.get_content() and "/login" in note.get_content()
    with app.app_context():
        assert db.get_session().get(User, anna.id).password_hash == anna.password_hash
    # Neither is signed in, and the password just chosen opens neither (the new account waits for
    # the link in its mail): nothing tells the two apart (security issue, finding 10).
    assert new.get("/profiel").status_code == known.get("/profiel").status_code == 302
    tried_new = login(new, "nieuw@example.nl", REGISTER["password"])
    tried_known = login(known, "anna@example.nl", REGISTER["password"])
    assert tried_new.status_code == tried_known.status_code == 422
    page = lambda r, address: re.sub(r'name="csrf_token" value="[^"]*"', "", r.get_data(as_text=True)  # noqa: E731
                                     ).replace(address, "")
    assert page(tried_new, "nieuw@example.nl") == page(tried_known, "anna@example.nl")


def test_register_does_the_same_hashing_work_for_a_known_address(app, session, monkeypatch):
    import marketplace.account.services as accounts
    make_user(session, email="anna@example.nl")
    calls = []
    real = accounts.generate_password_hash
    monkeypatch.setattr(accounts, "generate_password_hash", lambda *a, **k: calls.append(1) or real(*a, **k))
    app.test_client().post("/registreren", data={**REGISTER, "email": "nieuw@example.nl"})
    new_calls, calls[:] = len(calls), []
    app.test_client().post("/registreren", data={**REGISTER, "email": "anna@example.nl"})
    assert new_calls == len(calls) == 1


def test_login_costs_one_hash_check_for_unknown_wrong_and_inactive_addresses(app, session, monkeypatch):
    import marketplace.account.services as accounts
    make_user(session, email="anna@example.nl")
    sleeper = make_user(session, email="slaap@example.nl", name="Slaap")
    sleeper.is_active = False
    session.add(sleeper)
    session.commit()
    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda *a, **k: calls.append(1) or real(*a, **k))
    counts, pages = {}, {}
    for email_address in ("niemand@example.nl", "anna@example.nl", "slaap@example.nl"):
        calls.clear()
        response = login(app.test_client(), email=email_address, password="fout-wachtwoord")
        counts[email_address] = len(calls)
        page = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", response.get_data(as_text=True))
        pages[email_address] = (response.status_code, page.replace(email_address, "@"))
    assert set(counts.values()) == {1}, counts
    assert len(set(pages.values())) == 1  # same status and the same page, apart from the typed address
    assert pages["anna@example.nl"][0] == 422


def test_login_logout(app, client, session):
    make_user(session)
    assert client.get("/profiel").status_code == 302
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/profiel")
    assert client.get("/profiel").status_code == 200
    client.post("/logout")
    assert client.get("/profiel").status_code == 302


def test_login_with_wrong_password_says_so_in_dutch(client, session):
    make_user(session)
    response = login(client, password="fout-wachtwoord")
    assert response.status_code == 422
    assert "horen niet bij elkaar" in response.get_data(as_text=True)


def test_login_refuses_an_off_site_next(client, session):
    make_user(session)
    response = client.post("/login?next=https://evil.example.com/",
                           data={"email": "anna@example.nl", "password": "geheim-wachtwoord"})
    assert response.headers["Location"].endswith("/profiel")


def test_password_reset_by_mail_over_real_smtp(make_app, smtp_server):
    host, port, messages = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port, BASE_URL="https://buurtplein.example")
    client = app.test_client()
    with app.app_context():
        make_user(db.get_session())
    # A forged Host header must not steer the link: it comes from BASE_URL only.
    response = client.post("/wachtwoord-vergeten", data={"email": "anna@example.nl"},
                           headers={"Host": "evil.example"})
    assert response.status_code == 302
    assert len(messages) == 1 and messages[0].rcpt_tos == ["anna@example.nl"]
    body = email.message_from_bytes(messages[0].content, policy=email.policy.default).get_content()
    assert "evil.example" not in body
    link = re.search(r"https://buurtplein\.example(/wachtwoord-herstellen/\S+)", body).group(1)
    response = client.post(link, data={"password": "nieuw wachtwoord 123", "confirm": "nieuw wachtwoord 123"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert login(client, password="nieuw wachtwoord 123").status_code == 302
    # The link works once: the hash it was bound to has changed.
    client.post("/logout")
    assert client.get(link).status_code == 302
    assert "/wachtwoord-vergeten" in client.get(link).headers["Location"]


def test_password_reset_for_unknown_address_reveals_nothing(app, client):
    response = client.post("/wachtwoord-vergeten", data={"email": "niemand@example.nl"}, follow_redirects=True)
    assert "Als dit e-mailadres bij ons bekend is" in response.get_data(as_text=True)


def test_password_reset_with_a_forged_token(client):
    response = client.get("/wachtwoord-herstellen/niet-echt")
    assert response.status_code == 302


def test_anonymous_goes_to_login_and_wrong_role_gets_403(client, session):
    response = client.get("/beheer/gebruikers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    make_user(session)
    login(client)
    assert client.get("/beheer/gebruikers").status_code == 403


def test_beheerder_assigns_roles_and_it_is_audited(app, client, session):
    make_user(session, email="admin@example.nl", roles=("beheerder",), name="Beheer")
    anna = make_user(session)
    login(client, email="admin@example.nl")
    assert "anna@example.nl" in client.get("/beheer/gebruikers").get_data(as_text=True)
    response = client.post(f"/beheer/gebruikers/{anna.id}/rollen", data={"roles": ["bewoner", "ambassadeur"]})
    assert response.status_code == 302
    with app.app_context():
        s = db.get_session()
        assert s.get(User, anna.id).role_names == {"bewoner", "ambassadeur"}
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "account.roles")).first()
    assert client.get("/beheer/gebruikers/999999/rollen").status_code == 404


def test_beheerder_links_aanbieder_to_organisation_and_preventiemakelaar_to_wijk(app, client, session):
    from marketplace.models import UserOrganisation, UserWijk
    from tests.factories import make_organisation, make_world
    world = make_world(session)
    org = make_organisation(session)
    make_user(session, email="admin@example.nl", roles=("beheerder",), name="Beheer")
    marieke = make_user(session, email="m@example.nl", roles=("bewoner",), name="Marieke")
    login(client, email="admin@example.nl")
    page = client.get(f"/beheer/gebruikers/{marieke.id}/rollen").get_data(as_text=True)
    assert "Welzijn Oost" in page and "Velve-Lindenhof" in page
    client.post(f"/beheer/gebruikers/{marieke.id}/rollen", data={
        "roles": ["preventiemakelaar", "aanbieder"], "organisations": [str(org.id)], "wijken": [str(world.wijk.id)]})
    with app.app_context():
        s = db.get_session()
        assert [l.organisation_id for l in s.exec(select(UserOrganisation))] == [org.id]
        assert [l.wijk_id for l in s.exec(select(UserWijk))] == [world.wijk.id]
    client.post(f"/beheer/gebruikers/{marieke.id}/rollen", data={"roles": ["bewoner"]})
    with app.app_context():
        assert db.get_session().exec(select(UserWijk)).first() is None
    bad = client.post(f"/beheer/gebruikers/{marieke.id}/rollen", data={"roles": ["bewoner"], "wijken": ["999"]})
    assert bad.status_code == 422


def test_csrf_token_is_required_on_forms(make_app, session):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        make_user(db.get_session())
    response = client.post("/login", data={"email": "anna@example.nl", "password": "geheim-wachtwoord"})
    assert response.status_code == 400
    assert "formulier is verlopen" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "anna@example.nl", "password": "geheim-wachtwoord",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_profile_update_with_bad_phone_keeps_input(client, session):
    make_user(session)
    login(client)
    response = client.post("/profiel", data={"display_name": "Anna", "phone": "bel me maar", "postcode": ""})
    assert response.status_code == 422
    assert "alleen cijfers" in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client):
    client.post("/taal", data={"lang": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/taal", data={"lang": "nl", "next": "//evil.example.com"})
    assert 'lang="nl"' in client.get("/").get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "bestaat niet" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- sessions end on the server


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str, name: str = "session"):
    """A fresh browser holding only the copied cookie."""
    thief = app.test_client()
    thief.set_cookie(name, cookie)
    return thief.get("/profiel")


def test_an_old_session_cookie_is_useless_after_logout(app, client, session):
    make_user(session)
    login(client)
    copied = _session_cookie(client)
    assert _replay(app, copied).status_code == 200
    client.post("/logout")
    response = _replay(app, copied)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Logging in again works, with a new session.
    assert login(client).status_code == 302 and client.get("/profiel").status_code == 200


def test_a_password_reset_ends_every_session_of_that_user(app, client, session):
    from marketplace.account.services import make_reset_token
    anna = make_user(session)
    make_user(session, email="bert@example.nl", name="Bert")
    login(client)
    copied = _session_cookie(client)  # e.g. on a stolen phone
    other = app.test_client()
    login(other, email="bert@example.nl")
    token = make_reset_token(anna, app.config["SECRET_KEY"])
    response = app.test_client().post(f"/wachtwoord-herstellen/{token}",
                                      data={"password": "nieuw wachtwoord 123", "confirm": "nieuw wachtwoord 123"})
    assert response.status_code == 302
    assert _replay(app, copied).status_code == 302
    assert client.get("/profiel").status_code == 302
    assert other.get("/profiel").status_code == 200  # someone else's session is not touched


def test_a_remember_me_cookie_follows_the_same_rule(app, session):
    from flask_login.utils import encode_cookie
    anna = make_user(session)
    with app.test_request_context():
        remember = encode_cookie(anna.get_id())
    name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    assert _replay(app, remember, name).status_code == 200
    client = app.test_client()
    login(client)
    client.post("/logout")
    assert _replay(app, remember, name).status_code == 302


JUNK_IDS = ["", "abc", "1", "1:", ":1", "1:1:1", "-1:1", "1:-1", " 1:1", "１:1", "1:x",
            "99999999999999999999:1", "1:99999999999999999999", str(2**63) + ":1", "9" * 5000 + ":1"]


def test_the_user_loader_never_crashes_on_junk(app, session):
    from marketplace.account.services import user_for_login_id
    anna = make_user(session)
    assert user_for_login_id(session, anna.get_id()).id == anna.id
    for junk in JUNK_IDS + [None, 1, ["1:1"]]:
        assert user_for_login_id(session, junk) is None, junk


def test_a_forged_huge_user_id_is_a_logged_out_visitor_not_a_500(app, session):
    from .test_security_config import forge_session_cookie
    make_user(session)
    for junk in ("99999999999999999999", "99999999999999999999:1", "1:99999999999999999999"):
        cookie = forge_session_cookie(app.config["SECRET_KEY"], {"_user_id": junk, "_fresh": True})
        response = _replay(app, cookie)
        assert response.status_code == 302 and "/login" in response.headers["Location"], junk


def test_the_roles_page_is_headed_with_the_user_being_edited(app, client, session):
    """Issue 10: the heading showed the beheerder's own name and e-mail."""
    make_user(session, email="beheer@example.nl", roles=("beheerder",), name="Ben Beheerder")
    other = make_user(session, email="anna@example.nl", name="Anna de Vries")
    login(client, "beheer@example.nl")
    page = client.get(f"/beheer/gebruikers/{other.id}/rollen").get_data(as_text=True)
    heading = page[page.index("<h1>"):page.index("</h1>")]
    assert "Anna de Vries" in heading and "Ben Beheerder" not in heading
    main = page[page.index("<h1>"):]
    assert "anna@example.nl" in main and "beheer@example.nl" not in main


def test_register_says_plainly_when_the_postcode_is_outside_the_municipality(app, client, session):
    from tests.factories import make_world
    make_world(session)
    response = client.post("/registreren", data={**REGISTER, "email": "ver@example.nl", "postcode": "1011 AB"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Deze postcode ligt niet in Enschede" in page and 'value="ver@example.nl"' in page
    assert _user_count(app) == 0
    assert client.post("/registreren", data={**REGISTER, "email": "hier@example.nl", "postcode": "7541 AB"}).status_code == 302
