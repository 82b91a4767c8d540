"""All tables of Buurtplein in one place (SQLModel).

Every table exists from the first migration so later work adds behaviour, not
schema churn. Conventions:
- explicit ``__tablename__`` and ``max_length`` (Alembic autogenerate needs them);
- statuses are short English strings guarded by CHECK constraints, listed in the
  ``*_STATUSES`` tuples so forms and services use the same vocabulary (users read
  Dutch labels, through the translations; tests/test_models.py checks the CHECKs);
- private data (a resident's exact address and phone) lives in its own table
  so that no public query can select it by accident.
"""

from datetime import date, datetime, time, timezone
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint, func
from sqlalchemy import true as sa_true, text
from sqlmodel import Field, Relationship, SQLModel


def utcnow() -> datetime:
    # Aware UTC everywhere: SQLModel's UTCDateTime stores it the same way on SQLite and PostgreSQL.
    return datetime.now(timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


ROLES = ("bewoner", "vrijwilliger", "ambassadeur", "professional", "aanbieder",
         "preventiemakelaar", "beheerder")
AREA_KINDS = ("gemeente", "wijk", "buurt")
TIERS = ("nulde", "eerste", "tweede")
COST_KINDS = ("gratis", "bedrag", "upas")
LISTING_STATUSES = ("active", "inactive", "temporarily_closed")
# Moderation is separate from the owner's status: a preventiemakelaar hides, the owner pauses.
MODERATION_STATES = ("pending", "approved", "hidden")
ACTIVITY_STATUSES = ("published", "cancelled", "finished")
SIGNUP_STATUSES = ("signed_up", "waiting_list", "signed_off")
OFFER_STATUSES = ("active", "paused", "expired")
URGENCIES = ("1-2 dagen", "deze week", "geen haast")
SAFETY_LEVELS = ("none", "possible", "danger")  # see matching.safety and visibility.py
REQUEST_STATUSES = ("open", "matched", "done", "expired", "withdrawn", "escalated")
MATCH_KINDS = ("offer", "voorziening", "activity")
MATCH_STATUSES = ("suggested", "proposed", "accepted", "declined", "completed")
ACTIVE_MATCH = "status IN ('suggested', 'proposed', 'accepted')"
REFERRAL_STATUSES = ("referred", "signed_up", "waiting_list", "started", "completed", "not_started", "withdrawn")
REFERRAL_REASONS = ("niet_bereikt", "geen_plek", "past_niet", "geen_interesse", "elders_verwezen", "anders")
REFERRAL_ACTORS = ("professional", "organisatie", "client", "systeem")  # who gave a status or reason
AGE_BANDS = ("0-17", "18-26", "27-45", "46-65", "66-79", "80+")
CONTACT_PREFERENCES = ("telefoon", "mail", "via_wijkcoach", "niet_benaderen")
LEGAL_BASES = ("wmo_2015", "jeugdwet", "participatiewet", "overeenkomst")  # kept apart from consent
CONSENT_METHODS = ("mondeling", "schriftelijk")
CLIENT_REPORTS = ("geweest", "niet_gelukt")
REPORT_STATUSES = ("open", "handled", "dismissed")
REVIEW_VERDICTS = ("helped", "partly", "not_helped")
SUPPORT_STATUSES = ("open", "in_progress", "done")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


# --------------------------------------------------------------------------- areas


class Area(SQLModel, table=True):
    """gemeente → wijk → buurt, one table with a parent link."""

    __tablename__ = "area"
    __table_args__ = (CheckConstraint(_in("kind", AREA_KINDS), name="ck_area_kind"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    name: str = Field(max_length=120)
    code: str = Field(max_length=16, unique=True, index=True)  # CBS codes: GM0153, WK015301, BU01530101
    parent_id: Optional[int] = Field(default=None, foreign_key="area.id", index=True)
    lat: float
    lon: float
    outline_geojson: Optional[str] = Field(default=None, sa_column=Column(Text))


class PostcodeArea(SQLModel, table=True):
    """Gazetteer for the offline geocoder: PC4 ("7511") or PC6 ("7511AB")."""

    __tablename__ = "postcode_area"

    postcode: str = Field(max_length=6, primary_key=True)
    lat: float
    lon: float
    buurt_id: Optional[int] = Field(default=None, foreign_key="area.id", index=True)
    street: Optional[str] = Field(default=None, max_length=120)


# --------------------------------------------------------------------------- people


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(_in("moderation", MODERATION_STATES), name="ck_org_moderation"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=160, index=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    email: Optional[str] = Field(default=None, max_length=254)
    phone: Optional[str] = Field(default=None, max_length=32)
    website: Optional[str] = Field(default=None, max_length=300)
    moderation: str = Field(default="pending", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    last_verified_at: Optional[datetime] = None


class User(SQLModel, table=True):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    password_hash: str = Field(max_length=255)
    display_name: str = Field(max_length=80)
    phone: Optional[str] = Field(default=None, max_length=32)
    postcode: Optional[str] = Field(default=None, max_length=6)
    buurt_id: Optional[int] = Field(default=None, foreign_key="area.id")
    languages: str = Field(default="nl", max_length=64)  # comma-separated ISO codes
    locale: str = Field(default="nl", max_length=5)
    is_active: bool = True
    trusted: bool = False  # first post approved by a preventiemakelaar
    digest_opt_in: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: Optional[datetime] = None
    # Part of the login identity (get_id): bumped on logout and on a new password, which ends every
    # session (and remember-me cookie) of this user at once, on whatever device.
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Self-registered accounts log in only after the link in the welcome mail: otherwise logging in
    # with a just-chosen password would tell whether an address already had an account.
    email_confirmed: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})

    roles: list["UserRole"] = Relationship(
        sa_relationship_kwargs={"lazy": "selectin", "cascade": "all, delete-orphan"})

    # Flask-Login protocol (kept here so the table model is the user object).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # "id:version": the user_loader accepts a cookie only while the version is current.
        return f"{self.id}:{self.session_version}"

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def first_name(self) -> str:
        return (self.display_name or "").split(" ")[0]


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="ck_user_role_role"),)

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(max_length=24, primary_key=True)


class UserOrganisation(SQLModel, table=True):
    """An aanbieder works for one or more organisations."""

    __tablename__ = "user_organisation"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, ondelete="CASCADE")


