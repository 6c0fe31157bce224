#pragma once
// What happened to one step offered to the cache: the one vocabulary of both
// programs (a compile through the launcher, an edge of edgecache-ninja), the
// run record, the step history, the report and the stats.
//
// Spellings (on disk in run records and step histories, so they never change):
//   kLocalHit "local-hit", kRemoteHit "remote-hit", kRan "ran", kUncached "uncached".
// The step history writes a run only once its result is stored, and spells
// kRan "stored" there (step_history.h); parse_step_outcome reads both.

#include <optional>
#include <string_view>

#include "edgecache/tiered_store.h"

namespace edgecache {

enum class StepOutcome {
  kLocalHit,   // restored from the local cache
  kRemoteHit,  // restored from the remote (by its lookup, or by a prefetch ahead of it)
  kRan,        // looked up, missed, and its command ran (its result stored or not)
  kUncached,   // not looked up: the cache cannot key it, so its command ran without the cache
};

inline constexpr StepOutcome kStepOutcomes[] = {StepOutcome::kLocalHit, StepOutcome::kRemoteHit,
                                                StepOutcome::kRan, StepOutcome::kUncached};

// "local-hit", "remote-hit", "ran", "uncached".
const char* outcome_name(StepOutcome outcome);
// In a sentence: "local hit", "remote hit", "ran", "uncached".
const char* outcome_words(StepOutcome outcome);
// outcome_name()'s spellings, and the history's "stored" (kRan); nullopt otherwise.
std::optional<StepOutcome> parse_step_outcome(std::string_view name);

bool is_hit(StepOutcome outcome);
// The hit of an object the tiered store found in `tier`.
StepOutcome hit_from(StoreTier tier);

}  // namespace edgecache
