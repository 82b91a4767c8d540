"""The authorisation matrix, generated from the URL map (security issue, "proof that must exist").

Every route has one rule below. Each rule names the object its URL points at (if any) and who may
use it. The test asks every route as anonymous and as every role, for the viewer's own object,
another's in the same wijk and one in another wijk, and compares allowed/refused with the rule:

- allowed: not 401/403/404 and not sent to the login page;
- refused: 403 or 404 (an object one may not see does not exist for them), or the login page for
  anonymous visitors.

A new route without a rule fails ``test_every_route_has_a_rule``. POST routes are only asked by
the viewers the rule refuses, so the matrix never changes the world it checks; what an allowed
POST does is tested in each area's own tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest


from .factories import authz_world as aw
from .factories import login

STAFF = ("ambassadeur", "professional", "preventiemakelaar", "beheerder")
Allowed = Callable[[str, str], bool]  # (viewer role, variant) -> allowed


def everyone(_viewer, _variant):
    return True


def nobody(_viewer, _variant):
    return False


def members(viewer, _variant):
    return viewer != "anonymous"


def roles(*names: str) -> Allowed:
    """Logged in with one of ``names``; the beheerder may do all (access.roles_required)."""
    return lambda viewer, _variant: viewer in names or viewer == "beheerder"


def owner(*also: str) -> Allowed:
    """The object's owner, plus ``also`` (role names, or 'pm_wijk' for the preventiemakelaar of its wijk)."""

    def rule(viewer, variant):
        if viewer == "anonymous":
            return False
        if variant == "own":
            return True
        if "pm_wijk" in also and viewer == "preventiemakelaar" and variant == "other":
            return True
        if "pro_wijk" in also and viewer == "professional" and variant == "other":
            return True
        return viewer in also

    return rule


def safety_reviewers(viewer, variant):
    """Professionals and preventiemakelaars of wijk A; never a beheerder (no need to read danger)."""
    return viewer in ("professional", "preventiemakelaar") and variant in ("own", "other")


def both(first: Allowed, second: Allowed) -> Allowed:
    return lambda viewer, variant: first(viewer, variant) and second(viewer, variant)


def either(first: Allowed, second: Allowed) -> Allowed:
    return lambda viewer, variant: first(viewer, variant) or second(viewer, variant)


def referral_team(viewer, variant):
    """The professional's own referral and a wijk colleague's (one team); not wijk B's, not the beheerder."""
    return viewer == "professional" and variant in ("own", "other")


def referral_organisation(viewer, variant):
    """The aanbieder of the receiving organisation, while consent holds."""
    return viewer == "aanbieder" and variant == "own"


referral_parties = either(referral_team, referral_organisation)


@dataclass(frozen=True)
class Rule:
    allowed: Allowed
    kind: str | None = None  # object kind in authz_world, for the route's id
    query: str | None = None  # the id goes into this query parameter instead of the path
    path: dict | None = None  # fixed path values (no object)


