#include "edge_cache_hooks.h"

namespace edgecache::ninja {

std::optional<HitInfo> PassThroughHooks::TryRestore(Edge* /*edge*/) { return std::nullopt; }

void PassThroughHooks::OnCommandFinished(Edge* /*edge*/, const CommandRunner::Result& /*result*/,
                                         double /*duration_s*/) {}

std::optional<CacheCounts> PassThroughHooks::Counts() const { return std::nullopt; }

std::unique_ptr<EdgeCacheHooks> MakeEdgeCacheHooks(const CacheOptions& options) {
  if (options.skip_cache) return nullptr;
  return std::make_unique<PassThroughHooks>();
}

}  // namespace edgecache::ninja
