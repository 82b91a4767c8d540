#!/usr/bin/env bash
# One command on a fresh machine: install everything, start PostgreSQL on loopback and
# Debian's Chromium, then run the whole suite on SQLite and again on PostgreSQL.
# Nothing is skipped: BUURTPLEIN_REQUIRE_ALL=1 turns a missing service into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

export BUURTPLEIN_REQUIRE_ALL=1
# Keep compiled bytecode (git-ignored __pycache__/): with PYTHONDONTWRITEBYTECODE set, as on these
# machines, every test worker and every server or CLI process a test starts compiled our modules and
# rewrote every test file again, ~3 s per process.
unset PYTHONDONTWRITEBYTECODE
# One BLAS/OpenMP thread per test worker: the workers already fill the cores, and two OpenBLAS
# threads per worker spinning against the other worker made one classifier fit 0.8 s alone, 10 s here.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
echo "== PostgreSQL op 127.0.0.1 starten" >&2
BUURTPLEIN_TEST_POSTGRES_URL="$(bash scripts/ci/postgres.sh)"
export BUURTPLEIN_TEST_POSTGRES_URL
echo "== Redis-server voor de cache-tests" >&2
bash scripts/ci/redis.sh >/dev/null
echo "== Chromium voor de browsertests" >&2
BUURTPLEIN_CHROMIUM="$(PYTHON=.venv/bin/python bash scripts/ci/browser.sh)"
export BUURTPLEIN_CHROMIUM

# Every core: a test file stays on one worker (its module fixtures are built once); each worker has
# its own SQLite file and PostgreSQL schema. BUURTPLEIN_TEST_WORKERS=0 runs in this one process.
PARALLEL=(-n "${BUURTPLEIN_TEST_WORKERS:-auto}" --dist loadfile)

echo "== Alle tests op SQLite" >&2
.venv/bin/python -m pytest -p no:cacheprovider "${PARALLEL[@]}" "$@"

echo "== De app-tests nog eens op PostgreSQL" >&2
BUURTPLEIN_TEST_DATABASE_URL="$BUURTPLEIN_TEST_POSTGRES_URL" \
  .venv/bin/python -m pytest -p no:cacheprovider "${PARALLEL[@]}" --ignore=tests/matching "$@"

if [ -f matching/evaluate.py ]; then
  echo "== Kwaliteit van de herkenning: dev en test apart, per stem; veiligheid (faalt bij een onveilige suggestie of een lek)" >&2
  .venv/bin/python -m matching.evaluate
fi
