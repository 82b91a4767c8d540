"""WSGI entry point: ``flask --app wsgi run`` or ``gunicorn wsgi:app`` (see gunicorn.conf.py)."""

from marketplace import create_app, matching_service

app = create_app()

# Load (or, without a trained model, build) the category classifier at start-up, so that no
# web request ever waits for training.
with app.app_context():
    matching_service.load_classifier()

# In production also the matcher's index (MATCHER_AT_STARTUP): at 10^5 listings building it takes
# ~30 s CPU, which inside a first request meets gunicorn's worker timeout. With preload_app
# (gunicorn.conf.py) this runs once, in the master, and every worker forks with the index built.
if matching_service.builds_at_startup(app.config):
    matching_service.warm_up(app)
    # And the search index's words (8.6 s on PostgreSQL at 10^5 listings, else in each worker's first search).
    from marketplace.voorzieningen import search
    search.warm_up(app)
