#include "edgecache/step_history.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "edgecache/file_io.h"
#include "edgecache/hash.h"

namespace edgecache {
namespace {

constexpr size_t kMaxRuns = 8;

// The string fields of the newest run ("runs"[0]) of a history file, read
// without the rest of it: a warm build records a hit of every step, almost
// always the newest run again (nothing to write), and parsing whole files
// on Ninja's main thread was a few percent of a warm build's CPU. Stops at
// the end of that run; anything unexpected gives up (the caller parses the
// whole file then).
class NewestRunReader final : public nlohmann::json::json_sax_t {
 public:
  std::map<std::string, std::string> fields;
  bool complete = false;

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return false; }
  bool string(string_t& value) override {
    if (depth_ == 3 && in_runs_) fields[key_] = value;
    return scalar();
  }
  bool key(string_t& name) override {
    key_ = name;
    return true;
  }
  bool start_object(std::size_t) override {
    ++depth_;
    if (depth_ == 3 && !in_runs_) return false;  // an object where runs are not
    return depth_ <= 3;
  }
  bool end_object() override {
    if (depth_-- == 3) {
      complete = true;
      return false;  // the newest run is read: stop here
    }
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    in_runs_ = depth_ == 2 && key_ == "runs";
    return in_runs_;
  }
  bool end_array() override { return false; }  // "runs" with no run in it
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool scalar() { return depth_ >= 1; }
  int depth_ = 0;
  bool in_runs_ = false;
  std::string key_;
};

// The newest run's fields, when the file's start reads as one.
std::optional<std::map<std::string, std::string>> newest_run_fields(const std::string& text) {
  NewestRunReader reader;
  nlohmann::json::sax_parse(text, &reader);
  if (!reader.complete) return std::nullopt;
  return std::move(reader.fields);
}

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
  auto text = read_file(file_for(identity));
  return text ? runs_in(*text) : std::vector<StepRun>();
}

std::vector<StepRun> StepHistory::runs_in(const std::string& text) {
  std::vector<StepRun> runs;
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
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
  // Nothing new (the common warm hit): no write.
  auto same_as_newest = [&run](const std::string& input, const std::string& result,
                               const std::string& build_dir, const std::string& why) {
    return input == run.input_key && result == run.result_key && build_dir == run.build_dir &&
           (run.why.empty() || run.why == why);
  };
  auto text = read_file(file_for(identity));
  // The newest run alone first: most of the time no more of the file is read.
  if (text) {
    if (auto newest = newest_run_fields(*text);
        newest && parse_step_outcome((*newest)["outcome"]) &&
        same_as_newest((*newest)["input"], (*newest)["result"], (*newest)["build_dir"],
                       (*newest)["why"]))
      return;
  }
  std::vector<StepRun> runs = text ? runs_in(*text) : std::vector<StepRun>();
  if (!runs.empty() && same_as_newest(runs.front().input_key, runs.front().result_key,
                                      runs.front().build_dir, runs.front().why))
    return;  // when the quick read gave up
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
