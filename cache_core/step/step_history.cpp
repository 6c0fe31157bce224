#include "edgecache/step_history.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "edgecache/file_io.h"
#include "edgecache/hash.h"

namespace edgecache {
namespace {

constexpr size_t kMaxRuns = 8;

}  // namespace

const char* history_outcome_name(StepOutcome outcome) {
  return outcome == StepOutcome::kRan ? "stored" : outcome_name(outcome);
}

StepHistory::StepHistory(std::string cache_dir) : dir_(std::move(cache_dir) + "/history") {}

std::string StepHistory::file_for(const std::string& identity) const {
  std::string hex = hash_bytes(identity).hex();
  return dir_ + "/" + hex.substr(0, 2) + "/" + hex + ".json";
}

std::vector<StepRun> StepHistory::runs(const std::string& identity) const {
  std::vector<StepRun> runs;
  auto text = read_file(file_for(identity));
  if (!text) return runs;
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("runs") ||
      !json["runs"].is_array())
    return runs;
  auto text_of = [](const nlohmann::json& item, const char* name) {
    auto it = item.find(name);
    return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (const auto& item : json["runs"]) {
    if (!item.is_object()) continue;
    // A run whose outcome this edgecache cannot read says nothing it can use.
    std::optional<StepOutcome> outcome = parse_step_outcome(text_of(item, "outcome"));
    if (!outcome) continue;
    StepRun run;
    run.outcome = *outcome;
    run.input_key = text_of(item, "input");
    run.result_key = text_of(item, "result");
    auto time = item.find("time_ms");
    run.time_ms = time != item.end() && time->is_number_integer() ? time->get<int64_t>() : 0;
    run.build_dir = text_of(item, "build_dir");
    run.source_dir = text_of(item, "source_dir");
    run.base_dirs = text_of(item, "base_dirs");
    run.why = text_of(item, "why");
    runs.push_back(std::move(run));
  }
  return runs;
}

void StepHistory::record(const std::string& identity, const StepRun& run) const {
  std::vector<StepRun> runs = this->runs(identity);
  if (!runs.empty() && runs.front().input_key == run.input_key &&
      runs.front().result_key == run.result_key && runs.front().build_dir == run.build_dir &&
      (run.why.empty() || run.why == runs.front().why)) {
    return;  // nothing new: spare the write on the common warm hit
  }
  runs.insert(runs.begin(), run);
  if (runs.size() > kMaxRuns) runs.resize(kMaxRuns);
  nlohmann::json items = nlohmann::json::array();
  for (const StepRun& r : runs) {
    items.push_back({{"input", r.input_key},
                     {"result", r.result_key},
                     {"outcome", history_outcome_name(r.outcome)},
                     {"time_ms", r.time_ms},
                     {"build_dir", r.build_dir},
                     {"source_dir", r.source_dir},
                     {"base_dirs", r.base_dirs},
                     {"why", r.why}});
  }
  nlohmann::json json{{"identity", identity}, {"runs", std::move(items)}};
  (void)write_file_atomic(file_for(identity),
                          json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace edgecache
