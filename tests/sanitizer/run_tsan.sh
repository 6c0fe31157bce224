#!/usr/bin/env bash
# The tsan test stage: edgecache-ninja built with ThreadSanitizer runs the
# integration tests that exercise its threads: the restore pool and lookups
# off the main thread (warm builds, generated headers, incremental edits),
# the remote prefetch and its early writes, the background uploads. A data
# race aborts edgecache-ninja (halt_on_error), so the build and the test fail
# with the race report in the build's log.
# Usage: run_tsan.sh MAIN_BUILD_DIR TSAN_BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
main=$(cd "$1" && pwd)
tsan=$(cd "$2" && pwd)
# Preloaded into compilers and linkers: the uninstrumented one (the
# instrumented build's would abort each tool).
cp "$main/ninja_wrapper/libedgecache-tracer.so" "$tsan/ninja_wrapper/libedgecache-tracer.so"
tests=(ninja_cache_warm ninja_cache_generated_source ninja_wrapper_incremental
       ninja_cache_remote ninja_cache_early_finals ninja_cache_mispredicted)
export TSAN_OPTIONS="halt_on_error=1 report_signal_unsafe=0"
failed=()
for test in "${tests[@]}"; do
  log=$(mktemp)
  if EDGECACHE_BIN="$main/launcher/edgecache" EDGECACHE_SOURCE_DIR="$repo" \
     EDGECACHE_NINJA_BIN="$tsan/ninja_wrapper/edgecache-ninja" \
     timeout 600 bash "$repo/tests/integration/$test.sh" >"$log" 2>&1; then
    echo "tsan: $test passed"
  else
    echo "tsan: $test FAILED"; tail -n 60 "$log"; failed+=("$test")
  fi
  rm -f "$log"
done
[ "${#failed[@]}" -eq 0 ] || { echo "tsan: failed: ${failed[*]}"; exit 1; }
echo "tsan: all ${#tests[@]} tests passed"
