"""A whole city for load tests: ``flask --app wsgi demo --scale city``.

The plain demo is built first (areas, postcodes, organisations, the demo logins, its texts);
then about 10^5 voorzieningen, volunteer offers and help requests are added around its buurten,
with texts varied from the demo's own (a buurt, a street, a time of day), so search, lists,
the map and the matcher meet city-sized data. Rows go in with bulk inserts (executemany with
RETURNING ids), in batches, so SQLite and PostgreSQL both build it in minutes, not hours.

Deterministic (seeded) and demo-only: every account ends in the demo domain, so ``demo``
can replace it again.
"""

from __future__ import annotations

import math
import random
from datetime import date, time, timedelta
from typing import Iterable

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, select

from .. import matching_service
from ..models import (Activity, ActivityCategory, ActivityOccurrence, Area, AvailabilitySlot, Category,
                      HelpRequest, HelpRequestPrivate, Location, OfferCategory, Organisation, PostcodeArea,
                      RequestCategory, Schedule, User, UserRole, VolunteerOffer, Voorziening,
                      VoorzieningCategory, VoorzieningLocation, utcnow)
from ..timeutil import local_datetime, local_today
from .loader import DEMO_DOMAIN, build_demo

CITY_SIZE = 100_000  # voorzieningen, offers and requests each: a municipality of ~150,000 residents
BATCH = 5_000
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TIMES_OF_DAY = ("'s ochtends", "'s middags", "na 19 uur", "in het weekend", "door de week")
REQUEST_ENDINGS = ("Ik woon in {buurt}.", "Het liefst {time}.", "Ik woon aan de {street}, in {buurt}.",
                   "Wie in {buurt} kan mij helpen?", "")
OFFER_ENDINGS = ("Ik woon in {buurt}.", "Ik kan {time}.", "Vooral in {buurt} en omgeving.", "")
ORG_FORMS = ("Stichting {word} {buurt}", "Buurthuis {buurt}", "Vereniging {word} {buurt}",
             "{word}punt {buurt}", "Wijkcentrum {buurt}")
ORG_WORDS = ("Samen", "Noaberschap", "De Brug", "Buurtkracht", "Welzijn", "Doen", "Het Anker", "Thuis")


def build_city(session: Session, size: int = CITY_SIZE, today: date | None = None) -> dict[str, int]:
    """The plain demo plus ``size`` voorzieningen, offers and requests (and size/50 activities)."""
    today = today or local_today()
    build_demo(session, today)
    city = _City(session, today, size)
    city.build()
    session.flush()  # the CLI's unit of work commits; build_demo queued the reindex for after it
    return _totals(session)


def _totals(session: Session) -> dict[str, int]:
    """The same names the plain demo prints, counted over the whole city."""
    from sqlalchemy import func

    def count(model):
        return session.exec(select(func.count()).select_from(model)).one()
    return {"buurten": len(session.exec(select(Area.id).where(Area.kind == "buurt")).all()),
            "organisaties": count(Organisation), "voorzieningen": count(Voorziening),
            "activiteiten": count(Activity), "vrijwilligersaanbod": count(VolunteerOffer),
            "hulpvragen": count(HelpRequest), "accounts": count(User)}


