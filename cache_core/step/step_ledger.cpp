#include "edgecache/step_ledger.h"

#include "edgecache/clock.h"

namespace edgecache {
namespace {

std::string joined(const std::vector<std::string>& dirs) {
  std::string out;
  for (const std::string& dir : dirs) out += (out.empty() ? "" : ":") + dir;
  return out;
}

}  // namespace

StepLedger::StepLedger(const std::string& cache_dir, const std::vector<std::string>& base_dirs,
                       Store& local)
    : cache_dir_(cache_dir), base_dirs_(joined(base_dirs)), local_(local) {}

std::string StepLedger::why_missed(const RunPlace& place, const LookupOutcome& lookup,
                                   const Step& step, const std::string& input_key,
                                   const RemoteUse& remote) const {
  RunPlace here = place;
  here.base_dirs = base_dirs_;
  const std::vector<StepRun> history = StepHistory(cache_dir_).runs(here.identity);
  return explain_miss(lookup, step.recipe, input_key, here, history, remote, local_);
}

void StepLedger::record(const RunPlace& place, const std::string& input_key,
                        const std::string& result_key, StepOutcome outcome,
                        const std::string& why) const {
  // Keyed by the step's identity (its first output relative to its build
  // tree), so `edgecache explain <output>` finds compiles and edges alike.
  StepHistory(cache_dir_)
      .record(place.identity, {input_key, result_key, outcome, now_ns() / 1000000, place.build_dir,
                               place.source_dir, base_dirs_, why});
}

void StepLedger::hit(const RunPlace& place, const std::string& input_key,
                     const std::string& result_key, StepOutcome outcome, uint64_t stored_ms,
                     bool verifying) {
  record(place, input_key, result_key, outcome, "");
  counters_[outcome == StepOutcome::kRemoteHit ? counter::kRemoteHit : counter::kLocalHit] += 1;
  if (!verifying) counters_[counter::kTimeSavedMs] += static_cast<int64_t>(stored_ms);
}

void StepLedger::missed(MissCause cause) {
  counters_[std::string("miss.") + miss_cause_name(cause)] += 1;
}

void StepLedger::stored(const RunPlace& place, const std::string& input_key,
                        const StoreOutcome& stored, const std::string& why) {
  if (stored.kind == StoreResultKind::kSkipped) return not_stored(stored.reason);
  counters_[counter::kMiss] += 1;
  record(place, input_key, stored.result_key.to_string(), StepOutcome::kRan, why);
}

void StepLedger::not_stored(const std::string& reason) {
  counters_[counter::kMiss] += 1;
  counters_["not-stored." + reason] += 1;
}

void StepLedger::uncached(const std::string& reason) {
  counters_[counter::kUncacheablePrefix + reason] += 1;
}

void StepLedger::uncached(const std::string& reason, const RunPlace& place,
                          const std::string& input_key, const std::string& result_key,
                          const std::string& why) {
  uncached(reason);
  record(place, input_key, result_key, StepOutcome::kUncached, why);
}

void StepLedger::failed() { counters_[counter::kFailedCommand] += 1; }

}  // namespace edgecache
