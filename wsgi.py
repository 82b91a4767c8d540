"""WSGI entry point: ``flask --app wsgi run`` or ``gunicorn wsgi:app``."""

from marketplace import create_app, matching_service

app = create_app()

# Load (or, without a trained model, build) the category classifier at start-up, so that no
# web request ever waits for training.
with app.app_context():
    matching_service.load_classifier()