class _City:
    def __init__(self, session: Session, today: date, size: int):
        self.s = session
        self.today = today
        self.size = size
        self.rng = random.Random(20261201)  # nosec B311 - seeded demo data, nothing secret
        self.now = utcnow()
        self.counts: dict[str, int] = {}
        self.categories = {c.slug: c for c in session.exec(select(Category)).all()}
        self.buurten = list(session.exec(select(Area).where(Area.kind == "buurt").order_by(Area.id)).all())
        self.names = {b.id: b.name for b in self.buurten}
        self.postcodes: dict[int, list[PostcodeArea]] = {}
        for pc in session.exec(select(PostcodeArea).order_by(PostcodeArea.postcode)).all():
            if len(pc.postcode) == 6 and pc.buurt_id:
                self.postcodes.setdefault(pc.buurt_id, []).append(pc)
        self.buurten = [b for b in self.buurten if b.id in self.postcodes]
        demo_user = session.exec(select(User).where(User.email == f"bewoner{DEMO_DOMAIN}")).one()
        self.password_hash = demo_user.password_hash
        self.first_names = sorted({u.display_name.split()[0] for u in session.exec(select(User)).all()})
        self.templates = _Templates(session)
        self._safety: dict[str, str] = {}

    def build(self) -> None:
        organisations = self.organisations(max(1, self.size // 50))
        self.voorzieningen(organisations)
        volunteers = self.users("stad-vrijwilliger", max(1, self.size // 2), ("vrijwilliger", "bewoner"))
        self.offers(volunteers)
        residents = self.users("stad-bewoner", max(1, self.size // 2), ("bewoner",))
        self.requests(residents)
        self.activities(organisations, max(1, self.size // 50))

    # ------------------------------------------------------------------ places and words

    def _place(self, spread_m: float = 150.0) -> tuple[Area, PostcodeArea, float, float]:
        """A buurt, one of its postcodes and a point near it (never exactly on top of another)."""
        buurt = self.rng.choice(self.buurten)
        pc = self.rng.choice(self.postcodes[buurt.id])
        dlat = self.rng.uniform(-spread_m, spread_m) / 111_320
        dlon = self.rng.uniform(-spread_m, spread_m) / (111_320 * math.cos(math.radians(pc.lat)))
        return buurt, pc, round(pc.lat + dlat, 6), round(pc.lon + dlon, 6)

    def _fill(self, pattern: str, buurt: Area, pc: PostcodeArea) -> str:
        return pattern.format(buurt=buurt.name, street=pc.street or buurt.name,
                              time=self.rng.choice(TIMES_OF_DAY), word=self.rng.choice(ORG_WORDS))

    def _insert(self, model: type[SQLModel], rows: Iterable[dict], ids: bool = False) -> list[int]:
        """Bulk insert in batches; with ``ids`` the new primary keys, in the order of ``rows``."""
        table = model.__table__
        template = {k: v for k, v in model.model_construct().model_dump().items() if k in table.c and k != "id"}
        new_ids: list[int] = []
        batch: list[dict] = []
        total = 0

        def flush():
            if not batch:
                return
            if ids:
                stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                new_ids.extend(self.s.execute(stmt, batch).scalars().all())
            else:
                self.s.execute(insert(table), batch)
            batch.clear()

        for row in rows:
            batch.append({**template, **row})
            total += 1
            if len(batch) >= BATCH:
                flush()
        flush()
        self.counts[table.name] = self.counts.get(table.name, 0) + total
        return new_ids

    def _safety_of(self, text: str, slug: str) -> str:
        """The matcher's safety level, once per template text (the varied endings say nothing about danger)."""
        key = f"{slug}|{text}"
        if key not in self._safety:
            self._safety[key] = matching_service.safety_level(text, [slug])
        return self._safety[key]

    # ------------------------------------------------------------------ rows

    def organisations(self, n: int) -> list[int]:
        rows = []
        for i in range(n):
            buurt, pc, _, _ = self._place()
            name = self._fill(ORG_FORMS[i % len(ORG_FORMS)], buurt, pc)
            rows.append({"name": f"{name} ({i + 1})" if i >= len(self.buurten) else name,
                         "description": f"Organisatie voor bewoners van {buurt.name} en omgeving.",
                         "moderation": "approved", "created_at": self.now,
                         "last_verified_at": self.now - timedelta(days=self.rng.randint(5, 500))})
        return self._insert(Organisation, rows, ids=True)

    def voorzieningen(self, organisations: list[int]) -> None:
        rows, places, picks = [], [], []
        for i in range(self.size):
            template = self.templates.voorziening(i)
            buurt, pc, lat, lon = self._place()
            places.append((buurt, pc, lat, lon))
            picks.append(template)
            pending = i % 97 == 0  # a few wait for moderation, so the queue has work
            rows.append({
                "organisation_id": organisations[i % len(organisations)],
                "name": f"{template['name']} {buurt.name}"[:160],
                "description": f"{template['description']} In {buurt.name}, {pc.street or buurt.name}.",
                "tier": template["tier"], "indicatievrij": template["indicatievrij"],
                "cost_kind": template["cost_kind"], "cost_amount_cents": template["cost_amount_cents"],
                "languages": template["languages"], "moderation": "pending" if pending else "approved",
                "status": "inactive" if i % 211 == 0 else "active",
                "created_at": self.now, "updated_at": self.now,
                "last_verified_at": self.now - timedelta(days=self.rng.randint(1, 500))})
        ids = self._insert(Voorziening, rows, ids=True)
        location_ids = self._insert(Location, ({
            "name": f"{t['name']} {b.name}"[:160], "address": f"{pc.street or b.name} {self.rng.randint(1, 250)}",
            "postcode": pc.postcode, "lat": lat, "lon": lon, "buurt_id": b.id}
            for t, (b, pc, lat, lon) in zip(picks, places)), ids=True)
        self._insert(VoorzieningLocation, ({"voorziening_id": v, "location_id": loc}
                                           for v, loc in zip(ids, location_ids)))
        self._insert(VoorzieningCategory, ({"voorziening_id": v, "category_id": self.categories[slug].id}
                                           for v, t in zip(ids, picks) for slug in t["categories"]))
        self._insert(Schedule, ({"voorziening_id": v, "location_id": loc, "byday": byday,
                                 "opens_at": opens, "closes_at": closes}
                                for v, loc, t in zip(ids, location_ids, picks)
                                for byday, opens, closes in t["schedule"]))

    def users(self, prefix: str, n: int, roles: tuple[str, ...]) -> list[tuple[int, Area]]:
        people = []
        rows = []
        for i in range(n):
            buurt, pc, _, _ = self._place()
            people.append(buurt)
            rows.append({"email": f"{prefix}{i}{DEMO_DOMAIN}", "password_hash": self.password_hash,
                         "display_name": f"{self.rng.choice(self.first_names)} {chr(65 + i % 26)}.",
                         "postcode": pc.postcode, "buurt_id": buurt.id, "trusted": True,
                         "languages": self.rng.choice(("nl", "nl", "nl", "nl,en", "nl,tr", "nl,ar")),
                         "created_at": self.now})
        ids = self._insert(User, rows, ids=True)
        self._insert(UserRole, ({"user_id": u, "role": r} for u in ids for r in roles))
        return list(zip(ids, people))

    def offers(self, volunteers: list[tuple[int, Area]]) -> None:
        picks, rows = [], []
        for i in range(self.size):
            template = self.templates.offer(i)
            user_id, buurt = volunteers[i % len(volunteers)]
            pc = self.rng.choice(self.postcodes[buurt.id])
            picks.append(template)
            ending = self._fill(self.rng.choice(OFFER_ENDINGS), buurt, pc)
            rows.append({
                "user_id": user_id, "title": template["title"],
                "description": f"{template['description']} {ending}".strip(),
                "radius_m": template["radius_m"], "languages": template["languages"],
                "max_matches_per_month": self.rng.choice((2, 4, 4, 8)), "buurt_id": buurt.id,
                "lat": buurt.lat, "lon": buurt.lon, "status": "paused" if i % 23 == 22 else "active",
                "moderation": "pending" if i % 101 == 0 else "approved",
                "expires_at": self.today + timedelta(days=self.rng.randint(10, 180)),
                "created_at": self.now - timedelta(days=self.rng.randint(0, 60)), "updated_at": self.now})
        ids = self._insert(VolunteerOffer, rows, ids=True)
        self._insert(OfferCategory, ({"offer_id": o, "category_id": self.categories[slug].id}
                                     for o, t in zip(ids, picks) for slug in t["categories"]))

        def slots():
            for o in ids:
                for _ in range(self.rng.randint(1, 2)):
                    start = self.rng.choice((9, 10, 13, 14, 18, 19))
                    yield {"offer_id": o, "weekday": self.rng.randint(0, 6), "start_time": time(start),
                           "end_time": time(start + self.rng.choice((2, 3)))}
        self._insert(AvailabilitySlot, slots())

    def requests(self, residents: list[tuple[int, Area]]) -> None:
        picks, rows, privates = [], [], []
        statuses = ("open",) * 14 + ("matched", "done", "expired", "withdrawn")
        for i in range(self.size):
            template = self.templates.request(i)
            user_id, buurt = residents[i % len(residents)]
            pc = self.rng.choice(self.postcodes[buurt.id])
            picks.append(template)
            ending = self._fill(self.rng.choice(REQUEST_ENDINGS), buurt, pc)
            name = self.rng.choice(self.first_names)
            rows.append({
                "title": template["title"], "description": f"{template['description']} {ending}".strip(),
                "urgency": template["urgency"], "public_name": name, "buurt_id": buurt.id, "pc4": pc.postcode[:4],
                "lat": buurt.lat, "lon": buurt.lon, "posted_by_id": user_id, "requester_id": user_id,
                "status": self.rng.choice(statuses), "moderation": "pending" if i % 89 == 0 else "approved",
                "safety": self._safety_of(f"{template['title']}. {template['description']}", template["categories"][0]),
                "created_at": self.now - timedelta(days=self.rng.randint(0, 25)), "updated_at": self.now,
                "expires_at": self.today + timedelta(days=self.rng.randint(3, 30))})
            privates.append({"address": f"{pc.street or buurt.name} {self.rng.randint(1, 250)}", "postcode": pc.postcode})
        ids = self._insert(HelpRequest, rows, ids=True)
        self._insert(HelpRequestPrivate, ({"request_id": r, **p} for r, p in zip(ids, privates)))
        self._insert(RequestCategory, ({"request_id": r, "category_id": self.categories[t["categories"][0]].id,
                                        "position": 0}
                                       for r, t in zip(ids, picks)))

    def activities(self, organisations: list[int], n: int) -> None:
        picks, places, rows = [], [], []
        for i in range(n):
            template = self.templates.activity(i)
            buurt, pc, lat, lon = self._place()
            picks.append(template)
            places.append((buurt, pc, lat, lon))
        location_ids = self._insert(Location, ({
            "name": f"{t['title']} {b.name}"[:160], "address": f"{pc.street or b.name} {self.rng.randint(1, 250)}",
            "postcode": pc.postcode, "lat": lat, "lon": lon, "buurt_id": b.id}
            for t, (b, pc, lat, lon) in zip(picks, places)), ids=True)
        for i, (t, (b, _, _, _), loc) in enumerate(zip(picks, places, location_ids)):
            rows.append({"title": f"{t['title']} {b.name}"[:160], "description": t["description"],
                         "organisation_id": organisations[i % len(organisations)], "location_id": loc,
                         "capacity": t["capacity"], "volunteers_wanted": t["volunteers_wanted"],
                         "rrule": f"FREQ=WEEKLY;INTERVAL=1;BYDAY={t['weekday']}", "moderation": "approved",
                         "created_at": self.now, "updated_at": self.now})
        ids = self._insert(Activity, rows, ids=True)
        self._insert(ActivityCategory, ({"activity_id": a, "category_id": self.categories[slug].id}
                                        for a, t in zip(ids, picks) for slug in t["categories"]))

        def occurrences():
            for a, t in zip(ids, picks):
                first = self.today + timedelta(days=(WEEKDAYS.index(t["weekday"]) - self.today.weekday()) % 7)
                for week in range(4):
                    day = first + timedelta(weeks=week)
                    yield {"activity_id": a, "starts_at": local_datetime(day, t["start"]),
                           "ends_at": local_datetime(day, t["end"])}
        self._insert(ActivityOccurrence, occurrences())


class _Templates:
    """The plain demo's listings, read back from the database, as patterns to vary."""

    def __init__(self, session: Session):
        def slugs(link, key, owner_id):  # a request's in the order chosen: its first is the main need
            order = (link.position, Category.id) if hasattr(link, "position") else (Category.id,)
            return [c.slug for c in session.exec(select(Category).join(link, link.category_id == Category.id)
                                                 .where(getattr(link, key) == owner_id).order_by(*order))]

        self.voorzieningen = []
        for v in session.exec(select(Voorziening).order_by(Voorziening.id)).all():
            schedule = [(s.byday, s.opens_at, s.closes_at)
                        for s in session.exec(select(Schedule).where(Schedule.voorziening_id == v.id)).all()]
            self.voorzieningen.append({
                "name": v.name, "description": v.description, "tier": v.tier, "indicatievrij": v.indicatievrij,
                "cost_kind": v.cost_kind, "cost_amount_cents": v.cost_amount_cents, "languages": v.languages,
                "categories": slugs(VoorzieningCategory, "voorziening_id", v.id), "schedule": schedule})
        self.offers = [{"title": o.title, "description": o.description, "radius_m": o.radius_m,
                        "languages": o.languages, "categories": slugs(OfferCategory, "offer_id", o.id)}
                       for o in session.exec(select(VolunteerOffer).order_by(VolunteerOffer.id)).all()]
        self.requests = [{"title": r.title, "description": r.description, "urgency": r.urgency,
                          "categories": slugs(RequestCategory, "request_id", r.id)}
                         for r in session.exec(select(HelpRequest).order_by(HelpRequest.id)).all()]
        self.activities = []
        for a in session.exec(select(Activity).order_by(Activity.id)).all():
            first = session.exec(select(ActivityOccurrence).where(ActivityOccurrence.activity_id == a.id)
                                 .order_by(ActivityOccurrence.starts_at)).first()
            weekday = (a.rrule or "BYDAY=WE").rsplit("BYDAY=", 1)[-1][:2]
            start, end = (time(10), time(12)) if first is None else (_local_time(first.starts_at), _local_time(first.ends_at))
            if start >= end:
                start, end = time(10), time(12)
            self.activities.append({"title": a.title, "description": a.description, "capacity": a.capacity,
                                    "volunteers_wanted": a.volunteers_wanted, "weekday": weekday,
                                    "start": start, "end": end,
                                    "categories": slugs(ActivityCategory, "activity_id", a.id)})
        # A listing without a category would never be found or matched: leave those out.
        for name in ("voorzieningen", "offers", "requests", "activities"):
            setattr(self, name, [t for t in getattr(self, name) if t["categories"]])

    def voorziening(self, i: int) -> dict:
        return self.voorzieningen[i % len(self.voorzieningen)]

    def offer(self, i: int) -> dict:
        return self.offers[i % len(self.offers)]

    def request(self, i: int) -> dict:
        return self.requests[i % len(self.requests)]

    def activity(self, i: int) -> dict:
        return self.activities[i % len(self.activities)]


def _local_time(moment) -> time:
    from ..timeutil import to_local
    return to_local(moment).time().replace(second=0, microsecond=0)
