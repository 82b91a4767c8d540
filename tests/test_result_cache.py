"""The sociale kaart's answers are cached (marketplace/result_cache.py), never stale: a hidden,
edited, new or removed listing, or a hidden organisation, shows at the next request, in the
worker's memory and in Redis; a repeated question does not ask the search index again."""

from __future__ import annotations

import shutil
import socket
import subprocess  # nosec B404 - starts Debian's redis-server on loopback for these tests
import time

import pytest
from sqlalchemy import event, text

from marketplace import result_cache
from marketplace.models import Voorziening
from marketplace.voorzieningen import finding
from tests.factories import make_organisation, make_voorziening, make_world
from tests.support import require


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    require(binary is not None, "no redis-server (Debian package redis-server)")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # nosec B603 - fixed argument list, loopback only
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["memory", "redis"])
def cached_app(request, make_app):
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        import redis
        redis.Redis.from_url(url).flushdb()  # a test's rolled-back ids are used again by the next
        app = make_app(CACHE_URL=url, PAGE_CACHE="off")
    else:
        app = make_app(PAGE_CACHE="off")  # these test the answers below whole pages (test_page_cache)
    assert result_cache.backend_of(app).name == request.param
    return app


@pytest.fixture
def kaart(cached_app, session):
    world = make_world(session)
    org = make_organisation(session, name="Stichting Samen")
    cafe = make_voorziening(session, org, world.velve, name="Taalcafé De Velve")
    huis = make_voorziening(session, org, world.pathmos, name="Taalhuis Pathmos")
    return world, org, cafe, huis


