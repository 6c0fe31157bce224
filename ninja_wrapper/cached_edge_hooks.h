// The cache behind edgecache-ninja's command runner: keys each offered edge
// (EdgeStepBuilder), restores hits through cache_core's StepCache, stores
// successful runs, and at the end adds its counters to the cache's stats and
// writes the run record.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "background_uploader.h"
#include "dyndep_inputs.h"
#include "edge_cache_hooks.h"
#include "edge_step_builder.h"
#include "edgecache/cache_session.h"
#include "edgecache/config.h"
#include "edgecache/hit_verification.h"
#include "edgecache/miss_explanation.h"
#include "edgecache/run_record.h"
#include "edgecache/shared_listings.h"
#include "edgecache/stats.h"
#include "local_lookups.h"
#include "remote_prefetch.h"
#include "step_observer.h"

namespace edgecache::ninja {

class CachedEdgeHooks final : public EdgeCacheHooks {
 public:
  /// `build_dir`: absolute; where Ninja runs the commands.
  CachedEdgeHooks(const Config& config, const CacheOptions& options, std::string build_dir);

  /// Never throws and never fails the edge: any cache trouble is a miss.
  std::optional<HitInfo> try_restore(Edge* edge) override;
  std::optional<HitInfo> finish_restore(Edge* edge) override;
  void on_command_finished(Edge* edge, const CommandRunner::Result& result,
                           double duration_s) override;
  /// The edge's command, under the tracer when its miss is observed.
  std::string command_for(Edge* edge) override;
  void on_outputs_written(Edge* edge) override;
  void on_uncached_finished(Edge* edge, bool success) override { note_on_disk(edge, success); }
  std::optional<CacheCounts> counts() const override { return counts_; }
  void on_manifest_loaded(State& state) override;
  /// With a remote: plans the RemotePrefetch of the planned edges, which
  /// starts at the first lookup that needs the remote (start_prefetch).
  void on_build_planned(const std::vector<Node*>& targets) override;
  void finish() override;
  bool strict_verify_failed() const override {
    return verify_.strict && counts_.verify_mismatches > 0;
  }

 private:
  /// An edge offered and not a hit, until its command finishes.
  struct PendingRun {
    /// Unset when the edge is not cacheable.
    std::optional<Step> step;
    /// step_start() before the edge's inputs were hashed: inputs changed
    /// after it make the run unsafe to store.
    StepStart start;
    /// Its entry in record_.
    size_t record = 0;
    /// --verify: the hit whose outputs the real run is compared with.
    std::optional<Entry> verified_hit;
    /// Set when the run is observed: where the tracer writes, and the
    /// paths the step owns (outputs, depfile, rspfile).
    std::string trace_file;
    ObservedStepPaths owned;
  };

  /// A hit whose outputs a restore thread writes (HitInfo::write_outputs):
  /// what finish_restore() needs. The thread writes only `restored`.
  struct BackgroundRestore {
    EdgeRecord record;
    Step step;
    StepStart inputs_read;
    std::chrono::steady_clock::time_point started;
    LookupOutcome found;
    FoundEntry located;
    RestoreOutcome restored;
    /// Set for an edge handed over before it was keyed (lookups off the
    /// main thread): what the worker's lookup found; the fields above are
    /// filled from it in finish_restore().
    std::shared_ptr<LocalLookup> local;
    /// The edge as keyed (also for a hit the main thread decided: which
    /// depfile its restore leaves in memory).
    std::shared_ptr<const EdgeFacts> facts;
  };

