# Shared helpers for scripts/ci/*.sh. Sourced, not executed.
# Everything here logs to stderr; callers keep stdout for their one result line.

log() { printf '[%s] %s\n' "${CI_LOG_TAG:-ci}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Run a command as root: directly when we are root, else through passwordless sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "need root (or passwordless sudo) to run: $*"
    fi
}

_APT_UPDATED=0
apt_update_once() {
    [ "$_APT_UPDATED" -eq 1 ] && return 0
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
    _APT_UPDATED=1
}

# apt_install PKG... : non-interactive install, no recommends, output to stderr.
apt_install() {
    apt_update_once
    log "apt-get install $*"
    local t0=$SECONDS
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >&2
    log "apt-get install $* took $((SECONDS - t0))s"
}
