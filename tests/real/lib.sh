# Shared by medusa-1.20.sh and medusa-2.21.sh (sourced, not run): the settings both read from the
# environment, logging, the server's pid file, Debian's PostgreSQL and the release's database.
# Every function is safe to call again.
# Expects: MEDUSA_VERSION, and the release's own defaults DEFAULT_PORT, DEFAULT_DB_NAME,
# DEFAULT_HEALTH_TIMEOUT.

INSTALL_DIR="${INSTALL_DIR:-$HOME/.cache/revokit/medusa-$MEDUSA_VERSION}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-$DEFAULT_PORT}"
DB_NAME="${DB_NAME:-$DEFAULT_DB_NAME}"
export PGHOST="${PGHOST:-localhost}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}" PGPASSWORD="${PGPASSWORD:-postgres}"
ADMIN_EMAIL="${ADMIN_EMAIL:-admin@medusa-test.com}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-supersecret}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-$DEFAULT_HEALTH_TIMEOUT}"
LOG_TAG="medusa-$MEDUSA_VERSION"
export MEDUSA_DISABLE_TELEMETRY=true DO_NOT_TRACK=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
BASE_URL="http://${HOST}:${PORT}"
PIDFILE="$INSTALL_DIR/server.pid"
SERVER_LOG="$INSTALL_DIR/server.log"

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

healthy() { curl -fsS --max-time 3 "$BASE_URL/health" >/dev/null 2>&1; }

server_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop_server() {
  local pid
  if pid="$(server_pid)"; then
    log "stopping pid $pid"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$PIDFILE"
}

port_taken() { ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qE "[:.]${PORT}\$"; }

apt_install() {
  log "apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v ss >/dev/null || missing+=(iproute2)
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
  if ! command -v psql >/dev/null || ! command -v pg_lsclusters >/dev/null; then
    if [[ "$PGHOST" == localhost || "$PGHOST" == 127.0.0.1 ]]; then
      missing+=(postgresql postgresql-client)
    else
      command -v psql >/dev/null || missing+=(postgresql-client)
    fi
  fi
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  ((major >= NODE_MAJOR_MIN)) || die "node $(node -v) is too old: need $NODE_MAJOR_MIN or later"
}

psql_q() { psql -v ON_ERROR_STOP=1 -X -qtA "$@"; }

ensure_postgres() {
  if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
    local cluster
    cluster="$(pg_lsclusters -h 2>/dev/null | awk -v p="$PGPORT" '$3 == p {print $1, $2; exit}')"
    if [[ -z "$cluster" ]]; then
      local version
      version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)"
      [[ -n "$version" ]] || die "no PostgreSQL server installed"
      log "creating PostgreSQL cluster $version/main on port $PGPORT"
      pg_createcluster -p "$PGPORT" "$version" main >/dev/null
      cluster="$version main"
    fi
    log "starting PostgreSQL cluster $cluster"
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start || true
    for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
    pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT"
  fi
  if ! psql_q -d postgres -c 'select 1' >/dev/null 2>&1; then
    # A fresh Debian cluster: the role has no password, so set it over the local socket as the
    # postgres OS user (peer authentication). Without the PG* variables: PGHOST would send psql
    # over TCP, where the password it is about to set is asked for.
    log "setting the password of role $PGUSER"
    runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD -u PGDATABASE \
      psql -X -q -p "$PGPORT" -d postgres -c "ALTER USER \"$PGUSER\" WITH PASSWORD '$PGPASSWORD'" >/dev/null ||
      die "cannot set the password of role $PGUSER"
    psql_q -d postgres -c 'select 1' >/dev/null || die "cannot log in to PostgreSQL as $PGUSER"
  fi
}

db_exists() { [[ "$(psql_q -d postgres -c "select 1 from pg_database where datname = '$DB_NAME'")" == 1 ]]; }

ensure_database() {
  if [[ "${RESET_DB:-0}" == 1 ]] && db_exists; then
    log "RESET_DB=1: dropping database $DB_NAME"
    psql_q -d postgres -c "DROP DATABASE \"$DB_NAME\" WITH (FORCE)" >/dev/null
  fi
  if ! db_exists; then
    log "creating database $DB_NAME"
    psql_q -d postgres -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  fi
}

write_if_changed() { # path; the content on stdin (an unchanged file keeps its time stamp)
  local tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if [[ -f "$1" ]] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

npm_install() { # the lock file shipped beside these scripts pins every transitive version
  local lock="$1"
  if [[ -f "$lock" ]] && ! cmp -s "$lock" "$INSTALL_DIR/package-lock.json" 2>/dev/null; then
    cp "$lock" "$INSTALL_DIR/package-lock.json"
  fi
  log "npm install in $INSTALL_DIR (log: $INSTALL_DIR/install.log)"
  # Not `npm ci`: newer npm refuses these locks for optional platform packages they leave out.
  (cd "$INSTALL_DIR" && npm install --legacy-peer-deps --no-audit --no-fund --prefer-offline >install.log 2>&1) ||
    { tail -30 "$INSTALL_DIR/install.log" >&2; die "npm install failed"; }
}

installed_version() { # package
  node -p "require('$INSTALL_DIR/node_modules/$1/package.json').version" 2>/dev/null || true
}

wait_healthy() {
  local waited=0
  until healthy; do
    if ! server_pid >/dev/null && ((waited > 4)); then
      tail -40 "$SERVER_LOG" >&2
      die "the server exited while starting"
    fi
    ((waited < HEALTH_TIMEOUT)) || { tail -40 "$SERVER_LOG" >&2; die "no /health after ${HEALTH_TIMEOUT}s"; }
    sleep 2
    waited=$((waited + 2))
  done
  log "healthy at $BASE_URL after ~${waited}s (pid $(server_pid || echo '?'))"
}

# start | stop | status: the common part of the command line. Returns 0 when `start` should go on.
dispatch() {
  case "${1:-start}" in
    stop) stop_server; exit 0 ;;
    status)
      if healthy; then echo "healthy at $BASE_URL (pid $(server_pid || echo '?'))"; exit 0; fi
      echo "not healthy at $BASE_URL"; exit 1 ;;
    start) ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
  esac
  if [[ "${RESET_DB:-0}" != 1 ]] && healthy; then
    log "already healthy at $BASE_URL; nothing to do"
    echo "$BASE_URL"
    exit 0
  fi
  stop_server
  if port_taken; then die "port $PORT is taken by another process"; fi
}
