#!/bin/sh
# Refresh docs/screenshots/: every journey of tests/browser/test_journeys.py, each step at desktop
# width and at 375 px, from a fresh test database (no demo data needed). Usage: scripts/screenshots.sh
set -e
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3  # no .venv: the system Python with the test extras installed
BUURTPLEIN_SCREENSHOTS="$(pwd)/docs/screenshots" BUURTPLEIN_CHROMIUM="${BUURTPLEIN_CHROMIUM:-/usr/bin/chromium}" \
  "$PY" -m pytest -q -p no:cacheprovider tests/browser/test_journeys.py "$@"
ls docs/screenshots
