"""Referrals (doorverwijzingen) with a warm hand-over, consent and a closed loop.

Who sees a referral, in one place (``access``):

- **the referring team**: the professional who made it and every professional who shares a wijk
  with them (``user_wijk``). A professional linked to no wijk is a team of one. The team sees the
  pseudonymous client record, the question, the consent and every event.
- **the receiving organisation** (its aanbieders, ``user_organisation``): only while the client's
  consent for that organisation holds (not withdrawn, not past its end date), and then only the
  fields the client agreed to share. After a withdrawal the organisation sees in its inbox that the
  referral was withdrawn, nothing more; the details are a 403.
- nobody else: not a professional of another team, another organisation, a resident, a volunteer,
  nor the beheerder (who reads and exports the audit log, not the client records).

Every view and change writes an audit event (``audit.record``) without client data in it.
Statuses: verwezen → aangemeld → gestart → afgerond, plus wachtlijst, niet_gestart, ingetrokken;
niet_gestart and ingetrokken always carry a reason from REFERRAL_REASONS and who gave it. Every
change is a ``referral_event`` row. Services flush, never commit: the view commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case
from sqlmodel import Session, select

from .. import audit, emails
from ..paging import Page, paginate_query
from ..models import (REFERRAL_REASONS, Area, Consent, Organisation, Referral, ReferralClient, ReferralEvent,
                      User, UserOrganisation, UserRole, UserWijk, Voorziening, utcnow)
from ..timeutil import LOCAL_TZ, to_local

# The Dutch values statuses had until December 2026: a form or script that still posts them works.
DUTCH_VALUES = {"verwezen": "referred", "aangemeld": "signed_up", "wachtlijst": "waiting_list", "gestart": "started",
                "afgerond": "completed", "niet_gestart": "not_started", "ingetrokken": "withdrawn"}
OPEN = ("referred", "signed_up", "waiting_list", "started")
ENDS = ("completed", "not_started", "withdrawn")
NEEDS_REASON = ("not_started", "withdrawn")
WAITING_FOR_ORGANISATION = ("referred",)

# What the organisation may do, from each status.
ORGANISATION_MOVES = {
    "referred": ("signed_up", "waiting_list", "not_started"),
    "waiting_list": ("signed_up", "not_started"),
    "signed_up": ("started", "not_started"),
    "started": ("completed",),
}
CLIENT_CAN_REPORT = ("referred", "signed_up", "waiting_list", "started")

STATUS_WORDS = {
    "referred": _l("Verwezen, wacht op de organisatie"), "signed_up": _l("Aangemeld"),
    "waiting_list": _l("Op de wachtlijst"), "started": _l("Gestart"), "completed": _l("Afgerond"),
    "not_started": _l("Niet gestart"), "withdrawn": _l("Ingetrokken"),
}
STATUS_BADGE = {"referred": "waiting", "signed_up": "info", "waiting_list": "waiting", "started": "info",
                "completed": "done", "not_started": "closed", "withdrawn": "closed"}
REASON_WORDS = {
    "niet_bereikt": _l("Niet bereikt"), "geen_plek": _l("Geen plek"), "past_niet": _l("Past niet"),
    "geen_interesse": _l("Geen interesse"), "elders_verwezen": _l("Elders verwezen"), "anders": _l("Anders"),
}
ACTOR_WORDS = {"professional": _l("wijkcoach"), "organisatie": _l("organisatie"), "client": _l("cliënt"),
               "systeem": _l("Buurtplein")}
ACTION_WORDS = {  # the organisation's buttons
    "signed_up": _l("Aannemen: intake bevestigd"), "waiting_list": _l("Op de wachtlijst"),
    "not_started": _l("Afwijzen of niet gestart"), "started": _l("Gestart"), "completed": _l("Afgerond"),
}
AGE_BAND_WORDS = {"0-17": _l("jonger dan 18"), "18-26": _l("18 tot 27 jaar"), "27-45": _l("27 tot 46 jaar"),
                  "46-65": _l("46 tot 66 jaar"), "66-79": _l("66 tot 80 jaar"), "80+": _l("80 jaar of ouder")}
CONTACT_WORDS = {"telefoon": _l("Bellen"), "mail": _l("E-mail"), "via_wijkcoach": _l("Via de wijkcoach"),
                 "niet_benaderen": _l("Niet benaderen: de wijkcoach regelt het contact")}
LEGAL_BASIS_WORDS = {"wmo_2015": _l("Wmo 2015 (maatschappelijke ondersteuning)"), "jeugdwet": _l("Jeugdwet"),
                     "participatiewet": _l("Participatiewet"),
                     "overeenkomst": _l("Afspraak met de cliënt (overeenkomst)")}
METHOD_WORDS = {"mondeling": _l("Mondeling"), "schriftelijk": _l("Schriftelijk")}
# Leefgebieden (DOMAIN.md, 004:301), stored as these slugs.
LIFE_DOMAINS = {
    "lichamelijke_gezondheid": _l("Lichamelijke gezondheid"), "psychosociale_gezondheid": _l("Psychosociale gezondheid"),
    "coping": _l("Omgaan met problemen"), "zorgbehoefte": _l("Zorgbehoefte"), "leefstijl": _l("Leefstijl"),
    "middelengebruik": _l("Middelengebruik"), "fysieke_omgeving": _l("Woning en buurt"),
    "sociale_omgeving": _l("Sociale omgeving"), "dagbesteding": _l("Dagbesteding"),
    "financien": _l("Financiële situatie"), "opleiding": _l("Opleiding"),
}
# What may be shared with an organisation; the client chooses.
SHARE_FIELDS = {"vraag": _l("De vraag"), "voornaam": _l("Voornaam of roepnaam"), "buurt": _l("Buurt"),
                "leeftijd": _l("Leeftijdsgroep"), "talen": _l("Talen"), "leefgebieden": _l("Leefgebieden"),
                "contactvoorkeur": _l("Hoe de cliënt contact wil")}
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ReferralError(Exception):
    """A change that is not allowed now; the message is Dutch and safe to show."""


class ConsentMissing(ReferralError):
    """A chosen voorziening's organisation has no consent of the client."""


