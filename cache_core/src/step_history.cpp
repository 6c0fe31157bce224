#include "edgecache/step_history.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "edgecache/blob_envelope.h"
#include "edgecache/file_hasher.h"
#include "edgecache/file_io.h"
#include "edgecache/manifest.h"

namespace edgecache {
namespace {

constexpr size_t kMaxRuns = 8;

std::optional<CacheKey> parse_key(const std::string& text) {
  if (text.size() != 34 || text[1] != '-') return std::nullopt;
  auto digest = Hash128::from_hex(text.substr(2));
  if (!digest || (text[0] != 'm' && text[0] != 'r')) return std::nullopt;
  return CacheKey{static_cast<ObjectKind>(text[0]), *digest};
}

std::optional<Manifest> load_manifest(LocalStore& local, const std::string& key_text) {
  auto key = parse_key(key_text);
  std::string blob;
  if (!key || key->kind != ObjectKind::kManifest || !local.get(*key, &blob).ok()) return std::nullopt;
  auto payload = open_blob(ObjectKind::kManifest, blob);
  if (!payload) return std::nullopt;
  auto manifest = decode_manifest(*payload);
  if (!manifest) return std::nullopt;
  return std::move(*manifest);
}

const ManifestCandidate* candidate_for(const Manifest& manifest, const std::string& result_key) {
  auto key = parse_key(result_key);
  for (const ManifestCandidate& candidate : manifest.candidates) {
    if (key && candidate.result == key->digest) return &candidate;
  }
  return nullptr;
}

std::string short_fingerprint(const std::string& fingerprint) {
  return fingerprint.size() > 12 ? fingerprint.substr(0, 12) : fingerprint;
}

bool is_listing(const std::string& fingerprint) {
  return fingerprint.rfind(std::string(kListingPrefix), 0) == 0;
}

// Which discovered dependencies differ between two candidates.
std::vector<std::string> describe_dependency_changes(const ManifestCandidate& before,
                                                     const ManifestCandidate& after) {
  std::map<std::string, std::string> old_deps;
  for (const Dependency& dep : before.deps) old_deps[dep.path] = dep.fingerprint;
  std::vector<std::string> lines;
  for (const Dependency& dep : after.deps) {
    auto it = old_deps.find(dep.path);
    if (it == old_deps.end()) {
      lines.push_back("new dependency " + dep.path);
    } else if (it->second != dep.fingerprint && is_listing(dep.fingerprint) && is_listing(it->second)) {
      lines.push_back("searched directory " + dep.path + " has files added or removed");
    } else if (it->second != dep.fingerprint) {
      lines.push_back("dependency " + dep.path + " changed (" + short_fingerprint(it->second) +
                      " -> " + short_fingerprint(dep.fingerprint) + ")");
    }
    if (it != old_deps.end()) old_deps.erase(it);
  }
  for (auto& [path, fingerprint] : old_deps) lines.push_back("dependency " + path + " no longer used");
  return lines;
}

}  // namespace

StepHistory::StepHistory(std::string cache_dir) : dir_(std::move(cache_dir) + "/history") {}

std::string StepHistory::file_for(const std::string& normalized_output) const {
  std::string hex = hash_bytes(normalized_output).hex();
  return dir_ + "/" + hex.substr(0, 2) + "/" + hex + ".json";
}

std::vector<StepRun> StepHistory::runs(const std::string& normalized_output) const {
  std::vector<StepRun> runs;
  auto text = read_file(file_for(normalized_output));
  if (!text) return runs;
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("runs") || !json["runs"].is_array()) return runs;
  for (const auto& item : json["runs"]) {
    if (!item.is_object()) continue;
    StepRun run;
    run.input_key = item.value("input", "");
    run.result_key = item.value("result", "");
    run.outcome = item.value("outcome", "");
    run.time_ms = item.value("time_ms", int64_t{0});
    runs.push_back(std::move(run));
  }
  return runs;
}

void StepHistory::record(const std::string& normalized_output, const StepRun& run) const {
  std::vector<StepRun> runs = this->runs(normalized_output);
  if (!runs.empty() && runs.front().input_key == run.input_key && runs.front().result_key == run.result_key) {
    return;  // nothing new: spare the write on the common warm hit
  }
  runs.insert(runs.begin(), run);
  if (runs.size() > kMaxRuns) runs.resize(kMaxRuns);
  nlohmann::json items = nlohmann::json::array();
  for (const StepRun& r : runs) {
    items.push_back({{"input", r.input_key}, {"result", r.result_key}, {"outcome", r.outcome}, {"time_ms", r.time_ms}});
  }
  nlohmann::json json{{"output", normalized_output}, {"runs", std::move(items)}};
  (void)write_file_atomic(file_for(normalized_output), json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<std::vector<std::string>> explain_output(const std::string& output, LocalStore& local,
                                                const StepHistory& history, const PathNormalizer& paths) {
  std::string normalized = paths.normalize(absolute_path(output, current_directory()));
  std::vector<StepRun> runs = history.runs(normalized);
  if (runs.empty()) return Error{"the cache has no record of " + output + " (built without edgecache, or the cache was cleaned)"};
  const StepRun& latest = runs.front();
  std::vector<std::string> lines{"last run: " + latest.outcome + ", input key " + latest.input_key +
                                 ", result " + latest.result_key};
  auto earlier = std::find_if(runs.begin() + 1, runs.end(), [&](const StepRun& r) {
    return r.input_key != latest.input_key || r.result_key != latest.result_key;
  });
  if (earlier == runs.end()) {
    lines.push_back("no earlier run with another key: nothing changed since it was first stored");
    return lines;
  }
  lines.push_back("closest earlier run: " + earlier->outcome + ", input key " + earlier->input_key);
  auto now_manifest = load_manifest(local, latest.input_key);
  auto old_manifest = load_manifest(local, earlier->input_key);
  if (!now_manifest || !old_manifest) {
    lines.push_back("the manifests are no longer in the local cache: cannot compare fields");
    return lines;
  }
  std::vector<std::string> changes;
  if (latest.input_key != earlier->input_key) {
    changes = describe_recipe_changes(old_manifest->recipe, now_manifest->recipe);
  } else {
    const ManifestCandidate* now = candidate_for(*now_manifest, latest.result_key);
    const ManifestCandidate* old = candidate_for(*old_manifest, earlier->result_key);
    if (now && old) changes = describe_dependency_changes(*old, *now);
  }
  if (changes.empty()) changes.push_back("no field differs that the cache still records");
  for (std::string& change : changes) lines.push_back("  " + paths.restore(change));
  return lines;
}

}  // namespace edgecache
