"""Bridge between the database and the pure ``matching`` library.

The app keeps one classifier and one Matcher in ``app.extensions``. The classifier is
trained at start-up on the category texts, the platform's own listings and residents'
corrections; the Matcher is rebuilt when the supply changes.

"The supply changed" is a log, ``supply_change``, written inside the same transaction as any
write to a listing the matcher suggests (offer, voorziening, activity and what hangs off them).
Every suggestion first reads the log's last id (one index lookup) and applies the entries it has
not seen to its index, so a listing hidden, paused or withdrawn through any worker leaves every
worker's suggestions the moment its transaction commits: no timer, no polling, no rebuild.
"""

from __future__ import annotations

import json
import threading
import time as clock
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from babel.dates import get_day_names
from babel.numbers import format_decimal
from flask import current_app
from sqlalchemy import event, func
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from matching import audience
from matching.categories import CATEGORIES
from matching.classifier import CategoryClassifier
from matching.engine import Matcher, judge_safety
from matching.types import HelpRequestIn, Slot, SuggestResult, SupplyItem

from . import db
from .categories import slug_name
from .formatting import current_locale
from .config import is_production
from .geocoding import gazetteer
from .models import (Activity, ActivityCategory, ActivityOccurrence, ActivitySignup, Area, AvailabilitySlot,
                     Category, CategoryExample, HelpRequest, Location, Match, OfferCategory, Organisation,
                     PostcodeArea,
                     RequestCategory,
                     Schedule, SupplyChange, User, VolunteerOffer, Voorziening, VoorzieningCategory,
                     VoorzieningLocation, VoorzieningReview, utcnow)
from .models import WEEKDAYS as WEEKDAY_CODES
from .timeutil import local_today, to_local

_lock = threading.RLock()


def _minutes(t) -> int:
    return t.hour * 60 + t.minute


def _langs(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "nl").split(",") if x.strip()) or ("nl",)


def _category_map(session: Session, link, key, ids=None) -> dict[int, list[str]]:
    """Per owner its category slugs; a request's in the order the resident chose them (the first
    is the matcher's main need)."""
    slugs = {c.id: c.slug for c in session.exec(select(Category)).all()}
    result: dict[int, list[str]] = defaultdict(list)
    stmt = select(link) if ids is None else select(link).where(getattr(link, key).in_(ids))
    if hasattr(link, "position"):
        stmt = stmt.order_by(getattr(link, key), link.position, link.category_id)
    for row in session.exec(stmt).all():
        result[getattr(row, key)].append(slugs[row.category_id])
    return result


def _only(stmt, column, ids):
    return stmt if ids is None else stmt.where(column.in_(ids))


# --------------------------------------------------------------------------- supply


def supply_from_db(session: Session, now: datetime | None = None, ids: dict[str, set[int]] | None = None
                   ) -> list[SupplyItem]:
    """Everything the matcher may suggest, or (``ids`` per kind) just those listings."""
    now = now or datetime.now(timezone.utc)
    pick = (lambda kind: None) if ids is None else (lambda kind: ids.get(kind, set()))
    return (_offers(session, now, pick("offer")) + _voorzieningen(session, pick("voorziening"))
            + _activities(session, now, pick("activity")))


# --------------------------------------------------------------------------- where: buurt and wijk


def _gazetteer(session: Session) -> dict[str, str]:
    """Normalised wijk and buurt names -> area code (for "Voor inwoners van Velve-Lindenhof")."""
    from matching.text import normalise
    areas = session.exec(select(Area).where(Area.kind.in_(("wijk", "buurt")))).all()
    # A wijk and one of its buurten may share a name ("Twekkelerveld"): the name means the wijk
    # (a team "voor bewoners van Twekkelerveld" serves all its buurten), so the wijk is read last.
    return {normalise(a.name): a.code for a in sorted(areas, key=lambda a: a.kind == "wijk")}


def _area_codes(session: Session, buurt_id: int | None) -> tuple[str, ...]:
    """A buurt's own code and its wijk's code."""
    return gazetteer(session).area_codes(buurt_id)


