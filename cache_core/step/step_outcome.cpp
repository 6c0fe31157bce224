#include "edgecache/step_outcome.h"

namespace edgecache {

const char* outcome_name(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kLocalHit:
      return "local-hit";
    case StepOutcome::kRemoteHit:
      return "remote-hit";
    case StepOutcome::kRan:
      return "ran";
    case StepOutcome::kUncached:
      return "uncached";
  }
  return "ran";
}

const char* outcome_words(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kLocalHit:
      return "local hit";
    case StepOutcome::kRemoteHit:
      return "remote hit";
    default:
      return outcome_name(outcome);
  }
}

std::optional<StepOutcome> parse_step_outcome(std::string_view name) {
  if (name == "stored") return StepOutcome::kRan;
  for (StepOutcome outcome : kStepOutcomes) {
    if (name == outcome_name(outcome)) return outcome;
  }
  return std::nullopt;
}

bool is_hit(StepOutcome outcome) {
  return outcome == StepOutcome::kLocalHit || outcome == StepOutcome::kRemoteHit;
}

StepOutcome hit_from(StoreTier tier) {
  return tier == StoreTier::kRemote ? StepOutcome::kRemoteHit : StepOutcome::kLocalHit;
}

}  // namespace edgecache
