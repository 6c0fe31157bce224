// The line edgecache-ninja prints after a build, in the spirit of Nx:
//   edgecache: 12/40 edges from cache (10 local, 2 remote), 28 ran, 4m31s saved
// (with --verify, after "ran": ", 12 hits verified (0 differed)")
// ("saved" is the sum of the stored run times of the hits; left out when 0).
#pragma once

#include <optional>
#include <string>

#include "caching_command_runner.h"  // RunnerCounts
#include "edge_cache_hooks.h"        // CacheCounts

namespace edgecache::ninja {

/// The summary line without a newline, or nullopt when there is nothing to
/// say: no caching hooks (plain-Ninja output stays byte-identical) or no
/// command ran and nothing was restored.
std::optional<std::string> format_build_summary(const std::optional<CacheCounts>& cache,
                                                const RunnerCounts& runner);

}  // namespace edgecache::ninja
