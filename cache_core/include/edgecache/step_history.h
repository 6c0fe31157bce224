#pragma once
// What each output's step looked like in recent runs, so `edgecache explain`
// can compare this run's key with the closest earlier one.
//
// Format (version 1): <cache dir>/history/<first 2 hex>/<XXH3 of the
// normalized output path>.json, a JSON object
//   {"output": "<normalized path>", "runs": [{"input": "<m-/r- key>",
//    "result": "<r- key>", "outcome": "hit|stored", "time_ms": N}, ...]}
// newest first, at most 8 runs; replaced atomically, last writer wins.

#include <cstdint>
#include <string>
#include <vector>

#include "edgecache/local_store.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/result.h"

namespace edgecache {

struct StepRun {
  std::string input_key;   // CacheKey::to_string() of the input key
  std::string result_key;  // CacheKey::to_string() of the result
  std::string outcome;     // "local-hit", "remote-hit", "stored"
  int64_t time_ms = 0;     // wall clock when recorded
};

class StepHistory {
 public:
  explicit StepHistory(std::string cache_dir);
  // Best effort: a failure to record never affects a build.
  void record(const std::string& normalized_output, const StepRun& run) const;
  std::vector<StepRun> runs(const std::string& normalized_output) const;

 private:
  std::string file_for(const std::string& normalized_output) const;
  std::string dir_;
};

// Lines that say why the newest run of `output` (a path as the user gave it)
// had the key it had, against the closest earlier run with another key:
// changed arguments, input files, environment, tool, or discovered headers.
// An error when the cache knows nothing of the output.
Result<std::vector<std::string>> explain_output(const std::string& output, LocalStore& local,
                                                const StepHistory& history,
                                                const PathNormalizer& paths);

}  // namespace edgecache
