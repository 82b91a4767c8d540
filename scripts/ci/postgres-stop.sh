#!/usr/bin/env bash
# Stop the throw-away cluster started by scripts/ci/postgres.sh.
#   bash scripts/ci/postgres-stop.sh           # stop, keep the data dir
#   bash scripts/ci/postgres-stop.sh --purge   # stop and delete $BUURTPLEIN_PG_DIR
# Exits 0 when there is nothing to stop. Output goes to stderr only.
set -euo pipefail
exec 1>&2
# shellcheck source=_pg_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_pg_common.sh"

PURGE=${BUURTPLEIN_PG_PURGE:-0}
for arg in "$@"; do
    case $arg in
        --purge) PURGE=1 ;;
        *) die "unknown argument: $arg (usage: postgres-stop.sh [--purge])" ;;
    esac
done

[ -d "$PG_DIR" ] || { log "no cluster directory $PG_DIR; nothing to stop"; exit 0; }
exec 9>"$PG_DIR/.lock"
flock -w 300 9 || die "timed out waiting for the lock on $PG_DIR/.lock"

BINDIR=$(pg_find_bindir)
if [ -n "$BINDIR" ] && [ -f "$PG_DATA/PG_VERSION" ] &&
   pg_as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "stopping cluster in $PG_DATA"
    pg_as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop
else
    log "cluster in $PG_DATA is not running"
fi

if [ "$PURGE" = 1 ]; then
    log "removing $PG_DIR"
    rm -rf "$PG_DIR"
fi
