# Helpers for the Redis, S3 and several-server tests: remote_lib.sh plus real
# servers on 127.0.0.1 in the test's scratch dir (redis-server, s3rver from
# npm, extra nginx instances), all stopped on exit.
source "$(dirname "${BASH_SOURCE[0]}")/remote_lib.sh"

FIXTURES="$EDGECACHE_SOURCE_DIR/tests/fixtures"
SERVER_DIRS=()  # "kind:dir" of every server started here

stop_backend_servers() {
  local entry
  for entry in "${SERVER_DIRS[@]}"; do
    bash "$FIXTURES/${entry%%:*}_fixture.sh" stop "${entry#*:}" >/dev/null 2>&1 || true
  done
}
backends_cleanup() { stop_backend_servers; remote_cleanup; }
trap backends_cleanup EXIT

# start_redis NAME [acl]: sets REDIS_PORT; the server's dir is $SCRATCH/NAME.
start_redis() {
  SERVER_DIRS+=("redis:$SCRATCH/$1")
  bash "$FIXTURES/redis_fixture.sh" start "$SCRATCH/$1" "${2:-}"
  REDIS_PORT=$(cat "$SCRATCH/$1/port")
}

# redis_keys NAME [user password]: how many edgecache objects that server holds.
redis_keys() {
  local auth=()
  [ $# -ge 3 ] && auth=(--user "$2" --pass "$3" --no-auth-warning)
  redis-cli -p "$(cat "$SCRATCH/$1/port")" "${auth[@]}" --scan --pattern 'edgecache:*' | wc -l
}

# start_s3 NAME BUCKET...: sets S3_PORT; credentials are S3RVER / S3RVER.
start_s3() {
  local name=$1; shift
  SERVER_DIRS+=("s3:$SCRATCH/$name")
  bash "$FIXTURES/s3_fixture.sh" start "$SCRATCH/$name" "$@"
  S3_PORT=$(cat "$SCRATCH/$name/port")
}

# start_nginx_named NAME: another nginx WebDAV server; sets NGINX_NAMED_URL.
# Not called through $(...): the server must be recorded in SERVER_DIRS of
# this shell, or the exit trap would leave it running.
start_nginx_named() {
  SERVER_DIRS+=("nginx:$SCRATCH/$1")
  mkdir -p "$SCRATCH/$1"
  bash "$FIXTURES/nginx_fixture.sh" start "$SCRATCH/$1" >/dev/null
  NGINX_NAMED_URL="http://127.0.0.1:$(cat "$SCRATCH/$1/port")"
}

# start_three_nginx: servers n1, n2, n3; sets URL1, URL2, URL3 (each .../cache).
start_three_nginx() {
  start_nginx_named n1; URL1=$NGINX_NAMED_URL/cache
  start_nginx_named n2; URL2=$NGINX_NAMED_URL/cache
  start_nginx_named n3; URL3=$NGINX_NAMED_URL/cache
}

# objects_on NAME: how many objects the nginx server NAME holds.
objects_on() { find "$SCRATCH/$1/data" -type f | wc -l; }

# ninja_build SRC CACHE_DIR REMOTE: configures SRC/build-ninja with
# edgecache-ninja as CMake's make program and builds it; output in SRC.ninja.log.
ninja_build() {
  local src=$1 cache=$2 remote=$3
  cmake -S "$src" -B "$src/build-ninja" -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_MAKE_PROGRAM="$EDGECACHE_NINJA_BIN" >/dev/null
  EDGECACHE_DIR="$cache" EDGECACHE_BASEDIR="$src" EDGECACHE_REMOTE="$remote" \
    cmake --build "$src/build-ninja" >"$src.ninja.log" 2>&1 || { cat "$src.ninja.log" >&2; fail "ninja build of $src failed"; }
}

# summary_of LOG: edgecache-ninja's summary line without the time saved.
summary_of() { grep '^edgecache: ' "$1" | tail -n 1 | sed 's/, [0-9.hms]* saved$//'; }

# teammate_case REMOTE: checkout A builds and uploads through REMOTE, then
# checkout B at another path with an empty local cache gets every compile
# from it, through the launcher (each of the 5 compiles a remote hit) and
# through edgecache-ninja (each of the 8 edges); both B builds have a plain
# build's objects.
teammate_case() {
  local remote=$1
  two_checkouts
  launcher_build "$A" "$SCRATCH/cache-a" "$remote"
  expect_outcomes "checkout A" "$A.decisions" "$(each_step ran $HELLO_COMPILES)"
  expect_eq "$(stat_in "$SCRATCH/cache-a" remote.error)" 0 "remote errors in A"
  [ "$(stat_in "$SCRATCH/cache-a" remote.bytes.written)" -gt 0 ] || fail "checkout A uploaded nothing"
  launcher_build "$B" "$SCRATCH/cache-b" "$remote"
  expect_outcomes "checkout B (launcher)" "$B.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
  expect_eq "$(remote_warnings "$B.log")" 0 "remote warnings in B's build"
  plain_build "$B" "$B/build-plain"
  same_objects "$B/build-plain" "$B/build"

  ninja_build "$A" "$SCRATCH/ninja-cache-a" "$remote"
  ninja_build "$B" "$SCRATCH/ninja-cache-b" "$remote"
  expect_outcomes "checkout A (edgecache-ninja)" "$A/build-ninja" "$(each_step ran $HELLO_EDGES)"
  expect_outcomes "checkout B (edgecache-ninja)" "$B/build-ninja" "$(each_step remote-hit $HELLO_EDGES)"
  expect_eq "$(summary_of "$B.ninja.log")" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran" \
    "edgecache-ninja summary in B"
  same_objects "$B/build-plain" "$B/build-ninja"
}

# killer_project DEST KILL_COMMAND: a project of two libraries, each of
# NSRC sources (default 4), where a custom command between them runs
# KILL_COMMAND; ninja -j1 then compiles the first library with the server
# up and the second after it is gone: a server dying mid-build, on cue.
killer_project() {
  local dest=$1 kill_command=$2 count=${3:-4} i
  mkdir -p "$dest/one" "$dest/two"
  for i in $(seq 1 "$count"); do
    printf 'int one_%d(int x) { return x * %d + 1; }\n' "$i" "$i" >"$dest/one/one_$i.c"
    printf 'int two_%d(int x) { return x * %d + 2; }\n' "$i" "$i" >"$dest/two/two_$i.c"
  done
  cat >"$dest/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(killer C)
file(GLOB one_sources one/*.c)
file(GLOB two_sources two/*.c)
add_library(one STATIC \${one_sources})
add_custom_command(OUTPUT killed.stamp COMMAND $kill_command COMMAND \${CMAKE_COMMAND} -E touch killed.stamp
                   DEPENDS one VERBATIM)
add_custom_target(kill_server DEPENDS killed.stamp)
add_library(two STATIC \${two_sources})
add_dependencies(two kill_server)
CMAKE
}
