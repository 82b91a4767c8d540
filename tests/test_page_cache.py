"""Whole pages for anonymous visitors (marketplace/page_cache.py): the same page as without the cache,
never for a logged-in visitor, never with a message, a cookie or a form token in it, one per
language, and a listing that is hidden, closed or made private is gone from it at the next request."""

from __future__ import annotations

import pytest
from flask import flash, render_template_string

from marketplace import page_cache, result_cache
from tests.factories import login, make_organisation, make_request, make_user, make_voorziening, make_world
from tests.test_result_cache import redis_url  # noqa: F401  (the module's redis-server fixture)
from tests.support import inside_one_minute

HEADER = page_cache.HEADER
# Made again for every answer, cached or not.
PER_ANSWER = {"X-Request-ID", HEADER}


@pytest.fixture(params=["memory", "redis"])
def cached_app(request, make_app):
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        import redis
        redis.Redis.from_url(url).flushdb()  # a test's rolled-back ids are used again by the next
        app = make_app(CACHE_URL=url)
    else:
        app = make_app()
    assert result_cache.backend_of(app).name == request.param
    inside_one_minute()  # pages are keyed on the minute: two gets a moment apart share it
    return app


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def listed(session, world):
    """A public help request and a voorziening, and the poster."""
    poster = make_user(session, email="poster@example.nl", name="Petra Poster")
    help_request = make_request(session, poster, world.velve, title="Wie helpt mij met de tuin?")
    make_voorziening(session, make_organisation(session), world.velve, name="Taalcafé De Velve")
    return help_request, poster


def _get(client, path, **kw):
    response = client.get(path, **kw)
    return response, response.get_data(as_text=True)


