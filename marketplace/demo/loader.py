"""Turn the demo content (content.py) into database rows, deterministically.

Safety: the demo replaces earlier demo data by emptying the content tables, so it
refuses to run on a database that holds accounts not made by the demo.
"""

from __future__ import annotations

import json

import random
from datetime import date, time, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, SQLModel, select

from .. import db, matching_service
from ..account.services import hash_password
from ..timeutil import local_datetime, local_today
from ..models import (Activity, ActivityCategory, ActivityOccurrence, ActivitySignup, Area,
                      AvailabilitySlot, Category, HelpRequest, HelpRequestPrivate, Location,
                      OfferCategory, Organisation, PostcodeArea, Referral, RequestCategory, Schedule, User,
                      UserOrganisation, UserRole, UserWijk, VolunteerOffer, Voorziening,
                      VoorzieningCategory, VoorzieningLocation, utcnow)
from . import content

DEMO_DOMAIN = "@demo.buurtplein.nl"
# Public on purpose (the README lists it): only accounts of the demo municipality have it.
DEMO_PASSWORD = "buurtplein-demo"  # nosec B105
DEMO_ROLES = ("bewoner", "vrijwilliger", "ambassadeur", "professional", "aanbieder",
              "preventiemakelaar", "beheerder")
KEEP_TABLES = {"category", "alembic_version"}
WEEKDAY_INDEX = {code: i for i, code in enumerate(("MO", "TU", "WE", "TH", "FR", "SA", "SU"))}
N_OFFERS, N_REQUESTS = 80, 60


class DemoRefused(RuntimeError):
    pass


def build_demo(session: Session, today: date | None = None) -> dict[str, int]:
    today = today or local_today()
    _refuse_on_real_data(session)
    _empty_content_tables(session)
    builder = _Builder(session, today)
    builder.build()
    session.flush()
    # The search index of the sociale kaart reads committed rows on a connection of its own.
    from ..voorzieningen.search import reindex
    db.after_commit(session, lambda: reindex(session))
    return builder.counts()


def _refuse_on_real_data(session: Session) -> None:
    real = session.exec(select(func.count()).select_from(User).where(
        ~User.email.endswith(DEMO_DOMAIN))).one()
    if real:
        raise DemoRefused(f"Deze database heeft {real} echte accounts. De demo overschrijft alleen een "
                          "demo-database; gebruik een lege database.")


def _empty_content_tables(session: Session) -> None:
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name not in KEEP_TABLES:
            session.execute(delete(table))
    session.flush()