def areas_at(session: Session, lat: float, lon: float) -> tuple[str, ...]:
    """The buurt and wijk of a point: those of the nearest known postcode (requests sit on a
    buurt centroid anyway). From the gazetteer in memory, no query per call."""
    places = gazetteer(session)
    return places.area_codes(places.nearest_buurt(lat, lon))


def _offers(session: Session, now: datetime, ids=None) -> list[SupplyItem]:
    if ids is not None and not ids:
        return []
    cats = _category_map(session, OfferCategory, "offer_id", ids)
    slots: dict[int, list[Slot]] = defaultdict(list)
    for s in session.exec(_only(select(AvailabilitySlot), AvailabilitySlot.offer_id, ids)).all():
        slots[s.offer_id].append(Slot(s.weekday, _minutes(s.start_time), _minutes(s.end_time)))
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    load = dict(session.exec(_only(
        select(Match.offer_id, func.count()).where(
            Match.offer_id.is_not(None), Match.status.in_(("proposed", "accepted", "completed")),
            Match.created_at >= month_start), Match.offer_id, ids).group_by(Match.offer_id)).all())
    offers = session.exec(_only(select(VolunteerOffer).where(
        VolunteerOffer.status == "active", VolunteerOffer.moderation == "approved",
        VolunteerOffer.expires_at >= now.date()), VolunteerOffer.id, ids)).all()
    return [SupplyItem(
        kind="offer", id=o.id, title=o.title, text=f"{o.title}. {o.description}", categories=tuple(cats[o.id]),
        lat=o.lat, lon=o.lon, tier="nulde", languages=_langs(o.languages), slots=tuple(slots[o.id]),
        radius_m=o.radius_m, capacity_per_month=o.max_matches_per_month, load_this_month=load.get(o.id, 0),
        updated_at=o.updated_at, free=True) for o in offers]


def _voorzieningen(session: Session, ids=None) -> list[SupplyItem]:
    if ids is not None and not ids:
        return []
    cats = _category_map(session, VoorzieningCategory, "voorziening_id", ids)
    places = {vl.voorziening_id: loc for vl, loc in session.exec(_only(
        select(VoorzieningLocation, Location).join(Location, Location.id == VoorzieningLocation.location_id),
        VoorzieningLocation.voorziening_id, ids)).all()}
    rules: dict[int, list[Schedule]] = defaultdict(list)
    for rule in session.exec(_only(select(Schedule), Schedule.voorziening_id, ids)
                             .order_by(Schedule.byday, Schedule.opens_at)).all():
        rules[rule.voorziening_id].append(rule)
    from .voorzieningen.finding import public_conditions  # the sociale kaart's rule: also its organisation approved
    rows = session.exec(_only(select(Voorziening).join(Organisation, Organisation.id == Voorziening.organisation_id)
                              .where(*public_conditions()), Voorziening.id, ids)).all()
    names = _gazetteer(session)
    items = []
    for v in rows:
        place = places.get(v.id)
        if place is None:
            continue
        sched = rules[v.id]
        items.append(SupplyItem(
            kind="voorziening", id=v.id, title=v.name, text=f"{v.name}. {v.description}",
            categories=tuple(cats[v.id]), lat=place.lat, lon=place.lon, tier=v.tier, languages=_langs(v.languages),
            slots=tuple(sorted((Slot(WEEKDAY_CODES.index(r.byday), _minutes(r.opens_at), _minutes(r.closes_at))
                                for r in sched), key=lambda s: (s.weekday, s.start_min))),
            updated_at=v.last_verified_at or v.updated_at, free=v.cost_kind == "gratis",
            indicatievrij=v.indicatievrij, professional=v.tier != "nulde",
            min_age=v.min_age, max_age=v.max_age,
            eligibility=v.eligibility, access=v.accessibility,
            areas=audience.served_areas(v.eligibility, v.description, names)))
    return items


