// The command runner edgecache-ninja installs in Ninja's Builder: it offers
// each cacheable edge to the EdgeCacheHooks before running it, completes hits
// at once, and reports real runs back to the hooks.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "ninja/build.h"
#include "edge_cache_hooks.h"

namespace edgecache::ninja {

/// What the runner did, for the summary line.
struct RunnerCounts {
  /// Commands that really ran (cacheable or not).
  int ran = 0;
  /// Edges completed from the cache.
  int restored = 0;
};

/// True for edges that are never offered to the cache: phony edges (no
/// command), the generator (rewrites build.ninja; must see the real tree) and
/// console-pool edges (interactive; their output is not captured).
bool IsNeverCached(const Edge& edge);

/// How Builder::Build meets this runner:
///  - CanRunMore() asks only the inner runner, so hits never use a -j slot;
///  - StartCommand() calls TryRestore; a hit is queued as a finished result,
///    a miss starts the command in the inner runner;
///  - WaitForCommand() returns queued hits first, without waiting, so a
///    restored edge's dependents become ready at once; only then does it
///    block on the inner runner.
/// A hit's depfile is on disk before its result is returned, which is all
/// Builder::FinishCommand needs to record deps for `deps = gcc` edges.
class CachingCommandRunner final : public CommandRunner {
 public:
  /// `hooks` may be null (--skip-cache): every edge runs. It must outlive
  /// the runner.
  CachingCommandRunner(std::unique_ptr<CommandRunner> inner, EdgeCacheHooks* hooks);

  bool CanRunMore() const override;
  bool StartCommand(Edge* edge) override;
  bool WaitForCommand(Result* result) override;
  /// Only commands in flight: hits are complete and need no cleanup.
  std::vector<Edge*> GetActiveEdges() override;
  void Abort() override;

  const RunnerCounts& counts() const { return counts_; }

 private:
  using Clock = std::chrono::steady_clock;

  /// Runs the commands of misses and uncacheable edges.
  std::unique_ptr<CommandRunner> inner_;
  /// The cache; null when caching is off.
  EdgeCacheHooks* hooks_;
  /// Hits not yet returned by WaitForCommand, oldest first.
  std::deque<Result> restored_;
  /// Start time of each running command that was offered to the hooks.
  std::map<const Edge*, Clock::time_point> offered_started_;
  RunnerCounts counts_;
};

}  // namespace edgecache::ninja
