"""The matcher is built when the app starts in production, never in a request (issue 12: at 10^5
listings the first suggestion built it for ~30 s and gunicorn killed the worker), and never in the
tests' normal app (they stay fast)."""

from __future__ import annotations

import os
import secrets
import subprocess  # nosec B404 - starts gunicorn from this checkout, fixed arguments
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from marketplace import db, matching_service

from .factories import login, make_offer, make_request, make_user, make_world
from .support import free_port, trained_classifier_path

ROOT = Path(__file__).resolve().parents[1]
HOST = "buurtplein.example.nl"


def test_only_production_builds_the_matcher_at_startup_unless_told():
    assert matching_service.builds_at_startup({"BUURTPLEIN_ENV": "production", "MATCHER_AT_STARTUP": None})
    assert not matching_service.builds_at_startup({"BUURTPLEIN_ENV": "development", "MATCHER_AT_STARTUP": None})
    assert not matching_service.builds_at_startup({"BUURTPLEIN_ENV": "production", "MATCHER_AT_STARTUP": False})
    assert matching_service.builds_at_startup({"BUURTPLEIN_ENV": "development", "MATCHER_AT_STARTUP": True})


def test_the_tests_app_starts_without_a_matcher(app):
    assert not matching_service.builds_at_startup(app.config)
    assert "matcher" not in app.extensions.get("matching", {})


def test_after_warm_up_a_suggestion_uses_the_matcher_built_at_startup(app, client, session):
    world = make_world(session)
    make_offer(session, make_user(session, email="vw@example.nl", roles=("vrijwilliger",)), world.velve)
    anna = make_user(session)
    request = make_request(session, anna, world.velve)
    matching_service.warm_up(app)
    built = app.extensions["matching"]["matcher"]
    login(client)
    assert client.get(f"/hulpvragen/{request.id}").status_code == 200  # its page asks for suggestions
    assert app.extensions["matching"]["matcher"] is built


@pytest.mark.real_commits
def test_gunicorn_builds_the_matcher_once_in_the_master_before_the_workers_fork(tmp_path):
    url = f"sqlite:///{tmp_path / 'start.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    port, log = free_port(), tmp_path / "gunicorn.log"
    env = {**os.environ, "BUURTPLEIN_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(48),
           "BASE_URL": f"https://{HOST}", "MATCHING_MODEL_PATH": str(trained_classifier_path()), "LOG_LEVEL": "INFO"}
    env.pop("MATCHER_AT_STARTUP", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as err:
        server = subprocess.Popen(  # nosec B603
            [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "30", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        status = _wait_for(port, "/api/v1/suggest?text=wie%20doet%20boodschappen&lat=52.206&lon=6.858")
        # The first worker may answer before the second has booted (and logged it).
        deadline = time.monotonic() + 60
        while log.read_text().count("Booting worker") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        text = log.read_text()
        assert status == 200, text
        assert text.count("Matcher klaar bij het starten") == 1, text  # once, in the master
        assert text.count("Booting worker") == 2, text
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int, path: str) -> int:
    deadline = time.monotonic() + 120
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": HOST})
            with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310 - loopback only
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


class _LaterThread(threading.Thread):
    """Started by the test once the request's session is closed: here both share the test's one
    connection, whose savepoints must not interleave (in production each has its own)."""

    def start(self):
        pass

    def really_start(self):
        super().start()


def test_in_production_a_due_rebuild_runs_beside_the_requests(make_app, session, monkeypatch):
    """The daily rebuild (and after a new model) must not happen inside a request either."""
    monkeypatch.setattr(matching_service.threading, "Thread", _LaterThread)
    app = make_app(MATCHER_AT_STARTUP=True)
    world = make_world(session)
    make_offer(session, make_user(session, email="vw@example.nl", roles=("vrijwilliger",)), world.velve)
    matching_service.warm_up(app)
    state = app.extensions["matching"]
    old = state["matcher"]
    state["epoch"] = ("yesterday", state["epoch"][1])  # as after midnight
    with app.app_context(), db.new_session() as s:
        assert matching_service.get_matcher(s) is old  # answered at once, with the old index
    state["rebuild_thread"].really_start()
    state["rebuild_thread"].join(timeout=120)
    assert state["matcher"] is not old and state["epoch"][0] != "yesterday" and not state["rebuilding"]
