#!/usr/bin/env bash
# Install everything Buurtplein needs into .venv (Python) and static/vendor (front-end).
# Idempotent and quick when nothing changed. Used by start.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "== Python-omgeving maken (.venv)" >&2
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.buurtplein-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "== Python-pakketten installeren" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -e '.[test]' >&2
  touch "$stamp"
fi

echo "== Front-end bibliotheken (Leaflet) in static/vendor" >&2
bash scripts/vendor_frontend.sh >&2
