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
LOG_TAG=build-admin-v1

# shellcheck source=build_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/build_lib.sh"

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

RECIPE_FILES=("package.json:package_json" "medusa-config.js:medusa_config")
BUILD_COMMAND="./node_modules/.bin/medusa-admin build"
build_cached