  std::optional<HitInfo> lookup(Edge* edge, EdgeRecord record);
  /// True while the last lookups were local hits and nothing needs the main
  /// thread's own lookup (no prefetch running, no --verify): the next
  /// offered edge is keyed and looked up on a restore thread (local_lookups.h).
  bool lookups_off_main() const;
  /// Hands `edge` to a restore thread for its whole lookup; finish_restore()
  /// decides it.
  HitInfo look_up_off_main(Edge* edge, EdgeRecord record);
  /// finish_restore() of an edge looked up off the main thread: a local hit
  /// fills `job` as the main thread's lookup would have; anything else is
  /// looked up again here (`*again` set to what that lookup returned).
  bool take_local_lookup(Edge* edge, BackgroundRestore& job, std::optional<HitInfo>* again);
  /// An exception escaped the cache for `edge`: one warning, and it runs uncached.
  void run_after_internal_error(Edge* edge, const char* what, const std::exception& error);
  /// The edge missed (`found` says why): records it and prepares its run.
  void begin_run(Edge* edge, EdgeRecord record, Step step, const EdgeFacts& facts,
                 const LookupOutcome& found, const StepStart& inputs_read);
  /// Records the hit in record_, the counters and the history; what Ninja
  /// replays. `verifying`: the command runs as well (--verify), saving nothing.
  std::optional<HitInfo> restore_hit(EdgeRecord record, const LookupOutcome& found,
                                     std::chrono::steady_clock::time_point started, bool verifying);
  /// The edge runs without the cache: said in words in its record.
  void set_uncached(EdgeRecord* record, const std::string& reason, const std::string& detail);
  /// The edge ran, but its result is not stored: said in its record.
  void set_not_stored(EdgeRecord* record, const std::string& reason, const std::string& detail);
  /// The build tree of `record`'s output.
  RunPlace place_of(const EdgeRecord& record) const;
  /// The miss sentence for the run record and the history (miss_explanation.h),
  /// naming the step that made a changed input.
  std::string why_missed(const Edge& edge, const Step& step, const LookupOutcome& found,
                         const EdgeRecord& record);
  void store(const PendingRun& run, const CommandRunner::Result& result, uint64_t duration_ms);
  /// --verify: compares what `run`'s command left with the hit's entry.
  void check_verified_hit(const PendingRun& run, const CommandRunner::Result& result);
  /// Judges an observed run: its read set, or false when it must not be
  /// stored (the record and counters say why).
  bool judge_observed_run(const PendingRun& run, std::vector<Dependency>* deps);
  /// Prepares the observation of `step`'s run (trace file, owned paths).
  void observe(const Step& step, const EdgeFacts& facts, PendingRun* run);
  size_t declared_inputs(const Edge* edge) const;
  /// The edge's index in the prefetch plan; SIZE_MAX when not planned.
  size_t plan_index(const Edge* edge) const;
  /// Starts the prefetch of the planned edges not done yet; once per build.
  void start_prefetch();
  /// The main thread took the edge (try_restore), or its outputs are on
  /// disk (`ok`: it succeeded), for the prefetch, started or not.
  void note_offered(const Edge* edge);
  void note_on_disk(const Edge* edge, bool ok);
  /// Gives the remote writes the last store held back to the uploader.
  void hand_over_uploads();
  /// After a lookup that did not give the result the prefetch found with
  /// predicted inputs: counts and records the misprediction.
  void note_misprediction(const Edge* edge, const LookupOutcome& found, EdgeRecord* record);
  /// When the prefetch wrote the edge's outputs early: records whether this
  /// turn restores the same result (`as_predicted`) or replaces them.
  void note_early_write(const Edge* edge, bool as_predicted, EdgeRecord* record);
  /// describe_edge() with the inputs from the edge's dyndep file.
  EdgeFacts describe(const Edge* edge);
  /// Adds to the stats (on Finish), with the ledger's counters.
  void count(const std::string& counter) { session_.ledger().counters()[counter] += 1; }
  /// Prints "edgecache: warning: <text>" the first time `kind` is seen.
  void warn(const std::string& kind, const std::string& text);
  void report_store_warnings();

  /// The stamps of recorded dependencies, shared by every lookup of this
  /// build (the main thread's and local_lookups_'s): outlives both.
  WatchedStats watched_stats_;
  /// The directory names those lookups read, likewise shared.
  SharedListings shared_listings_;
  CacheSession session_;
  /// What EdgeStepBuilders need; the prefetch workers get a copy.
  EdgeStepContext step_context_;
  EdgeStepBuilder steps_;
  /// Runs and judges observed steps (every non-compile edge).
  StepObserver observer_;
  std::string build_dir_;
  RunRecord record_;
  /// The build tree of build_dir_, for place_of.
  RunPlace tree_place_;
  /// Per edge of the loaded manifest: how many inputs it declares.
  std::map<const Edge*, size_t> declared_inputs_;
  DyndepInputs dyndep_inputs_;
  std::map<const Edge*, PendingRun> pending_;
  /// Hits whose outputs are being written, until finish_restore().
  std::map<const Edge*, std::shared_ptr<BackgroundRestore>> restoring_;
  CacheCounts counts_;
  std::set<std::string> warned_;
  /// Running while the build runs, when a remote is configured.
  std::unique_ptr<RemotePrefetch> prefetch_;
  /// The remote writes of the steps that ran; null without a remote.
  std::unique_ptr<BackgroundUploader> uploader_;
  /// Per edge of the prefetch plan: its index there.
  std::map<const Edge*, size_t> plan_index_;
  /// The plan while the prefetch has not started (edges empty after), and
  /// per planned edge where the main thread is with it.
  PrefetchPlan plan_;
  std::vector<PrefetchStart> plan_progress_;
  /// Lookups off the main thread; null with --verify (sampled hits run
  /// their command too, which the main thread decides).
  std::unique_ptr<LocalLookups> local_lookups_;
  /// The last decided lookup was a local hit: see lookups_off_main().
  bool last_was_local_hit_ = false;
  /// Which hits also run their command (--verify / the "verify" setting).
  VerifyMode verify_;
  std::vector<std::string> verify_ignore_;
};

}  // namespace edgecache::ninja
