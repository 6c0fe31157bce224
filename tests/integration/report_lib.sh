# Sourced by the report_*.sh tests (after lib.sh's helpers): examples/hello
# built through edgecache-ninja, and a real headless Chromium to render the
# page `edgecache report` writes.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${EDGECACHE_NINJA_BIN:?EDGECACHE_NINJA_BIN must name edgecache-ninja}"
unset EDGECACHE_EXCLUDE_RULES EDGECACHE_REMOTE_TOKEN EDGECACHE_SIGNING_KEY || true

# configure_wrapped SRC BUILD [cmake args...]: edgecache-ninja as the make program.
configure_wrapped() {
  local src=$1 build=$2
  shift 2
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_MAKE_PROGRAM="$EDGECACHE_NINJA_BIN" \
    "$@" >"$build.configure.log" 2>&1 || { cat "$build.configure.log" >&2; fail "configure of $build failed"; }
}

# build_wrapped BUILD: builds; the output (with the summary line) in BUILD.log.
build_wrapped() {
  cmake --build "$1" >"$1.log" 2>&1 || { cat "$1.log" >&2; fail "build of $1 failed"; }
}

# ensure_chromium: Debian's chromium (scripts/bootstrap.sh installs it; a
# machine bootstrapped before it was added gets it here).
ensure_chromium() {
  command -v chromium >/dev/null && return 0
  note "installing chromium"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ||
    fail "cannot install chromium"
}

# chromium_run ARGS...: headless, as root, with nothing that reaches the
# network, in a fresh profile each time.
chromium_run() {
  local profile
  profile=$(mktemp -d "$SCRATCH/chromium-profile.XXXXXX")
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1200,900 "$@" 2>>"$SCRATCH/chromium.log"
}

# rendered_dom HTML DEST: the DOM after Chromium has parsed and laid out HTML.
rendered_dom() { chromium_run --dump-dom "file://$1" >"$2" || fail "chromium --dump-dom failed on $1"; }

# screenshot HTML PNG: a screenshot, which must be more than a blank page.
screenshot() {
  chromium_run --screenshot="$2" "file://$1" >/dev/null || fail "chromium --screenshot failed on $1"
  [ -f "$2" ] || fail "no screenshot $2"
  local size
  size=$(stat -c %s "$2")
  [ "$size" -gt 10240 ] || fail "screenshot $2 is only $size bytes"
}

# count_in FILE FIXED-STRING: how many times the string occurs.
count_in() { grep -oF -- "$2" "$1" | wc -l; }
