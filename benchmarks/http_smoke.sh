#!/usr/bin/env bash
# Production-like smoke measurement: gunicorn (sync workers) with BUURTPLEIN_ENV=production and JSON
# logs, then wrk on /healthz and the home page. Not a test, not the city-scale load of issue 12.
#   DATABASE_URL=sqlite:////tmp/bench/buurtplein.db benchmarks/http_smoke.sh   (run 'flask demo' first)
# Env: WORKERS (2), SECONDS_PER_RUN (15), CONNECTIONS ("8 64"), PORT (8765).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a migrated database (e.g. after flask --app wsgi demo)}"
WORKERS=${WORKERS:-2} SECONDS_PER_RUN=${SECONDS_PER_RUN:-15} CONNECTIONS=${CONNECTIONS:-"8 64"} PORT=${PORT:-8765}
HOST=buurtplein.example.nl
LOG=$(mktemp /tmp/buurtplein-http-smoke.XXXX.log)
BUURTPLEIN_ENV=production SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')} \
  BASE_URL=https://$HOST DATABASE_URL=$DATABASE_URL \
  .venv/bin/gunicorn --workers "$WORKERS" --bind 127.0.0.1:$PORT --error-logfile - wsgi:app 2>"$LOG" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS -H "Host: $HOST" http://127.0.0.1:$PORT/healthz >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS -H "Host: $HOST" http://127.0.0.1:$PORT/healthz; echo
for path in /healthz /; do
  for c in $CONNECTIONS; do
    echo "== $path, $WORKERS workers, $c connections, ${SECONDS_PER_RUN}s"
    wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -H "Host: $HOST" "http://127.0.0.1:$PORT$path" \
      | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|90|99)%"
  done
done
echo "== log lines written: $(grep -c '"logger": "marketplace.requests"' "$LOG"); other lines:"
grep -v '"logger": "marketplace.requests"' "$LOG" | head -5
rm -f "$LOG"
