"""CPU time and rows loaded of one list page over a city-sized database (issue 12). Not a test.

    DATABASE_URL=sqlite:////tmp/city.db .venv/bin/python benchmarks/list_pages.py [--repeat 3]

Per route: CPU seconds of one warm request (median of --repeat, ``time.process_time``, the
Flask test client in this process), the number of SQL statements and of result rows fetched
from the database. Logged-in routes use the demo accounts (the city keeps them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROUTES = [  # (name, demo login or None, path)
    ("help requests list", None, "/hulpvragen/"),
    ("help requests page 2", None, "/hulpvragen/?page=2"),
    ("activities (this week)", None, "/activiteiten/?wijk="),
    ("prikbord buurt", None, "/prikbord/{buurt}"),
    ("nearby for a volunteer", "vrijwilliger", "/hulpvragen/dichtbij"),
    ("moderation queue (beheerder)", "beheerder", "/moderatie/"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from sqlalchemy import event, func, select
    from marketplace import create_app
    from marketplace.db import get_engine
    from marketplace.models import Area, HelpRequest, User

    app = create_app()
    with app.app_context():
        engine = get_engine()
    counts = {"statements": 0, "rows": 0}

    @event.listens_for(engine, "after_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        counts["statements"] += 1

    with app.app_context():
        from sqlmodel import Session
        with Session(engine) as s:
            buurt = s.exec(select(Area.code).join(HelpRequest, HelpRequest.buurt_id == Area.id)
                           .group_by(Area.code).order_by(func.count().desc()).limit(1)).scalar()
            users = {name: s.exec(select(User).where(User.email == f"{name}@demo.buurtplein.nl")).scalar()
                     for name in ("vrijwilliger", "beheerder")}
            ids = {name: u.get_id() for name, u in users.items()}
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print("| route | CPU s (median) | SQL statements | rows fetched | status |")
    print("|---|---|---|---|---|")
    for name, login, path in ROUTES:
        path = path.format(buurt=buurt)
        client = app.test_client()
        if login:
            with client.session_transaction() as sess:
                sess["_user_id"] = ids[login]
                sess["_fresh"] = True
        client.get(path)  # warm
        times, stats = [], None
        for _ in range(args.repeat):
            counts.update(statements=0, rows=0)
            _rows_before = _fetched()
            start = time.process_time()
            response = client.get(path)
            times.append(time.process_time() - start)
            stats = (counts["statements"], _fetched() - _rows_before, response.status_code)
        print(f"| {name} (`{path}`) | {statistics.median(times):.3f} | {stats[0]} | {stats[1]} | {stats[2]} |")


_FETCHED = [0]


def _install_row_counter() -> None:
    """Count rows handed out by every DBAPI cursor (fetchall / fetchmany / fetchone)."""
    from sqlalchemy.engine import cursor as c
    strategy = c.CursorFetchStrategy
    for method in ("fetchall", "fetchmany", "fetchone"):
        original = getattr(strategy, method)

        def wrapped(self, result, dbapi_cursor, *a, _original=original, _method=method, **kw):
            rows = _original(self, result, dbapi_cursor, *a, **kw)
            if _method == "fetchone":
                _FETCHED[0] += rows is not None
            else:
                _FETCHED[0] += len(rows)
            return rows
        setattr(strategy, method, wrapped)


def _fetched() -> int:
    return _FETCHED[0]


if __name__ == "__main__":
    _install_row_counter()
    main()
