"""One unit of work per user action: only db.py commits, side effects wait for the commit.

Services add and flush; a view's ``db.unit_of_work()`` (a CLI job's ``db.session_scope()``) commits
once. Mail queued in a request that then fails is never sent; a request that writes outside a
unit of work is refused under test.
"""

from __future__ import annotations

import ast
import email
import email.policy
from pathlib import Path

import pytest
from sqlmodel import Session, select

from marketplace import db, mail, matching_service
from marketplace.moderatie import support
from marketplace.models import Activity, AuditEvent, SupportRequest, User, VolunteerOffer

from .factories import login, make_activity, make_offer, make_preventiemakelaar, make_user, make_world

PACKAGE = Path(__file__).resolve().parents[1] / "marketplace"
# Commits that are no unit of work, each with its reason.
ALLOWED = {
    "db.py": "the unit of work itself",
    "jobs.py": "advisory-lock connections: a lock, not a unit of work",
    "voorzieningen/search.py": "the search index's own connection: a cache beside the request's transaction",
}


def _commits(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr in ("commit", "rollback")]


def test_only_the_unit_of_work_commits_or_rolls_back():
    found = {f"{path.relative_to(PACKAGE)}:{line}" for path in sorted(PACKAGE.rglob("*.py"))
             if path.relative_to(PACKAGE).as_posix() not in ALLOWED for line in _commits(path)}
    assert found == set(), "services flush, views use db.unit_of_work(), jobs db.session_scope()"


@pytest.fixture
def outbox(app):
    folder = Path(app.config["MAIL_OUTBOX"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    return lambda: [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                    for p in sorted(folder.glob("*.eml"))]


@pytest.fixture
def support_scene(session):
    world = make_world(session)
    owner = make_user(session, email="ali@example.nl", name="Ali Demir")
    pm = make_preventiemakelaar(session, world)
    activity = make_activity(session, world.velve, owner=owner)
    return owner, pm, activity


def test_mail_queued_in_a_request_that_then_fails_is_never_sent(app, client, session, support_scene, outbox):
    owner, _pm, activity = support_scene

    @app.route("/_test/steun-en-dan-een-fout")
    def support_then_fail():
        # The service queues a mail to the preventiemakelaar; then the request fails.
        s = db.get_session()
        support.ask_support(s, s.get(Activity, activity.id), s.get(User, owner.id), "Wij zoeken een ruimte.")
        raise RuntimeError("the request fails after the service")

    with pytest.raises(RuntimeError):
        client.get("/_test/steun-en-dan-een-fout")
    assert outbox() == []
    with db.new_session(db.bind_of(app)) as s:
        assert s.exec(select(SupportRequest)).all() == []  # and nothing half-written


@pytest.mark.real_commits  # another connection must see what the request committed
def test_a_successful_request_sends_its_mail_after_the_commit(app, client, session, support_scene, outbox,
                                                            monkeypatch):
    _owner, pm, activity = support_scene
    seen_at_send = []
    real_deliver = mail.deliver

    def deliver(message):
        with Session(app.extensions["db_engine"]) as other:  # another connection sees only what is committed
            seen_at_send.append(len(other.exec(select(SupportRequest)).all()))
        return real_deliver(message)

    monkeypatch.setattr(mail, "deliver", deliver)
    login(client, "ali@example.nl")
    response = client.post(f"/activiteiten/{activity.id}/steun", data={"question": "Wij zoeken een ruimte."})
    assert response.status_code == 302
    assert [m["To"] for m in outbox()] == [pm.email]
    assert seen_at_send == [1]


def test_a_conflict_is_a_dutch_message_and_writes_nothing(app, client, session):
    make_user(session, email="anna@example.nl")

    @app.route("/_test/dubbel-account", methods=["POST"])
    def duplicate():
        with db.unit_of_work() as s:
            s.add(AuditEvent(action="test.before"))
            s.add(User(email="anna@example.nl", password_hash="x", display_name="Tweede Anna"))
        return "saved"

    response = client.post("/_test/dubbel-account")
    assert response.status_code == 409
    assert "Iemand anders heeft dit net veranderd" in response.get_data(as_text=True)
    with db.new_session(db.bind_of(app)) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "test.before")).all() == []


def test_a_view_that_writes_outside_a_unit_of_work_is_refused_under_test(app, client, session):
    @app.route("/_test/vergeten", methods=["POST"])
    def forgotten():
        db.get_session().add(AuditEvent(action="test.lost"))
        return "looks saved"

    with pytest.raises(RuntimeError, match="outside db.unit_of_work"):
        client.post("/_test/vergeten")


def test_side_effects_run_after_the_commit_and_are_dropped_on_rollback(app):
    ran = []
    with app.app_context(), db.new_session(db.bind_of(app)) as s:
        with pytest.raises(ValueError):
            with db.unit_of_work(s):
                db.after_commit(s, lambda: ran.append("rolled back"))
                s.add(AuditEvent(action="test"))
                raise ValueError("the action fails")
        with db.unit_of_work(s):
            db.after_commit(s, lambda: ran.append("committed"))
            assert ran == []  # not before the commit
            s.add(AuditEvent(action="test"))
    assert ran == ["committed"]


def test_uncommitted_listing_changes_never_reach_the_shared_matcher(app, session):
    world = make_world(session)
    volunteer = make_user(session, email="vera@example.nl", roles=("vrijwilliger",))
    offer = make_offer(session, volunteer, world.velve)
    with app.app_context():
        s = db.get_session()
        matching_service.get_matcher(s)
        state = app.extensions["matching"]
        applied = state["applied"]
        s.get(VolunteerOffer, offer.id).status = "paused"
        s.flush()  # the supply_change log has the entry, uncommitted
        matching_service.get_matcher(s)
        assert state["applied"] == applied
        s.rollback()
        matching_service.get_matcher(s)
        assert state["applied"] == applied  # the rolled-back entry never counted
