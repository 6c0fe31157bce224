# Wrong settings fail configuration naming the variable; missing programs
# only warn, and the project builds without the cache.
source "$(dirname "$0")/cmake_module_lib.sh"

# expect_configure_error NAME TEXT [cmake args...]
expect_configure_error() {
  local name=$1 text=$2; shift 2
  if cmake -G Ninja -S "$PLAIN_PROJECT" -B "$SCRATCH/$name" "$@" > "$SCRATCH/$name.log" 2>&1; then
    cat "$SCRATCH/$name.log" >&2; fail "$name: configure succeeded"
  fi
  expect_in "$SCRATCH/$name.log" "$text" "$name: error message"
}

note "an unknown EDGECACHE_MODE fails, naming the variable and the accepted values"
expect_configure_error bad_mode 'EDGECACHE_MODE is "fast"; accepted values: launcher, ninja, off' \
  -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" -DEDGECACHE_MODE=fast

note "a remote URL without http://, https:// or file:// fails, naming the variable"
expect_configure_error bad_remote 'EDGECACHE_REMOTE is "cache.example:8080/c"' \
  -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" -DEDGECACHE_REMOTE=cache.example:8080/c
expect_configure_error bad_second_server 'each server must' \
  -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" "-DEDGECACHE_REMOTE=http://a/c ftp://b/c"
expect_configure_error bad_remote_attributes_only 'EDGECACHE_REMOTE is "|read-only"' \
  -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" "-DEDGECACHE_REMOTE=|read-only"

note "programs that cannot be found: a warning and a plain build"
mkdir -p "$SCRATCH/module-alone" && cp "$EDGECACHE_SOURCE_DIR/cmake_module/EdgeCache.cmake" "$SCRATCH/module-alone/"
b="$SCRATCH/missing"
PATH=/usr/bin:/bin configure "$b.log" -S "$PLAIN_PROJECT" -B "$b" \
  -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$SCRATCH/module-alone/EdgeCache.cmake"
expect_in "$b.log" "CMake Warning" "a warning"
expect_in "$b.log" "the edgecache program was not found" "the warning says what is missing"
expect_in "$b.log" "EdgeCache: off" "status line says off"
expect_no_launcher "$b" "no launcher in the rules"
build "$b"
"$b/plain_project" > /dev/null || fail "the plain build does not run"

note "EDGECACHE_PROGRAM naming a file that is gone: a warning, not an error"
b="$SCRATCH/gone"
PATH=/usr/bin:/bin configure "$b.log" -S "$PLAIN_PROJECT" -B "$b" \
  -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$SCRATCH/module-alone/EdgeCache.cmake" \
  -DEDGECACHE_PROGRAM="$SCRATCH/gone/edgecache"
expect_in "$b.log" "EDGECACHE_PROGRAM is \"$SCRATCH/gone/edgecache\", which does not exist" "warning names the variable"
build "$b"

note "EDGECACHE_MODE=off: nothing switched on"
b="$SCRATCH/off"
configure "$b.log" -S "$PLAIN_PROJECT" -B "$b" -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" -DEDGECACHE_MODE=off
expect_in "$b.log" "EdgeCache: off (EDGECACHE_MODE=off)" "status line"
expect_no_launcher "$b" "no launcher in the rules"
echo "PASS"
