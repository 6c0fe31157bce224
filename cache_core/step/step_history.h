#pragma once
// What each step looked like in recent runs, so `edgecache explain`, the run
// record and the report can compare a miss with the closest earlier run.
//
// A step is identified across build dirs and checkouts by step_identity() of
// its first output (its path relative to the CMake build tree it lies in;
// build_tree.h): the same object in /w/b1 and /w/b2 shares one history.
//
// Format (version 2): <cache dir>/history/<first 2 hex>/<XXH3 of the
// identity>.json, a JSON object
//   {"identity": "<step identity>", "runs": [{"input": "<m-/r- key>",
//    "result": "<r- key>", "outcome": "local-hit|remote-hit|stored|uncached",
//    "time_ms": N, "build_dir": "<abs>", "source_dir": "<abs>",
//    "base_dirs": "<a:b, the placeholders' dirs in order>",
//    "why": "<why the lookup missed, or (uncached) why the step ran
//    without the cache, in words; \"\" for a hit>"}, ...]}
// newest first, at most 8 runs; replaced atomically, last writer wins.
// (Version 1 was keyed by the normalized absolute output path and had no
// build_dir, source_dir, base_dirs or why; readers treat those as "".)

#include <cstdint>
#include <string>
#include <vector>

#include "edgecache/step_outcome.h"

namespace edgecache {

// The history's spelling of `outcome` (also what `edgecache explain` says):
// outcome_name(), but "stored" for kRan, since the history writes a run that
// missed only once its result is stored.
const char* history_outcome_name(StepOutcome outcome);

struct StepRun {
  std::string input_key;   // CacheKey::to_string() of the input key
  std::string result_key;  // CacheKey::to_string() of the result
  // kLocalHit, kRemoteHit; kRan: missed, ran and stored; kUncached: ran
  // without the cache, nothing stored (keys may be "").
  StepOutcome outcome = StepOutcome::kRan;
  int64_t time_ms = 0;     // wall clock when recorded
  std::string build_dir;   // the build tree of the output ("" outside one)
  std::string source_dir;  // that tree's source dir ("" when unknown)
  std::string base_dirs;   // ':'-separated, in config order: what its @BASE<n>@ stand for
  std::string why;         // for a miss, why it missed (miss_explanation.h)
};

class StepHistory {
 public:
  explicit StepHistory(std::string cache_dir);
  // Best effort: a failure to record never affects a build.
  void record(const std::string& identity, const StepRun& run) const;
  std::vector<StepRun> runs(const std::string& identity) const;

 private:
  std::string file_for(const std::string& identity) const;
  // runs() of a history file's text.
  static std::vector<StepRun> runs_in(const std::string& text);
  std::string dir_;
};

}  // namespace edgecache
