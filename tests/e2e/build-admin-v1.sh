#!/usr/bin/env bash
# Build Medusa v1's admin (@medusajs/admin 7.1.18, for @medusajs/medusa 1.20.11), unmodified, into a
# cache outside the checkout, for the end-to-end browser test (tests/e2e). Idempotent like
# tests/e2e/build-dashboard.sh: a finished build of the same recipe is kept.
#
#   bash tests/e2e/build-admin-v1.sh          build if missing, print the static app's folder
#   ADMIN_V1_CACHE=DIR bash tests/e2e/...     build elsewhere (default $HOME/.cache/revokit/admin-v1-7.1.18)
#
# `path: "/app"` and `backend: "/"` make it call the origin it is served from. webpack is pinned
# to 5.91.0 as a direct dependency and an override: the caret range pulls a webpack that refuses
# webpackbar's options, and the override alone nests webpack where the plugins cannot find it.
set -euo pipefail

ADMIN_VERSION=7.1.18
MEDUSA_VERSION=1.20.11
WEBPACK_VERSION=5.91.0
CACHE_DIR="${ADMIN_V1_CACHE:-$HOME/.cache/revokit/admin-v1-${ADMIN_VERSION}}"
OUT_DIR="$CACHE_DIR/build"
STAMP="$CACHE_DIR/.revokit-build-stamp"

export MEDUSA_DISABLE_TELEMETRY=true MEDUSA_TELEMETRY_DISABLED=true DO_NOT_TRACK=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

log() { printf '[build-admin-v1] %s\n' "$*" >&2; }

package_json() {
  cat <<JSON
{
  "name": "revokit-admin-v1-build",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "@medusajs/admin": "${ADMIN_VERSION}",
    "@medusajs/medusa": "${MEDUSA_VERSION}",
    "webpack": "${WEBPACK_VERSION}"
  },
  "overrides": { "webpack": "${WEBPACK_VERSION}" }
}
JSON
}

medusa_config() {
  cat <<'JS'
// Only `medusa-admin build` reads this file.
module.exports = {
  projectConfig: {},
  plugins: [
    { resolve: "@medusajs/admin", options: { serve: false, path: "/app", backend: "/", outDir: "build" } },
  ],
}
JS
}

recipe_hash() { { package_json; medusa_config; } | sha256sum | cut -d' ' -f1; }

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(recipe_hash)" && -f "$OUT_DIR/index.html" ]]; then
  echo "$OUT_DIR"
  exit 0
fi

command -v node >/dev/null || { log "node not found (need Node >= 20)"; exit 1; }
mkdir -p "$CACHE_DIR"
rm -f "$STAMP"
package_json > "$CACHE_DIR/package.json"
medusa_config > "$CACHE_DIR/medusa-config.js"

start=$(date +%s)
log "npm install in $CACHE_DIR (log: install.log)"
(cd "$CACHE_DIR" && npm install --legacy-peer-deps --no-audit --no-fund > install.log 2>&1) \
  || { tail -30 "$CACHE_DIR/install.log" >&2; log "npm install failed"; exit 1; }
log "medusa-admin build (log: build.log)"
rm -rf "$OUT_DIR"
(cd "$CACHE_DIR" && ./node_modules/.bin/medusa-admin build > build.log 2>&1) \
  || { tail -30 "$CACHE_DIR/build.log" >&2; log "build failed"; exit 1; }
[[ -f "$OUT_DIR/index.html" ]] || { log "no $OUT_DIR/index.html after the build"; ls "$CACHE_DIR" >&2; exit 1; }
recipe_hash > "$STAMP"
log "built in $(( $(date +%s) - start )) s"
echo "$OUT_DIR"
