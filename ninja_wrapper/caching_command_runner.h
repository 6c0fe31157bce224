// The command runner edgecache-ninja installs in Ninja's Builder: it offers
// each cacheable edge to the EdgeCacheHooks before running it, completes hits
// at once, and reports real runs back to the hooks.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "depfile_shelf.h"
#include "edge_cache_hooks.h"
#include "ninja/build.h"
#include "restore_pool.h"

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
bool is_never_cached(const Edge& edge);

/// How Builder::Build meets this runner:
///  - CanRunMore() asks only the inner runner, so hits never use a -j slot;
///  - StartCommand() calls try_restore; a hit is queued as a finished result,
///    a miss starts the command in the inner runner;
///  - a hit whose outputs are still to be written (HitInfo::write_outputs)
///    goes to the RestorePool; the main thread goes on with the next edge;
///  - WaitForCommand() returns queued hits first, without waiting, so a
///    restored edge's dependents become ready at once; then hits whose
///    restore finished (waiting for one if any is in flight: they take
///    milliseconds), after hooks->finish_restore(); a restore that failed
///    makes the edge a miss, whose command starts as soon as a -j slot is
///    free (as does a lookup handed to a restore thread that was not a
///    local hit, or it goes back to the pool when the main thread's own
///    lookup then hits); only then does it block on the inner runner.
/// A hit's outputs are on disk before its result is returned, and its
/// depfile on disk or on the DepfileShelf Ninja reads through, which is all
/// Builder::FinishCommand needs to record deps for `deps = gcc` edges and
/// to restat.
class CachingCommandRunner final : public CommandRunner {
 public:
  /// `hooks` may be null (--skip-cache): every edge runs. It must outlive
  /// the runner.
  /// `depfiles`: the disk interface the Builder reads through, where a
  /// hit's depfile left in memory (HitInfo::depfile) goes; needed with hooks.
  CachingCommandRunner(std::unique_ptr<CommandRunner> inner, EdgeCacheHooks* hooks,
                       DepfileShelf* depfiles,
                       size_t restore_threads = RestorePool::default_threads());

  bool CanRunMore() const override;
  bool StartCommand(Edge* edge) override;
  bool WaitForCommand(Result* result) override;
  /// Only commands in flight: hits are complete or being written
  /// atomically (Abort waits for them) and need no cleanup.
  std::vector<Edge*> GetActiveEdges() override;
  void Abort() override;

  /// At most this many hits are being restored or wait to be reaped: the
  /// entries' bytes they hold stay bounded (CanRunMore says no meanwhile).
  static constexpr size_t kMaxRestoresInFlight = 16;

  const RunnerCounts& counts() const { return counts_; }

 private:
  using Clock = std::chrono::steady_clock;

  /// Starts `edge`'s command in the inner runner, for a cacheable edge.
  bool start_run(Edge* edge);
  /// Starts the misses of failed restores while a slot is free. False when
  /// one could not start: `*result` then reports it as failed.
  bool start_failed_restores(Result* result);

  /// Runs the commands of misses and uncacheable edges.
  std::unique_ptr<CommandRunner> inner_;
  /// The cache; null when caching is off.
  EdgeCacheHooks* hooks_;
  DepfileShelf* depfiles_;
  /// Hits not yet returned by WaitForCommand, oldest first.
  std::deque<Result> restored_;
  /// Writes the outputs of hits off the main thread.
  RestorePool restores_;
  /// Edges whose restore failed, waiting for a -j slot to run for real.
  std::deque<Edge*> to_run_;
  /// Start time of each running command that was offered to the hooks.
  std::map<const Edge*, Clock::time_point> offered_started_;
  RunnerCounts counts_;
};

}  // namespace edgecache::ninja
