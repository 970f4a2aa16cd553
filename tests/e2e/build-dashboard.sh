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
LOG_TAG=build-dashboard

# shellcheck source=build_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/build_lib.sh"

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

RECIPE_FILES=("package.json:package_json" "medusa-config.js:medusa_config" "tsconfig.json:tsconfig_json")
BUILD_COMMAND="./node_modules/.bin/medusa build --admin-only"
build_cached
