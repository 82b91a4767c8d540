#!/usr/bin/env bash
# One command on a fresh machine: install, build the demo municipality on SQLite, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"
echo "== Demo-gemeente bouwen (SQLite in instance/buurtplein.db)" >&2
.venv/bin/flask --app wsgi demo
.venv/bin/flask --app wsgi match train

cat <<MSG

  Buurtplein draait op:  http://$HOST:$PORT/
  Demo-accounts: <rol>@demo.buurtplein.nl, wachtwoord buurtplein-demo
  (bewoner, vrijwilliger, ambassadeur, professional, aanbieder, preventiemakelaar, beheerder)
  Stoppen: Ctrl+C

MSG
exec .venv/bin/flask --app wsgi run --host "$HOST" --port "$PORT"