class UserWijk(SQLModel, table=True):
    """A preventiemakelaar moderates one or more wijken."""

    __tablename__ = "user_wijk"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    wijk_id: int = Field(foreign_key="area.id", primary_key=True, ondelete="CASCADE")


# --------------------------------------------------------------------------- categories


class Category(SQLModel, table=True):
    __tablename__ = "category"

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(max_length=32, unique=True, index=True)
    name_nl: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    description_nl: str = Field(max_length=300)
    keywords: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    icon: str = Field(max_length=120)  # path under static/
    parent_id: Optional[int] = Field(default=None, foreign_key="category.id")
    professional_only: bool = False
    sort_order: int = 0


# --------------------------------------------------------------------------- voorzieningen (HSDS-shaped)


class Location(SQLModel, table=True):
    """A physical place (HSDS location); shared by voorzieningen and activities."""

    __tablename__ = "location"
    __table_args__ = (Index("ix_location_lat_lon", "lat", "lon"),)  # the bounding box of a distance filter

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=160)
    address: str = Field(max_length=200)
    postcode: Optional[str] = Field(default=None, max_length=6)
    city: str = Field(default="Enschede", max_length=80)
    lat: float
    lon: float
    buurt_id: Optional[int] = Field(default=None, foreign_key="area.id", index=True)
    accessibility: Optional[str] = Field(default=None, max_length=300)

    buurt: Optional["Area"] = Relationship(sa_relationship_kwargs={"viewonly": True})


