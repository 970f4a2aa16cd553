#!/usr/bin/env bash
# Install (once) and start Medusa 1.20.11 for the differential tests and `revokit check`.
#
#   tests/real/medusa-1.20.sh [start]   install what is missing, migrate, seed the admin, start, wait
#   tests/real/medusa-1.20.sh stop      stop the server this script started
#   tests/real/medusa-1.20.sh status    exit 0 when /health answers
#   RESET_DB=1 tests/real/medusa-1.20.sh   start over with an empty database
#
# The install is cached outside the checkout ($INSTALL_DIR); only Debian's apt and npm are used.
# On success the last line on stdout is the base URL. Settings (defaults):
#   INSTALL_DIR=$HOME/.cache/revokit/medusa-1.20.11  HOST=127.0.0.1  PORT=9121  DB_NAME=revokit_medusa_v1
#   PGHOST=localhost PGPORT=5432 PGUSER=postgres PGPASSWORD=postgres
#   ADMIN_EMAIL=admin@medusa-test.com ADMIN_PASSWORD=supersecret ADMIN_API_TOKEN=revokit_admin_api_token
#   HEALTH_TIMEOUT=240
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MEDUSA_VERSION=1.20.11
DEFAULT_PORT=9121
DEFAULT_DB_NAME=revokit_medusa_v1
DEFAULT_HEALTH_TIMEOUT=240
NODE_MAJOR_MIN=16
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"
ADMIN_API_TOKEN="${ADMIN_API_TOKEN:-revokit_admin_api_token}"

dispatch "$@"
ensure_tools
ensure_postgres
ensure_database

mkdir -p "$INSTALL_DIR"
# typeorm is pinned: 1.20.11 declares a range, and later 0.3.x releases break its migrations.
write_if_changed "$INSTALL_DIR/package.json" <<JSON
{
  "name": "revokit-medusa-$MEDUSA_VERSION",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "@medusajs/cache-inmemory": "1.8.11",
    "@medusajs/event-bus-local": "1.9.9",
    "@medusajs/medusa": "$MEDUSA_VERSION",
    "@medusajs/medusa-cli": "1.3.23",
    "medusa-fulfillment-manual": "1.1.41",
    "medusa-interfaces": "1.3.10",
    "medusa-payment-manual": "1.0.25",
    "typeorm": "0.3.16"
  }
}
JSON

# In-memory cache and event bus: no Redis needed.
write_if_changed "$INSTALL_DIR/medusa-config.js" <<'JS'
module.exports = {
  projectConfig: {
    database_url: process.env.DATABASE_URL,
    database_type: "postgres",
    database_extra: { ssl: false },
    jwt_secret: process.env.JWT_SECRET || "revokit-jwt-secret",
    cookie_secret: process.env.COOKIE_SECRET || "revokit-cookie-secret",
    // SESSION_TTL_MS (unset: the default 10 hours) lets a check wait a session out.
    session_options: { ttl: Number(process.env.SESSION_TTL_MS) || undefined },
    store_cors: "/.*/",
    admin_cors: "/.*/",
  },
  plugins: ["medusa-fulfillment-manual", "medusa-payment-manual"],
  modules: {
    eventBus: { resolve: "@medusajs/event-bus-local" },
    cacheService: { resolve: "@medusajs/cache-inmemory" },
  },
}
JS

# `medusa start` listens on every interface; this runs the same loaders and listens on HOST only.
write_if_changed "$INSTALL_DIR/serve.js" <<'JS'
process.env.NODE_ENV = process.env.NODE_ENV || "development"
require("core-js/stable")
require("regenerator-runtime/runtime")
const express = require("express")
const { GracefulShutdownServer } = require("medusa-core-utils")
const loaders = require("@medusajs/medusa/dist/loaders").default

async function serve() {
  const app = express()
  const { shutdown, prepareShutdown } = await loaders({ directory: __dirname, expressApp: app })
  const host = process.env.HOST || "127.0.0.1"
  const port = parseInt(process.env.PORT, 10)
  const server = GracefulShutdownServer.create(
    app.listen(port, host, () => console.log(`listening on ${host}:${port}`))
  )
  const stop = () =>
    server
      .shutdown()
      .then(prepareShutdown)
      .then(shutdown)
      .then(() => process.exit(0), () => process.exit(1))
  process.on("SIGTERM", stop)
  process.on("SIGINT", stop)
}
serve().catch((error) => {
  console.error(error)
  process.exit(1)
})
JS

if [[ "$(installed_version @medusajs/medusa)" != "$MEDUSA_VERSION" || "$(installed_version typeorm)" != 0.3.16 ||
      "$(installed_version @medusajs/event-bus-local)" != 1.9.9 ]]; then
  npm_install "$SCRIPT_DIR/lock/medusa-$MEDUSA_VERSION.package-lock.json"
fi

export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DB_NAME"
medusa() { (cd "$INSTALL_DIR" && ./node_modules/.bin/medusa "$@"); }
log "medusa migrations run (log: $INSTALL_DIR/migrate.log)"
medusa migrations run >"$INSTALL_DIR/migrate.log" 2>&1 || { tail -40 "$INSTALL_DIR/migrate.log" >&2; die "migrations failed"; }

admins="$(psql_q -d "$DB_NAME" -c "select count(*) from \"user\" where email = '$ADMIN_EMAIL' and deleted_at is null")"
if [[ "$admins" == 0 ]]; then
  log "creating the admin $ADMIN_EMAIL"
  medusa user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD" >"$INSTALL_DIR/user.log" 2>&1 ||
    { tail -20 "$INSTALL_DIR/user.log" >&2; die "medusa user failed"; }
fi
# The v1 API token is a plain column of the user (no route sets it).
psql_q -d "$DB_NAME" -c "update \"user\" set api_token = '$ADMIN_API_TOKEN' where email = '$ADMIN_EMAIL'" >/dev/null

log "starting on $BASE_URL (log: $SERVER_LOG)"
(
  cd "$INSTALL_DIR"
  # bash -c writes its own pid, then execs the server: the pid file names the server itself.
  HOST="$HOST" PORT="$PORT" nohup setsid bash -c 'echo $$ >"$0"; exec node serve.js' "$PIDFILE" \
    >>"$SERVER_LOG" 2>&1 </dev/null &
)
wait_healthy

# A fresh database has no region and no product. Carts need a region, and the conformance suite's
# store-scoping checks need two published products, which the spec's routes cannot create: add
# them through the admin API, once.
admin_api() { # method path [json]
  curl -fsS -X "$1" "$BASE_URL$2" -H "x-medusa-access-token: $ADMIN_API_TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data-raw "$3"}
}
count_of() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).count))'; }
if [[ "$(admin_api GET '/admin/regions?limit=1' | count_of)" == 0 ]]; then
  log "creating a region (USD, manual providers)"
  admin_api POST /admin/regions '{"name": "revokit region", "currency_code": "usd", "tax_rate": 0,
    "payment_providers": ["manual"], "fulfillment_providers": ["manual"], "countries": ["us"]}' >/dev/null
fi
published="$(admin_api GET '/admin/products?status[]=published&limit=1' | count_of)"
for n in $(seq $((published + 1)) 2); do
  log "creating published product $n"
  admin_api POST /admin/products "{\"title\": \"revokit product $n\", \"description\": \"seeded by revokit\",
    \"status\": \"published\"}" >/dev/null
done
echo "$BASE_URL"