def _activities(session: Session, now: datetime, ids=None) -> list[SupplyItem]:
    if ids is not None and not ids:
        return []
    cats = _category_map(session, ActivityCategory, "activity_id", ids)
    upcoming: dict[int, list[ActivityOccurrence]] = defaultdict(list)
    for occ in session.exec(_only(select(ActivityOccurrence).where(
            ActivityOccurrence.starts_at >= now, ActivityOccurrence.starts_at < now + timedelta(weeks=4),
            ActivityOccurrence.cancelled.is_(False)), ActivityOccurrence.activity_id, ids)
            .order_by(ActivityOccurrence.starts_at)).all():
        upcoming[occ.activity_id].append(occ)
    taken = dict(session.exec(_only(select(ActivitySignup.activity_id, func.count()).where(
        ActivitySignup.status == "signed_up"), ActivitySignup.activity_id, ids)
        .group_by(ActivitySignup.activity_id)).all())
    rows = session.exec(_only(select(Activity, Location).join(Location, Location.id == Activity.location_id).where(
        Activity.status == "published", Activity.moderation == "approved"), Activity.id, ids)).all()
    items = []
    for a, place in rows:
        dates = upcoming[a.id]
        if not dates:
            continue
        local = [to_local(o.starts_at) for o in dates]
        slots = [Slot(d.weekday(), d.hour * 60 + d.minute, to_local(o.ends_at).hour * 60 + to_local(o.ends_at).minute)
                 for d, o in zip(local, dates)]
        items.append(SupplyItem(
            kind="activity", id=a.id, title=a.title, text=f"{a.title}. {a.description}",
            categories=tuple(cats[a.id]), lat=place.lat, lon=place.lon, tier="nulde",
            slots=tuple(dict.fromkeys(slots)),  # the next date first: the reason names it
            updated_at=a.updated_at, free=a.cost_kind == "gratis",
            places_left=None if a.capacity is None else max(0, a.capacity - taken.get(a.id, 0))))
    return items


# --------------------------------------------------------------------------- keeping the index current
#
# Every write to something the matcher suggests logs (kind, id) in supply_change, inside the same
# transaction (an after_flush listener, so new rows have their ids). Each worker applies the log
# entries after the last one it saw to its Matcher with update/remove: a hidden, paused or edited
# listing leaves or changes in every worker's suggestions the moment it is committed, without a
# rebuild. A full rebuild happens only at start-up, at midnight (listings expire by date), when a
# new model was trained, or when the log jumped too far (after a bulk import).

FULL_REBUILD_AFTER = 2000  # log entries; beyond this a rebuild is cheaper than item-by-item updates


def _supply_key(obj) -> tuple[str, int] | None:
    if isinstance(obj, VolunteerOffer):
        return "offer", obj.id
    if isinstance(obj, (OfferCategory, AvailabilitySlot)):
        return "offer", obj.offer_id
    if isinstance(obj, Match):
        return ("offer", obj.offer_id) if obj.offer_id else None
    if isinstance(obj, Voorziening):
        return "voorziening", obj.id
    if isinstance(obj, (VoorzieningCategory, VoorzieningLocation, Schedule)):
        return "voorziening", obj.voorziening_id
    if isinstance(obj, Activity):
        return "activity", obj.id
    if isinstance(obj, (ActivityCategory, ActivityOccurrence, ActivitySignup)):
        return "activity", obj.activity_id
    if isinstance(obj, Location):
        return "location", obj.id
    if isinstance(obj, Organisation):  # approved or hidden: its voorzieningen and activities with it
        return "organisation", obj.id
    if isinstance(obj, PostcodeArea):  # not supply either: the gazetteer's version (geocoding.gazetteer), and pages
        return "page", obj.buurt_id or 0
    # Not supply, but logged the same way for the cached counts of the request lists (result_cache):
    if isinstance(obj, HelpRequest):
        return "request", obj.id
    if isinstance(obj, RequestCategory):
        return "request", obj.request_id
    # Nor these: what else the public pages show, for the whole-page cache (page_cache). A user only
    # when the name others see or the account's being active changed (not at every login).
    if isinstance(obj, VoorzieningReview):
        return "page", obj.voorziening_id
    if isinstance(obj, (Category, Area)):
        return "page", obj.id
    if isinstance(obj, User):
        state = sa_inspect(obj)
        shown = state.attrs.display_name.history.has_changes() or state.attrs.is_active.history.has_changes()
        gone = state.session is not None and obj in state.session.deleted
        return ("page", obj.id) if shown or gone else None
    return None


