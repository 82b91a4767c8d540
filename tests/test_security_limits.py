"""Finding 4: limits per account and per IP, a per-account back-off on failed logins, and
limits on registering, reset requests and posting. The limiter is on in these tests only."""

from __future__ import annotations

import time

import pytest

from marketplace import db

from .factories import login, make_user


@pytest.fixture
def limited(make_app):
    return make_app(RATELIMIT_ENABLED=True)


@pytest.fixture
def session(limited):
    """The limited app's own session. (The shared ``session`` fixture would build a second app
    with the limiter off, and the limiter is one object: the last app's setting wins.)"""
    with db.new_session(db.bind_of(limited)) as s:
        yield s


def client_from(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_five_wrong_passwords_lock_that_address_whatever_the_ip(limited, session):
    make_user(session, email="anna@example.nl")
    make_user(session, email="bert@example.nl", name="Bert")
    for n in range(4):
        response = login(client_from(limited, f"10.0.0.{n}"), password="fout")
        assert response.status_code == 422
    response = login(client_from(limited, "10.0.0.9"), password="fout")  # the fifth locks
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "te vaak een verkeerd wachtwoord" in page and "Wachtwoord vergeten?" in page
    # Locked even with the right password, from a new IP ...
    response = login(client_from(limited, "192.168.1.1"))
    assert response.status_code == 429 and "Retry-After" in response.headers
    # ... while another account from the attacker's own IP is not affected.
    assert login(client_from(limited, "10.0.0.9"), email="bert@example.nl").status_code == 302


def test_a_lock_on_an_unknown_address_looks_the_same(limited, session):
    make_user(session, email="anna@example.nl")
    answers = []
    for address in ("anna@example.nl", "niemand@example.nl"):
        for n in range(5):
            response = login(client_from(limited, f"10.1.0.{n}"), email=address, password="fout")
        answers.append((response.status_code, "te vaak een verkeerd wachtwoord" in response.get_data(as_text=True)))
    assert answers == [(429, True), (429, True)]


def test_the_lock_ends_after_its_time_and_a_good_login_resets_the_count(limited, session):
    app = limited
    app.config.update(LOGIN_LOCKOUT_SECONDS=1, LOGIN_MAX_FAILURES=3)  # (and under 10 logins a minute)
    make_user(session, email="anna@example.nl")
    for _ in range(2):
        login(client_from(app, "10.2.0.1"), password="fout")
    assert login(client_from(app, "10.2.0.1")).status_code == 302  # 2 failures, then right: count reset
    for _ in range(2):
        assert login(client_from(app, "10.2.0.1"), password="fout").status_code == 422
    assert login(client_from(app, "10.2.0.1"), password="fout").status_code == 429
    time.sleep(1.2)
    assert login(client_from(app, "10.2.0.1")).status_code == 302


def test_login_is_also_limited_per_ip_with_retry_after(limited, session):
    client = client_from(limited, "10.3.0.1")
    statuses = [login(client, email=f"iemand{n}@example.nl", password="fout").status_code for n in range(61)]
    assert statuses[:60] == [422] * 60 and statuses[60] == 429
    response = login(client, email="nog-iemand@example.nl", password="fout")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert login(client_from(limited, "10.3.0.2"), email="x@example.nl", password="fout").status_code == 422


REGISTER = {"display_name": "Anna", "password": "een lange zin hier", "confirm": "een lange zin hier",
            "wants": ["bewoner"]}


def test_register_and_reset_requests_are_limited_per_address(limited):
    for n in range(3):
        assert client_from(limited, f"10.4.0.{n}").post(
            "/registreren", data={**REGISTER, "email": "doel@example.nl"}).status_code == 302
    response = client_from(limited, "10.4.0.9").post("/registreren", data={**REGISTER, "email": "doel@example.nl"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    for n in range(3):
        assert client_from(limited, f"10.5.0.{n}").post(
            "/wachtwoord-vergeten", data={"email": "doel@example.nl"}).status_code == 302
    response = client_from(limited, "10.5.0.9").post("/wachtwoord-vergeten", data={"email": "doel@example.nl"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    # Someone else's address is not limited by this.
    assert client_from(limited, "10.5.0.9").post(
        "/wachtwoord-vergeten", data={"email": "ander@example.nl"}).status_code == 302


@pytest.mark.parametrize("path", ["/hulpvragen/nieuw", "/aanbod/nieuw", "/activiteiten/nieuw"])
def test_posting_is_limited_per_user_not_per_shared_ip(limited, session, path):
    make_user(session, email="anna@example.nl", roles=("bewoner", "vrijwilliger"))
    make_user(session, email="bert@example.nl", roles=("bewoner", "vrijwilliger"), name="Bert")
    anna, bert = client_from(limited, "10.6.0.1"), client_from(limited, "10.6.0.1")  # one buurthuis connection
    login(anna)
    login(bert, email="bert@example.nl")
    statuses = [anna.post(path, data={}).status_code for _ in range(21)]
    assert 429 not in statuses[:20] and statuses[20] == 429
    assert "Retry-After" in anna.post(path, data={}).headers
    assert bert.post(path, data={}).status_code != 429


def test_behind_a_proxy_each_visitor_has_their_own_ip(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PROXY_FIX_COUNT=1)
    proxy = client_from(app, "10.7.0.1")  # every request arrives from the proxy
    for n in range(10):
        assert proxy.post("/registreren", data={**REGISTER, "email": f"p{n}@example.nl"},
                          headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 302
    assert proxy.post("/registreren", data={**REGISTER, "email": "p10@example.nl"},
                      headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert proxy.post("/registreren", data={**REGISTER, "email": "q@example.nl"},
                      headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 302


def test_a_limiter_store_that_does_not_answer_never_stops_a_resident(make_app, session):
    """Redis down (or not yet up): the limits fall back to each worker's memory instead of
    turning every login and post into an error page."""
    from .support import free_port
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                   CACHE_URL="off")
    make_user(session, email="anna@example.nl")
    response = login(app.test_client(), password="fout")
    assert response.status_code == 422
    assert "wachtwoord" in response.get_data(as_text=True).lower()
    for _ in range(4):
        login(app.test_client(), password="fout")
    locked = login(app.test_client(), password="fout")  # still counted, in this worker's memory
    assert locked.status_code == 429
