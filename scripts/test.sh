#!/usr/bin/env bash
# The README's test command: installs what is missing, builds edgecache and
# runs every test in these stages:
#   format    every C/C++ file of ours as clang-format writes it (scripts/check_format.sh)
#   main      unit and integration tests (real gcc, cmake, ninja and nginx)
#   sanitize  the same suite built with AddressSanitizer + UBSan
#   tsan      edgecache-ninja built with ThreadSanitizer under the integration
#             tests that use its threads (tests/sanitizer/run_tsan.sh)
#   fuzz      libFuzzer targets (clang) for a fixed number of iterations
#   real      third-party CMake projects from Debian source packages built
#             as a team would: cold, teammate, own tests, --verify,
#             incremental edits against plain Ninja (tests/real_projects)
# EDGECACHE_TEST_STAGES="main fuzz" runs a subset.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
stages=${EDGECACHE_TEST_STAGES:-format main sanitize tsan fuzz real}
failed=()

run_stage() {  # NAME BUILD_DIR [cmake args...]
  local name=$1 build=$2; shift 2
  echo "== test stage: $name ($build)"
  EDGECACHE_BUILD_DIR=$build bash "$repo/scripts/build.sh" "$@"
  if ! (cd "$build" && ctest -j 2 --output-on-failure --timeout 900); then failed+=("$name"); fi
}

for stage in $stages; do
  case $stage in
    format)
      echo "== test stage: format (scripts/check_format.sh)"
      bash "$repo/scripts/check_format.sh" || failed+=(format) ;;
    main) run_stage main "$repo/build" ;;
    sanitize)
      # Ninja's own never-freed graph is suppressed (tests/sanitizer/lsan.supp);
      # any other leak, memory error or undefined behaviour fails the test.
      export LSAN_OPTIONS="suppressions=$repo/tests/sanitizer/lsan.supp:print_suppressions=0"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
      run_stage sanitize "$repo/build-asan" -DEDGECACHE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
      unset LSAN_OPTIONS UBSAN_OPTIONS ;;
    tsan)
      echo "== test stage: tsan (tests/sanitizer/run_tsan.sh)"
      # The launcher and the tracer the tests use come from the main build.
      EDGECACHE_BUILD_DIR=$repo/build EDGECACHE_BUILD_TARGETS="edgecache edgecache-tracer" \
        bash "$repo/scripts/build.sh"
      EDGECACHE_BUILD_DIR=$repo/build-tsan EDGECACHE_BUILD_TARGETS=edgecache-ninja \
        bash "$repo/scripts/build.sh" -DEDGECACHE_TSAN=ON -DEDGECACHE_BUILD_TESTS=OFF
      bash "$repo/tests/sanitizer/run_tsan.sh" "$repo/build" "$repo/build-tsan" || failed+=(tsan) ;;
    fuzz) run_stage fuzz "$repo/build-fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
            -DEDGECACHE_FUZZ=ON -DEDGECACHE_BUILD_TESTS=OFF -DEDGECACHE_BUILD_NINJA_WRAPPER=OFF ;;
    real)
      echo "== test stage: real (tests/real_projects/run.sh)"
      EDGECACHE_BUILD_DIR=$repo/build bash "$repo/scripts/build.sh"
      bash "$repo/tests/real_projects/run.sh" "$repo/build" || failed+=(real) ;;
    *) echo "unknown test stage: $stage" >&2; exit 2 ;;
  esac
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "== failed stages: ${failed[*]}"
  exit 1
fi
echo "== all test stages passed: $stages"
