"""The database goes away and comes back: a clear Dutch 503 (JSON under /api/), never a 500, and the
app serves again by itself when the database returns (nothing cached, dead connections replaced).

SQLite: the database path is a directory ("unable to open database file"), later replaced by a
migrated file. PostgreSQL: a throw-away cluster of our own (initdb takes a fraction of a second),
stopped and started under the running app; the shared test server is never touched.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlmodel import Session

from marketplace import create_app, db

from .factories import login, make_user
from .support import TEST_HASH_METHOD, free_port, require

DUTCH = "Buurtplein kan zijn gegevens nu niet bereiken"


def _config(url: str) -> dict:
    return {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": TEST_HASH_METHOD}


def assert_unreachable_answers(client):
    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert DUTCH in page.get_data(as_text=True) and "is niet opgeslagen" in page.get_data(as_text=True)
    api = client.get("/api/v1/suggest?text=boodschappen&postcode=7511AB")
    assert api.status_code == 503 and api.is_json
    assert api.get_json()["status"] == 503 and DUTCH in api.get_json()["error"]
    assert client.post("/login", data={"email": "a@example.nl", "password": "x" * 12}).status_code == 503
    assert client.get("/healthz").status_code == 503


def test_sqlite_unreadable_then_back(tmp_path):
    path = tmp_path / "buurtplein.db"
    path.mkdir()  # a directory where the database file should be: SQLite cannot open it
    app = create_app(_config(f"sqlite:///{path}"))
    client = app.test_client()
    assert_unreachable_answers(client)

    ready = tmp_path / "ready.db"
    engine = db.make_engine(f"sqlite:///{ready}")
    db.upgrade(engine)
    engine.dispose()
    path.rmdir()
    shutil.move(ready, path)  # the database is back, the app was not restarted
    assert client.get("/").status_code == 200
    assert client.get("/healthz").get_json()["status"] == "ok"
    app.extensions["db_engine"].dispose()


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, on a free port on 127.0.0.1 (trust auth)."""

    def __init__(self):
        self.bindir = _pg_bindir()
        require(self.bindir is not None, "no PostgreSQL server binaries (initdb, pg_ctl)")
        self.dir = Path(tempfile.mkdtemp(prefix="buurtplein-pgdown-"))
        self.port = free_port()
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "buurtplein", "-E", "UTF8",
                  "--no-sync")
        self.url = f"postgresql+psycopg://buurtplein@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [os.path.join(self.bindir, tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    pg = ThrowawayCluster()
    pg.start()
    yield pg
    pg.remove()


@pytest.mark.postgres
def test_postgresql_stopped_then_started_under_the_running_app(cluster):
    app = create_app(_config(cluster.url))
    with app.app_context():
        db.upgrade(db.get_engine())
    with Session(app.extensions["db_engine"]) as session:
        make_user(session, email="wim@example.nl")
    client = app.test_client()
    assert login(client, "wim@example.nl").status_code == 302
    assert client.get("/mijn/").status_code == 200  # the pool now holds a connection

    cluster.stop()
    mine = client.get("/mijn/")  # logged in: the user cannot even be loaded
    assert mine.status_code == 503 and DUTCH in mine.get_data(as_text=True)
    assert_unreachable_answers(client)

    cluster.start()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "schema": "current"}
    assert client.get("/mijn/").status_code == 200  # same session cookie, same app: nothing was lost
    fresh = app.test_client()
    assert login(fresh, "wim@example.nl").status_code == 302
    app.extensions["db_engine"].dispose()
