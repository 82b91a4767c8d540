"""Background jobs on several machines: one run wins, the others stop saying so (exit status 0).

Two threads with their own connections stand in for two machines (PostgreSQL advisory locks are
per connection; SQLite's lease is a row written in an exclusive transaction), and a second process
for a job started by cron elsewhere.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from marketplace import db, jobs
from marketplace.models import JobLock, utcnow

from .support import ENGINES, empty_database

@pytest.fixture(params=ENGINES)
def engine(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.url_for_test = url
        yield engine
        engine.dispose()


def _rows(engine):
    with engine.connect() as connection:
        return connection.execute(select(JobLock.__table__)).all()


def test_a_second_run_is_refused_while_the_first_holds_the_lock(engine):
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with jobs.single_run("match batch", engine) as holder:
            seen["holder"] = holder
            holding.set()
            release.wait(10)
        done.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(10)
    try:
        with pytest.raises(jobs.JobAlreadyRunning) as refused:
            with jobs.single_run("match batch", engine):
                pytest.fail("the second run must not start")
        assert str(refused.value).startswith("Er draait al een 'match batch' job")
        assert refused.value.holder == seen["holder"]
        assert [row.holder for row in _rows(engine)] == [seen["holder"]]
        with jobs.single_run("match remind", engine):  # another job is not blocked
            pass
    finally:
        release.set()
        thread.join(10)
    assert done.is_set()
    assert _rows(engine) == []
    with jobs.single_run("match batch", engine):  # free again
        pass


def test_a_failing_job_releases_its_lock(engine):
    with pytest.raises(RuntimeError):
        with jobs.single_run("lifecycle", engine):
            raise RuntimeError("job broke")
    with jobs.single_run("lifecycle", engine):
        pass


def test_two_processes_one_wins(engine, tmp_path):
    """A real second process (another machine's cron) holds the lock; ours is refused, then wins."""
    ready = tmp_path / "ready"
    script = (
        "import sys, time, pathlib\n"
        "from marketplace import db, jobs\n"
        "engine = db.make_engine(sys.argv[1])\n"
        "with jobs.single_run('match digest', engine):\n"
        "    pathlib.Path(sys.argv[2]).write_text('x')\n"
        "    sys.stdin.readline()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, engine.url_for_test, str(ready)],
                             stdin=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            if ready.exists() or child.poll() is not None:
                break
            threading.Event().wait(0.05)
        assert ready.exists(), "the other process never took the lock"
        with pytest.raises(jobs.JobAlreadyRunning):
            with jobs.single_run("match digest", engine):
                pass
    finally:
        child.communicate("\n", timeout=30)
    assert child.returncode == 0
    with jobs.single_run("match digest", engine):
        pass


def _lease(engine, holder, expires_in):
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(insert(JobLock.__table__).values(
            name="match train", holder=holder, acquired_at=now, expires_at=now + expires_in))


def test_sqlite_lease_of_a_crashed_run_is_taken_over(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'lease.db'}")
    db.upgrade(engine)
    try:
        _lease(engine, "elders.example:1234:abcd", timedelta(hours=1))  # alive on another machine
        with pytest.raises(jobs.JobAlreadyRunning):
            with jobs.single_run("match train", engine):
                pass
        with engine.begin() as connection:
            connection.execute(JobLock.__table__.delete())
        _lease(engine, "elders.example:1234:abcd", timedelta(seconds=-1))  # its lease has run out
        with jobs.single_run("match train", engine):
            pass
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout.strip()
        import socket
        _lease(engine, f"{socket.gethostname()}:{dead}:abcd", timedelta(hours=1))  # ended on this machine
        with jobs.single_run("match train", engine):
            pass
        assert _rows(engine) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("args, name", [
    (["match", "batch"], "match batch"), (["match", "remind"], "match remind"),
    (["match", "digest"], "match digest"), (["match", "train"], "match train"),
    (["lifecycle"], "lifecycle"), (["mail", "retry"], "mail retry"),
    (["verwijzingen", "remind"], "verwijzingen remind"),
])
def test_every_cron_command_says_so_and_exits_0_when_another_run_holds_it(app, runner, args, name):
    engine = app.extensions["db_engine"]
    with jobs.single_run(name, engine):
        result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"Er draait al een '{name}' job" in result.output


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_a_cron_command_runs_when_free_and_a_dry_run_needs_no_lock(app, runner):
    engine = app.extensions["db_engine"]
    result = runner.invoke(args=["match", "batch"])
    assert result.exit_code == 0 and "koppelingen voorgesteld" in result.output
    with jobs.single_run("lifecycle", engine):
        result = runner.invoke(args=["lifecycle", "--dry-run"])
    assert result.exit_code == 0 and "Er draait al" not in result.output
