#!/usr/bin/env bash
# Build Medusa's own admin dashboard (@medusajs/dashboard 2.21.2), unmodified, into a cache outside
# the checkout, for the end-to-end browser test (tests/e2e). Idempotent: a finished build is kept
# and the script returns at once; a changed recipe (this file's PACKAGES or config) rebuilds.
#
#   bash tests/e2e/build-dashboard.sh          build if missing, print the static app's folder
#   DASHBOARD_CACHE=DIR bash tests/e2e/...     build elsewhere (default $HOME/.cache/revokit/dashboard-2.21.2)
#
# Only npm is used. The dashboard is configured with `backendUrl: "/"`, so it calls the origin it
# is served from; `path: "/app"` is where it expects to be mounted (`revokit mock --serve-admin`).
# Needs Node >= 20; peaks at about 1.9 GB of memory; node_modules is about 700 MB.
set -euo pipefail

MEDUSA_VERSION=2.21.2
CACHE_DIR="${DASHBOARD_CACHE:-$HOME/.cache/revokit/dashboard-${MEDUSA_VERSION}}"
OUT_DIR="$CACHE_DIR/.medusa/admin"
STAMP="$CACHE_DIR/.revokit-build-stamp"

export MEDUSA_DISABLE_TELEMETRY=true DO_NOT_TRACK=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

log() { printf '[build-dashboard] %s\n' "$*" >&2; }

# The recipe: any change to it invalidates the cached build.
package_json() {
  cat <<JSON
{
  "name": "revokit-dashboard-build",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "@medusajs/admin-sdk": "${MEDUSA_VERSION}",
    "@medusajs/cli": "${MEDUSA_VERSION}",
    "@medusajs/framework": "${MEDUSA_VERSION}",
    "@medusajs/medusa": "${MEDUSA_VERSION}"
  },
  "devDependencies": {
    "@swc/core": "^1.7.28",
    "@types/node": "^20.0.0",
    "ts-node": "^10.9.2",
    "typescript": "^5.6.2"
  }
}
JSON
}

medusa_config() {
  cat <<'JS'
const { defineConfig } = require("@medusajs/framework/utils")

// Only the admin build reads this file. No database is touched by `medusa build --admin-only`.
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: "postgres://unused/unused",
    http: { jwtSecret: "unused", cookieSecret: "unused" },
  },
  admin: { disable: true, path: "/app", backendUrl: "/" },
})
JS
}

# `medusa build` type-checks the project before bundling the admin, so it needs a tsconfig with inputs.
tsconfig_json() {
  cat <<'JSON'
{
  "compilerOptions": {
    "target": "ES2021", "module": "Node16", "moduleResolution": "Node16", "esModuleInterop": true,
    "skipLibCheck": true, "jsx": "react-jsx", "outDir": "./.medusa/server", "rootDir": "./"
  },
  "include": ["**/*", ".medusa/types/*"],
  "exclude": ["node_modules", ".medusa/server", ".medusa/admin", ".cache"]
}
JSON
}

recipe_hash() { { package_json; medusa_config; tsconfig_json; } | sha256sum | cut -d' ' -f1; }

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(recipe_hash)" && -f "$OUT_DIR/index.html" ]]; then
  echo "$OUT_DIR"
  exit 0
fi

command -v node >/dev/null || { log "node not found (need Node >= 20)"; exit 1; }
mkdir -p "$CACHE_DIR"
rm -f "$STAMP"
package_json > "$CACHE_DIR/package.json"
medusa_config > "$CACHE_DIR/medusa-config.js"
tsconfig_json > "$CACHE_DIR/tsconfig.json"

start=$(date +%s)
log "npm install in $CACHE_DIR (log: install.log)"
(cd "$CACHE_DIR" && npm install --legacy-peer-deps --no-audit --no-fund > install.log 2>&1) \
  || { tail -30 "$CACHE_DIR/install.log" >&2; log "npm install failed"; exit 1; }
log "medusa build --admin-only (log: build.log)"
rm -rf "$OUT_DIR"
(cd "$CACHE_DIR" && ./node_modules/.bin/medusa build --admin-only > build.log 2>&1) \
  || { tail -30 "$CACHE_DIR/build.log" >&2; log "build failed"; exit 1; }
[[ -f "$OUT_DIR/index.html" ]] || { log "no $OUT_DIR/index.html after the build"; exit 1; }
recipe_hash > "$STAMP"
log "built in $(( $(date +%s) - start )) s"
echo "$OUT_DIR"
