# Shared by build-dashboard.sh and build-admin-v1.sh (sourced, not run): build a static admin app
# once into a cache outside the checkout, keyed by its recipe.
#
# The sourcing script defines CACHE_DIR, OUT_DIR, LOG_TAG, RECIPE_FILES (a list of "file:function"
# pairs: the function prints the file's content, and together they are the recipe) and
# BUILD_COMMAND (run in CACHE_DIR after npm install), then calls `build_cached`.

export MEDUSA_DISABLE_TELEMETRY=true MEDUSA_TELEMETRY_DISABLED=true DO_NOT_TRACK=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }

recipe_hash() {
  local pair
  for pair in "${RECIPE_FILES[@]}"; do "${pair#*:}"; done | sha256sum | cut -d' ' -f1
}

# Print OUT_DIR, building first unless a finished build of the same recipe is there.
build_cached() {
  local stamp="$CACHE_DIR/.revokit-build-stamp" pair start
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$(recipe_hash)" && -f "$OUT_DIR/index.html" ]]; then
    echo "$OUT_DIR"
    return 0
  fi
  command -v node >/dev/null || { log "node not found (need Node >= 20)"; return 1; }
  mkdir -p "$CACHE_DIR"
  rm -f "$stamp"
  for pair in "${RECIPE_FILES[@]}"; do "${pair#*:}" > "$CACHE_DIR/${pair%%:*}"; done
  start=$(date +%s)
  log "npm install in $CACHE_DIR (log: install.log)"
  (cd "$CACHE_DIR" && npm install --legacy-peer-deps --no-audit --no-fund > install.log 2>&1) \
    || { tail -30 "$CACHE_DIR/install.log" >&2; log "npm install failed"; return 1; }
  log "$BUILD_COMMAND (log: build.log)"
  rm -rf "$OUT_DIR"
  (cd "$CACHE_DIR" && $BUILD_COMMAND > build.log 2>&1) \
    || { tail -30 "$CACHE_DIR/build.log" >&2; log "build failed"; return 1; }
  [[ -f "$OUT_DIR/index.html" ]] || { log "no $OUT_DIR/index.html after the build"; ls "$CACHE_DIR" >&2; return 1; }
  recipe_hash > "$stamp"
  log "built in $(( $(date +%s) - start )) s"
  echo "$OUT_DIR"
}