# --------------------------------------------------------------------------- who sees what


def team_ids(session: Session, user) -> set[int]:
    """The referring team of ``user``: professionals sharing a wijk with them, and they themselves."""
    if user is None or not user.is_authenticated or not user.has_role("professional"):
        return set()
    own_wijken = select(UserWijk.wijk_id).where(UserWijk.user_id == user.id)
    colleagues = session.exec(
        select(UserWijk.user_id).join(UserRole, UserRole.user_id == UserWijk.user_id)
        .where(UserWijk.wijk_id.in_(own_wijken), UserRole.role == "professional")).all()
    return set(colleagues) | {user.id}


def organisation_ids(session: Session, user) -> set[int]:
    if user is None or not user.is_authenticated or not user.has_role("aanbieder"):
        return set()
    return set(session.exec(select(UserOrganisation.organisation_id)
                            .where(UserOrganisation.user_id == user.id)).all())


def consent_for(session: Session, referral: Referral) -> Consent | None:
    return session.exec(select(Consent).where(Consent.referral_id == referral.id,
                                              Consent.organisation_id == referral.organisation_id)
                        .order_by(Consent.id.desc())).first()


def consent_holds(consent: Consent | None, today: date | None = None) -> bool:
    today = today or datetime.now(LOCAL_TZ).date()
    return consent is not None and consent.withdrawn_at is None and consent.valid_until >= today


def access(session: Session, user, referral: Referral) -> str | None:
    """'team', 'organisatie' (consent holds) or None."""
    if referral.professional_id in team_ids(session, user):
        return "team"
    if referral.organisation_id in organisation_ids(session, user) and consent_holds(consent_for(session, referral)):
        return "organisatie"
    return None


def shared_fields(consent: Consent | None) -> set[str]:
    return {f for f in (consent.shared_fields.split(",") if consent else []) if f}