NOT_SUPPLY = ("request", "page")  # log kinds the matcher skips
# What a suggestion for a text depends on, for a cached answer (api.suggest): the supply, and the
# gazetteer (kind page: areas and postcodes, for the point and its buurt and wijk).
ANSWER_KINDS = ("offer", "voorziening", "activity", "location", "organisation", "page")


@event.listens_for(OrmSession, "after_flush")
def _log_supply_changes(session, _context) -> None:
    changed = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    keys = {key for key in map(_supply_key, changed) if key is not None and key[1] is not None}
    if keys:
        now = utcnow()
        session.connection().execute(SupplyChange.__table__.insert(), [
            {"kind": kind, "item_id": item_id, "created_at": now} for kind, item_id in sorted(keys)])
        session.info.setdefault(_UNCOMMITTED_SUPPLY, set()).update(kind for kind, _id in keys)


_UNCOMMITTED_SUPPLY = "buurtplein_uncommitted_supply"  # the kinds logged and not committed yet


def uncommitted_supply(session) -> frozenset[str]:
    """The kinds this session logged in the supply_change log and has not committed yet (empty:
    none). Caches neither read nor fill while it is not empty: others cannot see those changes."""
    return frozenset(session.info.get(_UNCOMMITTED_SUPPLY, ()))


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_uncommitted_supply(session, transaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_UNCOMMITTED_SUPPLY, None)


def latest_change(session: Session) -> int:
    """The newest supply_change entry's id (0: none). Asked by every suggestion the cache does not
    answer, so the statement's text is made once and handed to the driver (as
    result_cache.supply_version): building the select, its cache key and the ORM execution cost more
    than the index lookup. Pending changes are flushed first, as an ORM query's autoflush would."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return int(session.connection().exec_driver_sql(_LATEST_SQL).scalar() or 0)


# The model's own table name, never input.
_LATEST_SQL = f"SELECT max(id) FROM {SupplyChange.__tablename__}"  # nosec B608


def _supply_entries(session: Session, last: int, upto: int) -> int:
    """Log entries after ``last`` (up to ``upto``) about supply (requests are logged too)."""
    return session.exec(select(func.count()).select_from(SupplyChange).where(
        SupplyChange.id > last, SupplyChange.id <= upto, SupplyChange.kind.not_in(NOT_SUPPLY))).one()


def _changes_since(session: Session, last: int, upto: int) -> dict[str, set[int]]:
    """The listings changed after log entry ``last`` (up to ``upto``), per kind; locations resolved."""
    found: dict[str, set[int]] = defaultdict(set)
    for kind, item_id in session.exec(select(SupplyChange.kind, SupplyChange.item_id).where(
            SupplyChange.id > last, SupplyChange.id <= upto, SupplyChange.kind.not_in(NOT_SUPPLY))).all():
        found[kind].add(item_id)
    locations = found.pop("location", set())
    if locations:
        found["voorziening"] |= set(session.exec(select(VoorzieningLocation.voorziening_id).where(
            VoorzieningLocation.location_id.in_(locations))).all())
        found["activity"] |= set(session.exec(select(Activity.id).where(Activity.location_id.in_(locations))).all())
    organisations = found.pop("organisation", set())
    if organisations:
        found["voorziening"] |= set(session.exec(select(Voorziening.id).where(
            Voorziening.organisation_id.in_(organisations))).all())
        found["activity"] |= set(session.exec(select(Activity.id).where(
            Activity.organisation_id.in_(organisations))).all())
    return found


def _apply_changes(session: Session, matcher: Matcher, changed: dict[str, set[int]]) -> None:
    fresh = supply_from_db(session, ids=changed)
    present = {(item.kind, item.id) for item in fresh}
    for kind, ids in changed.items():
        for item_id in ids:
            if (kind, item_id) not in present:
                matcher.remove(kind, item_id)
    matcher.update(fresh)


# --------------------------------------------------------------------------- the classifier
#
# Trained by `flask --app wsgi match train` (a CLI job, never a web request) and saved with its
# metrics under instance/matching/. Every worker loads the newest saved model; without one, the
# model trained on the library's own material is used (built once per process, at start-up).

_BASE: dict[str, CategoryClassifier] = {}


def model_path() -> Path:
    return Path(current_app.config.get("MATCHING_MODEL_PATH") or Path(current_app.instance_path) /
                "matching" / "classifier.joblib")


def base_classifier() -> CategoryClassifier:
    """The classifier of the library's own material, trained once per process."""
    if "base" not in _BASE:
        with _lock:
            if "base" not in _BASE:
                _BASE["base"] = CategoryClassifier.from_categories(CATEGORIES)
    return _BASE["base"]


