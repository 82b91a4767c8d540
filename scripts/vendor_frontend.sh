#!/usr/bin/env bash
# Copy front-end dependencies (Leaflet, Leaflet.markercluster) from npm into static/vendor/.
# No CDN: the site serves these files itself. Safe to run again; it is quick when
# static/vendor/ already holds the versions pinned in package.json (and package-lock.json).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "vendor_frontend: node and npm are needed (install Node.js 18 or newer)." >&2
    exit 1
fi
echo "vendor_frontend: node $(node --version), npm $(npm --version)"

want() { node -p "require('./package.json').dependencies['$1']"; }
# package → the folder under static/vendor/ and the files of its dist/ that the site serves.
PACKAGES=(leaflet leaflet.markercluster)
declare -A DEST=([leaflet]=leaflet [leaflet.markercluster]=markercluster)
declare -A FILES=([leaflet]="leaflet.js leaflet.css leaflet.js.map images"
                  [leaflet.markercluster]="leaflet.markercluster.js leaflet.markercluster.js.map MarkerCluster.css MarkerCluster.Default.css")

current() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        local stamp="static/vendor/${DEST[$pkg]}/VERSION"
        [[ -f "$stamp" && "$(cat "$stamp")" == "$(want "$pkg")" ]] || return 1
    done
}

if current; then
    echo "vendor_frontend: $(for p in "${PACKAGES[@]}"; do printf '%s %s ' "$p" "$(want "$p")"; done)already in static/vendor, nothing to do."
    exit 0
fi

# Install into repo-local node_modules (git-ignored).
if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund --ignore-scripts
else
    npm install --no-audit --no-fund --ignore-scripts
fi

for pkg in "${PACKAGES[@]}"; do
    wanted="$(want "$pkg")"
    got="$(node -p "require('./node_modules/$pkg/package.json').version")"
    if [[ "$got" != "$wanted" ]]; then
        echo "vendor_frontend: expected $pkg $wanted but npm installed $got." >&2
        exit 1
    fi
    dest="static/vendor/${DEST[$pkg]}"
    rm -rf "$dest"
    mkdir -p "$dest"
    for file in ${FILES[$pkg]}; do
        cp -r "node_modules/$pkg/dist/$file" "$dest/"
    done
    cp "node_modules/$pkg/"*LICEN[CS]E* "$dest/" 2>/dev/null || true
    echo "$wanted" > "$dest/VERSION"
    echo "vendor_frontend: copied $pkg $wanted to $dest"
done