# --------------------------------------------------------------------------- the response clock


def add_working_days(moment: datetime, days: int) -> datetime:
    """``moment`` plus ``days`` working days (Monday to Friday, Dutch time; public holidays count as
    working days). A referral on Friday afternoon with 2 days is due Tuesday afternoon."""
    local = to_local(moment)
    added = 0
    while added < days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local.astimezone(timezone.utc)


def response_due(referral: Referral) -> datetime:
    return add_working_days(referral.created_at, current_app.config["REFERRAL_RESPONSE_DAYS"])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def no_response(referral: Referral, now: datetime | None = None) -> bool:
    """'geen reactie': still waiting for the organisation after the response time."""
    now = now or utcnow()
    return (referral.status in WAITING_FOR_ORGANISATION and referral.responded_at is None
            and _aware(now) > response_due(referral))


def remind(session: Session, now: datetime | None = None) -> int:
    """One reminder to the professional and the organisation for every referral past its response
    time without an answer. Never a second one (``reminder_sent_at``). Returns how many."""
    now = now or utcnow()
    sent = 0
    waiting = session.exec(select(Referral).where(Referral.status.in_(WAITING_FOR_ORGANISATION),
                                                  Referral.responded_at.is_(None),
                                                  Referral.reminder_sent_at.is_(None))).all()
    for referral in waiting:
        if not no_response(referral, now):
            continue
        referral.reminder_sent_at = now
        session.add(referral)
        emails.send_referral_reminder(
            session, _professionals(session, referral) + _organisation_recipients(session, referral),
            referral=referral)
        audit.record(session, "referral.remind", "referral", referral.id, actor_id=None)
        sent += 1
    session.flush()
    return sent


def _professionals(session: Session, referral: Referral) -> list[User]:
    user = session.get(User, referral.professional_id)
    return [user] if user and user.is_active else []


def _organisation_recipients(session: Session, referral: Referral) -> list:
    """The organisation's aanbieders (each in their own language), then its own address (Dutch),
    each address once."""
    organisation = session.get(Organisation, referral.organisation_id)
    staff = session.exec(select(User).join(UserOrganisation, UserOrganisation.user_id == User.id)
                         .where(UserOrganisation.organisation_id == referral.organisation_id,
                                User.is_active.is_(True))).all()
    people = {user.email: user for user in staff}
    if organisation and organisation.email and organisation.email not in people:
        people[organisation.email] = emails.Recipient(organisation.email)
    return list(people.values())


# --------------------------------------------------------------------------- making referrals


@dataclass
class NewClient:
    alias: str
    buurt_id: int | None
    age_band: str | None
    languages: list[str]
    life_domains: list[str]
    contact_preference: str


@dataclass
class NewConsent:
    shared_fields: list[str]
    purpose: str
    valid_until: date
    method: str
    text_version: str


@dataclass
class NewReferral:
    client: NewClient
    question: str
    voorziening_ids: list[int]
    consent: NewConsent
    legal_basis: str = "wmo_2015"
    warm_handover: bool = False
    consented_organisation_ids: set[int] = field(default_factory=set)  # the organisations the client agreed to
    extra: dict = field(default_factory=dict)


def referable_voorzieningen(session: Session) -> list[Voorziening]:
    """Approved, active voorzieningen of approved organisations: what one may refer to."""
    return list(session.exec(
        select(Voorziening).join(Organisation, Organisation.id == Voorziening.organisation_id)
        .where(Voorziening.moderation == "approved", Voorziening.status == "active",
               Organisation.moderation == "approved").order_by(Voorziening.name)).all())


def _unique_reference(session: Session) -> str:
    while True:
        reference = "VW-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        if session.exec(select(Referral.id).where(Referral.reference == reference)).first() is None:
            return reference


