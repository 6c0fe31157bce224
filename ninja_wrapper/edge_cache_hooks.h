// The seam between edgecache-ninja's command runner and the cache: the runner
// asks the hooks before it starts an edge's command and tells them after the
// command ran. The runner decides WHICH edges are offered (never phony, the
// generator, or console-pool edges); the hooks decide what a hit is.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ninja/build.h"  // CommandRunner::Result

struct Edge;
struct Node;
struct State;

namespace edgecache::ninja {

/// A cache hit. When try_restore returns one without `write_outputs`, the
/// edge's outputs (and its depfile, if the rule has one) are already on
/// disk, so Ninja reads the depfile into its deps log exactly as after a
/// real run.
struct HitInfo {
  /// The command's recorded console output (stdout and stderr, merged as
  /// Ninja's subprocesses merge them); Ninja prints it as it would print a run's.
  std::string output;
  /// Set: the hit is decided but its outputs are not written yet, or the
  /// whole lookup is handed to a restore thread (local_lookups.h). The
  /// runner calls it once, on one of its restore threads (it touches only
  /// this edge's files and what it captured), then finish_restore() on the
  /// main thread, and only then hands the edge to Ninja.
  std::function<void()> write_outputs;
  /// Set by finish_restore() when the hit's depfile was not written (a
  /// `deps = gcc` edge, EdgeFacts::depfile_read_once): its bytes, which the
  /// runner hands to Ninja's read of the depfile (depfile_shelf.h).
  std::optional<std::string> depfile;
};

/// Counts for the summary line; only hooks that really cache report them.
struct CacheCounts {
  /// Edges offered to try_restore.
  int lookups = 0;
  /// Hits from the local store.
  int local_hits = 0;
  /// Hits from a remote store.
  int remote_hits = 0;
  /// Sum of the stored run times of the hits: the time the cache saved.
  uint64_t saved_ms = 0;
  /// --verify: hits whose command ran as well (counted in the hits above
  /// and in the runner's commands), and those whose real outputs differed.
  int verified = 0;
  int verify_mismatches = 0;
};

/// Cache behaviour chosen on the command line.
struct CacheOptions {
  /// --skip-cache: no hooks at all; every edge runs as in plain Ninja.
  bool skip_cache = false;
  /// --no-remote: use only the local store.
  bool no_remote = false;
  /// --verify[=FRACTION|strict]: the "verify" setting from the command line
  /// (already checked by parse_verify_mode); unset: the configured one.
  std::optional<std::string> verify;
};

/// The cache as the command runner sees it. Calls come from the build's one
/// thread, in the order the runner starts and reaps edges.
class EdgeCacheHooks {
 public:
  virtual ~EdgeCacheHooks() = default;

  /// Called when `edge` is about to start. A hit means the outputs were
  /// written; the runner then reports the edge as finished successfully with
  /// `output`, without running the command and without taking a -j slot.
  /// nullopt means miss (or not cacheable): the command runs.
  virtual std::optional<HitInfo> try_restore(Edge* edge) = 0;

  /// After the `write_outputs` of the hit try_restore returned for `edge`
  /// ran: the hit as Ninja reports it, its outputs complete on disk; or
  /// nullopt when they could not be written (a corrupt entry, a full disk)
  /// or the lookup handed over was not a local hit: the hooks took the edge
  /// as a miss, and its command must run. A HitInfo with `write_outputs`
  /// set again: the main thread's own lookup found a hit, to be written.
  virtual std::optional<HitInfo> finish_restore(Edge* /*edge*/) { return std::nullopt; }

  /// Called after a command offered to try_restore really ran, whatever its
  /// exit status, BEFORE Ninja reads (and by default deletes) the depfile,
  /// so a store can still read it. `duration_s` is wall time of the command.
  virtual void on_command_finished(Edge* edge, const CommandRunner::Result& result,
                                   double duration_s) = 0;

  /// The command to run for `edge` after try_restore missed: the edge's own
  /// command, or the same command under observation (step_observer.h).
  virtual std::string command_for(Edge* edge);

  /// Called after every command that really ran, offered or not (console
  /// pool, generator), whatever its exit status: its outputs changed on
  /// disk, so what the cache memoized about them is stale.
  virtual void on_outputs_written(Edge* /*edge*/) {}

  /// Called after the command of an edge never offered to try_restore
  /// (console pool, generator) finished, `success` as its exit status says:
  /// what waits for its outputs may go on (the remote prefetch keys its
  /// dependents once they are on disk).
  virtual void on_uncached_finished(Edge* /*edge*/, bool /*success*/) {}

  /// Counts for the summary line, or nullopt when these hooks do not cache
  /// (then no summary is printed).
  virtual std::optional<CacheCounts> counts() const = 0;

  /// Called each time build.ninja was parsed, before any edge's deps are
  /// loaded from the deps log: the inputs each edge has now are the ones
  /// the manifest declares (Ninja appends discovered headers later).
  virtual void on_manifest_loaded(State& /*state*/) {}

  /// Called when the targets' dirty state is known, just before the build
  /// starts: the edges to run are those with dirty outputs.
  virtual void on_build_planned(const std::vector<Node*>& /*targets*/) {}

  /// Called once when the invocation ends, built or not: write what must
  /// outlive the run (stats, run record).
  virtual void finish() {}

  /// --verify=strict and a verified hit differed from its real run: the
  /// build must exit non-zero even though every command succeeded.
  virtual bool strict_verify_failed() const { return false; }
};

/// Hooks that never hit and store nothing: the runner behaves as plain Ninja.
class PassThroughHooks final : public EdgeCacheHooks {
 public:
  std::optional<HitInfo> try_restore(Edge* edge) override;
  void on_command_finished(Edge* edge, const CommandRunner::Result& result,
                           double duration_s) override;
  std::optional<CacheCounts> counts() const override;
};

/// The hooks for a build in the current directory (the build dir, after
/// -C): nullptr with --skip-cache, when the configuration disables the cache
/// (EDGECACHE_DISABLE) or is broken (one warning); else CachedEdgeHooks.
std::unique_ptr<EdgeCacheHooks> make_edge_cache_hooks(const CacheOptions& options);

}  // namespace edgecache::ninja
