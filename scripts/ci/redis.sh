#!/usr/bin/env bash
# Make sure Debian's redis-server is installed (the tests start their own on a free loopback port).
# Idempotent; progress on stderr; prints the binary's path on stdout.
set -euo pipefail
exec 3>&1 1>&2
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
if ! command -v redis-server >/dev/null 2>&1; then
    log "no redis-server found; installing Debian's redis-server"
    apt_install redis-server
fi
command -v redis-server >&3
