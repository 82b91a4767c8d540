"""Races over real HTTP: threads against a threaded werkzeug server, each with its own cookie jar.

The four races found in the review: sign-ups beyond capacity, two accepted proposals on one
request, yes and no at the same time, and duplicate proposals. Run the file with
BUURTPLEIN_TEST_DATABASE_URL pointing at PostgreSQL to check the other engine.
"""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager

import pytest
from sqlmodel import Session, select

from marketplace.account.services import hash_password
from marketplace.models import (ActivitySignup, Conversation, HelpRequest, Match, User, UserRole)

from .factories import add, make_activity, make_offer, make_organisation, make_request, make_world

pytestmark = pytest.mark.real_commits  # the server's threads each have a connection of their own
PASSWORD = "geheim-wachtwoord"
CHEAP_HASH = hash_password(PASSWORD, method="pbkdf2:sha256:1000")  # the races are the point, not hashing


# --------------------------------------------------------------------------- a real server and real clients


@contextmanager
def serving(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # keep the 302 of the POST itself


class Browser:
    """One visitor: a cookie jar, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def post(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data or {}).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode(errors="replace")

    def login(self, email: str) -> "Browser":
        status, _body = self.post("/login", {"email": email, "password": PASSWORD})
        assert status == 302, f"login of {email} gave {status}"
        return self


def user(session, email: str, name: str, roles=("bewoner",)) -> User:
    row = User(email=email, password_hash=CHEAP_HASH, display_name=name)
    row.roles = [UserRole(role=r) for r in roles]
    return add(session, row)


def all_at_once(calls) -> list[tuple[int, str]]:
    """Run the calls in threads released together by a barrier; results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - reported as a failed call
            results[i] = (-1, repr(error))

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def assert_all_redirects(results):
    codes = Counter(code for code, _body in results)
    assert set(codes) == {302}, f"expected only 302 answers, got {dict(codes)}: " + "; ".join(
        body[:200] for code, body in results if code != 302)


@pytest.fixture
def server(app):
    with serving(app) as base:
        yield base


@pytest.fixture
def db_session(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        yield s


# --------------------------------------------------------------------------- the four races


def test_twenty_sign_ups_for_the_last_place_give_one_place_and_a_clean_waiting_list(app, server, db_session):
    world = make_world(db_session)
    activity = make_activity(db_session, world.velve, org=make_organisation(db_session), title="Koffie", capacity=2)
    first = user(db_session, "eerste@example.nl", "Eerste")
    add(db_session, ActivitySignup(activity_id=activity.id, user_id=first.id, status="signed_up", position=0))
    browsers = [Browser(server).login(user(db_session, f"b{i}@example.nl", f"Buur {i}").email) for i in range(20)]

    results = all_at_once([lambda b=b: b.post(f"/activiteiten/{activity.id}/aanmelden") for b in browsers])

    assert_all_redirects(results)
    db_session.expire_all()
    rows = db_session.exec(select(ActivitySignup).where(ActivitySignup.activity_id == activity.id)).all()
    statuses = Counter(r.status for r in rows)
    assert statuses == {"signed_up": 2, "waiting_list": 19}
    positions = [r.position for r in rows if r.status == "waiting_list"]
    assert len(set(positions)) == len(positions) == 19


def _proposals(session, request, volunteers):
    matches = []
    for i, volunteer in enumerate(volunteers):
        offer = make_offer(session, volunteer, request_buurt(session, request), title=f"Hulp van buur {i}")
        matches.append(add(session, Match(request_id=request.id, kind="offer", offer_id=offer.id,
                                          status="proposed", proposed_by_id=volunteer.id)))
    return matches


def request_buurt(session, request):
    from marketplace.models import Area
    return session.get(Area, request.buurt_id)


def test_a_resident_cannot_accept_two_proposals_at_the_same_time(app, server, db_session):
    world = make_world(db_session)
    resident = user(db_session, "anna@example.nl", "Anna Jansen")
    volunteers = [user(db_session, f"v{i}@example.nl", f"Vrijwilliger {i}", ("vrijwilliger",)) for i in range(6)]
    requests = [make_request(db_session, resident, world.velve, title=f"Boodschappen {n}") for n in range(3)]
    matches = [m for r in requests for m in _proposals(db_session, r, volunteers[:4])]
    browsers = [Browser(server).login(resident.email) for _m in matches]

    results = all_at_once([lambda b=b, m=m: b.post(f"/koppelingen/{m.id}/antwoord", {"antwoord": "ja"})
                           for b, m in zip(browsers, matches)])

    assert_all_redirects(results)
    db_session.expire_all()
    for request in requests:
        accepted = db_session.exec(select(Match).where(Match.request_id == request.id,
                                                       Match.status == "accepted")).all()
        assert len(accepted) == 1, f"request {request.id}: {len(accepted)} accepted"
        assert db_session.get(HelpRequest, request.id).status == "matched"


def test_yes_and_no_at_the_same_time_leave_a_consistent_request(app, server, db_session):
    world = make_world(db_session)
    resident = user(db_session, "anna@example.nl", "Anna Jansen")
    volunteer = user(db_session, "v@example.nl", "Vera", ("vrijwilliger",))
    requests = [make_request(db_session, resident, world.velve, title=f"Klusje {n}") for n in range(8)]
    matches = [_proposals(db_session, r, [volunteer])[0] for r in requests]
    calls = []
    for match in matches:
        for answer in ("ja", "nee"):
            browser = Browser(server).login(resident.email)
            calls.append(lambda b=browser, m=match, a=answer: b.post(f"/koppelingen/{m.id}/antwoord",
                                                                    {"antwoord": a}))

    results = all_at_once(calls)

    assert_all_redirects(results)
    db_session.expire_all()
    for match in matches:
        status = db_session.get(Match, match.id).status
        request_status = db_session.get(HelpRequest, match.request_id).status
        assert status in ("accepted", "declined")
        assert (status == "accepted") == (request_status == "matched"), (status, request_status)


def test_twenty_simultaneous_proposals_make_one_match(app, server, db_session):
    world = make_world(db_session)
    resident = user(db_session, "anna@example.nl", "Anna Jansen")
    volunteer = user(db_session, "v@example.nl", "Vera", ("vrijwilliger",))
    offer = make_offer(db_session, volunteer, world.velve, max_matches_per_month=8)
    request = make_request(db_session, resident, world.velve)
    browsers = [Browser(server).login(volunteer.email) for _i in range(20)]

    results = all_at_once([lambda b=b: b.post("/koppelingen/voorstellen",
                                              {"request_id": request.id, "offer_id": offer.id})
                           for b in browsers])

    assert_all_redirects(results)
    db_session.expire_all()
    matches = db_session.exec(select(Match).where(Match.request_id == request.id)).all()
    assert [m.status for m in matches] == ["proposed"]
    assert len(db_session.exec(select(Conversation)).all()) == 1


# --------------------------------------------------------------------------- the database backs the rules up


def test_a_race_the_lock_misses_is_refused_by_the_unique_index_with_a_dutch_message(app, db_session, monkeypatch):
    """If the lock were skipped, the partial unique index still refuses a second accepted match,
    and the resident gets a MatchError in Dutch, not a 500."""
    from marketplace import db
    from marketplace.koppelingen import services

    world = make_world(db_session)
    resident = user(db_session, "anna@example.nl", "Anna Jansen")
    volunteers = [user(db_session, f"v{i}@example.nl", f"Vrijwilliger {i}", ("vrijwilliger",)) for i in range(2)]
    request = make_request(db_session, resident, world.velve)
    first, second = _proposals(db_session, request, volunteers)
    with app.test_request_context():
        s = db.get_session()
        with db.unit_of_work(s):  # as the view does: the first answer is committed
            services.respond(s, s.get(Match, first.id), s.get(User, resident.id), True)
        # A stale view of the request, as a parallel request without the lock would have had.
        monkeypatch.setattr(db, "lock_for_write", lambda session, model, ident: _stale(session, model, ident))
        with pytest.raises(services.MatchError, match="al hulp"):
            services.respond(s, s.get(Match, second.id), s.get(User, resident.id), True)
    db_session.expire_all()
    assert db_session.get(Match, second.id).status == "proposed"
    assert len(db_session.exec(select(Match).where(Match.status == "accepted")).all()) == 1


def _stale(session, model, ident):
    row = session.get(model, ident)
    if isinstance(row, HelpRequest):
        row.status = "open"  # what it was before the first answer
    return row


def test_a_double_click_on_the_request_form_makes_one_request(app, server, db_session):
    """Issue 12: the same form sent twice at once (a double click) gives one request, and both
    answers lead to it."""
    make_world(db_session)
    anna = user(db_session, "anna@example.nl", "Anna de Vries")
    browser = Browser(server).login(anna.email)
    form = {"category": "boodschappen", "title": "Wie doet boodschappen?", "urgency": "deze week",
            "description": "Ik kan niet goed lopen na mijn operatie.", "postcode": "7541 AB",
            "address": "Velvetstraat 12", "languages": "nl"}

    results = all_at_once([lambda: browser.post("/hulpvragen/nieuw", form)] * 2)

    assert_all_redirects(results)
    db_session.expire_all()
    rows = db_session.exec(select(HelpRequest).where(HelpRequest.posted_by_id == anna.id)).all()
    assert len(rows) == 1
    later = browser.post("/hulpvragen/nieuw", {**form, "title": "Nog een vraag"})  # another question still goes in
    assert later[0] == 302
    assert len(db_session.exec(select(HelpRequest).where(HelpRequest.posted_by_id == anna.id)).all()) == 2