PAGES = ["/", "/voorzieningen/", "/voorzieningen/?q=taal", "/voorzieningen/kaart.json?categorie=taal",
         "/hulpvragen/", "/aanbod/", "/activiteiten/", "/prikbord/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_cached_page_is_the_page_itself(cached_app, listed, path):
    client = cached_app.test_client()
    first, body = _get(client, path)
    assert first.status_code == 200 and first.headers.get(HEADER) == "stored"
    second, again = _get(client, path)
    assert second.headers.get(HEADER) == "hit"
    assert again == body
    headers = lambda r: sorted((k, v) for k, v in r.headers.items() if k not in PER_ANSWER)  # noqa: E731
    assert headers(second) == headers(first)  # security headers (no nonce: 'self' only), Vary, type
    assert "nonce" not in second.headers["Content-Security-Policy"]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert client.head(path).headers.get(HEADER) == "hit"


def test_the_detail_pages_are_cached_too(cached_app, session, listed, world):
    help_request, _ = listed
    from marketplace.models import Voorziening
    from sqlmodel import select
    voorziening = session.exec(select(Voorziening)).first()
    client = cached_app.test_client()
    for path in (f"/hulpvragen/{help_request.id}", f"/voorzieningen/{voorziening.id}", f"/prikbord/{world.velve.code}"):
        first, body = _get(client, path)
        assert first.headers.get(HEADER) == "stored", path
        second, again = _get(client, path)
        assert second.headers.get(HEADER) == "hit" and again == body


def test_a_logged_in_visitor_is_never_served_nor_stored(cached_app, session, listed):
    make_user(session)
    anonymous = cached_app.test_client()
    assert _get(anonymous, "/hulpvragen/")[0].headers.get(HEADER) == "stored"
    member = cached_app.test_client()
    assert login(member).status_code == 302
    for _ in range(2):
        response, body = _get(member, "/hulpvragen/")
        assert HEADER not in response.headers
        assert "Uitloggen" in body and "Anna" in body
    assert "Uitloggen" not in _get(anonymous, "/hulpvragen/")[1]


def test_a_remember_me_cookie_goes_past_the_cache(cached_app, listed):
    client = cached_app.test_client()
    _get(client, "/")
    client.set_cookie("remember_token", "1:1|whatever")
    assert HEADER not in client.get("/").headers


def test_a_flashed_message_is_never_cached_nor_hidden_by_the_cache(cached_app, listed):
    @cached_app.route("/test-flash")
    def test_flash():
        flash("Uw hulpvraag staat erop.", "success")
        return "ok"

    client = cached_app.test_client()
    assert _get(client, "/hulpvragen/")[0].headers.get(HEADER) == "stored"
    client.get("/test-flash")
    response, body = _get(client, "/hulpvragen/")
    assert "Uw hulpvraag staat erop." in body and HEADER not in response.headers  # not the stored page
    response, body = _get(client, "/hulpvragen/")
    assert "Uw hulpvraag staat erop." not in body and response.headers.get(HEADER) == "hit"


def _hide(session, row, **change):
    for name, value in change.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()


@pytest.mark.parametrize("change", [{"moderation": "hidden"}, {"status": "withdrawn"}, {"safety": "possible"}],
                         ids=["hidden", "closed", "private"])
def test_a_request_that_is_no_longer_public_is_gone_at_once(cached_app, session, listed, world, change):
    help_request, _ = listed
    client = cached_app.test_client()
    detail = f"/hulpvragen/{help_request.id}"
    pages = ["/hulpvragen/", f"/prikbord/{world.velve.code}", detail]
    for path in pages:
        _get(client, path)
        response, body = _get(client, path)
        assert response.headers.get(HEADER) == "hit" and "Wie helpt mij met de tuin?" in body
    _hide(session, help_request, **change)
    for path in pages[:2]:
        response, body = _get(client, path)
        assert response.status_code == 200 and "Wie helpt mij met de tuin?" not in body, path
    assert client.get(detail).status_code == 404
    assert HEADER not in client.get(detail).headers  # a 404 is never stored


def test_without_the_version_in_the_key_the_page_would_be_stale(cached_app, session, listed, monkeypatch):
    """The test above is not blind: with a fixed version the hidden request stays on the cached page."""
    monkeypatch.setattr(page_cache.result_cache, "supply_version", lambda session, kinds: [])
    help_request, _ = listed
    client = cached_app.test_client()
    _get(client, "/hulpvragen/")
    _hide(session, help_request, moderation="hidden")
    response, body = _get(client, "/hulpvragen/")
    assert response.headers.get(HEADER) == "hit" and "Wie helpt mij met de tuin?" in body


def test_a_reviewer_renamed_or_a_category_renamed_is_a_new_version(cached_app, session, listed):
    """What else public pages show is logged too (kind 'page'), but a login is not."""
    from marketplace.models import Category
    from sqlmodel import select
    _, poster = listed
    with cached_app.app_context():
        from marketplace.db import get_session
        before = result_cache.supply_version(get_session(), page_cache.PAGE_KINDS)
    poster.last_login_at = poster.created_at
    _hide(session, poster)
    with cached_app.app_context():
        assert result_cache.supply_version(get_session(), page_cache.PAGE_KINDS) == before
    poster.display_name = "Petra Anders"
    _hide(session, poster)
    with cached_app.app_context():
        renamed = result_cache.supply_version(get_session(), page_cache.PAGE_KINDS)
    assert renamed != before
    category = session.exec(select(Category)).first()
    _hide(session, category, name_nl=category.name_nl + " en meer")
    with cached_app.app_context():
        assert result_cache.supply_version(get_session(), page_cache.PAGE_KINDS) != renamed


def test_each_language_has_its_own_page(cached_app, listed):
    dutch = cached_app.test_client()
    assert "Wat kunt u hier doen?" in _get(dutch, "/")[1]
    english = cached_app.test_client()
    response, body = _get(english, "/?lang=en")  # sets the choice: a cookie, so not stored
    assert "What can you do here?" in body and HEADER not in response.headers and "Set-Cookie" in response.headers
    response, body = _get(english, "/")
    assert response.headers.get(HEADER) == "stored" and "What can you do here?" in body
    response, body = _get(english, "/")
    assert response.headers.get(HEADER) == "hit" and 'lang="en"' in body
    response, body = _get(dutch, "/")
    assert response.headers.get(HEADER) == "hit" and "Wat kunt u hier doen?" in body and 'lang="nl"' in body
    fresh = cached_app.test_client()
    assert "Wat kunt u hier doen?" in _get(fresh, "/", headers={"Accept-Language": "en"})[1]


def test_the_minute_is_in_the_key(cached_app, listed, monkeypatch):
    client = cached_app.test_client()
    _get(client, "/activiteiten/")
    assert client.get("/activiteiten/").headers.get(HEADER) == "hit"
    now = page_cache.time.time()
    monkeypatch.setattr(page_cache.time, "time", lambda: now + 61)
    assert client.get("/activiteiten/").headers.get(HEADER) == "stored"


@pytest.fixture
def test_pages(make_app):
    """A public page of each kind, on an app with CSRF on (as in production)."""
    app = make_app(WTF_CSRF_ENABLED=True)

    @app.route("/test-plain")
    @page_cache.public_page
    def plain():
        return render_template_string("<p>Gewoon een pagina.</p>")

    @app.route("/test-token")
    @page_cache.public_page
    def token():
        return render_template_string("<a data-x='{{ csrf_token() }}'>link</a>")

    @app.route("/test-form")
    @page_cache.public_page
    def form():  # a form that posts, whatever makes (or does not make) its token
        return render_template_string("<form method='post' action='/x'><button>Stuur</button></form>")

    @app.route("/test-not-public")
    def not_public():
        return "<p>Niet op de lijst.</p>"
    return app


def test_a_page_with_a_token_or_a_post_form_is_never_cached(test_pages):
    client = test_pages.test_client()
    for _ in range(2):  # the session gets its csrf_token (and Flask-Login's _fresh): no cookie to set after
        client.get("/test-token")
    assert client.get("/test-plain").headers.get(HEADER) == "stored"
    assert client.get("/test-plain").headers.get(HEADER) == "hit"
    for path in ("/test-token", "/test-form", "/test-not-public"):
        for _ in range(2):
            assert HEADER not in client.get(path).headers, path


def test_no_form_token_on_the_public_pages_for_visitors(make_app, session, listed, world):
    """The footer's language chooser is links now: a CSRF token would make every page personal. The
    detail pages make forms (review, confirm) they show only to members: no token in the page."""
    from sqlmodel import select

    from marketplace.models import Voorziening
    help_request, _ = listed
    voorziening = session.exec(select(Voorziening)).first()
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    for path in [*PAGES, f"/hulpvragen/{help_request.id}", f"/voorzieningen/{voorziening.id}",
                 f"/prikbord/{world.velve.code}"]:
        response, body = _get(client, path)
        assert 'name="csrf_token"' not in body, path
        assert response.headers.get(HEADER) == "stored", path


def test_the_cache_is_off_with_cache_url_off(make_app, listed):
    app = make_app(CACHE_URL="off")
    assert page_cache.backend_of(app) is None
    client = app.test_client()
    for _ in range(2):
        assert HEADER not in client.get("/").headers
    other = make_app(PAGE_CACHE="off")
    assert page_cache.backend_of(other) is None


def test_two_workers_share_the_pages_in_redis(make_app, listed, redis_url):  # noqa: F811
    import redis
    redis.Redis.from_url(redis_url).flushdb()
    one, two = make_app(CACHE_URL=redis_url), make_app(CACHE_URL=redis_url)
    assert one.test_client().get("/aanbod/").headers.get(HEADER) == "stored"
    assert two.test_client().get("/aanbod/").headers.get(HEADER) == "hit"


def test_a_new_help_request_leaves_the_sociale_kaart_cached_but_not_the_request_list(cached_app, session, listed, world):
    """The sociale kaart shows no requests: a new one is a new version of the request pages only."""
    _, poster = listed
    client = cached_app.test_client()
    for path in ("/voorzieningen/", "/hulpvragen/"):
        _get(client, path)
        assert _get(client, path)[0].headers.get(HEADER) == "hit"
    make_request(session, poster, world.velve, title="Wie leest mijn post voor?")
    session.commit()
    assert _get(client, "/voorzieningen/")[0].headers.get(HEADER) == "hit"
    response, body = _get(client, "/hulpvragen/")
    assert response.headers.get(HEADER) == "stored" and "Wie leest mijn post voor?" in body