RULES: dict[str, Rule] = {
    "main.index": Rule(everyone),
    "main.set_language": Rule(everyone),
    "static": Rule(everyone, path={"filename": "css/buurtplein.css"}),
    "auth.login": Rule(everyone),
    "auth.register": Rule(everyone),
    "auth.logout": Rule(members),
    "auth.reset_request": Rule(everyone),
    "auth.reset_password": Rule(everyone, path={"token": "niet-echt"}),
    "auth.confirm_email": Rule(nobody, path={"token": "niet-echt"}),  # a forged link: to the login page, for all
    "account.profile": Rule(members),
    "admin.users": Rule(roles()),
    "admin.user_roles": Rule(roles(), kind="user"),
    "voorzieningen.index": Rule(everyone),
    "voorzieningen.map_data": Rule(everyone),
    "voorzieningen.detail": Rule(everyone, kind="voorziening"),
    "voorzieningen.review": Rule(members, kind="voorziening"),  # any logged-in person; moderated before shown
    # An aanbieder edits the voorzieningen of their own organisation; the beheerder all of them.
    "voorzieningen.edit": Rule(both(roles("aanbieder"), owner("beheerder")), kind="voorziening"),
    "voorzieningen.new": Rule(roles("aanbieder")),
    "voorzieningen.new_organisation": Rule(members),
    "hulpvragen.index": Rule(everyone),
    "hulpvragen.nearby": Rule(roles("vrijwilliger")),
    "hulpvragen.new": Rule(members),
    # A safety request: its poster, the professionals and the preventiemakelaar of its wijk.
    "hulpvragen.detail": Rule(owner("pm_wijk", "pro_wijk"), kind="safety_request"),
    "hulpvragen.withdraw": Rule(owner(), kind="request"),
    # Clearing a request that may be unsafe: the professionals and the preventiemakelaar of its wijk.
    "hulpvragen.review_safety": Rule(safety_reviewers, kind="safety_request"),
    "hulpvragen.renew": Rule(owner(), kind="request"),
    "hulpvragen.undo_withdraw": Rule(owner(), kind="request"),
    "aanbod.index": Rule(everyone),
    "aanbod.new": Rule(members),  # reciprocity: every resident may offer help (and so becomes a volunteer)
    # A pending offer: its owner, the preventiemakelaar of its wijk, the beheerder.
    "aanbod.detail": Rule(owner("pm_wijk", "beheerder"), kind="pending_offer"),
    "aanbod.edit": Rule(owner(), kind="offer"),
    "aanbod.pause": Rule(owner(), kind="offer"),
    "aanbod.resume": Rule(owner(), kind="offer"),
    "activiteiten.index": Rule(everyone),
    "activiteiten.detail": Rule(everyone, kind="activity"),
    "activiteiten.new": Rule(members),
    "activiteiten.edit": Rule(owner("pm_wijk", "beheerder"), kind="activity"),
    "activiteiten.cancel": Rule(owner("pm_wijk", "beheerder"), kind="activity"),
    "activiteiten.signup": Rule(members, kind="activity"),
    "activiteiten.signoff": Rule(members, kind="activity"),
    "activiteiten.volunteer": Rule(members, kind="activity"),
    # The organiser asks the wijk for support; the preventiemakelaar answers in the moderation queue.
    "activiteiten.support": Rule(owner(), kind="activity"),
    "activiteiten.attendance": Rule(owner(), kind="activity"),  # the organiser ticks who came
    "mijn.index": Rule(members),
    "moderatie.queue": Rule(roles("preventiemakelaar")),
    "moderatie.decide": Rule(roles("preventiemakelaar")),
    "moderatie.report": Rule(everyone, kind="request", query="id", path={"soort": "request"}),
    "moderatie.confirm_listing": Rule(nobody, path={"token": "niet-echt"}),  # a forged token is a 404 for all
    "prikbord.index": Rule(everyone),
    "prikbord.buurt": Rule(everyone, path={"buurt_code": "BU01530501"}),
    # A match: its parties; the preventiemakelaar of its wijk may look, and that look is audited.
    "koppelingen.detail": Rule(owner("pm_wijk", "beheerder"), kind="match"),
    "koppelingen.answer": Rule(owner(), kind="match"),
    "koppelingen.message": Rule(owner(), kind="match"),
    "koppelingen.share": Rule(owner(), kind="match"),
    "koppelingen.finish": Rule(owner(), kind="match"),
    # From a suggestion on one's own request: ask this volunteer (the request's side only).
    "koppelingen.ask": Rule(owner(), kind="request", query="request_id"),
    "koppelingen.propose_help": Rule(roles("vrijwilliger"), kind="request", query="hulpvraag"),
    "koppelingen.advice": Rule(roles("professional", "ambassadeur")),
    "koppelingen.choose_category": Rule(owner(), kind="request"),
    "api.suggest": Rule(everyone),
    "api_docs.openapi_document": Rule(everyone),
    "health.healthz": Rule(everyone),
    # Referrals: the referring team (professionals sharing a wijk) and the receiving organisation.
    "verwijzingen.index": Rule(roles("professional", "aanbieder")),
    "verwijzingen.new": Rule(roles("professional")),
    "verwijzingen.detail": Rule(referral_parties, kind="referral"),
    "verwijzingen.organisation_update": Rule(referral_organisation, kind="referral"),
    "verwijzingen.withdraw": Rule(referral_team, kind="referral"),
    "verwijzingen.withdraw_consent": Rule(referral_team, kind="referral"),
    "verwijzingen.report_for_client": Rule(referral_team, kind="referral"),
    "verwijzingen.letter": Rule(referral_team, kind="referral"),
    "verwijzingen.client_link": Rule(nobody, path={"token": "niet-echt"}),  # a forged token is a 404 for all
    "verwijzingen.audit_log": Rule(roles()),
    "verwijzingen.audit_log_csv": Rule(roles()),
    # The dashboard: the beheerder (all wijken) and the preventiemakelaar (their own wijken).
    "dashboard.index": Rule(roles("preventiemakelaar")),
    "dashboard.table_csv": Rule(roles("preventiemakelaar"), path={"naam": "wijken"}),
}
# Routes whose answer depends on more than the rule (the login page redirects a logged-in user).
LOGIN_ONLY_PAGES = {"auth.login"}


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory, base_config, _migrated):
    with aw.world_app(base_config) as app:
        yield app


