#!/usr/bin/env bash
# Copy front-end dependencies (Leaflet) from npm into static/vendor/.
# No CDN: the site serves these files itself. Safe to run again; it is quick
# when static/vendor/leaflet/ already holds the version from package.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "vendor_frontend: node and npm are needed (install Node.js 18 or newer)." >&2
    exit 1
fi
echo "vendor_frontend: node $(node --version), npm $(npm --version)"

# The exact version pinned in package.json.
WANT="$(node -p "require('./package.json').dependencies.leaflet")"
DEST="static/vendor/leaflet"
STAMP="$DEST/VERSION"

if [[ -f "$DEST/leaflet.js" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
    echo "vendor_frontend: leaflet $WANT is already in $DEST, nothing to do."
    exit 0
fi

# Install into repo-local node_modules (git-ignored).
if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund --ignore-scripts
else
    npm install --no-audit --no-fund --ignore-scripts
fi

SRC="node_modules/leaflet/dist"
GOT="$(node -p "require('./node_modules/leaflet/package.json').version")"
if [[ "$GOT" != "$WANT" ]]; then
    echo "vendor_frontend: expected leaflet $WANT but npm installed $GOT." >&2
    exit 1
fi

rm -rf "$DEST"
mkdir -p "$DEST/images"
cp "$SRC/leaflet.js" "$SRC/leaflet.css" "$DEST/"
[[ -f "$SRC/leaflet.js.map" ]] && cp "$SRC/leaflet.js.map" "$DEST/"
cp "$SRC"/images/* "$DEST/images/"
cp node_modules/leaflet/LICENSE "$DEST/LICENSE" 2>/dev/null || true
echo "$WANT" > "$STAMP"
echo "vendor_frontend: copied leaflet $WANT to $DEST"
