#include "edge_cache_hooks.h"

#include <cstdio>

#include "cached_edge_hooks.h"
#include "edgecache/config.h"
#include "edgecache/path_normalizer.h"
#include "ninja/graph.h"

namespace edgecache::ninja {

std::string EdgeCacheHooks::command_for(Edge* edge) { return edge->EvaluateCommand(); }

std::optional<HitInfo> PassThroughHooks::try_restore(Edge* /*edge*/) { return std::nullopt; }

void PassThroughHooks::on_command_finished(Edge* /*edge*/, const CommandRunner::Result& /*result*/,
                                           double /*duration_s*/) {}

std::optional<CacheCounts> PassThroughHooks::counts() const { return std::nullopt; }

std::unique_ptr<EdgeCacheHooks> make_edge_cache_hooks(const CacheOptions& options) {
  if (options.skip_cache) return nullptr;
  ConfigInputs inputs = process_config_inputs();
  if (options.verify) inputs.command_line["verify"] = *options.verify;
  const Config config = Config::load(inputs);
  if (config.disabled()) return nullptr;
  if (!config.errors().empty()) {
    // As the launcher: a broken configuration never stops a build.
    std::fprintf(stderr,
                 "edgecache: warning: configuration error: %s (run `edgecache config`); building "
                 "without the cache\n",
                 config.errors().front().c_str());
    return nullptr;
  }
  return std::make_unique<CachedEdgeHooks>(config, options, current_directory());
}

}  // namespace edgecache::ninja
