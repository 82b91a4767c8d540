# Shared PostgreSQL helpers for postgres.sh / postgres-stop.sh. Sourced, not executed.
# shellcheck source=_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
CI_LOG_TAG=postgres

PG_DIR=${BUURTPLEIN_PG_DIR:-/tmp/buurtplein-pg}
PG_PORT=${BUURTPLEIN_PG_PORT:-55432}
PG_DB=${BUURTPLEIN_PG_DB:-buurtplein_test}
PG_USER=${BUURTPLEIN_PG_USER:-buurtplein}
PG_PASSWORD=${BUURTPLEIN_PG_PASSWORD:-buurtplein}
PG_DATA=$PG_DIR/data
PG_LOG=$PG_DIR/postgres.log

# Print the bin dir of the highest installed PostgreSQL major (Debian layout first,
# then whatever initdb is on PATH); print nothing if there is no server.
pg_find_bindir() {
    local d best="" best_major=0 major
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] || continue
        major=$(basename "$(dirname "$d")")
        case $major in *[!0-9]*) continue ;; esac
        if [ "$major" -gt "$best_major" ]; then best_major=$major; best=$d; fi
    done
    if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
        best=$(dirname "$(readlink -f "$(command -v initdb)")")
        [ -x "$best/pg_ctl" ] && [ -x "$best/postgres" ] || best=""
    fi
    [ -n "$best" ] && printf '%s\n' "$best"
    return 0
}

# The OS user that owns and runs the cluster: ourselves, or `postgres` when root
# (initdb/postgres refuse to run as root).
pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Run a command as the cluster owner. Closes our private fds 3 (result stdout)
# and 9 (lock) so a started postmaster does not inherit them: an inherited
# stdout pipe would make `url=$(postgres.sh)` hang forever.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@" 3>&- 9>&-
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")" 3>&- 9>&-
        fi
    else
        "$@" 3>&- 9>&-
    fi
}

pg_url() {
    printf 'postgresql+psycopg://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER" "$PG_PASSWORD" "$PG_PORT" "$PG_DB"
}