@pytest.fixture(scope="module")
def clients(matrix_app):
    result = {"anonymous": matrix_app.test_client()}
    from marketplace.models import ROLES
    for role in ROLES:
        client = matrix_app.test_client()
        assert login(client, aw.email(role), aw.PASSWORD).status_code == 302, role
        result[role] = client
    return result


def test_every_route_has_a_rule(matrix_app):
    endpoints = {rule.endpoint for rule in matrix_app.url_map.iter_rules()}
    assert endpoints - set(RULES) == set(), "a new route needs a rule in tests/test_authorization_matrix.py"
    assert set(RULES) - endpoints == set(), "a rule for a route that no longer exists"


def _url(app, endpoint: str, rule: Rule, viewer: str, variant: str) -> str | None:
    from flask import url_for

    values = dict(rule.path or {})
    if rule.kind is not None:
        object_id = app.config["AUTHZ_WORLD"].objects[rule.kind].id_for(viewer, variant)
        if object_id is None:
            return None
        werkzeug_rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        name = rule.query or next(iter(werkzeug_rule.arguments))
        values[name] = object_id
    with app.test_request_context():
        return url_for(endpoint, **values)


def _outcome(response) -> str:
    if response.status_code in (401, 403, 404):
        return "refused"
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return "refused"
    if response.status_code >= 500:
        return "error"
    return "allowed"


def _cases():
    for endpoint, rule in sorted(RULES.items()):
        variants = aw.VARIANTS if rule.kind else ("own",)
        for viewer in aw.VIEWERS:
            for variant in variants:
                yield endpoint, viewer, variant


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_route_follows_its_rule(matrix_app, clients, endpoint):
    rule = RULES[endpoint]
    werkzeug_rule = next(r for r in matrix_app.url_map.iter_rules() if r.endpoint == endpoint)
    methods = werkzeug_rule.methods or set()
    wrong = []
    for viewer in aw.VIEWERS:
        for variant in (aw.VARIANTS if rule.kind else ("own",)):
            url = _url(matrix_app, endpoint, rule, viewer, variant)
            if url is None:
                continue
            expected = "allowed" if rule.allowed(viewer, variant) else "refused"
            if "GET" in methods:
                if endpoint in LOGIN_ONLY_PAGES and viewer != "anonymous":
                    continue
                got = _outcome(clients[viewer].get(url))
            elif expected == "refused":
                got = _outcome(clients[viewer].post(url, data={}))
            else:
                continue
            if got != expected:
                wrong.append(f"{viewer}/{variant} {url}: expected {expected}, got {got}")
    assert not wrong, "\n" + "\n".join(wrong)