class Voorziening(SQLModel, table=True):
    """A general service (HSDS "service")."""

    __tablename__ = "voorziening"
    __table_args__ = (
        CheckConstraint(_in("tier", TIERS), name="ck_voorziening_tier"),
        CheckConstraint(_in("cost_kind", COST_KINDS), name="ck_voorziening_cost_kind"),
        CheckConstraint(_in("status", LISTING_STATUSES), name="ck_voorziening_status"),
        CheckConstraint(_in("moderation", MODERATION_STATES), name="ck_voorziening_moderation"),
        CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age",
                        name="ck_voorziening_ages"),
        CheckConstraint("cost_amount_cents IS NULL OR cost_amount_cents >= 0",
                        name="ck_voorziening_cost_amount"),
        Index("ix_voorziening_moderation", "moderation", "created_at"),  # the moderation queue
        Index("ix_voorziening_name_lower", func.lower(text("name")), "id"),  # the list's order by name
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=160, index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    tier: str = Field(default="nulde", max_length=8)
    indicatievrij: bool = True
    cost_kind: str = Field(default="gratis", max_length=8)
    cost_amount_cents: Optional[int] = None
    eligibility: Optional[str] = Field(default=None, max_length=500)
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    languages: str = Field(default="nl", max_length=64)
    accessibility: Optional[str] = Field(default=None, max_length=500)
    phone: Optional[str] = Field(default=None, max_length=32)
    email: Optional[str] = Field(default=None, max_length=254)
    website: Optional[str] = Field(default=None, max_length=300)
    status: str = Field(default="active", max_length=20)
    moderation: str = Field(default="pending", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_verified_at: Optional[datetime] = None


class VoorzieningCategory(SQLModel, table=True):
    __tablename__ = "voorziening_category"
    # Lists filter by category: without it SQLite builds a temporary index per query.
    __table_args__ = (Index("ix_voorziening_category_category", "category_id", "voorziening_id"),)

    voorziening_id: int = Field(foreign_key="voorziening.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(foreign_key="category.id", primary_key=True)


class VoorzieningLocation(SQLModel, table=True):
    __tablename__ = "voorziening_location"
    __table_args__ = (Index("ix_voorziening_location_location", "location_id", "voorziening_id"),)

    voorziening_id: int = Field(foreign_key="voorziening.id", primary_key=True, ondelete="CASCADE")
    location_id: int = Field(foreign_key="location.id", primary_key=True)


class Schedule(SQLModel, table=True):
    """Weekly opening rule with iCal RRULE semantics (FREQ=WEEKLY;BYDAY=..)."""

    __tablename__ = "schedule"
    __table_args__ = (
        CheckConstraint(_in("byday", WEEKDAYS), name="ck_schedule_byday"),
        CheckConstraint("opens_at < closes_at", name="ck_schedule_times"),
        CheckConstraint("interval_weeks >= 1", name="ck_schedule_interval"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    voorziening_id: int = Field(foreign_key="voorziening.id", index=True, ondelete="CASCADE")
    location_id: Optional[int] = Field(default=None, foreign_key="location.id")
    byday: str = Field(max_length=2)
    opens_at: time
    closes_at: time
    interval_weeks: int = 1
    valid_from: Optional[date] = None
    valid_until: Optional[date] = None
    note: Optional[str] = Field(default=None, max_length=200)


# --------------------------------------------------------------------------- activities


class Activity(SQLModel, table=True):
    """Group activity (groepsaanbod) or resident initiative (bewonersinitiatief)."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(_in("status", ACTIVITY_STATUSES), name="ck_activity_status"),
        CheckConstraint(_in("moderation", MODERATION_STATES), name="ck_activity_moderation"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="ck_activity_capacity"),
        CheckConstraint("volunteers_wanted >= 0", name="ck_activity_volunteers"),
        CheckConstraint("owner_user_id IS NOT NULL OR organisation_id IS NOT NULL",
                        name="ck_activity_owner"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=160)
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner_user_id: Optional[int] = Field(default=None, foreign_key="user_account.id", index=True)
    organisation_id: Optional[int] = Field(default=None, foreign_key="organisation.id", index=True)
    is_initiative: bool = False
    location_id: Optional[int] = Field(default=None, foreign_key="location.id")
    rrule: Optional[str] = Field(default=None, max_length=200)  # e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=WE
    capacity: Optional[int] = None  # None: no limit
    volunteers_wanted: int = 0
    cost_kind: str = Field(default="gratis", max_length=8)
    status: str = Field(default="published", max_length=16)
    moderation: str = Field(default="pending", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    location: Optional["Location"] = Relationship(sa_relationship_kwargs={"viewonly": True})

    # Read-only views for pages (load them with selectinload); writes go through the link table.
    categories: list["Category"] = Relationship(sa_relationship_kwargs={
        "secondary": "activity_category", "order_by": "Category.sort_order", "viewonly": True})


class ActivityCategory(SQLModel, table=True):
    __tablename__ = "activity_category"
    # Lists filter by category: without it SQLite builds a temporary index per query.
    __table_args__ = (Index("ix_activity_category_category", "category_id", "activity_id"),)

    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(foreign_key="category.id", primary_key=True)


class ActivityOccurrence(SQLModel, table=True):
    __tablename__ = "activity_occurrence"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="ck_occurrence_times"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True, ondelete="CASCADE")
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    cancelled: bool = False


class ActivitySignup(SQLModel, table=True):
    """Sign-up for an activity; position orders the waiting list."""

    __tablename__ = "activity_signup"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", name="uq_signup_activity_user"),
        CheckConstraint(_in("status", SIGNUP_STATUSES), name="ck_signup_status"),
        # Two people never share a place on the waiting list (sign-ups lock the activity row too).
        Index("uq_signup_waiting_position", "activity_id", "position", unique=True,
              sqlite_where=text("status = 'waiting_list'"), postgresql_where=text("status = 'waiting_list'")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    status: str = Field(default="signed_up", max_length=16)
    position: int = 0
    attended: Optional[bool] = None  # recorded by the organiser after the activity; None: not recorded
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SupportRequest(SQLModel, table=True):
    """An initiator asks the preventiemakelaar for support, and sees the status."""

    __tablename__ = "support_request"
    __table_args__ = (CheckConstraint(_in("status", SUPPORT_STATUSES), name="ck_support_status"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True, ondelete="CASCADE")
    asked_by_id: int = Field(foreign_key="user_account.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=16)
    answer: Optional[str] = Field(default=None, sa_column=Column(Text))
    handled_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# --------------------------------------------------------------------------- offers and requests


class VolunteerOffer(SQLModel, table=True):
    __tablename__ = "volunteer_offer"
    __table_args__ = (
        CheckConstraint(_in("status", OFFER_STATUSES), name="ck_offer_status"),
        CheckConstraint(_in("moderation", MODERATION_STATES), name="ck_offer_moderation"),
        CheckConstraint("radius_m > 0", name="ck_offer_radius"),
        CheckConstraint("max_matches_per_month >= 1", name="ck_offer_max_matches"),
        # The public list: its page in created_at order, its count from the index alone.
        Index("ix_volunteer_offer_recent", "status", "moderation", "created_at"),
        Index("ix_volunteer_offer_public", "status", "moderation", "expires_at"),
        Index("ix_volunteer_offer_moderation", "moderation", "created_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    title: str = Field(max_length=160)
    description: str = Field(sa_column=Column(Text, nullable=False))
    radius_m: int = 2000
    languages: str = Field(default="nl", max_length=64)
    max_matches_per_month: int = 4
    buurt_id: Optional[int] = Field(default=None, foreign_key="area.id", index=True)
    lat: float  # the buurt's (or postcode area's) point, never a home address
    lon: float
    status: str = Field(default="active", max_length=16)
    moderation: str = Field(default="pending", max_length=16)
    expires_at: date
    reminder_sent_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    user: Optional["User"] = Relationship(sa_relationship_kwargs={"viewonly": True})
    buurt: Optional["Area"] = Relationship(sa_relationship_kwargs={"viewonly": True})
    # Read-only views for pages (load them with selectinload); writes go through the link table.
    categories: list["Category"] = Relationship(sa_relationship_kwargs={
        "secondary": "offer_category", "order_by": "Category.sort_order", "viewonly": True})


class OfferCategory(SQLModel, table=True):
    __tablename__ = "offer_category"
    # Lists filter by category: without it SQLite builds a temporary index per query.
    __table_args__ = (Index("ix_offer_category_category", "category_id", "offer_id"),)

    offer_id: int = Field(foreign_key="volunteer_offer.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(foreign_key="category.id", primary_key=True)


class AvailabilitySlot(SQLModel, table=True):
    """A weekly slot when a volunteer can help."""

    __tablename__ = "availability_slot"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="ck_slot_weekday"),
        CheckConstraint("start_time < end_time", name="ck_slot_times"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="volunteer_offer.id", index=True, ondelete="CASCADE")
    weekday: int  # 0 = Monday
    start_time: time
    end_time: time


class HelpRequest(SQLModel, table=True):
    """A hulpvraag. Only approximate place (buurt, PC4) lives here; see HelpRequestPrivate."""

    __tablename__ = "help_request"
    __table_args__ = (
        CheckConstraint(_in("urgency", URGENCIES), name="ck_request_urgency"),
        CheckConstraint(_in("status", REQUEST_STATUSES), name="ck_request_status"),
        CheckConstraint(_in("moderation", MODERATION_STATES), name="ck_request_moderation"),
        CheckConstraint(_in("safety", SAFETY_LEVELS), name="ck_request_safety"),
        Index("ix_help_request_status_expires", "status", "expires_at"),
        # The lists (issue 12): the page in created_at order, the count from the index alone,
        # the board per buurt, the bounding box of /hulpvragen/dichtbij, the moderation queue.
        Index("ix_help_request_recent", "status", "moderation", "created_at"),
        Index("ix_help_request_public", "status", "moderation", "safety", "expires_at"),
        Index("ix_help_request_buurt_status", "buurt_id", "status", "moderation"),
        Index("ix_help_request_lat_lon", "lat", "lon"),
        Index("ix_help_request_moderation", "moderation", "created_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=160)
    description: str = Field(sa_column=Column(Text, nullable=False))
    urgency: str = Field(default="geen haast", max_length=16)
    public_name: str = Field(max_length=40)  # first name or initial
    buurt_id: Optional[int] = Field(default=None, foreign_key="area.id", index=True)
    pc4: Optional[str] = Field(default=None, max_length=4)
    lat: float  # buurt centroid: safe to publish
    lon: float
    wanted_from: Optional[date] = None
    wanted_until: Optional[date] = None
    wanted_time: Optional[str] = Field(default=None, max_length=120)  # "dinsdagochtend"
    languages: str = Field(default="nl", max_length=64)
    posted_by_id: int = Field(foreign_key="user_account.id", index=True)
    requester_id: Optional[int] = Field(default=None, foreign_key="user_account.id", index=True)
    on_behalf: bool = False
    # "danger"/"possible": only professionals and the wijk's preventiemakelaar see it (visibility.py).
    safety: str = Field(default="none", max_length=16, sa_column_kwargs={"server_default": "none"})
    status: str = Field(default="open", max_length=16)
    moderation: str = Field(default="pending", max_length=16)
    expires_at: date
    reminder_sent_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    buurt: Optional["Area"] = Relationship(sa_relationship_kwargs={"viewonly": True})
    # Read-only views for pages (load them with selectinload); writes go through the link table.
    # In the order the resident chose them (RequestCategory.position): the first is the main need.
    categories: list["Category"] = Relationship(sa_relationship_kwargs={
        "secondary": "request_category", "order_by": "[RequestCategory.position, Category.sort_order]",
        "viewonly": True})


class HelpRequestPrivate(SQLModel, table=True):
    """Exact address and contact of the resident: visible only to the poster and matched helpers after consent."""

    __tablename__ = "help_request_private"

    request_id: int = Field(foreign_key="help_request.id", primary_key=True, ondelete="CASCADE")
    address: Optional[str] = Field(default=None, max_length=200)
    postcode: Optional[str] = Field(default=None, max_length=6)
    contact_name: Optional[str] = Field(default=None, max_length=120)
    contact_phone: Optional[str] = Field(default=None, max_length=32)


class RequestCategory(SQLModel, table=True):
    __tablename__ = "request_category"
    # Lists filter by category: without it SQLite builds a temporary index per query.
    __table_args__ = (Index("ix_request_category_category", "category_id", "request_id"),)

    request_id: int = Field(foreign_key="help_request.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(foreign_key="category.id", primary_key=True)
    # The order the resident chose them in, from 0: the first is the main need (shown first, ranked first).
    position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


# --------------------------------------------------------------------------- matching


class Match(SQLModel, table=True):
    """A request paired with exactly one offer, voorziening or activity."""

    __tablename__ = "match"
    __table_args__ = (
        CheckConstraint(_in("kind", MATCH_KINDS), name="ck_match_kind"),
        CheckConstraint(_in("status", MATCH_STATUSES), name="ck_match_status"),
        CheckConstraint(
            "(kind = 'offer' AND offer_id IS NOT NULL AND voorziening_id IS NULL AND activity_id IS NULL)"
            " OR (kind = 'voorziening' AND voorziening_id IS NOT NULL AND offer_id IS NULL AND activity_id IS NULL)"
            " OR (kind = 'activity' AND activity_id IS NOT NULL AND offer_id IS NULL AND voorziening_id IS NULL)",
            name="ck_match_one_target",
        ),
        CheckConstraint("feedback_rating IS NULL OR feedback_rating IN (-1, 1)", name="ck_match_rating"),
        # One accepted match per request, one live match per (request, offer): the database keeps
        # the rules also when two requests race (the services lock the request row first).
        Index("uq_match_one_accepted", "request_id", unique=True,
              sqlite_where=text("status = 'accepted'"), postgresql_where=text("status = 'accepted'")),
        Index("uq_match_one_active_per_offer", "request_id", "offer_id", unique=True,
              sqlite_where=text(ACTIVE_MATCH), postgresql_where=text(ACTIVE_MATCH)),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    offer_id: Optional[int] = Field(default=None, foreign_key="volunteer_offer.id", index=True)
    voorziening_id: Optional[int] = Field(default=None, foreign_key="voorziening.id")
    activity_id: Optional[int] = Field(default=None, foreign_key="activity.id")
    score: float = 0.0
    reasons: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))  # JSON list
    status: str = Field(default="suggested", max_length=16)
    proposed_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    feedback_rating: Optional[int] = None
    feedback_text: Optional[str] = Field(default=None, max_length=1000)
    reminder_count: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CategoryExample(SQLModel, table=True):
    """A resident's confirmed or corrected category: training data for the classifier."""

    __tablename__ = "category_example"

    id: Optional[int] = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    category_slug: str = Field(max_length=32, index=True)
    source: str = Field(default="correction", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


# --------------------------------------------------------------------------- referrals


def _null_or_in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IS NULL OR {_in(column, values)}"


class ReferralClient(SQLModel, table=True):
    """Pseudonymous client of a professional: no BSN, no medical detail. Seen by the referrer's team only."""

    __tablename__ = "referral_client"
    __table_args__ = (
        CheckConstraint(_null_or_in("age_band", AGE_BANDS), name="ck_referral_client_age_band"),
        CheckConstraint(_in("contact_preference", CONTACT_PREFERENCES), name="ck_referral_client_contact"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    professional_id: int = Field(foreign_key="user_account.id", index=True)  # who made the record
    alias: str = Field(max_length=40)  # first name or a chosen alias
    buurt_id: Optional[int] = Field(default=None, foreign_key="area.id")
    age_band: Optional[str] = Field(default=None, max_length=8)
    languages: str = Field(default="nl", max_length=64)  # comma-separated codes
    life_domains: str = Field(default="", max_length=300)  # comma-separated leefgebieden
    contact_preference: str = Field(default="via_wijkcoach", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class Referral(SQLModel, table=True):
    """One client referred to one voorziening, with the agreed question asked once."""

    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint(_in("status", REFERRAL_STATUSES), name="ck_referral_status"),
        CheckConstraint(_null_or_in("reason", REFERRAL_REASONS), name="ck_referral_reason"),
        CheckConstraint(_null_or_in("reason_by", REFERRAL_ACTORS), name="ck_referral_reason_by"),
        CheckConstraint(_in("legal_basis", LEGAL_BASES), name="ck_referral_legal_basis"),
        CheckConstraint(_null_or_in("client_report", CLIENT_REPORTS), name="ck_referral_client_report"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str = Field(max_length=16, unique=True)  # on the client's letter, e.g. "VW-7K3Q9M"
    professional_id: int = Field(foreign_key="user_account.id", index=True)
    client_id: int = Field(foreign_key="referral_client.id", index=True)
    voorziening_id: int = Field(foreign_key="voorziening.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)  # the receiver, for inbox and consent
    question: str = Field(sa_column=Column(Text, nullable=False))  # the agreed question, asked once
    tier: str = Field(default="nulde", max_length=8)  # the voorziening's tier when referred (dashboard)
    warm_handover: bool = False
    legal_basis: str = Field(default="wmo_2015", max_length=24)
    status: str = Field(default="referred", max_length=16)
    reason: Optional[str] = Field(default=None, max_length=24)
    reason_by: Optional[str] = Field(default=None, max_length=16)
    feedback: Optional[str] = Field(default=None, max_length=300)  # the organisation's one sentence
    client_token: str = Field(max_length=64, unique=True)  # the letter's link without an account
    client_report: Optional[str] = Field(default=None, max_length=16)
    client_reported_at: Optional[datetime] = None
    responded_at: Optional[datetime] = None  # first answer of the organisation (response clock)
    reminder_sent_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class Consent(SQLModel, table=True):
    """The client's consent to share with one receiving organisation; withdrawal stops sharing at once."""

    __tablename__ = "consent"
    __table_args__ = (CheckConstraint(_in("method", CONSENT_METHODS), name="ck_consent_method"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id")
    shared_fields: str = Field(max_length=300)  # comma-separated: "vraag,voornaam,leeftijd"
    purpose: str = Field(max_length=300)
    valid_until: date
    text_version: str = Field(max_length=16)  # the version of the consent text shown to the client
    method: str = Field(max_length=16)  # mondeling | schriftelijk
    recorded_by_id: int = Field(foreign_key="user_account.id")
    given_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: Optional[datetime] = None
    withdrawn_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")


class ReferralEvent(SQLModel, table=True):
    """Every change of a referral: who, from → to, reason, when."""

    __tablename__ = "referral_event"
    __table_args__ = (
        CheckConstraint(_in("actor_kind", REFERRAL_ACTORS), name="ck_referral_event_actor"),
        CheckConstraint(_null_or_in("reason", REFERRAL_REASONS), name="ck_referral_event_reason"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True, ondelete="CASCADE")
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id")  # None: the client's link, a job
    actor_kind: str = Field(max_length=16)
    from_status: Optional[str] = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    reason: Optional[str] = Field(default=None, max_length=24)
    note: Optional[str] = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


# --------------------------------------------------------------------------- messages, reports, audit


class Conversation(SQLModel, table=True):
    __tablename__ = "conversation"

    id: Optional[int] = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="match.id", unique=True, ondelete="CASCADE")
    contact_shared: bool = False  # phone/e-mail shown only when both parties agree
    created_at: datetime = Field(default_factory=utcnow)


class Message(SQLModel, table=True):
    __tablename__ = "message"

    id: Optional[int] = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True, ondelete="CASCADE")
    sender_id: int = Field(foreign_key="user_account.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    read_at: Optional[datetime] = None


class Report(SQLModel, table=True):
    """Abuse report on any listing."""

    __tablename__ = "report"
    __table_args__ = (CheckConstraint(_in("status", REPORT_STATUSES), name="ck_report_status"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    reporter_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    target_kind: str = Field(max_length=24)
    target_id: int
    reason: str = Field(max_length=1000)
    status: str = Field(default="open", max_length=16)
    handled_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    handled_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow)


class VoorzieningReview(SQLModel, table=True):
    """A resident's short experience with a voorziening (horizontale verantwoording).

    Always moderated: it is shown on the voorziening's page only once a preventiemakelaar approved it."""

    __tablename__ = "voorziening_review"
    __table_args__ = (
        UniqueConstraint("voorziening_id", "author_id", name="uq_review_voorziening_author"),
        CheckConstraint(_in("verdict", REVIEW_VERDICTS), name="ck_review_verdict"),
        CheckConstraint(_in("moderation", MODERATION_STATES), name="ck_review_moderation"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    voorziening_id: int = Field(foreign_key="voorziening.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    verdict: str = Field(max_length=16)
    body: str = Field(max_length=500)
    moderation: str = Field(default="pending", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)

    voorziening: Optional["Voorziening"] = Relationship()

    @property
    def title(self) -> str:  # the moderation queue names an item by its title
        return self.voorziening.name if self.voorziening else ""

    @property
    def description(self) -> str:
        return self.body


class SupplyChange(SQLModel, table=True):
    """A log of listings whose suggestions changed, written in the same transaction as the change.

    Every worker remembers the last id it applied and updates its matcher's index with just the
    listings changed since (hidden, paused, edited, new), the moment the change is committed.
    Help requests are logged too (kind 'request', skipped by the matcher): the cached counts of
    the request lists (result_cache) follow them the same way."""

    __tablename__ = "supply_change"
    __table_args__ = (Index("ix_supply_change_kind_id", "kind", "id"),)  # the newest change of a kind

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # offer | voorziening | activity | location | organisation | request
    item_id: int
    created_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Who saw or changed what, when."""

    __tablename__ = "audit_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id", index=True)
    action: str = Field(max_length=48, index=True)
    target_kind: Optional[str] = Field(default=None, max_length=24)
    target_id: Optional[int] = None
    detail: Optional[str] = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, index=True)


# --------------------------------------------------------------------------- operations


class JobLock(SQLModel, table=True):
    """A background job that runs now, and where (``marketplace.jobs.single_run``).

    SQLite: the row is the lock, a lease until ``expires_at`` taken in an exclusive transaction.
    PostgreSQL: ``pg_try_advisory_lock`` decides; the row only tells who holds it."""

    __tablename__ = "job_lock"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=200)  # host:pid:token
    acquired_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


MAIL_STATUSES = ("pending", "sent", "failed")


class OutboxMail(SQLModel, table=True):
    """A mail written in the same transaction as the change it tells about (``mail.queue_mail``):
    a rollback leaves no row and a crash after the commit loses none. A sender claims the row
    (``locked_until``), hands it to SMTP and marks it ``sent`` (the body is then emptied); after a
    failure it waits longer each time (``next_attempt_at``) and after MAIL_MAX_ATTEMPTS it is
    ``failed`` (``flask mail retry`` still tries those)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint(_in("status", MAIL_STATUSES), name="ck_mail_outbox_status"),
        CheckConstraint("attempts >= 0", name="ck_mail_outbox_attempts"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=500)
    body: str = Field(sa_column=Column(Text, nullable=False))
    message_id: str = Field(max_length=200)  # the same on every attempt: a resend after a crash is one mail to the reader
    kind: Optional[str] = Field(default=None, max_length=40)  # set: the sender writes the mail itself (emails.DEFERRED)
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    locked_until: Optional[datetime] = None
    last_error: Optional[str] = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: Optional[datetime] = None
