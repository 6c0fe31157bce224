#include "edgecache/run_record.h"

#include <sys/stat.h>

#include <array>
#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>

#include "edgecache/file_io.h"

namespace edgecache {
namespace {

using Json = nlohmann::ordered_json;

std::string IsoTime(int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / 1000000000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

RunTotals CountTotals(const std::vector<EdgeRecord>& edges) {
  RunTotals totals;
  totals.edges = edges.size();
  for (const EdgeRecord& edge : edges) {
    totals.local_hits += edge.outcome == StepOutcome::kLocalHit;
    totals.remote_hits += edge.outcome == StepOutcome::kRemoteHit;
    totals.ran += edge.outcome == StepOutcome::kRan;
    totals.uncached += edge.outcome == StepOutcome::kUncached;
    totals.failed += !edge.success;
    totals.saved_ms += edge.saved_ms;
    totals.verified += !edge.verify.empty();
    totals.verify_mismatch += edge.verify == "mismatch";
  }
  return totals;
}

// The one list of the totals' field names, for writing and for reading;
// the first kRequiredTotals are in every version 1 record.
constexpr size_t kRequiredTotals = 7;
template <typename Totals>
auto TotalsFields(Totals& t) {
  return std::to_array<std::pair<const char*, decltype(&t.edges)>>(
      {{"edges", &t.edges},
       {"local_hits", &t.local_hits},
       {"remote_hits", &t.remote_hits},
       {"ran", &t.ran},
       {"uncached", &t.uncached},
       {"failed", &t.failed},
       {"saved_ms", &t.saved_ms},
       {"verified", &t.verified},
       {"verify_mismatch", &t.verify_mismatch}});
}

// Field readers: an error names the field, so a user can see what is wrong
// with a hand-edited or truncated record.
Status ReadNumber(const Json& object, const char* name, const std::string& where, uint64_t* out) {
  auto it = object.find(name);
  if (it == object.end()) return Error{where + "no \"" + name + "\""};
  if (!it->is_number_unsigned())
    return Error{where + "\"" + name + "\" not a non-negative integer"};
  *out = it->get<uint64_t>();
  return ok_status();
}

Status ReadString(const Json& object, const char* name, const std::string& where,
                  std::string* out) {
  auto it = object.find(name);
  if (it == object.end()) return Error{where + "no \"" + name + "\""};
  if (!it->is_string()) return Error{where + "\"" + name + "\" not a string"};
  *out = it->get<std::string>();
  return ok_status();
}

Status ReadOutcome(const Json& item, const std::string& where, StepOutcome* out) {
  std::string name;
  if (Status read = ReadString(item, "result", where, &name); !read) return read;
  std::optional<StepOutcome> outcome = parse_step_outcome(name);
  if (!outcome) return Error{where + "unknown result \"" + name + "\""};
  *out = *outcome;
  return ok_status();
}

Result<EdgeRecord> ReadEdge(const Json& item, size_t index) {
  const std::string where = "edge " + std::to_string(index) + ": ";
  if (!item.is_object()) return Error{where + "not an object"};
  EdgeRecord edge;
  for (auto [name, target] : {std::pair{"output", &edge.output},
                              {"rule", &edge.rule},
                              {"input_key", &edge.input_key},
                              {"detail", &edge.detail}}) {
    if (Status read = ReadString(item, name, where, target); !read) return Error{read.error()};
  }
  if (Status read = ReadOutcome(item, where, &edge.outcome); !read) return Error{read.error()};
  auto success = item.find("success");
  if (success == item.end() || !success->is_boolean())
    return Error{where + "no boolean \"success\""};
  edge.success = success->get<bool>();
  for (auto [name, target] :
       {std::pair{"duration_ms", &edge.duration_ms}, {"saved_ms", &edge.saved_ms}}) {
    if (Status read = ReadNumber(item, name, where, target); !read) return Error{read.error()};
  }
  // Optional: records written before the timeline have no start times,
  // those written before --verify no "verify", older ones no "reason".
  if (item.contains("start_ms")) {
    if (Status read = ReadNumber(item, "start_ms", where, &edge.start_ms); !read)
      return Error{read.error()};
  }
  for (auto [name, target] : {std::pair{"verify", &edge.verify}, {"reason", &edge.reason}}) {
    if (!item.contains(name)) continue;
    if (Status read = ReadString(item, name, where, target); !read) return Error{read.error()};
  }
  return edge;
}

Status ReadHeader(const Json& record, ParsedRunRecord* parsed) {
  if (!record.is_object()) return Error{"not a JSON object"};
  auto version = record.find("version");
  if (version == record.end() || !version->is_number_integer()) return Error{"no \"version\""};
  if (version->get<int64_t>() != 1)
    return Error{"version " + version->dump() + " (this edgecache reads version 1)"};
  for (auto [name, target] : {std::pair{"start", &parsed->start}, {"end", &parsed->end}}) {
    if (Status read = ReadString(record, name, "", target); !read) return read;
  }
  auto totals = record.find("totals");
  if (totals == record.end() || !totals->is_object()) return Error{"no \"totals\" object"};
  size_t index = 0;
  for (auto [name, target] : TotalsFields(parsed->totals)) {
    if (index++ >= kRequiredTotals && !totals->contains(name)) continue;
    if (Status read = ReadNumber(*totals, name, "totals: ", target); !read) return read;
  }
  return ok_status();
}

}  // namespace

Result<ParsedRunRecord> parse_run_record(const std::string& json_text) {
  const Json record = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded()) return Error{"not JSON"};
  ParsedRunRecord parsed;
  if (Status header = ReadHeader(record, &parsed); !header) return Error{header.error()};
  auto edges = record.find("edges");
  if (edges == record.end() || !edges->is_array()) return Error{"no \"edges\" array"};
  for (size_t i = 0; i < edges->size(); ++i) {
    auto edge = ReadEdge((*edges)[i], i);
    if (!edge) return Error{edge.error()};
    parsed.edges.push_back(std::move(*edge));
  }
  return parsed;
}

size_t RunRecord::add(EdgeRecord edge) {
  edges_.push_back(std::move(edge));
  return edges_.size() - 1;
}

std::string RunRecord::to_json(int64_t end_ns) const {
  Json edges = Json::array();
  for (const EdgeRecord& edge : edges_) {
    edges.push_back({{"output", edge.output},
                     {"rule", edge.rule},
                     {"input_key", edge.input_key},
                     {"result", outcome_name(edge.outcome)},
                     {"success", edge.success},
                     {"reason", edge.reason},
                     {"detail", edge.detail},
                     {"start_ms", edge.start_ms},
                     {"duration_ms", edge.duration_ms},
                     {"saved_ms", edge.saved_ms},
                     {"verify", edge.verify}});
  }
  RunTotals counted = CountTotals(edges_);
  Json totals = Json::object();
  for (auto [name, value] : TotalsFields(counted)) totals[name] = *value;
  Json record = {{"version", 1},
                 {"start", IsoTime(start_ns_)},
                 {"end", IsoTime(end_ns)},
                 {"totals", std::move(totals)},
                 {"edges", std::move(edges)}};
  // Edge outputs and commands' messages need not be UTF-8: replace, never throw.
  return record.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Status RunRecord::write(const std::string& path, int64_t end_ns) const {
  const size_t slash = path.find_last_of('/');
  if (slash != std::string::npos) ::mkdir(path.substr(0, slash).c_str(), 0777);
  return write_file_atomic(path, to_json(end_ns));
}

}  // namespace edgecache