def create_referrals(session: Session, by: User, new: NewReferral, now: datetime | None = None) -> list[Referral]:
    """One client record, then one referral and one consent per chosen voorziening (the question
    written once, copied to each). Mail to each receiving organisation, without client data."""
    if not new.voorziening_ids:
        raise ReferralError(_("Kies minstens één voorziening."))
    now = now or utcnow()
    allowed = {v.id: v for v in referable_voorzieningen(session)}
    chosen = [allowed[i] for i in dict.fromkeys(new.voorziening_ids) if i in allowed]
    if len(chosen) != len(set(new.voorziening_ids)):
        raise ReferralError(_("Een van de gekozen voorzieningen bestaat niet meer. Kies opnieuw."))
    without = [v for v in chosen if v.organisation_id not in new.consented_organisation_ids]
    if without:
        org = session.get(Organisation, without[0].organisation_id)
        raise ConsentMissing(_("Zonder toestemming voor %(org)s deelt Buurtplein niets met die organisatie. "
                               "Vink de organisatie aan, of haal %(name)s weg.", org=org.name, name=without[0].name))
    c = new.client
    client = ReferralClient(professional_id=by.id, alias=c.alias.strip(), buurt_id=c.buurt_id, age_band=c.age_band,
                            languages=",".join(c.languages) or "nl", life_domains=",".join(c.life_domains),
                            contact_preference=c.contact_preference, created_at=now)
    session.add(client)
    session.flush()
    audit.record(session, "referral_client.create", "referral_client", client.id, actor_id=by.id)
    made = []
    for voorziening in chosen:
        referral = Referral(reference=_unique_reference(session), professional_id=by.id, client_id=client.id,
                            voorziening_id=voorziening.id, organisation_id=voorziening.organisation_id,
                            question=new.question.strip(), tier=voorziening.tier, warm_handover=new.warm_handover,
                            legal_basis=new.legal_basis, client_token=secrets.token_urlsafe(24),
                            created_at=now, updated_at=now, **new.extra)
        session.add(referral)
        session.flush()
        session.add(Consent(referral_id=referral.id, organisation_id=voorziening.organisation_id,
                            shared_fields=",".join(f for f in new.consent.shared_fields if f in SHARE_FIELDS),
                            purpose=new.consent.purpose.strip(), valid_until=new.consent.valid_until,
                            text_version=new.consent.text_version, method=new.consent.method,
                            recorded_by_id=by.id, given_at=now))
        session.add(ReferralEvent(referral_id=referral.id, actor_id=by.id, actor_kind="professional",
                                  from_status=None, to_status="referred", created_at=now))
        audit.record(session, "referral.create", "referral", referral.id, actor_id=by.id,
                     detail=f"voorziening={voorziening.id} organisation={voorziening.organisation_id}")
        audit.record(session, "consent.record", "referral", referral.id, actor_id=by.id,
                     detail=f"method={new.consent.method} version={new.consent.text_version}")
        emails.send_referral_new(session, _organisation_recipients(session, referral), referral=referral,
                                 voorziening=voorziening, days=current_app.config["REFERRAL_RESPONSE_DAYS"])
        made.append(referral)
    session.flush()
    return made


# --------------------------------------------------------------------------- status changes


def _move(session: Session, referral: Referral, to: str, actor_kind: str, actor_id: int | None,
          reason: str | None, note: str | None, now: datetime) -> None:
    if to in NEEDS_REASON and reason not in REFERRAL_REASONS:
        raise ReferralError(_("Kies een reden."))
    if reason is not None and reason not in REFERRAL_REASONS:
        raise ReferralError(_("Kies een reden uit de lijst."))
    before = referral.status
    referral.status = to
    if to in NEEDS_REASON or (to == "completed" and reason):
        referral.reason, referral.reason_by = reason, actor_kind
    referral.updated_at = now
    session.add(referral)
    session.add(ReferralEvent(referral_id=referral.id, actor_id=actor_id, actor_kind=actor_kind, from_status=before,
                              to_status=to, reason=reason, note=(note or None), created_at=now))
    audit.record(session, "referral.status", "referral", referral.id, actor_id=actor_id,
                 detail=f"{before}->{to}" + (f" reason={reason}" if reason else "") + f" by={actor_kind}")


