// One invocation of edgecache-ninja in build mode: load build.ninja with
// Ninja's parser, open .ninja_log and .ninja_deps, re-run the generator while
// build.ninja is out of date (CMake's re-run after a CMakeLists.txt edit),
// then build the requested targets through the caching command runner.
#pragma once

#include "edge_cache_hooks.h"
#include "ninja_options.h"

struct Status;

namespace edgecache::ninja {

/// Runs the build `options` describe in the current directory (the caller
/// has applied -C). Returns Ninja's exit code: 0 success or nothing to do,
/// 1 failure (bad manifest, unknown target, failed command), 2 interrupted.
/// `hooks` may be null (--skip-cache).
int run_build_command(const NinjaOptions& options, EdgeCacheHooks* hooks, Status* status);

}  // namespace edgecache::ninja
