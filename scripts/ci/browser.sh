#!/usr/bin/env bash
# Make sure Debian's Chromium (and fonts) are installed and Playwright for Python
# can drive it. Idempotent. Prints exactly one line on stdout, the Chromium path:
#   export BUURTPLEIN_CHROMIUM="$(PYTHON=.venv/bin/python bash scripts/ci/browser.sh)"
# All progress/log output goes to stderr. See scripts/ci/README.md.
set -euo pipefail
exec 3>&1 1>&2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=_common.sh
. "$HERE/_common.sh"
CI_LOG_TAG=browser
T_START=$SECONDS

CHROMIUM=/usr/bin/chromium
# Fonts so text renders; libatomic1 is needed by Playwright's bundled node driver
# (present wherever gcc is, but not on a minimal Debian).
EXTRA_PKGS=(fonts-dejavu-core fonts-liberation libatomic1)

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
for pkg in "${EXTRA_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "${BUURTPLEIN_BROWSER_INSTALL:-1}" = 1 ] || die "missing ${missing[*]} and BUURTPLEIN_BROWSER_INSTALL=0"
    apt_install "${missing[@]}"
fi
[ -x "$CHROMIUM" ] || die "$CHROMIUM still missing after installing chromium"
log "$("$CHROMIUM" --version 2>/dev/null || echo 'chromium (version unknown)') at $CHROMIUM"

if [ "${BUURTPLEIN_BROWSER_CHECK:-1}" = 1 ]; then
    PYTHON=${PYTHON:-python3}
    log "checking Playwright with $PYTHON"
    "$PYTHON" "$HERE/check_browser.py" "$CHROMIUM" 3>&- ||
        die "Playwright check failed (PYTHON=$PYTHON); see the message above"
fi
log "ready in $((SECONDS - T_START))s"
printf '%s\n' "$CHROMIUM" >&3
