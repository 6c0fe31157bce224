#include "run_record.h"

#include <sys/stat.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "edgecache/file_io.h"

namespace edgecache::ninja {
namespace {

const char* OutcomeName(EdgeOutcome outcome) {
  switch (outcome) {
    case EdgeOutcome::kLocalHit: return "local-hit";
    case EdgeOutcome::kRemoteHit: return "remote-hit";
    case EdgeOutcome::kRan: return "ran";
    case EdgeOutcome::kUncached: return "uncached";
  }
  return "ran";
}

std::string IsoTime(int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / 1000000000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

nlohmann::ordered_json Totals(const std::vector<EdgeRecord>& edges) {
  int local = 0, remote = 0, ran = 0, uncached = 0, failed = 0;
  uint64_t saved_ms = 0;
  for (const EdgeRecord& edge : edges) {
    local += edge.outcome == EdgeOutcome::kLocalHit;
    remote += edge.outcome == EdgeOutcome::kRemoteHit;
    ran += edge.outcome == EdgeOutcome::kRan;
    uncached += edge.outcome == EdgeOutcome::kUncached;
    failed += !edge.success;
    saved_ms += edge.saved_ms;
  }
  return {{"edges", edges.size()}, {"local_hits", local}, {"remote_hits", remote}, {"ran", ran},
          {"uncached", uncached},  {"failed", failed},    {"saved_ms", saved_ms}};
}

}  // namespace

size_t RunRecord::Add(EdgeRecord edge) {
  edges_.push_back(std::move(edge));
  return edges_.size() - 1;
}

std::string RunRecord::ToJson(int64_t end_ns) const {
  nlohmann::ordered_json edges = nlohmann::ordered_json::array();
  for (const EdgeRecord& edge : edges_) {
    edges.push_back({{"output", edge.output},
                     {"rule", edge.rule},
                     {"input_key", edge.input_key},
                     {"result", OutcomeName(edge.outcome)},
                     {"success", edge.success},
                     {"detail", edge.detail},
                     {"start_ms", edge.start_ms},
                     {"duration_ms", edge.duration_ms},
                     {"saved_ms", edge.saved_ms}});
  }
  nlohmann::ordered_json record = {{"version", 1},
                           {"start", IsoTime(start_ns_)},
                           {"end", IsoTime(end_ns)},
                           {"totals", Totals(edges_)},
                           {"edges", std::move(edges)}};
  // Edge outputs and commands' messages need not be UTF-8: replace, never throw.
  return record.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Status RunRecord::Write(const std::string& path, int64_t end_ns) const {
  const size_t slash = path.find_last_of('/');
  if (slash != std::string::npos) ::mkdir(path.substr(0, slash).c_str(), 0777);
  return write_file_atomic(path, ToJson(end_ns));
}

}  // namespace edgecache::ninja
