"""A small municipality for the authorisation matrix and the leak sweep.

Two wijken: A (Velve-Lindenhof, buurt Velve) and B (Pathmos, buurt Pathmos-Noord). One account per
role lives in wijk A (the preventiemakelaar and the professional are linked to wijk A), plus a second
account per role ("other") and a preventiemakelaar of wijk B. Every kind of object exists three times:
owned by the viewer's own account ("own"), by another account in wijk A ("other"), and by another
account in wijk B ("other_wijk"). Private strings are unique, so a leak sweep can look for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlmodel import select

from marketplace.models import (ROLES, ActivitySignup, Area, Conversation, Match, Message, SupportRequest, User,
                                UserWijk)

from . import add, make_activity, make_offer, make_organisation, make_request, make_user, make_voorziening, make_world

PASSWORD = "geheim-wachtwoord"
VIEWERS = ("anonymous", *ROLES)
VARIANTS = ("own", "other", "other_wijk")
SAFETY_MARK = "Dreigingzaak"  # title and text of the safety requests, with a number per request


def email(role: str, who: str = "own") -> str:
    return f"{role}.{who}@example.nl"


@dataclass
class Objects:
    """Ids of one kind of object per variant."""
    own: dict[str, int] = field(default_factory=dict)  # per viewer role
    other: int = 0
    other_wijk: int = 0

    def id_for(self, viewer: str, variant: str) -> int | None:
        if variant == "own":
            return self.own.get(viewer)
        return getattr(self, variant)


@dataclass
class AuthzWorld:
    wijk_a: Area
    wijk_b: Area
    buurt_a: Area
    buurt_b: Area
    users: dict[str, int] = field(default_factory=dict)  # email -> id
    objects: dict[str, Objects] = field(default_factory=dict)
    # Strings of the "other" (wijk A) and "other_wijk" (wijk B) safety requests and private rows.
    secrets: dict[str, list[str]] = field(default_factory=lambda: {"other": [], "other_wijk": []})


def build(session) -> AuthzWorld:
    base = make_world(session)
    wijk_b = session.get(Area, base.pathmos.parent_id)
    world = AuthzWorld(base.wijk, wijk_b, base.velve, base.pathmos)

    def person(role: str, who: str) -> User:
        user = make_user(session, email=email(role, who), roles=(role,), name=f"{role.capitalize()} {who.capitalize()}")
        user.trusted = True
        user.postcode = "7541AB" if who != "other_wijk" else "7513AA"
        session.add(user)
        session.commit()
        world.users[user.email] = user.id
        return user

    people = {(r, w): person(r, w) for r in ROLES for w in ("own", "other")}
    pm_b = person("preventiemakelaar", "other_wijk")
    pro_b = person("professional", "other_wijk")  # another team: the referrals of wijk B
    for role in ("preventiemakelaar", "professional"):
        add(session, UserWijk(user_id=people[(role, "own")].id, wijk_id=world.wijk_a.id))
        add(session, UserWijk(user_id=people[(role, "other")].id, wijk_id=world.wijk_a.id))
    add(session, UserWijk(user_id=pm_b.id, wijk_id=wijk_b.id))
    add(session, UserWijk(user_id=pro_b.id, wijk_id=wijk_b.id))
    other_a, other_b = people[("bewoner", "other")], pm_b

    org_own = make_organisation(session, name="Eigen Welzijn", staff=people[("aanbieder", "own")])
    org_other = make_organisation(session, name="Ander Welzijn", staff=people[("aanbieder", "other")])

    counter = iter(range(100, 1000))

    def request(owner, buurt, sensitive: bool):
        n = next(counter)
        mark = f"{SAFETY_MARK}{n}"
        row = make_request(
            session, owner, buurt, title=f"{mark} bij mevrouw" if sensitive else "Hulp bij boodschappen",
            categories=("veiligheid",) if sensitive else ("boodschappen",),
            description=f"{mark}: haar zoon bedreigt haar." if sensitive else "Ik kan niet goed lopen.",
            address=f"Geheimstraat {n}", contact_name=f"Zeynep Verborgen{n}", contact_phone=f"06-555{n:05d}",
            on_behalf=True)
        who = "other_wijk" if owner.id == other_b.id else "other" if owner.id == other_a.id else None
        if who:
            world.secrets[who] += [f"Geheimstraat {n}", f"Verborgen{n}", f"555{n:05d}"] + ([mark] if sensitive else [])
        return row.id

    kinds = {
        "request": lambda owner, buurt: request(owner, buurt, sensitive=False),
        "safety_request": lambda owner, buurt: request(owner, buurt, sensitive=True),
        "pending_request": lambda owner, buurt: make_request(session, owner, buurt, moderation="pending",
                                                             title="Wachtende vraag").id,
        "offer": lambda owner, buurt: make_offer(session, owner, buurt, radius_m=20000).id,
        "pending_offer": lambda owner, buurt: make_offer(session, owner, buurt, moderation="pending",
                                                         title="Wachtend aanbod").id,
        "activity": lambda owner, buurt: make_activity(session, buurt, owner=owner, capacity=30,
                                                       title=f"Activiteit {next(counter)}").id,
        "voorziening": lambda owner, buurt: make_voorziening(
            session, org_own if owner.id == people[("aanbieder", "own")].id else org_other, buurt,
            name=f"Voorziening {next(counter)}").id,
    }
    for kind, factory in kinds.items():
        objects = Objects()
        for role in ROLES:
            objects.own[role] = factory(people[(role, "own")], world.buurt_a)
        objects.other = factory(other_a if kind != "voorziening" else people[("aanbieder", "other")], world.buurt_a)
        objects.other_wijk = factory(other_b if kind != "voorziening" else people[("aanbieder", "other")],
                                     world.buurt_b)
        world.objects[kind] = objects

    # Matches: the viewer's own request with a volunteer's offer, so each viewer is a party of "own".
    volunteer_offer = world.objects["offer"].own["vrijwilliger"]
    helper_offer = world.objects["offer"].other
    matches = Objects()

    def match(request_id: int, offer_id: int) -> int:
        m = add(session, Match(request_id=request_id, kind="offer", offer_id=offer_id, status="accepted"))
        conversation = add(session, Conversation(match_id=m.id))
        add(session, Message(conversation_id=conversation.id, sender_id=people[("bewoner", "other")].id,
                             body="Ik woon op de Geheimstraat 9."))
        return m.id

    for role in ROLES:
        offer = helper_offer if role == "vrijwilliger" else volunteer_offer
        if role == "vrijwilliger":
            matches.own[role] = match(world.objects["request"].other, volunteer_offer)
        else:
            matches.own[role] = match(world.objects["request"].own[role], offer)
    matches.other = match(make_request(session, other_a, world.buurt_a, title="Andermans vraag").id, helper_offer)
    matches.other_wijk = match(make_request(session, other_b, world.buurt_b, title="Vraag in B").id, helper_offer)
    world.objects["match"] = matches

    supports = Objects()
    for variant, activity_id in (("other", world.objects["activity"].other),
                                 ("other_wijk", world.objects["activity"].other_wijk)):
        setattr(supports, variant, add(session, SupportRequest(activity_id=activity_id, asked_by_id=other_a.id,
                                                               question="Kunnen jullie helpen?")).id)
    world.objects["support"] = supports
    world.objects["referral"] = _referrals(session, world, people, pro_b, org_own, org_other, counter)
    users = Objects(other=people[("bewoner", "other")].id, other_wijk=pm_b.id)
    users.own = {role: people[(role, "own")].id for role in ROLES}
    world.objects["user"] = users
    add(session, ActivitySignup(activity_id=world.objects["activity"].other, user_id=other_a.id, status="signed_up"))
    session.commit()
    return world


def _referrals(session, world, people, pro_b, org_own, org_other, counter) -> Objects:
    """Referrals: the professional's own (to another organisation), one to the aanbieder's own
    organisation (made by a colleague in the same wijk: the same team), one by that colleague to
    another organisation, and one by wijk B's professional. Client aliases and questions are secrets:
    'team' ones only the wijk A team may see, 'team_and_org' ones also the receiving aanbieder."""
    from datetime import date

    from marketplace.models import Consent, Referral, ReferralClient, ReferralEvent, Voorziening

    def voorziening(org) -> int:
        return session.exec(select(Voorziening.id).where(Voorziening.organisation_id == org.id)).first()

    def referral(by, org, secret_kind: str) -> int:
        n = next(counter)
        alias, question = f"Clientgeheim{n}", f"Verwijsvraag{n}: mevrouw wil meer mensen leren kennen."
        client = add(session, ReferralClient(professional_id=by.id, alias=alias, buurt_id=world.buurt_a.id))
        row = add(session, Referral(reference=f"VW-T{n}", professional_id=by.id, client_id=client.id,
                                    voorziening_id=voorziening(org), organisation_id=org.id, question=question,
                                    client_token=f"token-{n}-geheim"))
        add(session, Consent(referral_id=row.id, organisation_id=org.id, shared_fields="vraag,voornaam",
                             purpose="Aanmelden", valid_until=date(2099, 1, 1), text_version="2026-12",
                             method="mondeling", recorded_by_id=by.id))
        add(session, ReferralEvent(referral_id=row.id, actor_id=by.id, actor_kind="professional", to_status="referred"))
        world.secrets.setdefault(secret_kind, []).extend([alias, question.split(":")[0], row.client_token])
        return row.id

    colleague = people[("professional", "other")]
    referrals = Objects()
    referrals.own["professional"] = referral(people[("professional", "own")], org_other, "team")
    referrals.own["aanbieder"] = referral(colleague, org_own, "team_and_org")
    referrals.other = referral(colleague, org_other, "team")
    referrals.other_wijk = referral(pro_b, org_other, "other_wijk")
    return referrals


__all__ = ["AuthzWorld", "PASSWORD", "SAFETY_MARK", "VARIANTS", "VIEWERS", "build", "email"]


@contextmanager
def world_app(base_config: dict, extra=None) -> Iterator:
    """An app on the emptied test database holding the world (``app.config["AUTHZ_WORLD"]``), for a
    module's crawls and matrix; ``extra(app, session)`` adds to its config. Emptied again after."""
    from marketplace import create_app, db

    from ..support import clean_database

    app = create_app({**base_config, "PROPAGATE_EXCEPTIONS": False})
    with app.app_context():
        clean_database(app)
        with db.session_scope() as session:
            app.config["AUTHZ_WORLD"] = build(session)
            if extra is not None:
                extra(app, session)
    try:
        yield app
    finally:
        with app.app_context():
            clean_database(app)
        app.extensions["db_engine"].dispose()