def organisation_moves(referral: Referral) -> tuple[str, ...]:
    return ORGANISATION_MOVES.get(referral.status, ())


def organisation_update(session: Session, referral: Referral, by: User, to: str, reason: str | None = None,
                        feedback: str | None = None, now: datetime | None = None) -> None:
    """The receiving organisation answers: accept, waiting list, decline, start, finish; with an
    optional one-sentence terugkoppeling to the professional."""
    now = now or utcnow()
    to = DUTCH_VALUES.get(to, to)
    if to not in organisation_moves(referral):
        raise ReferralError(_("Dat kan nu niet meer. Kijk opnieuw naar de status."))
    feedback = (feedback or "").strip() or None
    if feedback and len(feedback) > 300:
        raise ReferralError(_("Schrijf de terugkoppeling in één zin (hoogstens 300 tekens)."))
    _move(session, referral, to, "organisatie", by.id, reason or None, feedback, now)
    if referral.responded_at is None:
        referral.responded_at = now
    if feedback:
        referral.feedback = feedback
    voorziening = session.get(Voorziening, referral.voorziening_id)
    emails.send_referral_status(session, _professionals(session, referral), referral=referral,
                                voorziening=voorziening, status_word=STATUS_WORDS[to], feedback=feedback or "")
    session.flush()


def professional_withdraw(session: Session, referral: Referral, by: User, reason: str | None,
                          now: datetime | None = None) -> None:
    """The team stops a referral (elders verwezen, past niet, ...)."""
    if referral.status in ENDS:
        raise ReferralError(_("Deze verwijzing is al afgesloten."))
    _move(session, referral, "withdrawn", "professional", by.id, reason, None, now or utcnow())
    session.flush()


def withdraw_consent(session: Session, referral: Referral, by: User, now: datetime | None = None) -> None:
    """The client withdraws consent (told to the team): sharing stops at once and the referral ends
    as 'withdrawn' (reason 'anders', given by the client) unless it had already ended."""
    now = now or utcnow()
    consent = consent_for(session, referral)
    if consent is None or consent.withdrawn_at is not None:
        raise ReferralError(_("De toestemming was al ingetrokken."))
    consent.withdrawn_at, consent.withdrawn_by_id = now, by.id
    session.add(consent)
    audit.record(session, "consent.withdraw", "referral", referral.id, actor_id=by.id)
    if referral.status not in ENDS:
        _move(session, referral, "withdrawn", "client", by.id, "anders", _("Toestemming ingetrokken"), now)
    session.flush()


def client_report(session: Session, referral: Referral, outcome: str, reason: str | None = None,
                  actor_id: int | None = None, now: datetime | None = None) -> None:
    """'Ik ben geweest' (→ gestart) or 'het lukte niet' (→ niet gestart, with a reason), from the
    letter's link or entered by the professional for the client."""
    now = now or utcnow()
    if referral.status not in CLIENT_CAN_REPORT:
        raise ReferralError(_("Deze verwijzing is al afgesloten. Bel uw wijkcoach als u vragen heeft."))
    if outcome == "geweest":
        if referral.status != "started":
            _move(session, referral, "started", "client", actor_id, None, _("Ik ben geweest"), now)
    elif outcome == "niet_gelukt":
        if referral.status == "started":
            raise ReferralError(_("U bent al begonnen. Bel uw wijkcoach als het niet goed gaat."))
        _move(session, referral, "not_started", "client", actor_id, reason or "anders", _("Het lukte niet"), now)
    else:
        raise ReferralError(_("Kies wat er gebeurd is."))
    referral.client_report, referral.client_reported_at = outcome, now
    session.add(referral)
    audit.record(session, "referral.client_report", "referral", referral.id, actor_id=actor_id, detail=outcome)
    emails.send_referral_client_report(session, _professionals(session, referral), referral=referral,
                                       went=outcome == "geweest")
    session.flush()


# --------------------------------------------------------------------------- lists


