# The three ways to switch a project on (include with CMAKE_MODULE_PATH,
# find_package with CMAKE_PREFIX_PATH, CMAKE_PROJECT_TOP_LEVEL_INCLUDES), each
# with its own cache: the cold build misses, a clean rebuild hits every compile.
source "$(dirname "$0")/cmake_module_lib.sh"

# cold_then_warm NAME SRC [cmake args...]
cold_then_warm() {
  local name=$1 src=$2; shift 2
  local b="$SCRATCH/build-$name"
  fresh_cache "$name"
  configure "$b.log" -S "$src" -B "$b" "$@"
  expect_in "$b.log" "EdgeCache: launcher mode: compiler launcher $PREFIX/bin/edgecache" "$name status line"
  expect_launcher "$b" "$PREFIX/bin/edgecache" "$name: the launcher is in the compile rules"
  expect_in "$b/edgecache.json" "\"base_dir\" : \"$src:$b\"" "$name: base dirs in the generated config"
  build "$b"
  expect_outcomes "$name: cold build runs every compile" "$b.decisions" "$(each_object "$b" ran)"
  rm -rf "$b"
  configure "$b.log" -S "$src" -B "$b" "$@"
  build "$b"
  expect_outcomes "$name: clean rebuild hits every compile" "$b.decisions" "$(each_object "$b" local-hit)"
  "$b/$(basename "$src")" > /dev/null || fail "$name: the program does not run"
}

note "include(EdgeCache) with CMAKE_MODULE_PATH"
cold_then_warm include "$WITH_MODULE" -DWITH_MODULE_USE_INCLUDE=ON \
  -DCMAKE_MODULE_PATH="$PREFIX/share/edgecache"

note "find_package(EdgeCache) with CMAKE_PREFIX_PATH"
cold_then_warm find_package "$WITH_MODULE" -DCMAKE_PREFIX_PATH="$PREFIX"

note "CMAKE_PROJECT_TOP_LEVEL_INCLUDES on a project that knows nothing of edgecache"
cold_then_warm top_level "$PLAIN_PROJECT" -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE"

note "find_package checks the version"
b="$SCRATCH/build-version"
sed 's/find_package(EdgeCache 0.1 QUIET)/find_package(EdgeCache 99 QUIET)/' \
  "$WITH_MODULE/CMakeLists.txt" > "$SCRATCH/CMakeLists.v99.txt"
mkdir -p "$SCRATCH/v99" && cp -r "$WITH_MODULE/src" "$SCRATCH/v99/" \
  && cp "$SCRATCH/CMakeLists.v99.txt" "$SCRATCH/v99/CMakeLists.txt"
configure "$b.log" -S "$SCRATCH/v99" -B "$b" -DCMAKE_PREFIX_PATH="$PREFIX"
expect_in "$b.log" "edgecache is not installed" "version 99 is not found"
expect_not_in "$b.log" "EdgeCache: launcher mode" "version 99 did not switch the cache on"

note "the remote, read-only, and a project's own edgecache.json reach the generated config"
mkdir -p "$SCRATCH/proj" && cp -r "$PLAIN_PROJECT"/. "$SCRATCH/proj/"
echo '{ "max_size": "2G", "remote": "http://127.0.0.1:9/from-file" }' > "$SCRATCH/proj/edgecache.json"
b="$SCRATCH/proj/build"
configure "$b.log" -S "$SCRATCH/proj" -B "$b" -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" \
  -DEDGECACHE_READ_ONLY=ON
expect_in "$b/edgecache.json" '"max_size" : "2G"' "the project's setting is merged"
expect_in "$b/edgecache.json" '"remote" : "http://127.0.0.1:9/from-file|read-only"' "read-only applies to the file's remote"
configure "$b.log" -S "$SCRATCH/proj" -B "$b" -DEDGECACHE_REMOTE='http://127.0.0.1:9/c|layout=bazel'
expect_in "$b/edgecache.json" '"remote" : "http://127.0.0.1:9/c|layout=bazel|read-only"' "EDGECACHE_REMOTE wins"
expect_in "$b.log" "remote http://127.0.0.1:9/c|layout=bazel|read-only" "status line names the remote"
note "several servers (and redis, s3): the list reaches the generated config, read-only on each"
configure "$b.log" -S "$SCRATCH/proj" -B "$b" \
  "-DEDGECACHE_REMOTE=http://127.0.0.1:9/c redis://127.0.0.1:10|timeout=200 s3://team-cache|read-only"
expect_in "$b/edgecache.json" \
  '"remote" : "http://127.0.0.1:9/c|read-only redis://127.0.0.1:10|timeout=200|read-only s3://team-cache|read-only"' \
  "read-only on every server of the list"
configure "$b.log" -S "$SCRATCH/proj" -B "$b" -DEDGECACHE_REMOTE='http://127.0.0.1:9/c|layout=bazel'
(cd "$b" && "$EDGECACHE_BIN" config) > "$SCRATCH/config.txt" 2>&1 || fail "edgecache config failed: $(cat "$SCRATCH/config.txt")"
expect_in "$SCRATCH/config.txt" "$b/edgecache.json" "the launcher reads the generated file"
echo "PASS"
