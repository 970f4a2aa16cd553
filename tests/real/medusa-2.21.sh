#!/usr/bin/env bash
# Install (once) and start Medusa 2.21.2 (production mode, no admin dashboard, no Redis) for the
# differential tests and `revokit check`.
#
#   tests/real/medusa-2.21.sh [start]   install what is missing, set up the database, seed the admin, start, wait
#   tests/real/medusa-2.21.sh stop      stop the server this script started
#   tests/real/medusa-2.21.sh status    exit 0 when /health answers
#   RESET_DB=1 tests/real/medusa-2.21.sh   start over with an empty database
#
# The install is cached outside the checkout ($INSTALL_DIR); only Debian's apt and npm are used.
# On success the last line on stdout is the base URL. Settings (defaults):
#   INSTALL_DIR=$HOME/.cache/revokit/medusa-2.21.2  HOST=127.0.0.1  PORT=9122  DB_NAME=revokit_medusa_v2
#   PGHOST=localhost PGPORT=5432 PGUSER=postgres PGPASSWORD=postgres
#   ADMIN_EMAIL=admin@medusa-test.com ADMIN_PASSWORD=supersecret HEALTH_TIMEOUT=300
# Production mode marks the session cookie Secure: over plain http a client must send
# X-Forwarded-Proto: https to get one.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MEDUSA_VERSION=2.21.2
DEFAULT_PORT=9122
DEFAULT_DB_NAME=revokit_medusa_v2
DEFAULT_HEALTH_TIMEOUT=300
NODE_MAJOR_MIN=20
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

dispatch "$@"
ensure_tools
ensure_postgres
ensure_database

mkdir -p "$INSTALL_DIR"
write_if_changed "$INSTALL_DIR/package.json" <<JSON
{
  "name": "revokit-medusa-$MEDUSA_VERSION",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "@medusajs/cli": "$MEDUSA_VERSION",
    "@medusajs/framework": "$MEDUSA_VERSION",
    "@medusajs/js-sdk": "$MEDUSA_VERSION",
    "@medusajs/medusa": "$MEDUSA_VERSION"
  },
  "devDependencies": {
    "@swc/core": "^1.7.28",
    "@types/node": "^20.0.0",
    "ts-node": "^10.9.2",
    "typescript": "^5.6.2"
  },
  "engines": { "node": ">=20" }
}
JSON

write_if_changed "$INSTALL_DIR/medusa-config.js" <<'JS'
const { defineConfig } = require("@medusajs/framework/utils")

// No modules configured beyond the defaults: the event bus and the cache stay in memory.
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    databaseDriverOptions: { connection: { ssl: false } },
    http: {
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
      jwtSecret: process.env.JWT_SECRET || "revokit-jwt-secret",
      cookieSecret: process.env.COOKIE_SECRET || "revokit-cookie-secret",
    },
    // SESSION_TTL_MS (unset: the default 10 hours) lets a check wait a session out.
    sessionOptions: { ttl: Number(process.env.SESSION_TTL_MS) || undefined },
  },
  admin: { disable: true },
})
JS

write_if_changed "$INSTALL_DIR/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2021",
    "module": "Node16",
    "moduleResolution": "Node16",
    "esModuleInterop": true,
    "emitDecoratorMetadata": true,
    "experimentalDecorators": true,
    "skipLibCheck": true,
    "declaration": false,
    "outDir": "./.medusa/server",
    "rootDir": "./",
    "resolveJsonModule": true,
    "strictNullChecks": true
  },
  "ts-node": { "swc": true },
  "include": ["**/*", ".medusa/types/*"],
  "exclude": ["node_modules", ".medusa/server", ".medusa/admin", ".cache"]
}
JSON

DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DB_NAME"
# The medusa CLI's db:* commands read DATABASE_URL from .env, not only from the environment.
write_if_changed "$INSTALL_DIR/.env" <<ENV
DATABASE_URL=$DATABASE_URL
MEDUSA_DISABLE_TELEMETRY=true
ENV
export DATABASE_URL

if [[ "$(installed_version @medusajs/medusa)" != "$MEDUSA_VERSION" ||
      "$(installed_version @medusajs/js-sdk)" != "$MEDUSA_VERSION" || ! -x "$INSTALL_DIR/node_modules/.bin/medusa" ]]; then
  npm_install "$SCRIPT_DIR/lock/medusa-$MEDUSA_VERSION.package-lock.json"
fi

medusa() { (cd "$INSTALL_DIR" && ./node_modules/.bin/medusa "$@"); }
migrated="$(psql_q -d "$DB_NAME" -c "select to_regclass('public.api_key') is not null and to_regclass('public.\"user\"') is not null")"
if [[ "$migrated" != t ]]; then
  log "medusa db:setup (log: $INSTALL_DIR/migrate.log)"
  medusa db:setup --db "$DB_NAME" --no-interactive >"$INSTALL_DIR/migrate.log" 2>&1 ||
    { tail -40 "$INSTALL_DIR/migrate.log" >&2; die "db:setup failed"; }
fi
admins="$(psql_q -d "$DB_NAME" -c "select count(*) from \"user\" where email = '$ADMIN_EMAIL' and deleted_at is null")"
if [[ "$admins" == 0 ]]; then
  log "creating the admin $ADMIN_EMAIL"
  medusa user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD" >"$INSTALL_DIR/user.log" 2>&1 ||
    { tail -20 "$INSTALL_DIR/user.log" >&2; die "medusa user failed"; }
fi

log "starting on $BASE_URL (log: $SERVER_LOG)"
(
  cd "$INSTALL_DIR"
  # bash -c writes its own pid, then execs the server: the pid file names the server itself.
  HOST="$HOST" PORT="$PORT" nohup setsid bash -c 'echo $$ >"$0"; exec ./node_modules/.bin/medusa start' "$PIDFILE" \
    >>"$SERVER_LOG" 2>&1 </dev/null &
)
wait_healthy
echo "$BASE_URL"