def load_classifier() -> CategoryClassifier:
    """The newest saved model (reloaded when `match train` wrote a new one), else the base model."""
    state = current_app.extensions.setdefault("matching", {})
    path = model_path()
    stamp = path.stat().st_mtime_ns if path.exists() else None
    if state.get("classifier") is None or state.get("classifier_stamp") != stamp:
        try:
            state["classifier"] = CategoryClassifier.load(path) if stamp else base_classifier()
        except Exception:  # a half-written or foreign file: keep serving with the base model
            current_app.logger.exception("Kon het getrainde model %s niet laden", path)
            state["classifier"] = base_classifier()
        state["classifier_stamp"] = stamp
    return state["classifier"]


def model_version() -> str:
    """Which classifier answers now (the saved model's time, or the base model): a new model makes
    new suggestions, so cached answers carry it."""
    load_classifier()
    stamp = current_app.extensions["matching"].get("classifier_stamp")
    return "base" if stamp is None else str(stamp)


def train_and_save(session: Session) -> dict:
    """Train on the library's material plus the platform's own examples; save model and metrics."""
    from matching.evaluate import accuracy
    from matching.classifier import load_corpus

    started = clock.process_time()
    examples = training_examples(session)
    clf = CategoryClassifier.from_categories(CATEGORIES, examples)
    metrics = {"trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "examples_from_platform": len(examples), "cpu_seconds": round(clock.process_time() - started, 1),
               "confident_threshold": clf.confident_threshold_, "unsafe_threshold": clf.unsafe_threshold_}
    for split in ("dev", "test"):
        rate = accuracy(clf, load_corpus((split,)))["rate"].get("all")
        if rate:
            metrics[f"{split}_top1"], metrics[f"{split}_top3"], metrics[f"{split}_n"] = rate
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    clf.save(tmp)
    tmp.replace(path)  # atomic: a worker never loads half a file
    path.with_suffix(".json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    return metrics


def training_examples(session: Session) -> list[tuple[str, str]]:
    """The platform's own listings and residents' corrections, as (text, slug)."""
    examples = [(e.text, e.category_slug) for e in session.exec(select(CategoryExample)).all()]
    for item in _offers(session, datetime.now(timezone.utc)) + _voorzieningen(session):
        examples += [(item.text, slug) for slug in item.categories[:1]]
    cats = _category_map(session, RequestCategory, "request_id")
    for r in session.exec(select(HelpRequest).where(HelpRequest.moderation == "approved")).all():
        examples += [(f"{r.title}. {r.description}", slug) for slug in cats[r.id][:1]]
    return examples


def get_matcher(session: Session) -> Matcher:
    """The app's Matcher, kept current with the supply_change log (see above)."""
    state = current_app.extensions.setdefault("matching", {})
    classifier = load_classifier()
    if uncommitted_supply(session):
        # This session's own listing changes are not committed yet: the shared Matcher takes them
        # only after the commit (from the log, like every worker), never before: a rollback would
        # leave them in, and the log ids it skipped could be used again.
        return state.get("matcher") or Matcher(supply_from_db(session), classifier)
    latest = latest_change(session)
    with _lock:
        matcher = state.get("matcher")
        epoch = (local_today(), id(classifier))
        gap = latest - state.get("applied", 0)
        if matcher is not None and gap > FULL_REBUILD_AFTER:  # count only the supply's own entries
            gap = _supply_entries(session, state["applied"], latest)
        stale = matcher is None or state.get("epoch") != epoch or gap > FULL_REBUILD_AFTER \
            or latest < state["applied"]
        if stale and matcher is not None and builds_at_startup(current_app.config):
            # Production: a rebuild takes ~30 s at 10^5 listings, longer than a request may. The old
            # index keeps answering (with the changes it can take) until the new one is ready.
            _rebuild_in_background(current_app._get_current_object())
            stale = False
        if stale:
            state["matcher"] = Matcher(supply_from_db(session), classifier)
            state["epoch"], state["applied"] = epoch, latest
        elif state["applied"] < latest:  # and at most FULL_REBUILD_AFTER entries of supply
            _apply_changes(session, matcher, _changes_since(session, state["applied"], latest))
            state["applied"] = latest
        return state["matcher"]


def _rebuild_in_background(app) -> threading.Thread | None:
    """Build a new Matcher on a thread of this worker, then swap it in; one at a time."""
    state = app.extensions["matching"]
    if state.get("rebuilding"):
        return None
    state["rebuilding"] = True

    def rebuild() -> None:
        try:
            with app.app_context(), db.new_session() as session:
                classifier, latest = load_classifier(), latest_change(session)
                fresh = Matcher(supply_from_db(session), classifier)
            with _lock:
                state.update(matcher=fresh, epoch=(local_today(), id(classifier)), applied=latest)
        except Exception:  # keep serving with the old index; the next request tries again
            app.logger.exception("Het opnieuw bouwen van de matcher is mislukt")
        finally:
            state["rebuilding"] = False

    thread = threading.Thread(target=rebuild, name="buurtplein-matcher", daemon=True)
    state["rebuild_thread"] = thread
    thread.start()
    return thread


def builds_at_startup(config) -> bool:
    """MATCHER_AT_STARTUP, by default on in production only."""
    wanted = config.get("MATCHER_AT_STARTUP")
    return is_production(config) if wanted is None else bool(wanted)


def warm_up(app) -> float:
    """Load the classifier and build the Matcher now (at start-up), so that no request builds it:
    at 10^5 listings that takes longer than gunicorn's 30 s worker timeout. Returns the CPU seconds.
    The pooled connections are closed afterwards: with preload_app the workers fork from here."""
    started = clock.process_time()
    with app.app_context():
        load_classifier()
        with db.new_session() as session:
            get_matcher(session)
        db.get_engine().dispose()
    seconds = clock.process_time() - started
    app.logger.info("Matcher klaar bij het starten (%.1f s CPU)", seconds)
    return seconds


def request_input(session: Session, request: HelpRequest) -> HelpRequestIn:
    slugs = _category_map(session, RequestCategory, "request_id", [request.id]).get(request.id, [])
    areas = _area_codes(session, request.buurt_id) if request.buurt_id else areas_at(session, request.lat, request.lon)
    return HelpRequestIn(id=request.id, text=f"{request.title}. {request.description}", lat=request.lat,
                         lon=request.lon, categories=tuple(slugs), languages=_langs(request.languages),
                         urgency=request.urgency, areas=areas)


def suggest_for_request(session: Session, request: HelpRequest, limit: int = 10,
                        now: datetime | None = None, complete: bool = True) -> SuggestResult:
    """``complete=False``: the first answer a person sees (Matcher.suggest), the rest on request."""
    matcher, query = get_matcher(session), request_input(session, request)
    with _lock:  # an update from another thread must not change the index mid-query
        return matcher.suggest(query, limit=limit, now=now or utcnow(), complete=complete)


def suggest_for_text(session: Session, text: str, lat: float, lon: float, limit: int = 10,
                     now: datetime | None = None, complete: bool = True) -> SuggestResult:
    matcher = get_matcher(session)
    query = HelpRequestIn(id=None, text=text, lat=lat, lon=lon, areas=areas_at(session, lat, lon))
    with _lock:
        return matcher.suggest(query, limit=limit, now=now or utcnow(), complete=complete)


def offers_for_requests(session: Session, requests: list[HelpRequest], now: datetime | None = None,
                        per_request: int = 20) -> dict[int, set[int]]:
    """Per request, the volunteer offers the matcher would suggest for it: the same understanding,
    reach, audience and safety rules as the suggestions page (Matcher.rank, offers only). A request
    a professional must see first gets none. For the weekly digest and anything else that goes
    from requests to volunteers."""
    from matching.index import KIND_CODE
    matcher, now = get_matcher(session), now or utcnow()
    found: dict[int, set[int]] = {}
    for request in requests:
        query = request_input(session, request)
        with _lock:
            und = matcher.understand(query)
            if und.safety.level != "none" or request.safety != "none":
                found[request.id] = set()
                continue
            ranked = matcher.rank(query, und, per_request, kinds=(KIND_CODE["offer"],), now=now)
            found[request.id] = {int(matcher.index.cols["id"][p]) for p in ranked.pos}
    return found


def safety_level(text: str, categories: list[str] = ()) -> str:
    """The safety level stored on a request: the matcher's one judgement (rules and classifier)."""
    pro_only = [c["slug"] for c in CATEGORIES if c.get("professional_only") and c["slug"] in categories]
    return judge_safety(text, load_classifier(), pro_only).level


def record_category_choice(session: Session, text: str, slug: str, source: str = "correction") -> None:
    """A resident confirmed or corrected the category: keep it as a training example."""
    session.add(CategoryExample(text=text[:2000], category_slug=slug, source=source))


# --------------------------------------------------------------------------- reasons, in the reader's language
#
# The matcher gives reason codes with parameters (matching/reasons.py); this is the one place
# that says them in words. Templates (the |reason_text filter), the API and mails all call it.


class _Words:
    """The reasons' words in one language: each message translated once (then only formatted with
    its parameters), the day and language names read once from Babel, and the few distances and
    language lists a city has formatted once. The same text as Flask-Babel's gettext / ngettext
    (translate, then ``%`` with the parameters); ~60 reasons per answer made that lookup (context,
    domain, locale, catalogue per call) a third of an API answer's time."""

    def __init__(self, locale: str, translations):
        from babel import Locale
        self.locale, self._translations = locale, translations
        self._messages: dict[str, str] = {}
        self._days = get_day_names("wide", locale=locale)
        self._language_names = Locale.parse(locale).languages
        self._memo: dict[tuple, str] = {}

    def gettext(self, message: str, **variables) -> str:
        translated = self._messages.get(message)
        if translated is None:
            translated = self._messages[message] = self._translations.ugettext(message)
        return translated % variables if variables else translated

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        return self._translations.ungettext(singular, plural, num) % {"num": num, **variables}

    def remembered(self, key: tuple, make) -> str:
        """``make()``, once per key (bounded: a city has few distinct distances and language lists)."""
        found = self._memo.get(key)
        if found is None:
            found = make()
            if len(self._memo) < 4096:
                self._memo[key] = found
        return found

    def distance(self, km: float) -> str:
        if km < 1:
            return self.gettext("%(m)s m", m=max(50, int(round(km * 1000 / 50.0)) * 50))
        tenth = round(km, 1)
        return self.remembered(("km", tenth), lambda: self.gettext(
            "%(km)s km", km=format_decimal(tenth, format="#,##0.#", locale=self.locale)))

    def category_name(self, slug: str) -> str:
        return slug_name(slug, self.locale)

    def language_names(self, codes) -> str:
        from babel.lists import format_list
        codes = tuple(codes)
        return self.remembered(("languages", codes), lambda: format_list(
            [self._language_names.get(c, c) for c in codes], locale=self.locale))

    def day(self, weekday: int) -> str:
        return self._days[weekday]


_WORDS: dict[str, tuple[object, _Words]] = {}  # locale -> (its catalogue, its words)


def _words() -> _Words:
    """The reasons' words in the reader's language (the catalogue i18n remembers per request and
    locale; a new catalogue object, as after force_locale to another language, gets new words)."""
    from .i18n import _translations
    translations = _translations()  # first: it settles the locale when it was not chosen yet
    locale = str(current_locale())
    known = _WORDS.get(locale)
    if known is None or known[0] is not translations:
        known = _WORDS[locale] = (translations, _Words(locale, translations))
    return known[1]


_GROUP_NAMES = {
    "dementie": lambda w: w.gettext("mensen met geheugenproblemen en hun naasten"),
    "nieuwkomer": lambda w: w.gettext("nieuwkomers"),
    "mantelzorger": lambda w: w.gettext("mantelzorgers"),
    "vrouwen": lambda w: w.gettext("vrouwen"),
    "mannen": lambda w: w.gettext("mannen"),
    "verlies": lambda w: w.gettext("mensen die iemand verloren hebben"),
    "gezin": lambda w: w.gettext("gezinnen met kinderen"),
}


def _target_group(p: dict, w: _Words) -> str:
    groups = [_GROUP_NAMES[g](w) for g in p.get("groups", ()) if g in _GROUP_NAMES]
    lo, hi = p.get("min_age"), p.get("max_age")
    if lo and hi:
        ages = w.gettext("%(lo)s tot %(hi)s jaar", lo=lo, hi=hi)
    elif lo:
        ages = w.gettext("vanaf %(lo)s jaar", lo=lo)
    elif hi:
        ages = w.gettext("tot %(hi)s jaar", hi=hi)
    else:
        ages = ""
    return w.gettext("bedoeld voor: %(who)s", who=", ".join([*groups, ages] if ages else groups))


_REASONS = {
    "kind_offer": lambda p, w: w.gettext("vrijwilliger uit uw buurt"),
    "kind_activity": lambda p, w: w.gettext("groepsactiviteit: samen met anderen"),
    "kind_nulde": lambda p, w: w.gettext("algemene voorziening in de wijk"),
    "kind_eerste": lambda p, w: w.gettext("professionele hulp (eerste lijn)"),
    "kind_tweede": lambda p, w: w.gettext("specialistische hulp (tweede lijn)"),
    "distance_km": lambda p, w: w.gettext("%(distance)s van u", distance=w.distance(p["km"])),
    "comes_home": lambda p, w: w.gettext("komt bij u thuis of helpt telefonisch"),
    "category": lambda p, w: w.gettext("past bij uw vraag: %(name)s", name=w.category_name(p["slug"])),
    "own_wijk": lambda p, w: w.gettext("voor bewoners van uw wijk"),
    "target_group": _target_group,
    "languages": lambda p, w: w.gettext("spreekt %(languages)s", languages=w.language_names(p["codes"])),
    "cost_free_no_indicatie": lambda p, w: w.gettext("gratis, zonder indicatie"),
    "cost_free": lambda p, w: w.gettext("gratis"),
    "cost_no_indicatie": lambda p, w: w.gettext("zonder indicatie"),
    "cost_indicatie": lambda p, w: w.gettext("alleen met een indicatie"),
    "weekly": lambda p, w: w.gettext("elke %(day)s %(time)s", day=w.day(p["weekday"]), time=p["time"]),
    "schedule_text": lambda p, w: p["text"],
    "time_fit": lambda p, w: w.gettext("kan op de tijd die u wilt"),
    "time_fit_partial": lambda p, w: w.gettext("kan deels op de tijd die u wilt"),
    "places_left": lambda p, w: w.ngettext("nog %(num)d plaats vrij", "nog %(num)d plaatsen vrij", p["n"]),
    "time_this_month": lambda p, w: w.gettext("heeft deze maand nog tijd"),
    "shared_words": lambda p, w: w.gettext("gaat ook over: %(words)s", words=", ".join(p["words"])),
    "verified_recently": lambda p, w: w.gettext("gegevens onlangs gecontroleerd"),
    "data_old": lambda p, w: w.gettext("let op: gegevens ouder dan een jaar"),
}


def reason_text(reason, words: _Words | None = None) -> str:
    """One reason from the matcher, in the reader's language (a plain string passes through:
    reasons stored before there were codes)."""
    if isinstance(reason, str):
        return reason
    code, params = reason
    render = _REASONS.get(code)
    return render(params, words or _words()) if render else code


def reason_texts(suggestion) -> list[str]:
    words = _words()
    return [reason_text(r, words) for r in suggestion.reasons]


def by_need(result: SuggestResult) -> list[tuple[str | None, list]]:
    """A question with more than one need ("eenzaam en schulden"), grouped: per need (primary
    first) its suggestions, in the order the list already has (lightest help first, then nearest).
    Empty when there is nothing to group: one need, not understood, or professional help first
    (then that list's own order matters more than the topics). A need without suggestions keeps
    its (empty) group, so the page can say so; ``None`` heads what fits no need."""
    if not result.confident or result.professional_first or len(result.needs) < 2:
        return []
    groups: dict[str | None, list] = {slug: [] for slug in result.needs}
    for suggestion in result.suggestions:
        groups.setdefault(suggestion.category if suggestion.category in groups else None, []).append(suggestion)
    return [(slug, items) for slug, items in groups.items() if slug is not None or items]
