#!/usr/bin/env bash
# Start (installing if needed) a throw-away PostgreSQL cluster for the tests.
#
# Idempotent. Prints exactly one line on stdout, the SQLAlchemy URL, e.g.
#   postgresql+psycopg://buurtplein:buurtplein@127.0.0.1:55432/buurtplein_test
# All progress/log output goes to stderr.  Usage:
#   export DATABASE_URL="$(bash scripts/ci/postgres.sh)"
# See scripts/ci/README.md for the environment variables.
set -euo pipefail
exec 3>&1 1>&2          # fd 3 = real stdout (result only); everything else -> stderr

# shellcheck source=_pg_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_pg_common.sh"
T_START=$SECONDS

case $PG_PORT in ''|*[!0-9]*) die "BUURTPLEIN_PG_PORT must be a number, got '$PG_PORT'" ;; esac

# --- 1. server binaries ---------------------------------------------------------
BINDIR=$(pg_find_bindir)
if [ -z "$BINDIR" ]; then
    [ "${BUURTPLEIN_PG_INSTALL:-1}" = 1 ] || die "no PostgreSQL server found and BUURTPLEIN_PG_INSTALL=0"
    log "no PostgreSQL server binaries found; installing Debian's postgresql"
    apt_install postgresql
    BINDIR=$(pg_find_bindir)
    [ -n "$BINDIR" ] || die "installed postgresql but found no initdb under /usr/lib/postgresql/*/bin"
fi
MAJOR=$("$BINDIR/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
log "using $("$BINDIR/postgres" --version) from $BINDIR"

OWNER=$(pg_owner)
if ! id "$OWNER" >/dev/null 2>&1; then
    log "creating system user $OWNER"
    useradd --system --no-create-home --home-dir "$PG_DIR" --shell /usr/sbin/nologin "$OWNER"
fi

# --- 2. cluster directory + lock (serialises concurrent runs) -----------------------
mkdir -p "$PG_DIR"
if [ "$(stat -c %U "$PG_DIR")" != "$OWNER" ]; then
    [ "$(id -u)" -eq 0 ] || die "$PG_DIR is not owned by $OWNER"
    chown -R "$OWNER": "$PG_DIR"
fi
chmod 700 "$PG_DIR"
pg_as_owner test -w "$PG_DIR" ||
    die "user $OWNER cannot write $PG_DIR (is a parent directory closed to it?); set BUURTPLEIN_PG_DIR"
exec 9>"$PG_DIR/.lock"
flock -w 300 9 || die "timed out waiting for the lock on $PG_DIR/.lock"

# --- 3. PostGIS (optional, never fatal) ---------------------------------------------
SHAREDIR=$("$BINDIR/pg_config" --sharedir 2>/dev/null || echo "/usr/share/postgresql/$MAJOR")
if [ "${BUURTPLEIN_PG_POSTGIS:-1}" = 1 ] && [ ! -f "$SHAREDIR/extension/postgis.control" ] &&
   [ ! -f "$PG_DIR/.postgis-unavailable" ]; then
    log "PostGIS not installed; trying postgresql-$MAJOR-postgis-3"
    if ! (apt_install "postgresql-$MAJOR-postgis-3"); then
        log "WARNING: could not install postgresql-$MAJOR-postgis-3; continuing without PostGIS"
        touch "$PG_DIR/.postgis-unavailable"
    fi
fi

pg_ready() { "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 3>&- 9>&-; }
pg_running() { [ -f "$PG_DATA/PG_VERSION" ] && pg_as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

# --- 4. start the cluster unless it already runs on our port ------------------------
if pg_running && ! pg_ready; then
    log "cluster in $PG_DATA has a postmaster but does not answer on 127.0.0.1:$PG_PORT; restarting it"
    # May fail if the postmaster just died (e.g. kill -9) and is not reaped yet; then
    # wait for it to be gone and start afresh below.
    pg_as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >&2 || true
    for _ in $(seq 1 20); do pg_running || break; sleep 0.5; done
fi

if pg_running; then
    log "cluster in $PG_DATA already running on 127.0.0.1:$PG_PORT"
else
    if pg_ready; then
        # Someone else's server holds the port. Use it only if our credentials work.
        if PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 "$BINDIR/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" \
               -U "$PG_USER" -d "$PG_DB" -c 'SELECT 1' >/dev/null 2>&1 3>&- 9>&-; then
            log "WARNING: port $PG_PORT is served by a server not started from $PG_DATA; its credentials work, using it"
            pg_url >&3
            exit 0
        fi
        die "port 127.0.0.1:$PG_PORT is taken by another server; set BUURTPLEIN_PG_PORT"
    fi

    if [ -f "$PG_DATA/PG_VERSION" ] && [ "$(cat "$PG_DATA/PG_VERSION")" != "$MAJOR" ]; then
        log "existing cluster is PostgreSQL $(cat "$PG_DATA/PG_VERSION"), server is $MAJOR; recreating (throw-away data)"
        rm -rf "$PG_DATA"
    fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        rm -rf "$PG_DATA"
        log "initdb $PG_DATA"
        pg_as_owner "$BINDIR/initdb" -D "$PG_DATA" -U postgres --no-sync \
            --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >&2
        printf "\n# Buurtplein CI settings (written by scripts/ci/postgres.sh)\ninclude_if_exists = 'buurtplein.conf'\n" |
            pg_as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null
    fi
    # Rewritten on every start, so a changed port/dir takes effect.
    pg_as_owner tee "$PG_DATA/buurtplein.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = ${BUURTPLEIN_PG_MAX_CONNECTIONS:-100}
# throw-away cluster: durability off for speed
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    log "starting PostgreSQL $MAJOR on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    if ! pg_as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >&2; then
        tail -n 40 "$PG_LOG" >&2 || true
        die "pg_ctl start failed (see $PG_LOG)"
    fi
fi

for _ in $(seq 1 60); do pg_ready && break; sleep 1; done
pg_ready || { tail -n 40 "$PG_LOG" >&2 || true; die "server not ready on 127.0.0.1:$PG_PORT after 60s"; }

# --- 5. role + database (idempotent), PostGIS -----------------------------------------
PSQL_SU=("$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres)
pg_as_owner "${PSQL_SU[@]}" -d postgres -v "u=$PG_USER" -v "pw=$PG_PASSWORD" -v "db=$PG_DB" >&2 <<'SQL'
SELECT format('CREATE ROLE %I', :'u') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN CREATEDB PASSWORD %L', :'u', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'u') \gexec
SQL
if [ "${BUURTPLEIN_PG_POSTGIS:-1}" = 1 ]; then
    if pg_as_owner "${PSQL_SU[@]}" -d "$PG_DB" -c 'CREATE EXTENSION IF NOT EXISTS postgis' >&2 2>/dev/null; then
        log "PostGIS $(pg_as_owner "${PSQL_SU[@]}" -d "$PG_DB" -Atc "SELECT extversion FROM pg_extension WHERE extname='postgis'") enabled in $PG_DB"
    else
        log "PostGIS not available in $PG_DB (ignored)"
    fi
fi

# --- 6. prove the URL's credentials work over TCP, then print it -------------------------
PGPASSWORD=$PG_PASSWORD "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
    -U "$PG_USER" -d "$PG_DB" -Atc 'SELECT 1' >/dev/null 3>&- 9>&- ||
    die "cannot log in as $PG_USER to $PG_DB on 127.0.0.1:$PG_PORT"
log "ready in $((SECONDS - T_START))s"
pg_url >&3
