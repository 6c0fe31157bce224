#include "edgecache/manifest.h"

#include <nlohmann/json.hpp>

namespace edgecache {

void Manifest::add_candidate(ManifestCandidate candidate, size_t max_candidates) {
  std::erase_if(candidates, [&](const ManifestCandidate& c) { return c.deps == candidate.deps; });
  candidates.insert(candidates.begin(), std::move(candidate));
  if (candidates.size() > max_candidates) candidates.resize(max_candidates);
}

std::string encode_manifest(const Manifest& manifest) {
  nlohmann::json candidates = nlohmann::json::array();
  for (const ManifestCandidate& candidate : manifest.candidates) {
    nlohmann::json deps = nlohmann::json::array();
    for (const Dependency& dep : candidate.deps) deps.push_back({dep.path, dep.fingerprint});
    candidates.push_back({{"result", candidate.result.hex()}, {"deps", std::move(deps)}});
  }
  nlohmann::json json{{"recipe", manifest.recipe.to_json()}, {"candidates", std::move(candidates)}};
  return json.dump();
}

namespace {

Result<ManifestCandidate> decode_candidate(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("result") || !json["result"].is_string() ||
      !json.contains("deps") || !json["deps"].is_array()) {
    return Error{"manifest candidate is malformed"};
  }
  auto result = Hash128::from_hex(json["result"].get<std::string>());
  if (!result) return Error{"manifest candidate has a bad result key"};
  ManifestCandidate candidate{{}, *result};
  for (const auto& dep : json["deps"]) {
    if (!dep.is_array() || dep.size() != 2 || !dep[0].is_string() || !dep[1].is_string()) {
      return Error{"manifest dependency is malformed"};
    }
    candidate.deps.push_back({dep[0].get<std::string>(), dep[1].get<std::string>()});
  }
  return candidate;
}

}  // namespace

Result<Manifest> decode_manifest(std::string_view payload) {
  nlohmann::json json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Error{"manifest is not a JSON object"};
  if (!json.contains("recipe") || !json.contains("candidates") || !json["candidates"].is_array()) {
    return Error{"manifest lacks recipe or candidates"};
  }
  Manifest manifest;
  auto recipe = KeyRecipe::from_json(json["recipe"]);
  if (!recipe) return Error{"manifest: " + recipe.error()};
  manifest.recipe = std::move(*recipe);
  for (const auto& item : json["candidates"]) {
    auto candidate = decode_candidate(item);
    if (!candidate) return Error{candidate.error()};
    manifest.candidates.push_back(std::move(*candidate));
  }
  return manifest;
}

}  // namespace edgecache
