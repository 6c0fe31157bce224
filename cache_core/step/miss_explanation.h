#pragma once
// Why a step missed, in words: one vocabulary for `edgecache explain`, the
// launcher's history, edgecache-ninja's run record and the HTML report.
// The sentences come from what the lookup saw (step_cache.h: another
// checkout's path embedded in the result, a changed header, a result entry
// gone) and, when the cache had nothing under the key, from the step's
// history (step_history.h): the first build of the output, another build dir
// or checkout whose paths are part of the key, a changed compiler, argument,
// input or environment variable, an entry evicted from the local cache; and
// from the remote's state in this run (none, off, read-only).

#include <string>
#include <vector>

#include "edgecache/key_recipe.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/result.h"
#include "edgecache/step_cache.h"
#include "edgecache/step_history.h"
#include "edgecache/store.h"

namespace edgecache {

// The remote as this run used it.
struct RemoteUse {
  enum class State { kNone, kOff, kReadOnly, kOn };
  State state = State::kNone;
  std::string why_off;  // for kOff: "no_remote is set", "it failed recently", ...
};

// The run being explained: its step's identity and build tree.
struct RunPlace {
  std::string identity;    // step_identity() of the first output
  std::string build_dir;   // "" outside a CMake build tree
  std::string source_dir;  // "" when unknown
  std::string base_dirs;   // the run's base dirs, ':'-separated in config order (its placeholders)
};

// The sentence for a miss of `recipe` (input key `input_key`) at `place`;
// `history` holds the earlier runs of the step, newest first (this run not
// yet recorded). Manifests of earlier runs are read from `local` (the local
// cache: only what is at hand, never a remote round trip).
std::string explain_miss(const LookupOutcome& lookup, const KeyRecipe& recipe,
                         const std::string& input_key, const RunPlace& place,
                         const std::vector<StepRun>& history, const RemoteUse& remote,
                         Store& local);

// `edgecache explain <output>`: the last run of the step that writes
// `output`, why it missed, and what differs from the closest earlier run
// with another key. An error when the cache knows nothing of the output.
Result<std::vector<std::string>> explain_output(const std::string& output, Store& local,
                                                const StepHistory& history);

// The places (build tree) of an absolute output path.
RunPlace run_place_of(const std::string& absolute_output);

}  // namespace edgecache