def _names(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return {name for name in ("Taalcafé De Velve", "Taalhuis Pathmos", "Taalpunt Nieuw", "Taalcafé Het Anker")
            if name in page}


PATHS = ["/voorzieningen/?q=taal", "/voorzieningen/?categorie=taal", "/voorzieningen/"]


def _statements(app):
    seen = []
    bind = app.extensions.get("db_bind") or app.extensions["db_engine"]
    event.listen(bind, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_repeated_search_is_answered_from_the_cache(cached_app, kaart):
    client = cached_app.test_client()
    seen = _statements(cached_app)
    assert _names(client, "/voorzieningen/?q=taal") == {"Taalcafé De Velve", "Taalhuis Pathmos"}
    first = [s for s in seen if "voorziening_fts" in s or "voorziening_search" in s]
    assert first  # the first search asks the index
    seen.clear()
    assert _names(client, "/voorzieningen/?q=taal") == {"Taalcafé De Velve", "Taalhuis Pathmos"}
    assert not [s for s in seen if "voorziening_fts" in s or "voorziening_search" in s or "count(" in s.lower()]


@pytest.mark.parametrize("path", PATHS)
def test_a_hidden_listing_vanishes_at_once(cached_app, kaart, session, path):
    _, _, cafe, _ = kaart
    client = cached_app.test_client()
    assert _names(client, path) == {"Taalcafé De Velve", "Taalhuis Pathmos"}
    cafe.moderation = "hidden"
    session.add(cafe)
    session.commit()
    assert _names(client, path) == {"Taalhuis Pathmos"}
    cafe.moderation = "approved"
    session.add(cafe)
    session.commit()
    assert _names(client, path) == {"Taalcafé De Velve", "Taalhuis Pathmos"}


@pytest.mark.parametrize("path", PATHS)
def test_a_listing_hidden_behind_the_logs_back_is_still_not_shown(cached_app, kaart, session, path):
    """An UPDATE that logs no supply change (a bulk statement, a DBA's fix) leaves the cached ids
    stale; the cards are read with the public conditions, so the hidden listing is still not shown."""
    _, _, cafe, _ = kaart
    client = cached_app.test_client()
    assert _names(client, path) == {"Taalcafé De Velve", "Taalhuis Pathmos"}
    session.execute(text("UPDATE voorziening SET moderation = 'hidden' WHERE id = :id"), {"id": cafe.id})
    session.commit()
    assert _names(client, path) == {"Taalhuis Pathmos"}


def test_the_map_leaves_out_a_listing_hidden_behind_the_logs_back(cached_app, kaart, session):
    _, _, cafe, _ = kaart
    client = cached_app.test_client()

    def names():
        return {m["name"] for m in client.get("/voorzieningen/kaart.json?categorie=taal").get_json()["markers"]}
    assert names() == {"Taalcafé De Velve", "Taalhuis Pathmos"}
    session.execute(text("UPDATE organisation SET moderation = 'hidden' WHERE id = :id"), {"id": cafe.organisation_id})
    session.commit()
    assert names() == set()


@pytest.mark.parametrize("path", PATHS)
def test_a_hidden_organisation_takes_its_listings_along(cached_app, kaart, session, path):
    world, org, _, _ = kaart
    other = make_organisation(session, name="Buurthuis Anker")
    make_voorziening(session, other, world.velve, name="Taalcafé Het Anker")
    client = cached_app.test_client()
    assert "Taalcafé Het Anker" in _names(client, path)
    other.moderation = "hidden"
    session.add(other)
    session.commit()
    assert _names(client, path) == {"Taalcafé De Velve", "Taalhuis Pathmos"}


def test_an_edit_a_new_listing_and_a_removal_show_at_once(cached_app, kaart, session):
    world, org, cafe, huis = kaart
    client = cached_app.test_client()
    assert _names(client, "/voorzieningen/?q=taal") == {"Taalcafé De Velve", "Taalhuis Pathmos"}
    huis.name = "Buurtkamer Pathmos"
    huis.description = "Koffie drinken."
    session.add(huis)
    session.commit()
    assert _names(client, "/voorzieningen/?q=taal") == {"Taalcafé De Velve"}
    make_voorziening(session, org, world.velve, name="Taalpunt Nieuw")
    assert _names(client, "/voorzieningen/?q=taal") == {"Taalcafé De Velve", "Taalpunt Nieuw"}
    assert "3 plekken gevonden" in client.get("/voorzieningen/").get_data(as_text=True)
    session.delete(session.get(Voorziening, cafe.id))
    session.commit()
    assert _names(client, "/voorzieningen/?q=taal") == {"Taalpunt Nieuw"}


def test_the_map_data_follows_a_hidden_listing(cached_app, kaart, session):
    _, _, cafe, _ = kaart
    client = cached_app.test_client()

    def names():
        return {m["name"] for m in client.get("/voorzieningen/kaart.json?categorie=taal").get_json()["markers"]}
    assert names() == {"Taalcafé De Velve", "Taalhuis Pathmos"}
    cafe.moderation = "hidden"
    session.add(cafe)
    session.commit()
    assert names() == {"Taalhuis Pathmos"}


def test_uncommitted_listing_changes_neither_read_nor_fill_the_cache(cached_app, kaart, session):
    _, _, cafe, _ = kaart
    with cached_app.test_request_context("/"):
        from marketplace.db import get_session
        request_session = get_session()
        calls = []

        def compute():
            calls.append(1)
            return {"n": len(calls)}
        assert result_cache.cached(request_session, "test", {"a": 1}, compute) == {"n": 1}
        assert result_cache.cached(request_session, "test", {"a": 1}, compute) == {"n": 1}
        v = request_session.get(Voorziening, cafe.id)
        v.name = "Nog niet opgeslagen"
        request_session.flush()  # logged in supply_change, not committed
        assert result_cache.cached(request_session, "test", {"a": 1}, compute) == {"n": 2}
        assert result_cache.cached(request_session, "test", {"a": 1}, compute) == {"n": 3}
        request_session.rollback()
        assert result_cache.cached(request_session, "test", {"a": 1}, compute) == {"n": 1}


def test_a_redis_that_does_not_answer_is_skipped(make_app, session):
    app = make_app(CACHE_URL=f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens there
    world = make_world(session)
    make_voorziening(session, make_organisation(session), world.velve, name="Taalcafé De Velve")
    client = app.test_client()
    assert "Taalcafé De Velve" in client.get("/voorzieningen/?q=taal").get_data(as_text=True)


def test_cache_can_be_turned_off_and_an_unknown_store_falls_back_to_memory(make_app, caplog):
    assert result_cache.backend_of(make_app(CACHE_URL="off")) is None
    app = make_app(CACHE_URL="memcached://127.0.0.1")
    assert result_cache.backend_of(app).name == "memory"
    assert "CACHE_URL" in caplog.text


def test_the_rate_limiters_redis_is_used_when_no_cache_url_is_set():
    assert result_cache.cache_url({"RATELIMIT_STORAGE_URI": "redis://r:6379/1"}) == "redis://r:6379/1"
    assert result_cache.cache_url({"RATELIMIT_STORAGE_URI": "memory://"}) == ""
    assert result_cache.cache_url({"CACHE_URL": "off", "RATELIMIT_STORAGE_URI": "redis://r"}) == "off"


def test_the_question_is_normalised():
    a = finding.question(finding.Filters(q="Taalcafé in Velve", categories=["taal", "eten", "taal"]), "relevantie")
    b = finding.question(finding.Filters(q="  taalcafe   velve ", categories=["eten", "taal"]), "relevantie")
    assert a == b
    assert finding.question(finding.Filters(q="de"), "naam")["q"] == []  # words, but none that count
    assert finding.question(finding.Filters(), "naam")["q"] is None  # no text at all: the whole list


def test_the_supply_log_turns_an_organisation_into_its_listings(app, session):
    """A hidden organisation is a change of its voorzieningen for the matcher too."""
    from marketplace import matching_service
    world = make_world(session)
    org = make_organisation(session, name="Buurthuis Anker")
    v = make_voorziening(session, org, world.velve, name="Taalcafé Het Anker")
    before = matching_service.latest_change(session)
    org.moderation = "hidden"
    session.add(org)
    session.commit()
    after = matching_service.latest_change(session)
    changed = matching_service._changes_since(session, before, after)
    assert v.id in changed["voorziening"] and "organisation" not in changed


# --------------------------------------------------------------------------- the lists' counts


@pytest.fixture
def requests_world(cached_app, session):
    from tests.factories import make_request, make_user
    world = make_world(session)
    poster = make_user(session, email="poster@example.nl")
    first = make_request(session, poster, world.velve, title="Boodschappen op dinsdag")
    second = make_request(session, poster, world.velve, title="Hulp bij de tuin")
    return world, poster, first, second


def _counts(app, buurt):
    """(pages of /hulpvragen/ and of the board at one row per page) = the counts of both lists."""
    from marketplace.db import get_session
    from marketplace.hulpvragen import services as requests
    from marketplace.prikbord import services as board
    with app.test_request_context("/"):
        session = get_session()
        return requests.open_public(session)[1], board.open_requests(session, buurt, per_page=1).total


def test_the_request_lists_count_once_and_follow_every_change(cached_app, requests_world, session, monkeypatch):
    from marketplace.categories import categories_by_slug
    from marketplace.hulpvragen import services as requests
    from marketplace.models import RequestCategory
    from tests.factories import make_request
    world, poster, first, second = requests_world
    monkeypatch.setattr(requests, "PER_PAGE", 1)
    seen = _statements(cached_app)
    assert _counts(cached_app, world.velve) == (2, 2)
    seen.clear()
    assert _counts(cached_app, world.velve) == (2, 2)
    assert not [s for s in seen if "count(" in s.lower()]  # from the cache
    first.moderation = "hidden"
    session.add(first)
    session.commit()
    assert _counts(cached_app, world.velve) == (1, 1)
    make_request(session, poster, world.velve, title="Een lift naar de dokter")
    assert _counts(cached_app, world.velve) == (2, 2)
    # a professional-only category added later makes the request private at once
    session.add(RequestCategory(request_id=second.id, category_id=categories_by_slug(session)["veiligheid"].id,
                                position=1))
    session.commit()
    assert _counts(cached_app, world.velve) == (1, 1)


def test_the_offer_list_count_follows_a_paused_offer(cached_app, session, monkeypatch):
    from marketplace.aanbod import services as offers
    from marketplace.db import get_session
    from tests.factories import make_offer, make_user
    world = make_world(session)
    volunteer = make_user(session, email="vrijwilliger@example.nl", roles=("vrijwilliger",))
    offer = make_offer(session, volunteer, world.velve)
    make_offer(session, volunteer, world.pathmos, title="Ik fiets graag mee")
    monkeypatch.setattr(offers, "PER_PAGE", 1)

    def pages():
        with cached_app.test_request_context("/"):
            return offers.active_public(get_session())[1]
    assert pages() == 2
    offer.status = "paused"
    session.add(offer)
    session.commit()
    assert pages() == 1


def test_request_changes_do_not_count_towards_a_rebuild_of_the_matcher(app, session):
    """Requests are logged for the lists; the matcher counts only the supply's own entries."""
    from marketplace import matching_service
    from tests.factories import make_request, make_user
    world = make_world(session)
    poster = make_user(session, email="poster@example.nl")
    before = matching_service.latest_change(session)
    make_request(session, poster, world.velve)
    after = matching_service.latest_change(session)
    assert after > before
    assert matching_service._supply_entries(session, before, after) == 0
    assert matching_service._changes_since(session, before, after) == {}


# --------------------------------------------------------------------------- the rendered list and map


def test_the_rendered_list_follows_the_minute_and_the_language(cached_app, session, monkeypatch):
    from datetime import datetime, time as clock

    from marketplace.timeutil import LOCAL_TZ
    from marketplace.voorzieningen import views
    world = make_world(session)
    make_voorziening(session, make_organisation(session), world.velve, name="Taalcafé De Velve",
                     schedule=(("TU", clock(10), clock(16)),))
    client = cached_app.test_client()
    seen = _statements(cached_app)
    monkeypatch.setattr(views, "_this_minute", lambda: datetime(2026, 11, 24, 15, 59, tzinfo=LOCAL_TZ))
    assert "Vandaag open tot 16:00" in client.get("/voorzieningen/").get_data(as_text=True)
    seen.clear()
    assert "Vandaag open tot 16:00" in client.get("/voorzieningen/").get_data(as_text=True)
    assert not [s for s in seen if "FROM schedule" in s]  # the cards came rendered from the cache
    monkeypatch.setattr(views, "_this_minute", lambda: datetime(2026, 11, 24, 16, 0, tzinfo=LOCAL_TZ))
    assert "Vandaag open tot 16:00" not in client.get("/voorzieningen/").get_data(as_text=True)
    english = client.get("/voorzieningen/?lang=en").get_data(as_text=True)
    assert "Free" in english and "Gratis" not in english.split('id="resultaten"')[1].split("</section>")[0]
    assert "Gratis" in client.get("/voorzieningen/?lang=nl").get_data(as_text=True)


def test_the_paging_links_keep_their_own_filters(cached_app, session, monkeypatch):
    world = make_world(session)
    org = make_organisation(session)
    for name in ("Taalcafé A", "Taalcafé B", "Taalcafé C"):
        make_voorziening(session, org, world.velve, name=name)
    monkeypatch.setattr(finding, "PAGE_SIZE", 1)
    client = cached_app.test_client()
    assert "gratis=y" not in client.get("/voorzieningen/?q=taalcafe").get_data(as_text=True)
    assert "gratis=y" in client.get("/voorzieningen/?q=taalcafe&gratis=y").get_data(as_text=True)


# --------------------------------------------------------------------------- the search index's words


def test_in_production_the_search_words_are_read_again_beside_the_requests(make_app, session, monkeypatch):
    """ts_stat takes 8.6 s on PostgreSQL at 10^5 listings: after a change no search waits for it."""
    from marketplace.voorzieningen import search
    app = make_app(MATCHER_AT_STARTUP=True)
    world = make_world(session)
    org = make_organisation(session)
    make_voorziening(session, org, world.velve, name="Taalcafé De Velve")
    client = app.test_client()
    assert "Taalcafé De Velve" in client.get("/voorzieningen/?q=taalkafe").get_data(as_text=True)  # no words yet: read now
    started = []
    monkeypatch.setattr(search, "_refresh_later", lambda key, fingerprint, read: started.append(read))
    make_voorziening(session, org, world.pathmos, name="Zumbaclub Pathmos")
    assert "Zumbaclub" not in client.get("/voorzieningen/?q=zumbaklub").get_data(as_text=True)  # the old words
    assert len(started) == 1
    assert "Zumbaclub Pathmos" in client.get("/voorzieningen/?q=zumbaclub").get_data(as_text=True)  # as typed
    # The thread's read, done here: FTS5's vocabulary does not show what this test's own open
    # transaction wrote to the index, so its result is given (old words and the new listing's).
    with app.app_context():
        from marketplace.db import get_session
        bind = get_session().get_bind()
    key = (str(bind.engine.url), bind.dialect.name)
    search.replace_vocabulary(key, (search._fingerprint(bind), sorted({*search._VOCABULARY[key][1], "zumbaclub"})))
    assert "Zumbaclub Pathmos" in client.get("/voorzieningen/?q=zumbaklub").get_data(as_text=True)  # not the cached miss


def test_one_background_read_of_the_words_at_a_time():
    from marketplace.voorzieningen import search
    key = ("sqlite:///nowhere", "test")
    release = __import__("threading").Event()

    def read():
        release.wait(5)
        return ("fp", ["nieuw"])
    first = search._refresh_later(key, "fp", read)
    assert first is not None and search._refresh_later(key, "fp", read) is None
    release.set()
    first.join(5)
    assert search._VOCABULARY.pop(key) == ("fp", ["nieuw"])
    assert search._GENERATION.pop(key) == 1 and key not in search._REFRESHING


def test_the_search_form_is_rendered_once_per_query_string_and_keeps_what_was_typed(cached_app, kaart, monkeypatch):
    from marketplace.voorzieningen import views
    rendered = []
    real = views.render_template

    def counting(name, **context):
        rendered.append(name)
        return real(name, **context)
    monkeypatch.setattr(views, "render_template", counting)
    client = cached_app.test_client()
    first = client.get("/voorzieningen/?q=taalcafe&categorie=taal").get_data(as_text=True)
    again = client.get("/voorzieningen/?q=taalcafe&categorie=taal").get_data(as_text=True)
    assert rendered.count("voorzieningen/_search_form.html") == 1 and first == again
    other = client.get("/voorzieningen/?q=wandelen").get_data(as_text=True)
    assert 'value="wandelen"' in other and 'value="taalcafe"' not in other
    assert 'value="taalcafe"' in first
    wrong = client.get("/voorzieningen/?postcode=9999ZZ")  # an error: rendered with its message, every time
    assert wrong.status_code == 422 and "Deze postcode kennen wij niet" in wrong.get_data(as_text=True)
    client.get("/voorzieningen/?postcode=9999ZZ")
    assert rendered.count("voorzieningen/_search_form.html") == 4