class _Builder:
    def __init__(self, session: Session, today: date):
        self.s = session
        self.today = today
        # Seeded: the same demo every time; nothing secret depends on it.
        self.rng = random.Random(20261123)  # nosec B311
        self.password_hash = hash_password(DEMO_PASSWORD)  # one hash for all: scrypt is slow on purpose
        self.categories = {c.slug: c for c in session.exec(select(Category)).all()}
        self.buurten: dict[str, Area] = {}
        self.wijken: list[Area] = []
        self.postcodes: dict[str, list[dict]] = {}
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.n = {"gemeente": 0}

    def build(self) -> None:
        self.areas()
        self.organisations()
        self.role_accounts()
        self.voorzieningen()
        self.activities()
        self.offers()
        self.requests()
        from .referrals import build_referrals
        build_referrals(self)
        from .history import build_history
        build_history(self)

    def counts(self) -> dict[str, int]:
        def count(model):
            return self.s.exec(select(func.count()).select_from(model)).one()
        return {
            "wijken": len(self.wijken), "buurten": len(self.buurten),
            "postcodegebieden": count(PostcodeArea), "organisaties": count(Organisation),
            "voorzieningen": count(Voorziening), "activiteiten": count(Activity),
            "vrijwilligersaanbod": count(VolunteerOffer), "hulpvragen": count(HelpRequest),
            "accounts": count(User), "verwijzingen": count(Referral),
        }

    # ------------------------------------------------------------------ areas

    def areas(self) -> None:
        g = content.GEMEENTE
        gemeente = Area(kind="gemeente", name=g["name"], code=g["code"], lat=g["lat"], lon=g["lon"])
        self.s.add(gemeente)
        self.s.flush()
        for w in content.WIJKEN:
            wijk = Area(kind="wijk", name=w["name"], code=w["code"], parent_id=gemeente.id, lat=w["lat"], lon=w["lon"],
                        outline_geojson=_outline(w))
            self.s.add(wijk)
            self.s.flush()
            self.wijken.append(wijk)
            for b in w["buurten"]:
                buurt = Area(kind="buurt", name=b["name"], code=b["code"], parent_id=wijk.id, lat=b["lat"], lon=b["lon"],
                             outline_geojson=_outline(b))
                self.s.add(buurt)
                self.s.flush()
                self.buurten[b["code"]] = buurt
                self.postcodes[b["code"]] = b["postcodes"]
                self._postcodes_for(buurt, b["postcodes"])

    def _postcodes_for(self, buurt: Area, postcodes: list[dict]) -> None:
        for pc in postcodes:
            self.s.add(PostcodeArea(postcode=pc["pc6"], lat=pc["lat"], lon=pc["lon"], buurt_id=buurt.id,
                                    street=pc.get("street")))
            pc4 = pc["pc6"][:4]
            if self.s.get(PostcodeArea, pc4) is None:
                # A PC4 spans buurten; its first buurt and point are a fair offline answer.
                self.s.add(PostcodeArea(postcode=pc4, lat=pc["lat"], lon=pc["lon"], buurt_id=buurt.id))
            self.s.flush()

    # ------------------------------------------------------------------ organisations and people

    def organisations(self) -> None:
        for i, o in enumerate(content.ORGANISATIONS):
            # Most were checked recently; a few long ago, so "possibly outdated" shows up in the demo.
            verified = utcnow() - timedelta(days=400 if i % 7 == 6 else 20 + i)
            org = Organisation(name=o["name"], description=o["description"], email=o.get("email"),
                               phone=o.get("phone"), website=o.get("website"), moderation="approved",
                               last_verified_at=verified)
            self.s.add(org)
            self.orgs[o["key"]] = org
        self.s.flush()

    def _user(self, email: str, name: str, roles: tuple[str, ...], buurt: Area | None = None,
              languages: str = "nl") -> User:
        user = User(email=email, password_hash=self.password_hash, display_name=name,
                    buurt_id=buurt.id if buurt else None, languages=languages, trusted=True,
                    postcode=self._a_postcode(buurt)["pc6"] if buurt else None)
        user.roles = [UserRole(role=r) for r in roles]
        self.s.add(user)
        self.s.flush()
        return user

    def _a_postcode(self, buurt: Area) -> dict:
        return self.rng.choice(self.postcodes[buurt.code])

    def _name(self) -> str:
        return f"{self.rng.choice(content.FIRST_NAMES)} {self.rng.choice(content.LAST_NAMES)}"

    def role_accounts(self) -> None:
        first_buurt = next(iter(self.buurten.values()))
        names = {"bewoner": "Anna Jansen", "vrijwilliger": "Mehmet Kaya", "ambassadeur": "Els Bakker",
                 "professional": "Samira El Amrani", "aanbieder": "Peter de Groot",
                 "preventiemakelaar": "Marieke Smit", "beheerder": "Gemeente Enschede"}
        for role in DEMO_ROLES:
            self.users[role] = self._user(f"{role}{DEMO_DOMAIN}", names[role], (role,), first_buurt)
        self.s.add(UserOrganisation(user_id=self.users["aanbieder"].id,
                                    organisation_id=next(iter(self.orgs.values())).id))
        for wijk in self.wijken:
            self.s.add(UserWijk(user_id=self.users["preventiemakelaar"].id, wijk_id=wijk.id))
        self.s.flush()

    # ------------------------------------------------------------------ listings

    def _location(self, name: str, buurt_code: str, address: str | None, accessibility: str | None = None) -> Location:
        buurt = self.buurten[buurt_code]
        pc = self._a_postcode(buurt)
        location = Location(name=name, address=address or pc.get("street", buurt.name), postcode=pc["pc6"],
                            lat=pc["lat"], lon=pc["lon"], buurt_id=buurt.id, accessibility=accessibility)
        self.s.add(location)
        self.s.flush()
        return location

    def _link_categories(self, link_model, key: str, owner_id: int, slugs: list[str]) -> None:
        for position, slug in enumerate(dict.fromkeys(slugs)):
            # A request keeps the order its categories were chosen in (the first is the main need).
            order = {"position": position} if hasattr(link_model, "position") else {}
            self.s.add(link_model(**{key: owner_id, "category_id": self.categories[slug].id, **order}))

    def voorzieningen(self) -> None:
        for i, v in enumerate(content.VOORZIENINGEN):
            org = self.orgs[v["org"]]
            amount = v.get("cost_amount")
            row = Voorziening(
                organisation_id=org.id, name=v["name"], description=v["description"], tier=v["tier"],
                indicatievrij=v["indicatievrij"], cost_kind=v["cost"],
                cost_amount_cents=int(round(amount * 100)) if amount is not None else None,
                eligibility=v.get("eligibility"), min_age=v.get("min_age"), max_age=v.get("max_age"),
                languages=",".join(v.get("languages", ["nl"])), accessibility=v.get("accessibility"),
                phone=v.get("phone"), email=v.get("email"), moderation="approved",
                last_verified_at=org.last_verified_at)
            self.s.add(row)
            self.s.flush()
            location = self._location(v["name"], v["buurt"], v.get("address"), v.get("accessibility"))
            self.s.add(VoorzieningLocation(voorziening_id=row.id, location_id=location.id))
            self._link_categories(VoorzieningCategory, "voorziening_id", row.id, v["categories"])
            for byday, opens, closes in v.get("schedule", []):
                self.s.add(Schedule(voorziening_id=row.id, location_id=location.id, byday=byday,
                                    opens_at=_time(opens), closes_at=_time(closes)))
        self.s.flush()

    def activities(self) -> None:
        residents = [self._user(f"initiatief{i}{DEMO_DOMAIN}", self._name(), ("bewoner",),
                                self.rng.choice(list(self.buurten.values())))
                     for i in range(4)]
        participants = [self._user(f"deelnemer{i}{DEMO_DOMAIN}", self._name(), ("bewoner",),
                                   self.rng.choice(list(self.buurten.values()))) for i in range(30)]
        for i, a in enumerate(content.ACTIVITIES):
            location = self._location(a["title"], a["buurt"], a.get("address"))
            initiator = residents[i % len(residents)] if a.get("initiator") else None
            org = self.orgs.get(a["org"]) if a.get("org") else None
            if initiator is None and org is None:
                org = next(iter(self.orgs.values()))
            every = a.get("every_weeks", 1)
            activity = Activity(
                title=a["title"], description=a["description"], is_initiative=initiator is not None,
                owner_user_id=initiator.id if initiator else None, organisation_id=org.id if org else None,
                location_id=location.id, capacity=a.get("capacity"), volunteers_wanted=a.get("volunteers_wanted", 0),
                rrule=f"FREQ=WEEKLY;INTERVAL={every};BYDAY={a['weekday']}", moderation="approved")
            self.s.add(activity)
            self.s.flush()
            self._link_categories(ActivityCategory, "activity_id", activity.id, a["categories"])
            self._occurrences(activity, a["weekday"], _time(a["start"]), _time(a["end"]), every)
            self._signups(activity, participants)
        self.s.flush()

    def _occurrences(self, activity: Activity, weekday: str, start: time, end: time, every: int) -> None:
        first = self.today + timedelta(days=(WEEKDAY_INDEX[weekday] - self.today.weekday()) % 7)
        for week in range(0, 8, every):
            day = first + timedelta(weeks=week)
            self.s.add(ActivityOccurrence(activity_id=activity.id, starts_at=local_datetime(day, start),
                                          ends_at=local_datetime(day, end)))

    def _signups(self, activity: Activity, participants: list[User]) -> None:
        capacity = activity.capacity or 20
        # Small activities fill up and get a waiting list; others are partly booked.
        wanted = capacity + 2 if capacity <= 8 else self.rng.randint(0, capacity // 2)
        for position, user in enumerate(self.rng.sample(participants, min(wanted, len(participants)))):
            status = "signed_up" if position < capacity else "waiting_list"
            self.s.add(ActivitySignup(activity_id=activity.id, user_id=user.id, status=status, position=position))

    def offers(self) -> None:
        slugs = [s for s in content.OFFER_TEXTS]
        volunteers = [self.users["vrijwilliger"]] + [
            self._user(f"vrijwilliger{i}{DEMO_DOMAIN}", self._name(), ("vrijwilliger", "bewoner"),
                       self.rng.choice(list(self.buurten.values())),
                       languages=self.rng.choice(["nl", "nl", "nl,en", "nl,tr", "nl,ar", "nl,pl"]))
            for i in range(1, 60)]
        for i in range(N_OFFERS):
            slug = slugs[i % len(slugs)]
            texts = content.OFFER_TEXTS[slug]
            text = texts[(i // len(slugs)) % len(texts)]
            volunteer = volunteers[i % len(volunteers)]
            buurt = self.s.get(Area, volunteer.buurt_id)
            offer = VolunteerOffer(
                user_id=volunteer.id, title=text["title"], description=text["description"],
                radius_m=text.get("radius_m", 2000), languages=",".join(text.get("languages", volunteer.languages.split(","))),
                max_matches_per_month=self.rng.choice([2, 4, 4, 8]), buurt_id=buurt.id, lat=buurt.lat, lon=buurt.lon,
                status="paused" if i % 23 == 22 else "active", moderation="approved",
                expires_at=self.today + timedelta(days=self.rng.randint(10, 180)))
            self.s.add(offer)
            self.s.flush()
            self._link_categories(OfferCategory, "offer_id", offer.id, [slug] + text.get("extra_categories", []))
            for _ in range(self.rng.randint(1, 3)):
                day = self.rng.randint(0, 6)
                start = self.rng.choice([9, 10, 13, 14, 18, 19])
                self.s.add(AvailabilitySlot(offer_id=offer.id, weekday=day, start_time=time(start),
                                            end_time=time(start + self.rng.choice([2, 3]))))
        self.s.flush()

    def requests(self) -> None:
        slugs = list(content.REQUEST_TEXTS)
        residents = [self.users["bewoner"]] + [
            self._user(f"bewoner{i}{DEMO_DOMAIN}", self._name(), ("bewoner",),
                       self.rng.choice(list(self.buurten.values()))) for i in range(1, 40)]
        helpers = [self.users["ambassadeur"], self.users["professional"]]
        for i in range(N_REQUESTS):
            slug = slugs[i % len(slugs)]
            texts = content.REQUEST_TEXTS[slug]
            text = texts[(i // len(slugs)) % len(texts)]
            professional_only = self.categories[slug].professional_only
            on_behalf = professional_only or i % 5 == 0
            poster = self.users["professional"] if professional_only else (helpers[i % 2] if on_behalf else residents[i % len(residents)])
            buurt = self.rng.choice(list(self.buurten.values())) if on_behalf else self.s.get(Area, poster.buurt_id)
            name = self.rng.choice(content.FIRST_NAMES)
            pc = self._a_postcode(buurt)
            request = HelpRequest(
                title=text["title"], description=text["description"], urgency=text.get("urgency", "geen haast"),
                public_name=name if on_behalf else poster.first_name, buurt_id=buurt.id, pc4=pc["pc6"][:4],
                lat=buurt.lat, lon=buurt.lon, posted_by_id=poster.id,
                requester_id=None if on_behalf else poster.id, on_behalf=on_behalf,
                status="open", moderation="approved",
                safety=matching_service.safety_level(f"{text['title']}. {text['description']}", [slug]),
                created_at=utcnow() - timedelta(days=self.rng.randint(0, 20)),
                expires_at=self.today + timedelta(days=self.rng.randint(3, 30)))
            self.s.add(request)
            self.s.flush()
            self._link_categories(RequestCategory, "request_id", request.id, [slug])
            house = self.rng.randint(1, 180)
            self.s.add(HelpRequestPrivate(
                request_id=request.id, address=f"{pc.get('street', buurt.name)} {house}", postcode=pc["pc6"],
                contact_name=f"{name} {self.rng.choice(content.LAST_NAMES)}" if on_behalf else None,
                contact_phone=f"06-{self.rng.randint(10000000, 99999999)}" if on_behalf else None))
        self.s.flush()


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _outline(area: dict) -> str | None:
    """The area's outline as GeoJSON text (drawn by scripts/demo_outlines.py), if it has one."""
    return json.dumps(area["outline"], separators=(",", ":")) if area.get("outline") else None