@dataclass
class Row:
    referral: Referral
    client: ReferralClient | None
    voorziening: Voorziening | None
    organisation: Organisation | None
    no_response: bool
    withdrawn: bool  # consent withdrawn or lapsed: the organisation sees nothing but the status


def _rows(session: Session, referrals, now: datetime) -> list[Row]:
    referrals = list(referrals)
    clients = {c.id: c for c in session.exec(select(ReferralClient).where(
        ReferralClient.id.in_({r.client_id for r in referrals} or {-1}))).all()}
    voorzieningen = {v.id: v for v in session.exec(select(Voorziening).where(
        Voorziening.id.in_({r.voorziening_id for r in referrals} or {-1}))).all()}
    organisations = {o.id: o for o in session.exec(select(Organisation).where(
        Organisation.id.in_({r.organisation_id for r in referrals} or {-1}))).all()}
    consents = {}
    for consent in session.exec(select(Consent).where(Consent.referral_id.in_({r.id for r in referrals} or {-1}))
                                .order_by(Consent.id)).all():
        consents[consent.referral_id] = consent
    today = to_local(_aware(now)).date()
    return [Row(r, clients.get(r.client_id), voorzieningen.get(r.voorziening_id), organisations.get(r.organisation_id),
                no_response(r, now), not consent_holds(consents.get(r.id), today)) for r in referrals]


# Still under way first (the ones to act on), then the finished ones; newest first within each.
_UNDER_WAY_FIRST = (case((Referral.status.in_(("completed", "not_started", "withdrawn")), 1), else_=0),
                    Referral.created_at.desc(), Referral.id.desc())
PER_PAGE = 20


def _page_of(session: Session, where, page: int, now: datetime | None) -> Page:
    found = paginate_query(session, select(Referral).where(where), page, PER_PAGE, order_by=_UNDER_WAY_FIRST)
    return Page(_rows(session, found.rows, now or utcnow()), found.page, found.pages, found.total)


def team_referrals(session: Session, user, page: int = 1, now: datetime | None = None) -> Page:
    """One page of the referrals of the user's team (none for someone without a team)."""
    return _page_of(session, Referral.professional_id.in_(team_ids(session, user) or {-1}), page, now)


def inbox(session: Session, user, page: int = 1, now: datetime | None = None) -> Page:
    """One page of the referrals to the user's organisations."""
    return _page_of(session, Referral.organisation_id.in_(organisation_ids(session, user) or {-1}), page, now)


def events(session: Session, referral: Referral) -> list[ReferralEvent]:
    return list(session.exec(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
                             .order_by(ReferralEvent.created_at, ReferralEvent.id)).all())


def names_of(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    return {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(ids or {-1}))).all()}


def buurten(session: Session) -> list[Area]:
    return list(session.exec(select(Area).where(Area.kind == "buurt").order_by(Area.name)).all())


def search_sociale_kaart(session: Session, query: str) -> list[Voorziening]:
    """The professional's own search of the sociale kaart (the directory's full-text search)."""
    from ..voorzieningen.search import search_voorzieningen

    allowed = {v.id: v for v in referable_voorzieningen(session)}
    return [allowed[i] for i in search_voorzieningen(session, query, set(allowed))][:15]


def ladder(session: Session, question: str, buurt: Area | None, limit: int = 10):
    """The matcher's suggestions for the agreed question, lightest help first."""
    from .. import matching_service

    if buurt is None:
        buurt = session.exec(select(Area).where(Area.kind == "gemeente")).first()
    if buurt is None or not question.strip():
        return None
    return matching_service.suggest_for_text(session, question, buurt.lat, buurt.lon, limit)


def token_referral(session: Session, token: str) -> Referral | None:
    if not token or len(token) > 64:
        return None
    referral = session.exec(select(Referral).where(Referral.client_token == token)).first()
    if referral is None or not secrets.compare_digest(referral.client_token, token):
        return None
    return referral


__all__ = ["ReferralError", "access", "add_working_days", "client_report", "create_referrals", "inbox", "no_response",
           "organisation_update", "remind", "team_ids", "team_referrals", "withdraw_consent"]
