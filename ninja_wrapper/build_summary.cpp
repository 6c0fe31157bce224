#include "build_summary.h"

namespace edgecache::ninja {

std::optional<std::string> FormatBuildSummary(const std::optional<CacheCounts>& cache,
                                              const RunnerCounts& runner) {
  if (!cache) return std::nullopt;
  if (runner.ran == 0 && runner.restored == 0) return std::nullopt;
  const int hits = cache->local_hits + cache->remote_hits;
  const int edges = hits + runner.ran;
  return "edgecache: " + std::to_string(hits) + "/" + std::to_string(edges) +
         " edges from cache (" + std::to_string(cache->local_hits) + " local, " +
         std::to_string(cache->remote_hits) + " remote), " + std::to_string(runner.ran) + " ran";
}

}  // namespace edgecache::ninja
