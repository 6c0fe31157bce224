#pragma once
// What a program writes down about each step it offered to the cache, after
// the lookup and after the run: the step's history (step_history.h, read by
// `edgecache explain`, the run record and the report), the sentence saying
// why it missed (miss_explanation.h), and the stats counters of its outcome
// (stats.h). The launcher (one compile per process) and edgecache-ninja (one
// edge at a time, all in one process) call the same functions, so a compile
// and an edge leave the same traces.
//
// The counters it adds are kept here until the program flushes them with the
// session's (CacheSession::flush_stats).

#include <string>
#include <vector>

#include "edgecache/miss_explanation.h"
#include "edgecache/stats.h"
#include "edgecache/step_cache.h"
#include "edgecache/step_history.h"
#include "edgecache/step_outcome.h"
#include "edgecache/store.h"

namespace edgecache {

class StepLedger {
 public:
  // `cache_dir`: where the histories are. `base_dirs`: the configured base
  // dirs, in order (what a run's placeholders stand for). `local`: the local
  // store, whose manifests a miss is compared with (never a remote round trip).
  StepLedger(const std::string& cache_dir, const std::vector<std::string>& base_dirs, Store& local);

  // The run's base dirs, ':'-separated in config order (RunPlace::base_dirs).
  const std::string& base_dirs() const { return base_dirs_; }

  // Why `lookup` (of `step`, whose input key is spelled `input_key`) missed,
  // in words: the lookup's own sentence, or one from the step's history at
  // `place`. Call it before the step's run is recorded.
  std::string why_missed(const RunPlace& place, const LookupOutcome& lookup, const Step& step,
                         const std::string& input_key, const RemoteUse& remote) const;

  // A hit (`outcome`: kLocalHit or kRemoteHit) of the entry `result_key`:
  // its history and its hit counter; the stored run time it spared is added
  // to the time saved unless the hit is `verifying` (its command runs too).
  void hit(const RunPlace& place, const std::string& input_key, const std::string& result_key,
           StepOutcome outcome, uint64_t stored_ms, bool verifying);
  // A miss, by its cause (miss.<cause>).
  void missed(MissCause cause);
  // A missed step's successful run went to StepCache::store: a miss; the
  // stored run joins the history with `why` it missed; one not stored is
  // counted by its reason.
  void stored(const RunPlace& place, const std::string& input_key, const StoreOutcome& stored,
              const std::string& why);
  // A missed step's successful run is not stored, for `reason` (a code,
  // "input-changed-during-run"): a miss, counted by its reason.
  void not_stored(const std::string& reason);
  // The step ran without the cache, for `reason` (a code, the stats' uncacheable.<reason>).
  void uncached(const std::string& reason);
  // ... and joins the history at `place`, with `why` in words.
  void uncached(const std::string& reason, const RunPlace& place, const std::string& input_key,
                const std::string& result_key, const std::string& why);
  // The step's command failed: never stored.
  void failed();

  // The counters added so far, for CacheSession::flush_stats; the program
  // may add its own (verify, prefetch) here too.
  Counters& counters() { return counters_; }

 private:
  void record(const RunPlace& place, const std::string& input_key, const std::string& result_key,
              StepOutcome outcome, const std::string& why) const;

  std::string cache_dir_;
  std::string base_dirs_;
  Store& local_;
  Counters counters_;
};

}  // namespace edgecache
