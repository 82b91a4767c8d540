"""A worker killed in the middle of a write (issue 12, "Faults"): the database holds the whole
write or none of it, and the next worker writes as if nothing happened (no "database is locked",
no half a request).

A real server process (werkzeug, the app from ``create_app``) takes a real HTTP post of the
request form. Inside the write, after the request's rows are flushed and before the commit, it
signals and waits; the test then kills it with SIGKILL, as the kernel's OOM killer or a
``kill -9`` of a gunicorn worker would. Both engines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func
from sqlmodel import Session, select

from marketplace import create_app, db
from marketplace.categories import sync_categories
from marketplace.models import AuditEvent, HelpRequest, HelpRequestPrivate, RequestCategory

from .factories import make_user, make_world
from .factories.accounts import PASSWORD
from .support import ENGINES, TEST_HASH_METHOD, empty_database, free_port

ROOT = Path(__file__).resolve().parents[1]
FORM = {"category": "boodschappen", "title": "Wie doet boodschappen?", "urgency": "deze week",
        "description": "Ik kan niet goed lopen na mijn operatie.", "postcode": "7541 AB",
        "address": "Velvetstraat 12", "languages": ["nl"]}

# The worker: the real app, with one pause inside the write (the audit event is the request's last
# row before the commit); the pause writes a marker file so the test knows the rows are flushed.
WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from werkzeug.serving import make_server
    from marketplace import create_app
    from marketplace.hulpvragen import services

    url, port, marker, hash_method, model = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], sys.argv[5]
    record = services.audit.record

    def record_then_hang(session, action, *args, **kwargs):
        record(session, action, *args, **kwargs)
        if action == "request.create":
            session.flush()
            marker.write_text("flushed")
            time.sleep(120)

    services.audit.record = record_then_hang
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": hash_method,
                      "MATCHING_MODEL_PATH": model})  # the run's classifier: a worker never trains
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()
""")


@pytest.fixture(params=ENGINES)
def database(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        engine = db.make_engine(url)
        db.upgrade(engine)
        with Session(engine) as session:
            sync_categories(session)
            make_world(session)
            make_user(session)  # password hashed with TEST_HASH_METHOD, as the worker checks it
        yield url, engine
        engine.dispose()


def _start_worker(url: str, tmp_path: Path, classifier) -> tuple[subprocess.Popen, str, Path]:
    port, marker, model = free_port(), tmp_path / "flushed", tmp_path / "model.joblib"
    classifier.save(model)
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([sys.executable, "-c", WORKER, url, str(port), str(marker), TEST_HASH_METHOD,
                               str(model)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    log.close()  # the child holds its own copy
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            requests.get(base + "/healthz", timeout=1)
            return worker, base, marker
        except requests.ConnectionError:
            if worker.poll() is not None:
                raise AssertionError((tmp_path / "worker.log").read_text())
            time.sleep(0.1)
    worker.kill()
    raise AssertionError("the worker did not start")


def _counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
                for model in (HelpRequest, HelpRequestPrivate, RequestCategory)} | {
            "audit": session.exec(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "request.create")).one()}


def test_a_worker_killed_in_the_middle_of_a_write_leaves_none_of_it(database, tmp_path, classifier):
    url, engine = database
    worker, base, marker = _start_worker(url, tmp_path, classifier)
    try:
        browser = requests.Session()
        login = browser.post(base + "/login", data={"email": "anna@example.nl", "password": PASSWORD},
                             allow_redirects=False, timeout=30)
        assert login.status_code == 302, login.text[:300]
        answers = []
        posting = threading.Thread(target=lambda: answers.append(_ignore_errors(
            browser.post, base + "/hulpvragen/nieuw", data=FORM, timeout=60)), daemon=True)
        posting.start()
        for _ in range(600):
            if marker.exists():
                break
            time.sleep(0.05)
        assert marker.exists(), f"the write never reached its pause: {answers}"
        os.kill(worker.pid, signal.SIGKILL)  # mid-write: rows flushed, no commit
        worker.wait(timeout=10)
        posting.join(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()

    assert _counts(engine) == {"HelpRequest": 0, "HelpRequestPrivate": 0, "RequestCategory": 0, "audit": 0}

    # The next worker writes the whole request: nothing was left locked or half-written.
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": TEST_HASH_METHOD})
    client = app.test_client()
    assert client.post("/login", data={"email": "anna@example.nl", "password": PASSWORD}).status_code == 302
    assert client.post("/hulpvragen/nieuw", data=FORM).status_code == 302
    assert _counts(engine) == {"HelpRequest": 1, "HelpRequestPrivate": 1, "RequestCategory": 1, "audit": 1}
    app.extensions["db_engine"].dispose()


def _ignore_errors(call, *args, **kwargs):
    try:
        answer = call(*args, **kwargs)
        start = answer.text.find("error-summary")
        return answer.status_code, answer.text[start:start + 1500]
    except requests.RequestException:  # the worker died under it: that is the point
        pass
