"""gunicorn settings read from the checkout (``gunicorn wsgi:app`` finds this file by itself).

preload_app: the master imports wsgi.py once, which in production builds the matcher's index
(MATCHER_AT_STARTUP), then forks the workers. The master has no worker timeout, so a build that
takes longer than ``--timeout`` (30 s at 10^5 listings) never kills a worker, and the workers share
the index's memory copy-on-write. Each worker then follows the supply_change log as before.
"""

preload_app = True


def post_fork(server, worker):
    # Connections opened in the master must not be shared across processes: each worker opens its own.
    app = worker.app.wsgi()
    engine = getattr(app, "extensions", {}).get("db_engine")
    if engine is not None:
        engine.dispose(close=False)
