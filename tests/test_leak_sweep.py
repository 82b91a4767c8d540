"""The leak sweep (security issue, "proof that must exist").

Crawl every GET page and JSON answer as each role, as anonymous and as freshly self-registered
accounts (a resident and a volunteer), and look for what that viewer may not see: the text of
another's safety request, a private address, name or phone, another person's full name or e-mail.
The crawl starts from the URL map (every GET route filled with the ids of the world's objects and
its area codes) and follows every same-site link it finds, so new pages are swept without a change
here.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from flask import url_for
from sqlmodel import select
from werkzeug.routing import IntegerConverter

from marketplace.models import ROLES, Area

from .factories import authz_world as aw
from .factories import login

SKIP = {"static", "auth.logout", "moderatie.confirm_listing", "auth.reset_password"}
MAX_PAGES = 400
HREF = re.compile(r'href="([^"#]+)"')


@pytest.fixture(scope="module")
def sweep_app(base_config, _migrated):
    def area_codes(app, session):
        app.config["AREA_CODES"] = list(session.exec(select(Area.code)).all())

    with aw.world_app(base_config, area_codes) as app:
        yield app


# Kinds of authz_world that live in one table: a route for one of them is tried with the ids of all.
SAME_TABLE = ({"request", "safety_request", "pending_request"}, {"offer", "pending_offer"})


def _ids_by_kind(world) -> dict[str, list[int]]:
    ids = {kind: {i for i in (objects.other, objects.other_wijk, *objects.own.values()) if i}
           for kind, objects in world.objects.items()}
    for family in SAME_TABLE:
        together = set().union(*(ids.get(kind, set()) for kind in family))
        ids.update({kind: together for kind in family})
    return {kind: sorted(found) for kind, found in ids.items()}


def _seed_urls(app) -> set[str]:
    """Every GET route, with the ids of every object of the route's kind (its rule in the
    authorization matrix), or of all objects when the route names no kind."""
    from .test_authorization_matrix import RULES
    world = app.config["AUTHZ_WORLD"]
    by_kind = _ids_by_kind(world)
    every_id = sorted({i for found in by_kind.values() for i in found})
    urls = {"/"}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in SKIP or "GET" not in (rule.methods or ()):
                continue
            if not rule.arguments:
                urls.add(url_for(rule.endpoint))
                continue
            (name,) = rule.arguments
            kind = RULES[rule.endpoint].kind if rule.endpoint in RULES else None
            ids = by_kind.get(kind, every_id)
            pool = ids if isinstance(rule._converters[name], IntegerConverter) else app.config["AREA_CODES"]
            urls.update(url_for(rule.endpoint, **{name: value}) for value in pool)
        for i in by_kind["request"]:
            urls.add(url_for("koppelingen.propose_help", hulpvraag=i))
            urls.add(url_for("moderatie.report", soort="request", id=i))
    for text in ("boodschappen", "Dreigingzaak bedreigt", "Zeynep"):
        urls.add(f"/api/v1/suggest?text={text}&postcode=7541AB&limit=50")
        urls.add(f"/voorzieningen/?q={text}")
    return urls


def _crawl(app, client) -> dict[str, str]:
    seen: dict[str, str] = {}
    login_form_seen = False
    todo = sorted(_seed_urls(app))
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        body = response.get_data(as_text=True)
        seen[url] = body
        login_form_seen = login_form_seen or url.startswith("/login?")
        if response.mimetype == "text/html":
            for href in HREF.findall(body):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
                    continue
                if "/logout" in parts.path or "/bevestigen/" in parts.path:
                    continue
                if "lang" in parse_qs(parts.query):  # the footer's language links: every page twice more
                    continue
                if parts.path == "/login" and parts.query and login_form_seen:
                    continue  # the same form for every page that asks to log in: 129 of the 400 pages
                todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def _crawl_as(app, viewer: str) -> dict[str, str]:
    """The viewer's crawl, once per module (two tests read the professional's)."""
    crawls = app.config.setdefault("CRAWLS", {})
    if viewer not in crawls:
        crawls[viewer] = _crawl(app, _viewer_client(app, viewer))
    return crawls[viewer]


def _viewer_client(app, viewer: str):
    client = app.test_client()
    if viewer == "anonymous":
        return client
    if viewer.startswith("fresh-"):
        wants = viewer.removeprefix("fresh-")
        response = client.post("/registreren", data={
            "email": f"{viewer}@example.nl", "password": "een lang wachtwoord 123",
            "confirm": "een lang wachtwoord 123", "display_name": "Frits Nieuw", "postcode": "7541AB",
            "wants": [wants]})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        from .test_auth import confirm_link
        assert client.get(confirm_link(app, f"{viewer}@example.nl")).status_code == 302  # the welcome mail's link
        return client
    assert login(client, aw.email(viewer), aw.PASSWORD).status_code == 302
    return client


def _forbidden(world, viewer: str) -> list[str]:
    """What ``viewer`` may not see anywhere."""
    forbidden = list(world.secrets["other_wijk"])
    other = world.secrets["other"]
    people = ["Bewoner Other", "bewoner.other@example.nl", "Preventiemakelaar Other_wijk",
              "preventiemakelaar.other_wijk@example.nl"]
    if viewer in ("professional", "preventiemakelaar"):  # both work in wijk A: its safety request is theirs
        forbidden += [s for s in other if not s.startswith(aw.SAFETY_MARK)]
    else:
        forbidden += other
    if viewer != "professional":  # referral client records: the wijk A team only (and the receiving aanbieder)
        forbidden += world.secrets.get("team", [])
        if viewer != "aanbieder":
            forbidden += world.secrets.get("team_and_org", [])
    if viewer != "beheerder":  # the beheerder manages accounts
        forbidden += people
    return forbidden


@pytest.mark.parametrize("viewer", ["anonymous", "fresh-bewoner", "fresh-vrijwilliger", *ROLES])
def test_no_page_shows_what_the_viewer_may_not_see(sweep_app, viewer):
    pages = _crawl_as(sweep_app, viewer)
    assert len(pages) > 60  # the crawl really went round
    forbidden = _forbidden(sweep_app.config["AUTHZ_WORLD"], viewer)
    leaks = sorted({f"{url}: {secret}" for url, body in pages.items() for secret in forbidden if secret in body})
    assert not leaks, "\n" + "\n".join(leaks)


def test_the_sweep_would_see_a_leak(sweep_app):
    """The sweep is not blind: the professional of wijk A does find wijk A's safety request."""
    pages = _crawl_as(sweep_app, "professional")
    marks = [s for s in sweep_app.config["AUTHZ_WORLD"].secrets["other"] if s.startswith(aw.SAFETY_MARK)]
    assert marks and any(marks[0] in body for body in pages.values())
