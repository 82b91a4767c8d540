"""Demo referrals: every status, made by the demo professional to the demo aanbieder's organisation
(and to others), plus a year of history with outcomes so lists and figures show real trends.

Rows are written directly (no mail, no audit of the loader itself). Aliases are invented first
names; questions are short, B1 and free of medical detail.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import select

from ..models import Consent, Referral, ReferralClient, ReferralEvent, Voorziening, utcnow

QUESTIONS = [
    "Meneer woont alleen sinds zijn vrouw overleed en wil graag andere mensen ontmoeten.",
    "Mevrouw krijgt veel post die ze niet begrijpt en wil hulp bij formulieren.",
    "Het gezin heeft schulden en wil leren hoe ze rondkomen met hun geld.",
    "Mevrouw wil beter Nederlands leren spreken om zelf naar de dokter te kunnen.",
    "Meneer wil graag meer bewegen, samen met anderen uit de buurt.",
    "Mevrouw zorgt voor haar man en wil af en toe even tijd voor zichzelf.",
    "Meneer wil leren werken met zijn telefoon en DigiD.",
    "De moeder zoekt een plek waar haar zoon huiswerk kan maken.",
]
# (status, the path that led there, reason, who gave it)
EVERY_STATUS = [
    ("referred", [], None, None, 0),  # fresh, within the response time
    ("referred", [], None, None, 6),  # no answer: 'geen reactie', the reminder went out
    ("signed_up", ["signed_up"], None, None, 5),
    ("waiting_list", ["waiting_list"], None, None, 8),
    ("started", ["signed_up", "started"], None, None, 20),
    ("completed", ["signed_up", "started", "completed"], None, None, 60),
    ("not_started", ["not_started"], "geen_plek", "organisatie", 15),
    ("not_started", ["signed_up", "not_started"], "niet_bereikt", "client", 30),
    ("withdrawn", ["withdrawn"], "anders", "client", 12),  # consent withdrawn
]
OUTCOMES = [  # the year's history: paths with weights
    (["signed_up", "started", "completed"], None, None, 46),
    (["signed_up", "started"], None, None, 8),
    (["waiting_list", "signed_up", "started", "completed"], None, None, 8),
    (["not_started"], "geen_plek", "organisatie", 6),
    (["not_started"], "past_niet", "organisatie", 6),
    (["signed_up", "not_started"], "niet_bereikt", "client", 8),
    (["signed_up", "not_started"], "geen_interesse", "client", 6),
    (["withdrawn"], "elders_verwezen", "professional", 6),
    (["withdrawn"], "anders", "client", 3),
    ([], None, None, 3),
]
FEEDBACK = {"signed_up": "De intake is gepland.", "completed": "Het ging goed, de cliënt komt nu zelf.",
            "waiting_list": "Er is over ongeveer drie weken plek."}
ALIASES = ["Ans", "Henk", "Fatima", "Jan", "Ayse", "Gerrit", "Mira", "Kees", "Yusuf", "Truus", "Olga", "Bram",
           "Saida", "Wim", "Lotte", "Ahmed", "Riet", "Daan", "Nadia", "Piet"]
AGE_BANDS = ["27-45", "46-65", "66-79", "80+"]
CONTACT = ["telefoon", "via_wijkcoach", "mail", "niet_benaderen"]
DOMAINS = ["sociale_omgeving", "financien", "dagbesteding", "psychosociale_gezondheid", "fysieke_omgeving"]


def build_referrals(builder) -> None:
    s, rng = builder.s, builder.rng
    professional = builder.users["professional"]
    own_org = next(iter(builder.orgs.values()))
    everything = s.exec(select(Voorziening).order_by(Voorziening.id)).all()
    own = [v for v in everything if v.organisation_id == own_org.id]
    others = [v for v in everything if v.organisation_id != own_org.id and v.tier != "tweede"]
    buurten = list(builder.buurten.values())
    now = utcnow()
    references = set()

    def reference() -> str:
        while True:
            ref = "VW-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
            if ref not in references:
                references.add(ref)
                return ref

    def make(voorziening, path, reason, reason_by, days_ago: float, alias: str | None = None):
        created = now - timedelta(days=days_ago, hours=rng.randint(0, 6))
        client = ReferralClient(professional_id=professional.id, alias=alias or rng.choice(ALIASES),
                                buurt_id=rng.choice(buurten).id, age_band=rng.choice(AGE_BANDS),
                                languages=rng.choice(["nl", "nl", "nl,ar", "nl,tr"]),
                                life_domains=",".join(rng.sample(DOMAINS, 2)), contact_preference=rng.choice(CONTACT),
                                created_at=created)
        s.add(client)
        s.flush()
        referral = Referral(reference=reference(), professional_id=professional.id, client_id=client.id,
                            voorziening_id=voorziening.id, organisation_id=voorziening.organisation_id,
                            question=rng.choice(QUESTIONS), tier=voorziening.tier,
                            warm_handover=rng.random() < 0.4, legal_basis="wmo_2015", status="referred",
                            client_token=secrets.token_urlsafe(24), created_at=created, updated_at=created)
        s.add(referral)
        s.flush()
        consent = Consent(referral_id=referral.id, organisation_id=voorziening.organisation_id,
                          shared_fields="vraag,voornaam,leeftijd,contactvoorkeur",
                          purpose="Aanmelden bij de voorziening en de vraag samen oppakken.",
                          valid_until=(created + timedelta(days=182)).date(), text_version="2026-12",
                          method=rng.choice(["mondeling", "schriftelijk"]), recorded_by_id=professional.id,
                          given_at=created)
        s.add(consent)
        s.add(ReferralEvent(referral_id=referral.id, actor_id=professional.id, actor_kind="professional",
                            to_status="referred", created_at=created))
        moment, before = created, "referred"
        span = max(days_ago, 0.5)
        for step in path:
            moment = min(moment + timedelta(days=rng.uniform(0.2, span / (len(path) + 1))), now)
            kind = "organisatie"
            if step == "withdrawn":
                kind = reason_by or "professional"
            elif step == "not_started":
                kind = reason_by or "organisatie"
            actor = professional.id if kind in ("professional", "client") else None
            step_reason = reason if step in ("not_started", "withdrawn") else None
            s.add(ReferralEvent(referral_id=referral.id, actor_id=actor, actor_kind=kind, from_status=before,
                                to_status=step, reason=step_reason, created_at=moment))
            if kind == "organisatie" and referral.responded_at is None:
                referral.responded_at = moment
            if step in FEEDBACK and kind == "organisatie":
                referral.feedback = FEEDBACK[step]
            before = step
        referral.status, referral.updated_at = before, moment
        if before in ("not_started", "withdrawn"):
            referral.reason, referral.reason_by = reason, reason_by
        if before == "withdrawn" and reason_by == "client":
            consent.withdrawn_at, consent.withdrawn_by_id = moment, professional.id
        if before == "referred" and days_ago >= 4:
            referral.reminder_sent_at = created + timedelta(days=3)
        s.add(referral)
        s.add(consent)
        return referral

    for i, (status, path, reason, reason_by, days_ago) in enumerate(EVERY_STATUS):
        make(own[i % len(own)], path, reason, reason_by, days_ago, alias=ALIASES[i])
    make(others[0], ["signed_up"], None, None, 3)
    make(others[1 % len(others)], ["not_started"], "past_niet", "organisatie", 9)
    weights = [w for *_rest, w in OUTCOMES]
    for _ in range(140):  # a year of history, to voorzieningen across the municipality
        path, reason, reason_by, _w = rng.choices(OUTCOMES, weights=weights)[0]
        pool = own if rng.random() < 0.35 else others
        make(rng.choice(pool), path, reason, reason_by, rng.uniform(20, 365))
    s.flush()


__all__ = ["build_referrals"]
