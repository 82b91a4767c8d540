"""Moderation: who may moderate what (scoped per wijk), the queue, decisions, abuse reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, true
from sqlmodel import Session, select

from .. import areas, audit, emails
from ..voorzieningen import verification
from ..visibility import may_see_request, requests_visible_to
from ..voorzieningen.services import grant_aanbieder_roles
from ..models import (Activity, Area, HelpRequest, Location, Organisation, Report, SupportRequest, User,
                      UserWijk, VolunteerOffer, Voorziening, VoorzieningLocation, VoorzieningReview, utcnow)

MODELS = {"request": HelpRequest, "offer": VolunteerOffer, "voorziening": Voorziening,
          "activity": Activity, "organisation": Organisation, "review": VoorzieningReview}
KIND_LABELS = {"request": "Hulpvraag", "offer": "Hulpaanbod", "voorziening": "Voorziening",
               "activity": "Activiteit", "organisation": "Organisatie", "review": "Ervaring"}
# Public pages of other areas, as plain paths so this area never breaks while they are built.
PUBLIC_PATHS = {"request": "/hulpvragen/{}", "offer": "/aanbod/{}", "voorziening": "/voorzieningen/{}",
                "activity": "/activiteiten/{}"}
REPORT_REASONS = {
    "oplichting": "Oplichting of spam",
    "ongepast": "Ongepast of kwetsend",
    "klopt_niet": "Klopt niet (meer)",
    "onveilig": "Onveilig",
    "anders": "Anders",
}
ACTIONS = ("approve", "hide", "restore", "dismiss", "verify", "answer")
QUEUE_LIMIT = 100  # possibly outdated listings, per kind
# Per kind and state: the queue pages, but one page load never reads a whole city's backlog.
PENDING_LIMIT = 500


class ModerationError(ValueError):
    """A user-facing (Dutch) reason why a decision cannot be made."""


# --------------------------------------------------------------------------- items and wijken


def get_item(session: Session, kind: str, item_id: int):
    model = MODELS.get(kind)
    return session.get(model, item_id) if model is not None else None


def title_of(row) -> str:
    return getattr(row, "title", None) or getattr(row, "name", "")


def public_path(kind: str, item_id: int) -> str | None:
    pattern = PUBLIC_PATHS.get(kind)
    return pattern.format(item_id) if pattern else None


class WijkIndex:
    """Buurt → wijk lookups for one request; areas and locations are read once, not per item."""

    def __init__(self, session: Session):
        self.session = session
        self.parent = {a.id: a.parent_id for a in session.exec(select(Area).where(Area.kind == "buurt")).all()}
        self._location_buurt: dict[int, int | None] | None = None
        self._voorziening_buurten: dict[int, set[int]] | None = None

    def of_buurt(self, buurt_id: int | None) -> set[int]:
        wijk = self.parent.get(buurt_id)
        return {wijk} if wijk is not None else set()

    def of_location(self, location_id: int | None) -> set[int]:
        if self._location_buurt is None:
            self._location_buurt = dict(self.session.exec(select(Location.id, Location.buurt_id)).all())
        return self.of_buurt(self._location_buurt.get(location_id)) if location_id else set()

    def of_voorziening(self, voorziening_id: int) -> set[int]:
        if self._voorziening_buurten is None:
            self._voorziening_buurten = {}
            for v_id, buurt_id in self.session.exec(select(VoorzieningLocation.voorziening_id, Location.buurt_id)
                                                    .join(Location, VoorzieningLocation.location_id == Location.id)):
                self._voorziening_buurten.setdefault(v_id, set()).add(buurt_id)
        buurten = self._voorziening_buurten.get(voorziening_id, set())
        return {self.parent[b] for b in buurten if self.parent.get(b) is not None}

    def of_item(self, kind: str, row) -> set[int]:
        """The wijken an item belongs to. Empty: no wijk (organisations, unplaced items) — any moderator."""
        if kind in ("request", "offer"):
            return self.of_buurt(row.buurt_id)
        if kind == "voorziening":
            return self.of_voorziening(row.id)
        if kind == "activity":
            return self.of_location(row.location_id)
        if kind == "review":  # moderated by the preventiemakelaar of the voorziening's wijk
            return self.of_voorziening(row.voorziening_id)
        return set()


def moderated_wijken(session: Session, user) -> set[int] | None:
    """The wijk ids a user moderates; None means all (beheerder)."""
    if user.has_role("beheerder"):
        return None
    return set(session.exec(select(UserWijk.wijk_id).where(UserWijk.user_id == user.id)).all())


def wijk_choices(session: Session, user) -> list[Area]:
    """The wijken a moderator may filter the queue on: only the ones they moderate."""
    scope = moderated_wijken(session, user)
    return [w for w in areas.wijken(session) if scope is None or w.id in scope]


def in_scope(item_wijken: set[int], scope: set[int] | None) -> bool:
    return scope is None or not item_wijken or bool(item_wijken & scope)


def in_scope_sql(kind: str, scope: set[int] | None):
    """SQL condition of ``in_scope(WijkIndex.of_item(kind, row), scope)`` for organisations and
    voorzieningen (no wijk: every moderator's), for lists that page in the database."""
    if scope is None or kind == "organisation":
        return true()
    if kind != "voorziening":
        raise ValueError(kind)

    def located(*where):
        return (select(VoorzieningLocation.voorziening_id)
                .join(Location, Location.id == VoorzieningLocation.location_id)
                .join(Area, and_(Area.id == Location.buurt_id, Area.kind == "buurt"))
                .where(Area.parent_id.is_not(None), *where))
    return or_(Voorziening.id.not_in(located()), Voorziening.id.in_(located(Area.parent_id.in_(scope))))


def _near_scope(kind: str, model, scope: set[int] | None):
    """SQL pre-filter on the moderator's wijken, so the per-kind limit counts only their items;
    ``in_scope`` (Python) still decides. Requests and offers lie in a buurt; voorzieningen as in
    ``in_scope_sql``; the others are left to Python."""
    if scope is None or kind in ("organisation", "activity", "review"):
        return true()
    if kind == "voorziening":
        return in_scope_sql(kind, scope)
    in_wijk = select(Area.id).where(Area.kind == "buurt", Area.parent_id.in_(scope))
    placed = select(Area.id).where(Area.kind == "buurt", Area.parent_id.is_not(None))
    return or_(model.buurt_id.in_(in_wijk), model.buurt_id.is_(None), model.buurt_id.not_in(placed))


# --------------------------------------------------------------------------- the queue


@dataclass
class QueueItem:
    kind: str
    row: object
    summary: str
    link: str | None
    note: str = ""
    wijken: tuple[str, ...] = ()  # names; empty: the whole municipality
    since: datetime | None = None  # when it came into the queue (its age is shown)

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def title(self) -> str:
        return title_of(self.row)


SECTIONS = ("pending", "reports", "support", "outdated", "hidden")


@dataclass
class Queue:
    pending: list[QueueItem] = field(default_factory=list)
    reports: list[tuple[Report, QueueItem]] = field(default_factory=list)
    support: list[tuple[SupportRequest, QueueItem]] = field(default_factory=list)
    outdated: list[QueueItem] = field(default_factory=list)
    hidden: list[QueueItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in SECTIONS)


def short(text: str | None, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def make_item(kind: str, row, note: str = "", wijken: tuple[str, ...] = (),
              since: datetime | None = None) -> QueueItem:
    return QueueItem(kind, row, short(getattr(row, "description", "")), public_path(kind, row.id), note,
                     wijken, since if since is not None else getattr(row, "created_at", None))


def build_queue(session: Session, user, now: datetime | None = None, wijk_id: int | None = None) -> Queue:
    """Everything waiting for ``user`` in the wijken they moderate, oldest first. ``wijk_id``
    narrows it to one of those wijken (items without a wijk then drop out); the caller checks
    that the user moderates it (``wijk_choices``)."""
    now = now or utcnow()
    scope = moderated_wijken(session, user)
    if wijk_id is not None and scope is not None and wijk_id not in scope:
        return Queue()  # never another wijk's items, whatever the URL says
    index = WijkIndex(session)
    names = {w.id: w.name for w in areas.wijken(session)}
    narrowed = {wijk_id} if wijk_id is not None else scope

    def item(kind, row, note="", since=None) -> QueueItem | None:
        """Every request row here was read through requests_visible_to (no danger for a beheerder)."""
        found = index.of_item(kind, row)
        if not in_scope(found, scope) or (wijk_id is not None and wijk_id not in found):
            return None
        return make_item(kind, row, note, tuple(sorted(names[w] for w in found if w in names)), since)

    queue = Queue()
    for kind in ("organisation", "voorziening", "request", "offer", "activity", "review"):
        model = MODELS[kind]
        for state, target in (("pending", queue.pending), ("hidden", queue.hidden)):
            stmt = select(model).where(model.moderation == state, _near_scope(kind, model, narrowed))
            if kind == "request":  # the one request rule, in SQL
                stmt = stmt.where(requests_visible_to(session, user))
            for row in session.exec(stmt.order_by(model.created_at).limit(PENDING_LIMIT)).all():
                found = item(kind, row, since=row.created_at if state == "pending" else getattr(row, "updated_at", None))
                if found is not None:
                    target.append(found)
    reports = session.exec(select(Report).where(Report.status == "open").order_by(Report.created_at)).all()
    targets = _rows_by_kind(session, user, [(r.target_kind, r.target_id) for r in reports])
    for report in reports:
        row = targets.get((report.target_kind, report.target_id))
        found = item(report.target_kind, row, since=report.created_at) if row is not None else None
        if found is not None:
            queue.reports.append((report, found))
    supports = session.exec(select(SupportRequest).where(SupportRequest.status != "done")
                            .order_by(SupportRequest.created_at)).all()
    activities = _rows_by_kind(session, user, [("activity", s.activity_id) for s in supports])
    for support in supports:
        activity = activities.get(("activity", support.activity_id))
        found = item("activity", activity, since=support.created_at) if activity is not None else None
        if found is not None:
            queue.support.append((support, found))
    for kind in ("organisation", "voorziening"):
        for row in outdated(session, kind, narrowed, now):
            found = item(kind, row, since=row.last_verified_at or row.created_at)
            if found is not None:
                queue.outdated.append(found)
    queue.pending.sort(key=lambda i: i.since or now)  # oldest first across the kinds
    return queue


def _rows_by_kind(session: Session, user, keys: list[tuple[str, int]]) -> dict[tuple[str, int], object]:
    """The rows that (kind, id) pairs name, one query per kind instead of one per pair. Requests
    only as far as ``user`` may see them: the one request rule, in the same SQL."""
    wanted: dict[str, set[int]] = {}
    for kind, item_id in keys:
        if kind in MODELS:
            wanted.setdefault(kind, set()).add(item_id)
    found = {}
    for kind, ids in wanted.items():
        model = MODELS[kind]
        stmt = select(model).where(model.id.in_(sorted(ids)))
        if kind == "request":
            stmt = stmt.where(requests_visible_to(session, user))
        found.update({(kind, row.id): row for row in session.exec(stmt).all()})
    return found


def outdated(session: Session, kind: str, scope: set[int] | None, now: datetime,
             limit: int = QUEUE_LIMIT) -> list:
    """The first ``limit`` approved rows (by id) in scope that are possibly outdated: SQL narrows them
    down, ``is_possibly_outdated`` decides, in batches until the limit is reached."""
    model = MODELS[kind]
    stmt = (select(model).where(model.moderation == "approved", verification.maybe_outdated(model, now),
                                in_scope_sql(kind, scope)).order_by(model.id).limit(limit))
    found, last_id = [], 0
    while len(found) < limit:
        rows = session.exec(stmt.where(model.id > last_id)).all()
        found += [row for row in rows if verification.is_possibly_outdated(row, now)]
        if len(rows) < limit:
            break
        last_id = rows[-1].id
    return found[:limit]


OWNER_FIELDS = {"request": "posted_by_id", "offer": "user_id", "activity": "owner_user_id", "review": "author_id"}


def note_first_posts(session, items: list[QueueItem]) -> None:
    """Mark the pending items of not yet trusted accounts (the owners read in one query)."""
    owners = [(item, getattr(item.row, OWNER_FIELDS.get(item.kind, ""), None)) for item in items
              if item.row.moderation == "pending"]
    ids = sorted({owner_id for _item, owner_id in owners if owner_id})
    untrusted = set(session.exec(select(User.id).where(User.id.in_(ids), ~User.trusted)).all()) if ids else set()
    for item, owner_id in owners:
        if owner_id in untrusted:
            item.note = _("Eerste bericht van een nieuw account.")


# --------------------------------------------------------------------------- owners


def owner_user(session: Session, kind: str, row) -> User | None:
    owner_id = OWNER_FIELDS.get(kind)
    value = getattr(row, owner_id, None) if owner_id else None
    return session.get(User, value) if value else None


def owner_recipients(session: Session, kind: str, row) -> list:
    """Whoever should hear about a decision on this item: the owner, else the organisation's
    addresses (in Dutch)."""
    user = owner_user(session, kind, row)
    if user is not None:
        return [user]
    org_id = row.id if kind == "organisation" else getattr(row, "organisation_id", None)
    org = session.get(Organisation, org_id) if org_id else None
    return [emails.Recipient(address) for address in verification.organisation_recipients(session, org)] if org else []


# --------------------------------------------------------------------------- decisions


def check_scope(session: Session, user, kind: str, row) -> bool:
    return in_scope(WijkIndex(session).of_item(kind, row), moderated_wijken(session, user))


def decide(session: Session, user, kind: str, row, action: str, reason: str = "") -> None:
    """Apply a moderator's decision on a listing; the owner's mail goes out after the commit."""
    reason = (reason or "").strip()
    if action == "approve":
        _require(row.moderation == "pending", _("Dit bericht wacht niet (meer) op goedkeuring."))
        row.moderation = "approved"
        if kind == "organisation":
            grant_aanbieder_roles(session, row)
        owner = owner_user(session, kind, row)
        if owner is not None and not owner.trusted and kind != "review":  # a review says nothing of one's posts
            # One approved post makes an account trusted: later posts skip the queue.
            owner.trusted = True
            session.add(owner)
            audit.record(session, "moderation.trust", "user", owner.id)
    elif action == "hide":
        _require(row.moderation != "hidden", _("Dit bericht is al verborgen."))
        _require(bool(reason), _("Schrijf kort waarom u dit verbergt. De eigenaar krijgt deze reden te zien."))
        row.moderation = "hidden"
        close_reports(session, user, kind, row.id, "handled")
    elif action == "restore":
        _require(row.moderation == "hidden", _("Dit bericht is niet verborgen."))
        row.moderation = "approved"
    elif action == "verify":
        # The moderator checked it: the "mogelijk verouderd" clock starts again.
        if kind == "organisation":
            verification.confirm_organisation(session, row, actor_id=user.id)
        row.last_verified_at = utcnow()
    else:
        raise ModerationError(_("Deze keuze kan hier niet."))
    session.add(row)
    audit.record(session, f"moderation.{action}", kind, row.id, reason or None, actor_id=user.id)
    queue_decision_mails(session, kind, row, action, reason)


def dismiss_report(session: Session, user, report: Report, reason: str = "") -> None:
    _require(report.status == "open", _("Deze melding is al afgehandeld."))
    _set_report(report, user, "dismissed")
    session.add(report)
    audit.record(session, "moderation.dismiss", "report", report.id, reason.strip() or None, actor_id=user.id)


def close_reports(session: Session, user, kind: str, item_id: int, status: str) -> None:
    for report in session.exec(select(Report).where(Report.target_kind == kind, Report.target_id == item_id,
                                                    Report.status == "open")).all():
        _set_report(report, user, status)
        session.add(report)


def _set_report(report: Report, user, status: str) -> None:
    report.status, report.handled_by_id, report.handled_at = status, user.id, utcnow()


def answer_support(session: Session, user, support: SupportRequest, answer: str,
                   status: str = "done") -> None:
    """Answer an initiator's support question; ``support`` owns the rule and mails the asker."""
    from ..activiteiten.errors import ActivityError
    from .support import answer_support_request
    status = {"in_behandeling": "in_progress", "afgerond": "done"}.get(status, status)  # the Dutch values of old
    _require(status in ("in_progress", "done"), _("Deze keuze kan hier niet."))
    _require(bool((answer or "").strip()), _("Schrijf een antwoord voor de organisator."))
    try:
        answer_support_request(session, support.id, user, answer, status)
    except ActivityError as error:
        raise ModerationError(str(error)) from error
    except PermissionError as error:
        raise ScopeError() from error


class ScopeError(Exception):
    """The item is outside the moderator's wijken."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ModerationError(message)


def queue_decision_mails(session, kind, row, action, reason) -> int:
    """Tell the owner about an approval, hiding or restoring (each in their own language); the
    mails go out after the commit. Returns how many were queued."""
    if action not in ("approve", "hide", "restore"):
        return 0
    return emails.send_moderation_decision(session, owner_recipients(session, kind, row), what=KIND_LABELS[kind],
                                           title=title_of(row), action=action, reason=reason)


# --------------------------------------------------------------------------- reports


def reportable(session: Session, kind: str, item_id: int, user):
    """The item a visitor may report, or None (unknown kind or id, or not visible to them)."""
    from ..visibility import can_see
    row = get_item(session, kind, item_id)
    if row is None:
        return None
    if kind == "request":
        return row if may_see_request(session, row, user) else None
    owner = owner_user(session, kind, row)
    return row if can_see(row, (owner.id if owner else None,), user=user, kind=kind) else None


def create_report(session: Session, kind: str, item_id: int, reason_key: str, text: str, reporter) -> Report:
    reason = REPORT_REASONS[reason_key] + (": " + text.strip() if text and text.strip() else "")
    report = Report(reporter_id=reporter.id if reporter.is_authenticated else None, target_kind=kind,
                    target_id=item_id, reason=reason[:1000])
    session.add(report)
    session.flush()
    audit.record(session, "report.create", kind, item_id, f"melding {report.id}: {REPORT_REASONS[reason_key]}")
    return report


def organisation_voorzieningen(session: Session, organisation: Organisation) -> list[Voorziening]:
    return list(session.exec(select(Voorziening).where(Voorziening.organisation_id == organisation.id)
                             .order_by(Voorziening.name)).all())
